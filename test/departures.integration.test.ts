import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import {
  createSourceToken,
  DepartureIntake,
  grantVoluntaryDeparture,
  type Sender,
} from '../src/departures/index.js';
import { voluntaryDeparturesOf } from '../src/lifecycle/index.js';
import { ingestFile } from '../src/ingest/index.js';
import { buildTestApp, createTestAccount, signInAs } from './support/app.js';
import { admissionsCsv, buildAdmissionRow, tempDir, writeFile } from './support/factories.js';
import { ENGINES, openTestDatabase, type TestDatabase } from './support/test-db.js';

const departure = (o: Record<string, string> = {}) => ({
  record_id: 'EXIT-S-1',
  given_name: 'Amara',
  family_name: 'Okonkwo-Testperson',
  date_of_birth: '1988-04-12',
  passport_number: 'XT1234567',
  passport_country: 'NGA',
  departed_on: '2025-08-20',
  port_of_departure: 'JFK',
  ...o,
});

describe.each(ENGINES)('departures API on %s', (engine) => {
  let d: TestDatabase;
  let app: FastifyInstance;
  let token: string;
  let personId: string;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/departures',
      headers: { authorization: `Bearer ${token}`, ...headers },
      payload: body as Record<string, unknown>,
    });

  /** How many source records have ids starting with the prefix. */
  const storedCount = async (prefix: string) =>
    Number(
      (
        await d.db
          .selectFrom('source_records')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('source_record_id', 'like', `${prefix}%`)
          .executeTakeFirstOrThrow()
      ).n,
    );
  beforeAll(async () => {
    d = await openTestDatabase(engine);
    const file = writeFile(tempDir(), 'a.csv', admissionsCsv([buildAdmissionRow({ record_id: 'I94-S-1' })]));
    await ingestFile(d.db, { sourceCode: 'I94', filePath: file });
    personId =
      (await d.db.selectFrom('admissions').select('person_id').executeTakeFirstOrThrow()).person_id ?? '';
    await grantVoluntaryDeparture(d.db, {
      personId,
      grantedOn: '2025-07-01',
      departBy: '2025-08-30',
      grantedBy: 'ij-test',
    });
    token = await createSourceToken(d.db, 'EXIT', 'test manifests');
    await createTestAccount(d, 'olivia', 'officer');
    app = await buildTestApp(d);
  });
  afterAll(async () => {
    await app.close();
    await d.close();
  });

  it('refuses a request without a valid source token', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/departures', payload: departure() });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { id: 'invalid_token' } });
  });

  it('links a departure to its person and marks the voluntary departure grant complied with', async () => {
    const res = await post(departure(), { 'idempotency-key': 'k-1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      accepted: 1,
      inReview: 0,
      results: [{ status: 'linked', personId, rule: 'match' }],
    });
    const grants = await voluntaryDeparturesOf(d.db, personId);
    expect(grants[0]?.compliedOn).toBe('2025-08-20');
    const dep = await d.db
      .selectFrom('departures')
      .select(['person_id', 'resolved_at'])
      .executeTakeFirstOrThrow();
    expect(dep.person_id).toBe(personId);
    expect(dep.resolved_at).not.toBeNull();
  });

  it('answers a retry with the same key and body from the stored answer and stores nothing twice', async () => {
    const first = await post(departure(), { 'idempotency-key': 'k-1' });
    expect(first.json()).toMatchObject({ accepted: 1 });
    const count = await d.db
      .selectFrom('source_records')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const again = await post(departure());
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 1, results: [{ status: 'duplicate' }] });
    const after = await d.db
      .selectFrom('source_records')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(count.n);
  });

  it('refuses the same key with another body with 422', async () => {
    const res = await post(departure({ departed_on: '2025-08-21' }), { 'idempotency-key': 'k-1' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: { id: 'idempotency_conflict' } });
  });

  it('sends a departure no rule links to the review queue instead of guessing a person', async () => {
    const res = await post(
      departure({
        record_id: 'EXIT-S-2',
        given_name: 'Amara',
        family_name: 'Okonkwo-Testperson',
        date_of_birth: '1988-04-21',
        passport_number: '',
      }),
    );
    expect(res.json()).toMatchObject({ inReview: 1, results: [{ status: 'review' }] });
    const dep = await d.db
      .selectFrom('departures')
      .select('person_id')
      .where('source_record_id', '=', 'EXIT-S-2')
      .executeTakeFirstOrThrow();
    expect(dep.person_id).toBeNull();
    const officer = await signInAs(app, 'olivia');
    const reviews = await officer.get('/api/reviews');
    expect(
      reviews.json<{ reviews: { sourceRecordId: string }[] }>().reviews.map((r) => r.sourceRecordId),
    ).toEqual(['EXIT-S-2']);
  });

  it('takes an NDJSON batch and quarantines a bad line with its line number', async () => {
    const body = [
      JSON.stringify(departure({ record_id: 'EXIT-S-3', departed_on: '2025-09-01' })),
      '{broken',
      JSON.stringify(departure({ record_id: 'EXIT-S-4', departed_on: '2025-13-01' })),
    ].join('\n');
    const res = await app.inject({
      method: 'POST',
      url: '/api/departures',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    const json = res.json<{ results: { line: number; status: string }[] }>();
    expect(json.results.map((r) => [r.line, r.status])).toEqual([
      [1, 'linked'],
      [2, 'quarantined'],
      [3, 'quarantined'],
    ]);
  });

  it('records a self-reported departure as reported and unconfirmed, and audits who recorded it', async () => {
    const officer = await signInAs(app, 'olivia');
    const res = await officer.send('POST', '/api/departures/self-report', {
      given_name: 'Amara',
      family_name: 'Okonkwo-Testperson',
      date_of_birth: '1988-04-12',
      passport_number: 'XT1234567',
      passport_country: 'NGA',
      departed_on: '2025-08-19',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ results: [{ status: 'linked', personId }] });
    const self = await d.db
      .selectFrom('departures')
      .select(['self_reported'])
      .where('source_record_id', 'like', 'SELF-%')
      .execute();
    expect(self).toEqual([{ self_reported: true }]);
    const audit = await d.db
      .selectFrom('audit_log')
      .select('actor_username')
      .where('action', '=', 'departure.self_report')
      .execute();
    expect(audit).toEqual([{ actor_username: 'olivia' }]);
  });

  describe('group commit', () => {
    let intake: DepartureIntake;
    let sender: Sender;
    beforeAll(async () => {
      intake = new DepartureIntake(d.db);
      sender = await intake.authenticate(`Bearer ${token}`);
    });
    afterAll(async () => {
      await intake.close();
    });

    it('stores concurrent requests in one transaction, answering each with its own results and lines', async () => {
      const ndjson = [JSON.stringify(departure({ record_id: 'EXIT-G-2' })), '{broken'].join('\n');
      const [one, two, three] = await Promise.all([
        intake.receive(sender, departure({ record_id: 'EXIT-G-1' }), 'g-1'),
        intake.receive(sender, ndjson, 'g-2'),
        intake.receive(sender, departure({ record_id: 'EXIT-G-3' }), undefined),
      ]);
      expect(new Set([one.jobId, two.jobId, three.jobId]).size).toBe(1);
      expect(one.results).toMatchObject([{ line: 1, recordId: 'EXIT-G-1', status: 'linked', personId }]);
      // The broken line fails alone: the other records of the group are stored.
      expect(two.results.map((r) => [r.line, r.recordId, r.status])).toEqual([
        [1, 'EXIT-G-2', 'linked'],
        [2, null, 'quarantined'],
      ]);
      expect(three).toMatchObject({ accepted: 1, results: [{ line: 1, recordId: 'EXIT-G-3' }] });
      expect(await storedCount('EXIT-G-')).toBe(3);
    });

    it('answers a retry arriving while the first is in flight with the first answer, and another body with 422', async () => {
      const body = departure({ record_id: 'EXIT-R-1' });
      const [first, retry, other] = await Promise.allSettled([
        intake.receive(sender, body, 'r-1'),
        intake.receive(sender, body, 'r-1'),
        intake.receive(sender, departure({ record_id: 'EXIT-R-1', departed_on: '2025-08-22' }), 'r-1'),
      ]);
      expect(first.status).toBe('fulfilled');
      expect(retry).toEqual(first);
      expect(other).toMatchObject({ status: 'rejected', reason: { id: 'idempotency_conflict' } });
      expect(await storedCount('EXIT-R-')).toBe(1);
    });

    it('answers every request of a group whose transaction fails with the error, stores none, and takes the retries', async () => {
      // Fails the group's last write, after its records, links and lifecycle updates.
      await sql`CREATE FUNCTION fail_key() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.key = 'fail-me' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`.execute(
        d.db,
      );
      await sql`CREATE TRIGGER fail_key BEFORE INSERT ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION fail_key()`.execute(
        d.db,
      );
      const requests = [
        () => intake.receive(sender, departure({ record_id: 'EXIT-F-1' }), 'f-1'),
        () => intake.receive(sender, departure({ record_id: 'EXIT-F-2' }), 'fail-me'),
        () => intake.receive(sender, departure({ record_id: 'EXIT-F-3' }), undefined),
      ];
      const failed = await Promise.allSettled(requests.map((r) => r()));
      expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(await storedCount('EXIT-F-')).toBe(0);
      expect(
        await d.db
          .selectFrom('idempotency_keys')
          .select('key')
          .where('key', 'in', ['f-1', 'fail-me'])
          .execute(),
      ).toEqual([]);

      await sql`DROP TRIGGER fail_key ON idempotency_keys`.execute(d.db);
      await sql`DROP FUNCTION fail_key()`.execute(d.db);
      const retried = await Promise.all(requests.map((r) => r()));
      expect(retried.map((r) => r.results[0]?.status)).toEqual(['linked', 'linked', 'linked']);
      expect(await storedCount('EXIT-F-')).toBe(3);
    });
  });

  it('refuses departures sent with a token revoked after its first use, and stores nothing', async () => {
    const revocable = await createSourceToken(d.db, 'EXIT', 'revoked later');
    const send = (recordId: string) =>
      app.inject({
        method: 'POST',
        url: '/api/departures',
        headers: { authorization: `Bearer ${revocable}` },
        payload: departure({ record_id: recordId }),
      });
    expect((await send('EXIT-T-1')).statusCode).toBe(200);
    await d.db
      .updateTable('source_tokens')
      .set({ revoked_at: new Date() })
      .where('label', '=', 'revoked later')
      .execute();
    const refused = await send('EXIT-T-2');
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: { id: 'invalid_token' } });
    expect(await storedCount('EXIT-T-')).toBe(1);
    expect((await send('EXIT-T-3')).statusCode).toBe(401);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createSourceToken } from '../src/departures/index.js';
import { ingestFile } from '../src/ingest/index.js';
import { buildTestApp, createTestAccount, signInAs, type Client } from './support/app.js';
import { admissionsCsv, buildAdmissionRow, tempDir, writeFile } from './support/factories.js';
import { ENGINES, openTestDatabase, type TestDatabase, type TestEngine } from './support/test-db.js';

const PURPOSE = { purposeKind: 'case', purpose: 'EOIR-2026-0042' };

/** A database holding these admissions, a supervisor and an officer signed in, and an exit token. */
async function setUp(engine: TestEngine, rows: ReturnType<typeof buildAdmissionRow>[]) {
  const d = await openTestDatabase(engine);
  const file = writeFile(tempDir(), 'a.csv', admissionsCsv(rows));
  await ingestFile(d.db, { sourceCode: 'I94', filePath: file });
  await createTestAccount(d, 'sam', 'supervisor');
  await createTestAccount(d, 'olivia', 'officer');
  const app = await buildTestApp(d);
  return {
    d,
    app,
    supervisor: await signInAs(app, 'sam'),
    officer: await signInAs(app, 'olivia'),
    token: await createSourceToken(d.db, 'EXIT', 'test manifests'),
  };
}

describe.each(ENGINES)('voluntary departure grants on %s', (engine) => {
  let d: TestDatabase;
  let app: FastifyInstance;
  let supervisor: Client;
  let officer: Client;
  let personId: string;
  const grantUrl = () => `/api/people/${personId}/voluntary-departures`;
  const grant = (client: Client, body: Record<string, unknown>) =>
    client.send('POST', grantUrl(), { grantedBy: 'IJ Testjudge, Baltimore', ...PURPOSE, ...body });
  const grantsOnTimeline = async () =>
    (await officer.get(`/api/people/${personId}/timeline?purposeKind=case&purpose=EOIR-2026-0042`)).json<{
      voluntaryDepartures: { grantedOn: string; compliedOn: string | null }[];
    }>().voluntaryDepartures;
  let token: string;
  /** A departure of the test person, from an exit manifest. */
  const depart = (recordId: string, departedOn: string) => {
    const row = buildAdmissionRow();
    return app.inject({
      method: 'POST',
      url: '/api/departures',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        record_id: recordId,
        given_name: row.given_name,
        family_name: row.family_name,
        date_of_birth: row.date_of_birth,
        passport_number: row.passport_number,
        passport_country: row.passport_country,
        departed_on: departedOn,
      },
    });
  };
  const storedGrants = async () =>
    (await d.db.selectFrom('voluntary_departures').select('id').execute()).length;

  beforeAll(async () => {
    ({ d, app, supervisor, officer, token } = await setUp(engine, [
      buildAdmissionRow({ record_id: 'I94-V-1' }),
    ]));
    personId =
      (await d.db.selectFrom('admissions').select('person_id').executeTakeFirstOrThrow()).person_id ?? '';
    // One departure on record before any grant.
    const res = await depart('EXIT-V-1', '2025-08-20');
    expect(res.json()).toMatchObject({ results: [{ status: 'linked', personId }] });
  });
  afterAll(async () => {
    await app.close();
    await d.close();
  });

  it('lets a supervisor record a pending grant with a purpose, audited, and lists it on the timeline', async () => {
    const res = await grant(supervisor, { grantedOn: '2026-11-01', departBy: '2026-12-31' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      grant: { grantedOn: '2026-11-01', departBy: '2026-12-31', grantedBy: 'IJ Testjudge, Baltimore' },
    });
    expect(res.json<{ grant: { compliedOn: unknown } }>().grant.compliedOn).toBeNull();
    const audit = await d.db
      .selectFrom('audit_log')
      .select(['actor_username', 'object_id', 'purpose', 'outcome'])
      .where('action', '=', 'voluntary_departure.grant')
      .execute();
    expect(audit).toEqual([
      { actor_username: 'sam', object_id: personId, purpose: 'EOIR-2026-0042', outcome: 'success' },
    ]);
    expect(await grantsOnTimeline()).toContainEqual(
      expect.objectContaining({ grantedOn: '2026-11-01', compliedOn: null }),
    );
  });

  it('marks a grant complied with at once when the person already departed within its dates', async () => {
    const res = await grant(supervisor, { grantedOn: '2025-08-01', departBy: '2025-08-31' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ grant: { compliedOn: '2025-08-20' } });
  });

  it('leaves a grant uncomplied when the only departure came before it was granted', async () => {
    const res = await grant(supervisor, { grantedOn: '2025-09-01', departBy: '2025-10-31' });
    expect(res.json()).toMatchObject({ grant: { compliedOn: null } });
  });

  it('marks a pending grant complied with when a departure within its dates arrives', async () => {
    expect((await depart('EXIT-V-2', '2026-11-20')).statusCode).toBe(200);
    expect(await grantsOnTimeline()).toContainEqual(
      expect.objectContaining({ grantedOn: '2026-11-01', compliedOn: '2026-11-20' }),
    );
  });

  it('refuses a depart-by date before the grant date and stores nothing', async () => {
    const before = await storedGrants();
    const res = await grant(supervisor, { grantedOn: '2026-11-10', departBy: '2026-11-09' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { id: 'invalid_request' } });
    expect(await storedGrants()).toBe(before);
  });

  it('refuses a date that is not a calendar date', async () => {
    const res = await grant(supervisor, { grantedOn: '2026-02-30', departBy: '2026-03-31' });
    expect(res.statusCode).toBe(400);
  });

  it('requires a declared purpose and audits the refusal', async () => {
    const res = await grant(supervisor, {
      grantedOn: '2026-11-01',
      departBy: '2026-12-31',
      purposeKind: undefined,
      purpose: undefined,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { id: 'purpose_required' } });
  });

  it('does not let an officer record a grant, and audits the refusal', async () => {
    const before = await storedGrants();
    const res = await grant(officer, { grantedOn: '2026-11-01', departBy: '2026-12-31' });
    expect(res.statusCode).toBe(403);
    expect(await storedGrants()).toBe(before);
    const denied = await d.db
      .selectFrom('audit_log')
      .select(['actor_username', 'outcome'])
      .where('action', '=', 'voluntary_departure.grant')
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied).toContainEqual({ actor_username: 'olivia', outcome: 'denied' });
  });

  it('answers 404 for a person that does not exist', async () => {
    const res = await supervisor.send('POST', '/api/people/999999/voluntary-departures', {
      grantedOn: '2026-11-01',
      departBy: '2026-12-31',
      grantedBy: 'IJ Testjudge',
      ...PURPOSE,
    });
    expect(res.statusCode).toBe(404);
  });

  it('refuses a grant on a person merged into another (409) and stores nothing', async () => {
    const file = writeFile(
      tempDir(),
      'b.csv',
      admissionsCsv([
        buildAdmissionRow({
          record_id: 'I94-V-2',
          given_name: 'Quentin',
          family_name: 'Mergedaway-Testcase',
          passport_number: 'XV9000002',
          date_of_birth: '1970-02-03',
        }),
      ]),
    );
    await ingestFile(d.db, { sourceCode: 'I94', filePath: file });
    const other = await d.db
      .selectFrom('admissions')
      .select('person_id')
      .where('source_record_id', '=', 'I94-V-2')
      .executeTakeFirstOrThrow();
    const otherId = other.person_id ?? '';
    expect(otherId).not.toBe(personId);
    const merged = await supervisor.send('POST', `/api/people/${otherId}/merge`, {
      intoPersonId: personId,
      reason: 'same traveller, confirmed from the passport scan',
    });
    expect(merged.statusCode).toBe(200);
    const before = await storedGrants();
    const res = await supervisor.send('POST', `/api/people/${otherId}/voluntary-departures`, {
      grantedOn: '2026-11-01',
      departBy: '2026-12-31',
      grantedBy: 'IJ Testjudge',
      ...PURPOSE,
    });
    expect(res.statusCode).toBe(409);
    const body = res.json<{ error: { id: string; message: string } }>();
    expect(body.error.id).toBe('conflict');
    expect(body.error.message).toContain(`merged into person ${personId}`);
    expect(await storedGrants()).toBe(before);
  });
});

describe.each(ENGINES)(
  'voluntary departure compliance by self-reported and confirmed departures on %s',
  (engine) => {
    let d: TestDatabase;
    let app: FastifyInstance;
    let supervisor: Client;
    let officer: Client;
    let token: string;
    const traveller = buildAdmissionRow({ record_id: 'I94-VS-1', passport_number: 'XS0000001' });
    const other = buildAdmissionRow({
      record_id: 'I94-VS-2',
      given_name: 'Marguerite',
      family_name: 'Selfreport-Othercase',
      date_of_birth: '1981-07-09',
      passport_number: 'XS0000002',
    });
    const personOf = async (recordId: string) =>
      (
        await d.db
          .selectFrom('admissions')
          .select('person_id')
          .where('source_record_id', '=', recordId)
          .executeTakeFirstOrThrow()
      ).person_id ?? '';
    const identity = {
      given_name: traveller.given_name,
      family_name: traveller.family_name,
      date_of_birth: traveller.date_of_birth,
      passport_number: traveller.passport_number,
      passport_country: traveller.passport_country,
    };
    const selfReport = async (departedOn: string) => {
      const res = await officer.send('POST', '/api/departures/self-report', {
        ...identity,
        departed_on: departedOn,
      });
      expect(res.json()).toMatchObject({ results: [{ status: 'linked' }] });
    };
    const exitRecord = async (recordId: string, departedOn: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/departures',
        headers: { authorization: `Bearer ${token}` },
        payload: { record_id: recordId, ...identity, departed_on: departedOn },
      });
      expect(res.json()).toMatchObject({ results: [{ status: 'linked' }] });
    };
    const grantsOf = async (personId: string) =>
      (await officer.get(`/api/people/${personId}/timeline?purposeKind=case&purpose=EOIR-2026-0042`)).json<{
        voluntaryDepartures: {
          grantedOn: string;
          departBy: string;
          compliedOn: string | null;
          compliedSelfReported: boolean | null;
        }[];
      }>().voluntaryDepartures;
    const expectOnlyGrant = async (
      personId: string,
      grantedOn: string,
      compliedOn: string,
      compliedSelfReported: boolean,
    ) => {
      expect(await grantsOf(personId)).toEqual([
        expect.objectContaining({ grantedOn, compliedOn, compliedSelfReported }),
      ]);
    };
    const grant = (personId: string, grantedOn: string, departBy: string) =>
      supervisor.send('POST', `/api/people/${personId}/voluntary-departures`, {
        grantedOn,
        departBy,
        grantedBy: 'IJ Testjudge, Baltimore',
        ...PURPOSE,
      });

    beforeAll(async () => {
      ({ d, app, supervisor, officer, token } = await setUp(engine, [traveller, other]));
    });
    afterAll(async () => {
      await app.close();
      await d.close();
    });

    it('shows a self-reported departure as unconfirmed, and a later exit record confirms the grant', async () => {
      const p = await personOf('I94-VS-1');
      expect((await grant(p, '2026-10-01', '2026-12-31')).statusCode).toBe(201);
      await selfReport('2026-11-10');
      await expectOnlyGrant(p, '2026-10-01', '2026-11-10', true);
      // The carrier's record, two days later, outweighs the earlier self-report.
      await exitRecord('EXIT-VS-1', '2026-11-12');
      await expectOnlyGrant(p, '2026-10-01', '2026-11-12', false);
      // An earlier self-report arriving afterwards does not displace the confirmed departure.
      await selfReport('2026-11-05');
      await expectOnlyGrant(p, '2026-10-01', '2026-11-12', false);
    });

    it('gives a new grant the confirmed departure within its dates even when a self-report is earlier', async () => {
      const p = await personOf('I94-VS-1');
      const res = await grant(p, '2026-11-01', '2026-11-30');
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ grant: { compliedOn: '2026-11-12', compliedSelfReported: false } });
    });

    it('decides grants again when a merge brings departures in, and when the merge is undone', async () => {
      const p = await personOf('I94-VS-1');
      const q = await personOf('I94-VS-2');
      expect(q).not.toBe(p);
      expect((await grant(q, '2026-11-02', '2026-12-15')).statusCode).toBe(201);
      expect(await grantsOf(q)).toEqual([
        expect.objectContaining({ compliedOn: null, compliedSelfReported: null }),
      ]);
      const merged = await supervisor.send('POST', `/api/people/${q}/merge`, {
        intoPersonId: p,
        reason: 'same traveller, confirmed from the passport scan',
      });
      expect(merged.statusCode).toBe(200);
      expect(await grantsOf(p)).toContainEqual(
        expect.objectContaining({
          grantedOn: '2026-11-02',
          compliedOn: '2026-11-12',
          compliedSelfReported: false,
        }),
      );
      const eventId = merged.json<{ event: { id: string } }>().event.id;
      const undone = await supervisor.send('POST', `/api/identity-events/${eventId}/undo`, {
        reason: 'two people after all: the passport scan was of the wrong page',
      });
      expect(undone.statusCode).toBe(200);
      expect(await grantsOf(q)).toEqual([
        expect.objectContaining({ grantedOn: '2026-11-02', compliedOn: null, compliedSelfReported: null }),
      ]);
    });
  },
);

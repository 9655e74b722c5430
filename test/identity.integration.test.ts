import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createSourceToken, grantVoluntaryDeparture } from '../src/departures/index.js';
import { ingestFile } from '../src/ingest/index.js';
import { voluntaryDeparturesOf } from '../src/lifecycle/index.js';
import { refineWithNewLabels } from '../src/people/index.js';
import { buildTestApp, createTestAccount, signInAs, type Client } from './support/app.js';
import { admissionsCsv, buildAdmissionRow, tempDir, writeFile } from './support/factories.js';
import { ENGINES, openTestDatabase, type TestDatabase } from './support/test-db.js';

interface ReviewSummary {
  id: string;
  kind: string;
  status: string;
  sourceRecordId: string;
  recordPersonId: string | null;
  notSureCount: number;
}

describe.each(ENGINES)('review queue, merges and splits on %s', (engine) => {
  let d: TestDatabase;
  let app: FastifyInstance;
  let officer: Client;
  let supervisor: Client;
  let token: string;
  const personOf = async (recordId: string) =>
    (
      await d.db
        .selectFrom('record_identities')
        .select('person_id')
        .where('source_record_id', '=', recordId)
        .executeTakeFirstOrThrow()
    ).person_id;
  const pending = async () =>
    (await officer.get('/api/reviews')).json<{ reviews: ReviewSummary[] }>().reviews;
  const reviewFor = async (recordId: string) => {
    const r = (await pending()).find((x) => x.sourceRecordId === recordId);
    if (!r) throw new Error(`no pending review for ${recordId}`);
    return r;
  };

  beforeAll(async () => {
    d = await openTestDatabase(engine);
    const rows = [
      buildAdmissionRow({ record_id: 'I94-R-1', a_number: '099000001', passport_number: 'XR0000001' }),
      // The same traveller again, same passport: linked by the engine.
      buildAdmissionRow({
        record_id: 'I94-R-3',
        admission_number: '99000000003',
        passport_number: 'XR0000001',
        admitted_on: '2025-09-01',
        admit_until: '2026-02-28',
      }),
      // Same A-number, other name and passport: one record is wrong; a person must decide.
      buildAdmissionRow({
        record_id: 'I94-R-2',
        given_name: 'Other',
        family_name: 'Person',
        passport_number: 'XR0000002',
        a_number: '099000001',
      }),
      // Someone else with another A-number.
      buildAdmissionRow({
        record_id: 'I94-R-4',
        given_name: 'Bilal',
        family_name: 'Haddad',
        date_of_birth: '1975-02-03',
        passport_number: 'XR0000004',
        country_of_citizenship: 'LBN',
        passport_country: 'LBN',
        a_number: '099000009',
      }),
    ];
    await ingestFile(d.db, {
      sourceCode: 'I94',
      filePath: writeFile(tempDir(), 'r.csv', admissionsCsv(rows)),
    });
    token = await createSourceToken(d.db, 'EXIT', 'test manifests');
    await createTestAccount(d, 'olivia', 'officer');
    await createTestAccount(d, 'sam', 'supervisor');
    app = await buildTestApp(d);
    officer = await signInAs(app, 'olivia');
    supervisor = await signInAs(app, 'sam');
  });
  afterAll(async () => {
    await app.close();
    await d.close();
  });

  it('links records of one traveller and keeps the evidence; a shared A-number with another name waits for review', async () => {
    expect(await personOf('I94-R-3')).toBe(await personOf('I94-R-1'));
    const r2 = await personOf('I94-R-2');
    expect(r2).not.toBe(await personOf('I94-R-1'));
    const review = await reviewFor('I94-R-2');
    expect(review).toMatchObject({ kind: 'possible_match', recordPersonId: r2 });
  });

  it('shows a review side by side with field-by-field evidence and audits the read', async () => {
    const review = await reviewFor('I94-R-2');
    const res = await officer.get(`/api/reviews/${review.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      review: {
        record: { givenName: string; aNumber: string };
        candidates: {
          currentPersonId: string;
          record: { givenName: string };
          evidence: { fields: { field: string; level: string; weight: number }[] };
        }[];
      };
      audit: { seq: string };
    }>();
    expect(body.review.record).toMatchObject({ givenName: 'Other', aNumber: '099000001' });
    const candidate = body.review.candidates[0]!;
    expect(candidate.currentPersonId).toBe(await personOf('I94-R-1'));
    expect(candidate.record.givenName).toBe('Amara');
    const aNumber = candidate.evidence.fields.find((f) => f.field === 'a_number');
    expect(aNumber).toMatchObject({ level: 'exact' });
    expect(aNumber!.weight).toBeGreaterThan(0);
    const given = candidate.evidence.fields.find((f) => f.field === 'given_name');
    expect(given!.weight).toBeLessThan(0);
    const audit = await d.db
      .selectFrom('audit_log')
      .select(['action', 'object_id', 'actor_username'])
      .where('seq', '=', body.audit.seq)
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: 'review.view', object_id: review.id, actor_username: 'olivia' });
  });

  it('asks for a note when the reviewer is not sure, and keeps the review open', async () => {
    const review = await reviewFor('I94-R-2');
    const bare = await officer.send('POST', `/api/reviews/${review.id}/decision`, { decision: 'not_sure' });
    expect(bare.statusCode).toBe(400);
    const res = await officer.send('POST', `/api/reviews/${review.id}/decision`, {
      decision: 'not_sure',
      note: 'A-number typo? Need the original I-94 scan.',
    });
    expect(res.statusCode).toBe(200);
    expect((await reviewFor('I94-R-2')).notSureCount).toBe(1);
  });

  it('merges on confirm, as an event a supervisor can undo; the labels are kept for the model', async () => {
    const review = await reviewFor('I94-R-2');
    const main = (await personOf('I94-R-1'))!;
    const own = (await personOf('I94-R-2'))!;
    const res = await officer.send('POST', `/api/reviews/${review.id}/decision`, {
      decision: 'confirm',
      personId: main,
      note: 'Same traveller; the name on I94-R-2 was keyed from another form.',
    });
    expect(res.statusCode).toBe(200);
    const decided = res.json<{ review: { status: string }; identityEvent: string }>();
    expect(decided.review.status).toBe('merged');
    expect(await personOf('I94-R-2')).toBe(main);
    const merged = await d.db
      .selectFrom('people')
      .select('merged_into')
      .where('id', '=', own)
      .executeTakeFirstOrThrow();
    expect(merged.merged_into).toBe(main);
    const labels = await d.db
      .selectFrom('match_labels')
      .select(['is_match'])
      .where('review_id', '=', review.id)
      .execute();
    expect(labels.map((l) => l.is_match)).toContain(true);
    // Decided once: a second decision is a conflict.
    const again = await officer.send('POST', `/api/reviews/${review.id}/decision`, { decision: 'reject' });
    expect(again.statusCode).toBe(409);

    // An officer may not undo; a supervisor may, and exactly that record goes back.
    const undoPath = `/api/identity-events/${decided.identityEvent}/undo`;
    expect((await officer.send('POST', undoPath, { reason: 'merged by mistake, see note' })).statusCode).toBe(
      403,
    );
    const undo = await supervisor.send('POST', undoPath, { reason: 'merged by mistake, see note' });
    expect(undo.statusCode).toBe(200);
    expect(undo.json<{ event: { kind: string; undoes: string } }>().event).toMatchObject({
      kind: 'undo_merge',
      undoes: decided.identityEvent,
    });
    expect(await personOf('I94-R-2')).toBe(own);
    expect(await personOf('I94-R-1')).toBe(main);
    // The review that made the merge waits again, its labels withdrawn.
    const reopened = await d.db
      .selectFrom('match_reviews')
      .select(['status', 'decision_note'])
      .where('id', '=', review.id)
      .executeTakeFirstOrThrow();
    expect(reopened.status).toBe('pending');
    expect(reopened.decision_note).toMatch(/^merge undone by sam/);
    const withdrawn = await d.db
      .selectFrom('match_labels')
      .select('id')
      .where('review_id', '=', review.id)
      .execute();
    expect(withdrawn).toEqual([]);
    const history = await d.db
      .selectFrom('person_links')
      .select(['person_id', 'rule', 'unlinked_at'])
      .where('source_record_id', '=', 'I94-R-2')
      .orderBy('id')
      .execute();
    expect(history.map((h) => [h.person_id, h.rule, h.unlinked_at === null])).toEqual([
      [own, 'new_person_pending_review', false],
      [main, 'merge', false],
      [own, 'undo_merge', true],
    ]);
    const twice = await supervisor.send('POST', undoPath, { reason: 'merged by mistake, see note' });
    expect(twice.statusCode).toBe(409);
    const bare = await officer.get(`/api/people/${own}/identity-events`);
    expect(bare.statusCode).toBe(400);
    const events = await officer.get(
      `/api/people/${own}/identity-events?purposeKind=reason&purpose=${encodeURIComponent('checking an undone merge')}`,
    );
    expect(events.json<{ events: { kind: string }[] }>().events.map((e) => e.kind)).toEqual([
      'undo_merge',
      'merge',
    ]);
  });

  it('never merges two people with different A-numbers', async () => {
    const res = await supervisor.send('POST', `/api/people/${await personOf('I94-R-4')}/merge`, {
      intoPersonId: await personOf('I94-R-1'),
      reason: 'looks like the same person to me',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/two A-numbers are two people/);
  });

  it('splits records onto a new person and undoes the split', async () => {
    const main = (await personOf('I94-R-1'))!;
    const sourceId = (
      await d.db.selectFrom('source_systems').select('id').where('code', '=', 'I94').executeTakeFirstOrThrow()
    ).id;
    const res = await supervisor.send('POST', `/api/people/${main}/split`, {
      records: [{ sourceId, sourceRecordId: 'I94-R-3' }],
      reason: 'second admission belongs to a namesake',
    });
    expect(res.statusCode).toBe(200);
    const split = res.json<{ event: { id: string; toPersonId: string } }>().event;
    expect(await personOf('I94-R-3')).toBe(split.toPersonId);
    expect(await personOf('I94-R-1')).toBe(main);
    const adm = await d.db
      .selectFrom('admissions')
      .select('person_id')
      .where('source_record_id', '=', 'I94-R-3')
      .executeTakeFirstOrThrow();
    expect(adm.person_id).toBe(split.toPersonId);
    const all = await supervisor.send('POST', `/api/people/${main}/split`, {
      records: [{ sourceId, sourceRecordId: 'I94-R-1' }],
      reason: 'would leave the person empty',
    });
    expect(all.statusCode).toBe(400);
    const undo = await supervisor.send('POST', `/api/identity-events/${split.id}/undo`, {
      reason: 'the namesake theory was wrong',
    });
    expect(undo.statusCode).toBe(200);
    expect(await personOf('I94-R-3')).toBe(main);
  });

  it('links a departure decided in review, and the matcher then knows that record', async () => {
    const post = (body: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/api/departures',
        headers: { authorization: `Bearer ${token}` },
        payload: body,
      });
    const departure = {
      given_name: 'Amara',
      family_name: 'Okonkwo-Testperson',
      date_of_birth: '1988-04-21',
      departed_on: '2025-08-20',
    };
    const first = await post({ ...departure, record_id: 'EXIT-R-1' });
    expect(first.json<{ results: { status: string }[] }>().results[0]!.status).toBe('review');
    expect(await personOf('EXIT-R-1')).toBeNull();
    const review = await reviewFor('EXIT-R-1');
    expect(review.kind).toBe('unlinked');
    const main = (await personOf('I94-R-1'))!;
    const grant = await grantVoluntaryDeparture(d.db, {
      personId: main,
      grantedOn: '2025-08-01',
      departBy: '2025-08-31',
      grantedBy: 'IJ Testjudge',
    });
    expect(grant?.compliedOn).toBeNull();
    const res = await officer.send('POST', `/api/reviews/${review.id}/decision`, {
      decision: 'confirm',
      personId: main,
      note: 'Birth day and month swapped on the manifest.',
    });
    expect(res.statusCode).toBe(200);
    expect(await personOf('EXIT-R-1')).toBe(main);
    // The departure linked in review complies with the grant.
    expect(await voluntaryDeparturesOf(d.db, main)).toEqual([
      expect.objectContaining({
        grantedOn: '2025-08-01',
        compliedOn: '2025-08-20',
        compliedSelfReported: false,
      }),
    ]);
    const dep = await d.db
      .selectFrom('departures')
      .select('person_id')
      .where('source_record_id', '=', 'EXIT-R-1')
      .executeTakeFirstOrThrow();
    expect(dep.person_id).toBe(main);
    const docs = await d.db
      .selectFrom('identity_documents')
      .select('person_id')
      .where('person_id', '=', main)
      .execute();
    expect(docs.length).toBeGreaterThan(0);
    // The same manifest identity again: the index now holds EXIT-R-1 on that person, so it is
    // the best candidate (whether it links outright depends on the person's other records too).
    const second = await post({ ...departure, record_id: 'EXIT-R-2', departed_on: '2025-12-01' });
    const result = second.json<{ results: { status: string; personId?: string }[] }>().results[0]!;
    if (result.status === 'linked') {
      expect(result.personId).toBe(main);
    } else {
      const detail = await officer.get(`/api/reviews/${(await reviewFor('EXIT-R-2')).id}`);
      const best = detail.json<{ review: { candidates: { recordKey: string; currentPersonId: string }[] } }>()
        .review.candidates[0];
      expect(best).toEqual(expect.objectContaining({ recordKey: 'EXIT:EXIT-R-1', currentPersonId: main }));
    }
  });

  it('makes a rejected unlinked record a person of its own', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/departures',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        record_id: 'EXIT-R-9',
        given_name: 'Amara',
        family_name: 'Okonkwo',
        date_of_birth: '1962-01-01',
        departed_on: '2025-08-20',
      },
    });
    expect(res.statusCode).toBe(200);
    // A departure is never guessed onto someone: it waits in review even with no candidate.
    const review = await reviewFor('EXIT-R-9');
    const decided = await officer.send('POST', `/api/reviews/${review.id}/decision`, {
      decision: 'reject',
      note: 'different birth year',
    });
    expect(decided.json<{ review: { status: string; decidedPersonId: string } }>().review.status).toBe(
      'new_person',
    );
    const person = await personOf('EXIT-R-9');
    expect(person).not.toBeNull();
    expect(person).not.toBe(await personOf('I94-R-1'));
  });

  it('refines the active model once enough decisions are labelled', async () => {
    const before = await d.db
      .selectFrom('match_models')
      .select(['id', 'labels'])
      .where('active', '=', true)
      .executeTakeFirstOrThrow();
    const review = await d.db.selectFrom('match_reviews').select('id').executeTakeFirstOrThrow();
    const existing = await d.db.selectFrom('match_labels').select('pattern').execute();
    const pattern = existing[0]!.pattern;
    await d.db
      .insertInto('match_labels')
      .values(
        Array.from({ length: 10 }, (_, i) => ({
          review_id: review.id,
          pattern,
          is_match: i % 2 === 0,
          decided_by: 'test',
        })),
      )
      .execute();
    const id = await d.db.transaction().execute((tx) => refineWithNewLabels(tx, 'test'));
    expect(id).not.toBeNull();
    const after = await d.db
      .selectFrom('match_models')
      .select(['id', 'kind', 'labels'])
      .where('active', '=', true)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({ id, kind: 'refined' });
    expect(after.labels).toBeGreaterThan(before.labels);
  });
});

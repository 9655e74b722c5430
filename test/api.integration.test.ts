import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ingestFile } from '../src/ingest/index.js';
import { buildTestApp, createTestAccount, signInAs, TEST_PASSWORD, type Client } from './support/app.js';
import { admissionsCsv, buildAdmissionRow, tempDir, writeFile } from './support/factories.js';
import { ENGINES, openTestDatabase, type TestDatabase } from './support/test-db.js';

const PURPOSE = 'purposeKind=case&purpose=CASE-2026-0042';

describe.each(ENGINES)('API on %s', (engine) => {
  let d: TestDatabase;
  let app: FastifyInstance;
  let officer: Client;
  let personId: string;

  beforeAll(async () => {
    d = await openTestDatabase(engine);
    const dir = tempDir();
    const file = writeFile(
      dir,
      'admissions.csv',
      admissionsCsv([
        buildAdmissionRow({ record_id: 'I94-API-1', admitted_on: '2025-03-01', admit_until: '2025-08-31' }),
        buildAdmissionRow({
          record_id: 'I94-API-2',
          given_name: 'Okonkwo-Testperson',
          family_name: 'Amara',
          passport_number: '',
          admitted_on: '2026-05-01',
          admit_until: '2026-10-31',
        }),
      ]),
    );
    await ingestFile(d.db, { sourceCode: 'I94', filePath: file });
    for (const [u, r] of [
      ['olivia', 'officer'],
      ['andre', 'analyst'],
      ['audrey', 'auditor'],
    ] as const) {
      await createTestAccount(d, u, r);
    }
    app = await buildTestApp(d);
    officer = await signInAs(app, 'olivia');
  });
  afterAll(async () => {
    await app.close();
    await d.close();
  });

  it('answers health checks with the engine in use', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', engine, database: 'ok' });
  });

  it('publishes an OpenAPI document that lists the person routes', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/people',
        '/api/people/{id}',
        '/api/people/{id}/timeline',
        '/api/ingest/jobs',
        '/healthz',
      ]),
    );
  });

  it('refuses a wrong password with a stable error id and no detail about which part was wrong', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'olivia', password: 'wrong password!' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { id: 'invalid_credentials' } });
  });

  it('sets an httpOnly SameSite=Strict session cookie', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'olivia', password: TEST_PASSWORD },
    });
    const cookie = res.cookies.find((c) => c.name === 'passage_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
  });

  it('rejects a write without the CSRF token', async () => {
    const res = await officer.send('DELETE', '/api/session', undefined, false);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { id: 'csrf_failed' } });
  });

  it('requires a session to search', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/people?q=amara' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { id: 'unauthenticated' } });
  });

  it('finds a person by name words in either order and by passport number', async () => {
    const byName = await officer.get('/api/people?q=okonkwo%20amara');
    expect(byName.statusCode).toBe(200);
    const body = byName.json<{ results: { id: string; recordCount: number }[]; total: number }>();
    expect(body.total).toBe(1);
    personId = body.results[0]?.id ?? '';
    expect(body.results[0]?.recordCount).toBe(2);
    const byDoc = await officer.get('/api/people?q=xt-1234567');
    expect(byDoc.json<{ results: { id: string }[] }>().results.map((r) => r.id)).toEqual([personId]);
  });

  it('refuses to show a person without a declared purpose, with a clear error, and audits the refusal', async () => {
    const res = await officer.get(`/api/people/${personId}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { id: string; message: string } }>().error).toMatchObject({
      id: 'purpose_required',
    });
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/purpose/);
    const denied = await d.db
      .selectFrom('audit_log')
      .selectAll()
      .where('object_id', '=', personId)
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses a reason too short to mean anything', async () => {
    const res = await officer.get(`/api/people/${personId}?purposeKind=reason&purpose=because`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { id: 'purpose_required' } });
  });

  it('shows a person with a purpose and writes an audit entry with that purpose', async () => {
    const res = await officer.get(`/api/people/${personId}?${PURPOSE}`);
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      person: { records: { link: { rule: string } }[]; documents: unknown[] };
      audit: { seq: string };
    }>();
    expect(body.person.records.map((r) => r.link.rule).sort()).toEqual(['match', 'new_person']);
    const entry = await d.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', body.audit.seq)
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      actor_username: 'olivia',
      actor_role: 'officer',
      action: 'person.view',
      object_type: 'person',
      object_id: personId,
      purpose_kind: 'case',
      purpose: 'CASE-2026-0042',
      outcome: 'allowed',
    });
    expect(entry.entry_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('returns the timeline with the current status, its rule and source records, and audits it', async () => {
    const res = await officer.get(`/api/people/${personId}/timeline?${PURPOSE}`);
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      status: { code: string; rule: string; sourceRecords: unknown[] };
      events: { kind: string }[];
      audit: { seq: string };
    }>();
    expect(body.status.code).toBe('authorized_stay_expired_no_departure');
    expect(body.status.rule).toEqual(expect.any(String));
    expect(body.status.sourceRecords.length).toBeGreaterThan(0);
    expect(body.events.filter((e) => e.kind === 'admitted')).toHaveLength(2);
    const entry = await d.db
      .selectFrom('audit_log')
      .select(['action', 'purpose'])
      .where('seq', '=', body.audit.seq)
      .executeTakeFirstOrThrow();
    expect(entry).toEqual({ action: 'person.timeline', purpose: 'CASE-2026-0042' });
  });

  it('does not let an analyst open a person record, and audits the attempt', async () => {
    const analyst = await signInAs(app, 'andre');
    const res = await analyst.get(`/api/people/${personId}?${PURPOSE}`);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { id: 'forbidden' } });
    const search = await analyst.get('/api/people?q=amara');
    expect(search.statusCode).toBe(403);
    const denied = await d.db
      .selectFrom('audit_log')
      .select('action')
      .where('actor_username', '=', 'andre')
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied.map((r) => r.action).sort()).toEqual(['person.search', 'person.view']);
  });

  it('answers not found for a person who does not exist', async () => {
    const res = await officer.get(`/api/people/999999?${PURPOSE}`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { id: 'not_found' } });
  });

  it('reports invalid input as invalid_request without a stack trace', async () => {
    const res = await officer.get('/api/people/not-a-number?' + PURPOSE);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { id: 'invalid_request' } });
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('lists ingest jobs and their quarantined rows', async () => {
    const jobs = await officer.get('/api/ingest/jobs');
    expect(jobs.statusCode).toBe(200);
    const list = jobs.json<{ jobs: { id: string; accepted: number }[] }>().jobs;
    expect(list[0]?.accepted).toBe(2);
    const q = await officer.get(`/api/ingest/jobs/${list[0]?.id ?? ''}/quarantine`);
    expect(q.statusCode).toBe(200);
    expect(q.json()).toMatchObject({ total: 0, rows: [] });
  });

  it('lets an auditor read the audit log but not people', async () => {
    const auditor = await signInAs(app, 'audrey');
    const res = await auditor.get(`/api/audit?objectType=person&objectId=${personId}`);
    expect(res.statusCode).toBe(200);
    const entries = res.json<{ entries: { purpose: string | null; outcome: string }[] }>().entries;
    expect(entries.some((e) => e.purpose === 'CASE-2026-0042' && e.outcome === 'allowed')).toBe(true);
    expect((await auditor.get(`/api/people/${personId}?${PURPOSE}`)).statusCode).toBe(403);
    expect((await officer.get('/api/audit')).statusCode).toBe(403);
  });

  it('signs out and the cookie stops working', async () => {
    const c = await signInAs(app, 'olivia');
    expect((await c.send('DELETE', '/api/session')).statusCode).toBe(204);
    expect((await c.get('/api/session')).statusCode).toBe(401);
  });
});

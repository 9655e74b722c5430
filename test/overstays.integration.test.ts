import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ingestFile } from '../src/ingest/index.js';
import { recomputeAllOverstays, refreshOverstays } from '../src/lifecycle/index.js';
import { sql } from 'kysely';
import { buildTestApp, createTestAccount, signInAs } from './support/app.js';
import { admissionsCsv, buildAdmissionRow, tempDir, writeFile } from './support/factories.js';
import { ENGINES, openTestDatabase, type TestDatabase } from './support/test-db.js';

const AS_OF = '2026-11-23';
// Thirty visitors with the same family name and birth date, told apart by given name and passport.
const GIVEN =
  'Amara Bilal Chen Dmitri Elena Farah Goran Hana Ibrahim Jun Kofi Lucia Mateo Nadia Omar Priya Quentin Rania Sven Tariq Uma Viktor Wen Ximena Yusuf Zara Anders Beatriz Carlos Dara'.split(
    ' ',
  );

describe.each(ENGINES)('overstay determinations and report on %s', (engine) => {
  let d: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    d = await openTestDatabase(engine);
    const dir = tempDir();
    // 30 B2 visitors whose stay ended in FY2025: 15 left on time, 3 left late, 12 have no departure.
    const admissions = Array.from({ length: 30 }, (_, i) =>
      buildAdmissionRow({
        record_id: `I94-O-${i}`,
        given_name: GIVEN[i]!,
        family_name: 'Overstay-Testcase',
        passport_number: `XO${String(i).padStart(7, '0')}`,
        admitted_on: '2025-01-10',
        admit_until: '2025-07-09',
      }),
    );
    admissions.push(
      buildAdmissionRow({
        record_id: 'I94-O-DS',
        given_name: 'Student',
        family_name: 'Ds-Testcase',
        passport_number: 'XODS00001',
        class_of_admission: 'F1',
        admit_until: 'D/S',
      }),
    );
    await ingestFile(d.db, {
      sourceCode: 'I94',
      filePath: writeFile(dir, 'a.csv', admissionsCsv(admissions)),
    });
    const header =
      'record_id,given_name,family_name,date_of_birth,passport_number,passport_country,departed_on';
    const exits = Array.from({ length: 18 }, (_, i) =>
      [
        `EXIT-O-${i}`,
        GIVEN[i]!,
        'Overstay-Testcase',
        '1988-04-12',
        `XO${String(i).padStart(7, '0')}`,
        'NGA',
        i < 15 ? '2025-07-01' : '2025-08-15',
      ].join(','),
    );
    await ingestFile(d.db, {
      sourceCode: 'EXIT',
      filePath: writeFile(dir, 'd.csv', [header, ...exits].join('\n') + '\n'),
    });
    await recomputeAllOverstays(d.db, AS_OF);
    await createTestAccount(d, 'anna', 'analyst');
    await createTestAccount(d, 'olivia', 'officer');
    app = await buildTestApp(d, AS_OF);
  });
  afterAll(async () => {
    await app.close();
    await d.close();
  });

  it('stores one determination per admission with its outcome and rule', async () => {
    const rows = await d.db
      .selectFrom('overstay_determinations')
      .select(['outcome', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('outcome')
      .orderBy('outcome')
      .execute();
    expect(Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)]))).toEqual({
      departed_on_time: 15,
      not_determinable: 1,
      out_of_country_overstay: 3,
      suspected_in_country_overstay: 12,
    });
    const late = await d.db
      .selectFrom('overstay_determinations')
      .select(['days_over', 'rule', 'departed_on', 'departure_record_pk'])
      .where('outcome', '=', 'out_of_country_overstay')
      .executeTakeFirstOrThrow();
    expect(late.days_over).toBe(37);
    expect(late.departed_on).toBe('2025-08-15');
    expect(late.rule).toBe('overstay.departed_after_authorized_stay');
    expect(late.departure_record_pk).not.toBeNull();
  });

  it('recomputes without duplicating determinations', async () => {
    await recomputeAllOverstays(d.db, AS_OF);
    const n = await d.db
      .selectFrom('overstay_determinations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(31);
  });

  it('lets an analyst read the report, suppressing counts below 11 and their complement in the row', async () => {
    const analyst = await signInAs(app, 'anna');
    const res = await analyst.get('/api/reports/overstays');
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      rows: {
        fiscalYear: number;
        groupBy: string;
        key: string;
        expectedDepartures: unknown;
        onTimeDepartures: unknown;
        outOfCountryOverstays: unknown;
        suspectedInCountryOverstays: unknown;
      }[];
    }>();
    const total = body.rows.find((r) => r.fiscalYear === 2025 && r.groupBy === 'total');
    expect(total).toMatchObject({
      expectedDepartures: 30,
      onTimeDepartures: 15,
      suspectedInCountryOverstays: '<11',
      outOfCountryOverstays: '<11',
    });
  });

  it('exports the report as CSV and audits the export', async () => {
    const analyst = await signInAs(app, 'anna');
    const res = await analyst.get('/api/reports/overstays.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.body).toMatch(/<11/);
    const audit = await d.db
      .selectFrom('audit_log')
      .select('actor_username')
      .where('action', '=', 'report.export')
      .execute();
    expect(audit).toEqual([{ actor_username: 'anna' }]);
  });

  it('shows the determinations on the person timeline with their rules', async () => {
    const officer = await signInAs(app, 'olivia');
    const search = await officer.get('/api/people?q=XO0000017');
    const id = search.json<{ results: { id: string }[] }>().results[0]?.id ?? '';
    const res = await officer.get(`/api/people/${id}/timeline?purposeKind=case&purpose=CASE-OVR-1`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      overstays: [{ outcome: 'out_of_country_overstay', daysOver: 37, departedOn: '2025-08-15' }],
    });
  });

  it('rewrites a determination only when it changes', async () => {
    const versions = () =>
      sql<{ admission_id: string; xmin: string; as_of: string }>`
        SELECT admission_id::text, xmin::text, as_of::text FROM overstay_determinations ORDER BY admission_id`
        .execute(d.db)
        .then((r) => r.rows);
    const people = await d.db.selectFrom('overstay_determinations').select('person_id').execute();
    const ids = people.map((p) => String(p.person_id));
    const before = await versions();
    expect(await refreshOverstays(d.db, ids, AS_OF)).toBe(before.length);
    // Same facts, same day: no row gets a new version.
    expect(await versions()).toEqual(before);
    // A later day moves as_of, so every row is rewritten with it.
    await refreshOverstays(d.db, ids, '2026-11-24');
    const after = await versions();
    expect(after.map((r) => r.as_of)).toEqual(before.map(() => '2026-11-24'));
    expect(after.every((r, i) => r.xmin !== before[i]!.xmin)).toBe(true);
    await refreshOverstays(d.db, ids, AS_OF);
  });
});

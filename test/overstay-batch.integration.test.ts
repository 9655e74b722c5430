import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { Rng } from '../src/demo/rng.js';
import { recomputeAllOverstays, refreshOverstays } from '../src/lifecycle/index.js';
import { loadFactsForPeople } from '../src/lifecycle/lifecycle.store.js';
import {
  batchSources,
  determineOverstaysInSql,
  personIdBounds,
  sliceRange,
} from '../src/lifecycle/overstay-batch.store.js';
import { determineSliceByCopy } from '../src/lifecycle/overstay-slice.store.js';
import { OVERSTAY_RULES } from '../src/lifecycle/overstay.rules.js';
import { analyseStays, isIsoDate } from '../src/lifecycle/stay.rules.js';
import type { PersonFacts } from '../src/lifecycle/timeline.rules.js';
import { CASES_AS_OF, OVERSTAY_CASES } from './support/overstay-cases.js';
import { ensureSpecSources, randomPerson, writePeople, type PersonSpec } from './support/overstay-facts.js';
import { ENGINES, openTestDatabase, type TestDatabase } from './support/test-db.js';

/**
 * The set-based batch (overstay-batch.store.ts) and, on PostgreSQL, the binary COPY batch
 * (overstay-slice.store.ts) against the pure rules (overstay.rules.ts): every edge case of the
 * rules plus seeded random people, on both engines, compared column by column.
 */
const RANDOM_PEOPLE = 1000;
const SEED = 20261123;
const AS_OFS = [CASES_AS_OF, '2024-08-01'];

type Row = Record<string, unknown>;

async function storedRows(d: TestDatabase): Promise<Map<string, Row>> {
  const rows = await d.db
    .selectFrom('overstay_determinations')
    .select([
      'admission_id',
      'person_id',
      'outcome',
      'rule',
      'authorized_until',
      'departed_on',
      'days_over',
      'fiscal_year',
      'class_of_admission',
      'country_of_citizenship',
      'departure_record_pk',
      'application_record_pks',
      'data_error_rules',
      'as_of',
    ])
    .execute();
  return new Map(rows.map((r) => [r.admission_id, r]));
}

/** Every column that differs, as "admission 12 reason: pure … / sql …", plus missing rows. */
function differences(pure: Map<string, Row>, sql: Map<string, Row>): string[] {
  const out: string[] = [];
  for (const [id, p] of pure) {
    const s = sql.get(id);
    if (!s) {
      out.push(`admission ${id}: no row from the SQL (pure: ${String(p.rule)})`);
      continue;
    }
    for (const [column, value] of Object.entries(p)) {
      if (JSON.stringify(value) !== JSON.stringify(s[column]) && !deepEqual(value, s[column])) {
        out.push(
          `admission ${id} ${column}:\n  pure ${JSON.stringify(value)}\n  sql  ${JSON.stringify(s[column])}`,
        );
      }
    }
  }
  for (const id of sql.keys()) {
    if (!pure.has(id)) out.push(`admission ${id}: a row the pure rules do not give`);
  }
  return out;
}

function deepEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}

async function clear(d: TestDatabase): Promise<void> {
  await d.db.deleteFrom('overstay_determinations').execute();
}

describe.each(ENGINES)('overstay batch (SQL and binary COPY) on %s', (engine) => {
  let d: TestDatabase;
  let specs: PersonSpec[];
  let personIds: string[];

  beforeAll(async () => {
    d = await openTestDatabase(engine);
    await ensureSpecSources(d.db);
    const rng = new Rng(SEED);
    specs = [
      ...OVERSTAY_CASES,
      ...Array.from({ length: RANDOM_PEOPLE }, (_, i) => randomPerson(rng, CASES_AS_OF, i)),
    ];
    personIds = await writePeople(d.db, specs);
  });
  afterAll(async () => {
    await d.close();
  });

  /** People the SQL must leave to the pure rules: flagged cases, and stays with 2+ applications. */
  async function expectedHybrid(asOf: string): Promise<string[]> {
    const { facts } = await loadFactsForPeople(d.db, personIds);
    return personIds
      .filter((id, i) => {
        if (specs[i]?.hybrid) return true;
        const f = facts.get(id);
        return !!f && analyseStays(f, asOf).stays.some((s) => s.applications.length >= 2);
      })
      .sort((a, b) => Number(a) - Number(b));
  }

  async function pureRows(asOf: string, ids = personIds): Promise<Map<string, Row>> {
    await clear(d);
    await d.db.transaction().execute((tx) => refreshOverstays(tx, ids, asOf));
    return storedRows(d);
  }

  // simplePath false sends the simple people (one admission, at most one departure, no
  // application) through the stay joins too, so both ways of deciding them are compared.
  it.each(AS_OFS.flatMap((asOf) => [true, false].map((simplePath) => ({ asOf, simplePath }))))(
    'gives, as of $asOf (simple path $simplePath), exactly the rows of the pure rules for everyone it decides, leaving only the flagged people',
    async ({ asOf, simplePath }) => {
      const pure = await pureRows(asOf);
      await clear(d);
      const batch = await d.db
        .transaction()
        .execute((tx) => determineOverstaysInSql(tx, asOf, { simplePath, jit: engine === 'postgres' }));
      const sql = await storedRows(d);
      const { facts } = await loadFactsForPeople(d.db, personIds);
      expect(batch.people).toBe([...facts.values()].filter((f) => f.admissions.length > 0).length);

      const hybrid = await expectedHybrid(asOf);
      expect(batch.hybridPersonIds).toEqual(hybrid);
      expect(hybrid.length).toBeLessThan(specs.length / 5);
      const left = new Set(hybrid);
      const decidedInSql = new Map([...pure].filter(([, r]) => !left.has(String(r.person_id))));
      expect(differences(decidedInSql, sql)).toEqual([]);
      expect(batch.determinations).toBe(decidedInSql.size);

      // The comparison covers every outcome and rule, so no branch of the SQL goes untested.
      const rules = new Set([...sql.values()].map((r) => r.rule));
      if (asOf === CASES_AS_OF) {
        for (const rule of [
          ...Object.values(OVERSTAY_RULES),
          'admission.until_before_admitted',
          'admission.no_end_date',
          'admission.in_future',
          'departure.before_admission',
        ]) {
          if (rule !== OVERSTAY_RULES.multipleDepartures) expect(rules).toContain(rule);
        }
        const errors = new Set([...sql.values()].flatMap((r) => r.data_error_rules as string[]));
        expect([...errors].sort()).toEqual([
          'admission.duration_of_status_with_until',
          'admission.in_future',
          'admission.no_end_date',
          'admission.until_before_admitted',
          'application.before_admission',
          'application.decided_before_filed',
          'application.decided_in_future',
          'application.decision_date_missing',
          'application.in_future',
          'application.pending_with_decision_date',
          'departure.before_admission',
          'departure.in_future',
          OVERSTAY_RULES.multipleDepartures,
        ]);
      }
    },
  );

  // PostgreSQL only: PGlite's node-postgres adapter has no COPY streams, so PGlite keeps the SQL.
  it.runIf(engine === 'postgres').each(AS_OFS.flatMap((asOf) => [1, 3].map((slices) => ({ asOf, slices }))))(
    'decides by binary COPY in Node, as of $asOf in $slices slices, exactly the rows of the pure rules for everyone but the people with unreadable dates',
    async ({ asOf, slices }) => {
      const pure = await pureRows(asOf);
      await clear(d);
      const bounds = await personIdBounds(d.db);
      const sources = await batchSources(d.db);
      const client = await d.pgPool!.connect();
      const hybridPersonIds: string[] = [];
      let people = 0;
      let determinations = 0;
      try {
        for (let slice = 0; slice < slices; slice++) {
          const [from, to] = sliceRange(bounds, slices, slice);
          const batch = await determineSliceByCopy(client, asOf, {
            from,
            to,
            sources,
            table: 'overstay_determinations',
          });
          hybridPersonIds.push(...batch.hybridPersonIds);
          people += batch.people;
          determinations += batch.determinations;
        }
      } finally {
        client.release();
      }
      const copied = await storedRows(d);
      const { facts } = await loadFactsForPeople(d.db, personIds);
      expect(people).toBe([...facts.values()].filter((f) => f.admissions.length > 0).length);
      // The SQL's hybrid people are decided in Node by the pure rules too, except those with a
      // date outside years 0001-9999, whose stored text the caller's pages read.
      const unreadable = (f: PersonFacts) =>
        [
          ...f.admissions.flatMap((a) => [a.admittedOn, a.admitUntil]),
          ...f.departures.map((x) => x.departedOn),
          ...f.applications.flatMap((a) => [a.filedOn, a.decidedOn, a.approvedUntil]),
        ].some((date) => date !== null && !isIsoDate(date));
      const left = (await expectedHybrid(asOf)).filter((id) => unreadable(facts.get(id)!));
      expect(left.length).toBeGreaterThan(0);
      expect(hybridPersonIds).toEqual(left);
      const decided = new Map([...pure].filter(([, r]) => !left.includes(String(r.person_id))));
      expect(differences(decided, copied)).toEqual([]);
      expect(determinations).toBe(decided.size);
    },
  );

  it.each([
    {},
    { slices: 3, workMem: '64MB' },
    { slices: 7, concurrency: 2 },
    { copy: true },
    { slices: 5, copy: true },
  ])(
    'recomputes everyone (SQL or binary COPY, then the pure rules for the rest) to the rows of the per-person path, options %o',
    async ({ copy, ...options }) => {
      const pure = await pureRows(CASES_AS_OF);
      await clear(d);
      // copy: on PostgreSQL by binary COPY; PGlite has no pool and keeps the SQL
      const pgPool = copy ? d.pgPool : undefined;
      if (copy) expect(pgPool !== undefined).toBe(engine === 'postgres');
      const result = await recomputeAllOverstays(d.db, CASES_AS_OF, undefined, { ...options, pgPool });
      expect(differences(pure, await storedRows(d))).toEqual([]);
      expect(result.determinations).toBe(pure.size);
      // by COPY, only the people with a date outside years 0001-9999 (2 cases) go to the pages
      expect(result.hybridPeople).toBe(pgPool ? 2 : (await expectedHybrid(CASES_AS_OF)).length);
    },
  );

  it('groups each admission under the country recorded on that admission, in the batch and the incremental path', async () => {
    const person = personIds[OVERSTAY_CASES.findIndex((c) => c.label.startsWith('each admission counted'))]!;
    const countriesOf = (rows: Map<string, Row>) =>
      [...rows.values()]
        .filter((r) => String(r.person_id) === person)
        .sort((a, b) => String(a.authorized_until).localeCompare(String(b.authorized_until)))
        .map((r) => r.country_of_citizenship);
    expect(countriesOf(await pureRows(CASES_AS_OF))).toEqual(['MEX', 'IND']);
    await clear(d);
    await recomputeAllOverstays(d.db, CASES_AS_OF);
    expect(countriesOf(await storedRows(d))).toEqual(['MEX', 'IND']);
  });

  it('overwrites stale determinations when recomputing', async () => {
    const pure = await pureRows(CASES_AS_OF);
    await recomputeAllOverstays(d.db, '2024-08-01');
    await recomputeAllOverstays(d.db, CASES_AS_OF);
    expect(differences(pure, await storedRows(d))).toEqual([]);
  });

  it('keeps what the incremental path wrote while the batch ran (records that arrived after its snapshot)', async () => {
    await pureRows(CASES_AS_OF);
    const suspected =
      personIds[OVERSTAY_CASES.findIndex((c) => c.label === 'suspected in-country overstay')]!;
    let arrived = '';
    const result = await recomputeAllOverstays(d.db, CASES_AS_OF, undefined, {
      beforeSwap: async (session) => {
        // On PostgreSQL from another connection, committed while the batch holds its own; PGlite
        // has one session, so there on the batch's, between its transactions.
        const q = engine === 'postgres' ? d.db : session;
        // A new person with an admission and a departure; the departure is then found to be the
        // suspected overstayer's (as a merge or relink would move it), and both are refreshed.
        const written = await writePeople(q, [
          { label: 'arrived during the batch', adm: [{ on: '2025-02-01' }], dep: [{ on: '2024-09-01' }] },
        ]);
        arrived = written[0] ?? '';
        await q.transaction().execute(async (tx) => {
          await sql`UPDATE departures SET person_id = ${suspected} WHERE person_id = ${arrived}`.execute(tx);
          await refreshOverstays(tx, [suspected, arrived], CASES_AS_OF);
        });
      },
    });
    expect(result.recomputedDirty).toBe(2);
    const stored = await storedRows(d);
    const expected = await pureRows(CASES_AS_OF, [...personIds, arrived]);
    expect(differences(expected, stored)).toEqual([]);
    expect([...stored.values()].find((r) => String(r.person_id) === suspected)?.outcome).toBe(
      'out_of_country_overstay',
    );
    // Back to the facts the other tests expect.
    await sql`DELETE FROM departures WHERE person_id = ${suspected}`.execute(d.db);
    await sql`DELETE FROM admissions WHERE person_id = ${arrived}`.execute(d.db);
  });

  it('drops the row of an admission deleted while the batch ran, and moves one relinked meanwhile', async () => {
    // Both people exist before the batch, so its snapshot decides their admissions.
    const [kept, moved] = await writePeople(d.db, [
      { label: 'loses an admission', adm: [{ on: '2024-01-10' }, { on: '2024-09-01' }] },
      { label: 'whose admission moves', adm: [{ on: '2024-05-05' }], dep: [{ on: '2024-06-01' }] },
    ]);
    const ids = async (person: string) =>
      (
        await sql<{
          id: string;
        }>`SELECT id FROM admissions WHERE person_id = ${person} ORDER BY admitted_on`.execute(d.db)
      ).rows.map((r) => r.id);
    const [deleted] = await ids(kept!);
    const [relinked] = await ids(moved!);
    const result = await recomputeAllOverstays(d.db, CASES_AS_OF, undefined, {
      beforeSwap: async (session) => {
        const q = engine === 'postgres' ? d.db : session;
        await sql`DELETE FROM admissions WHERE id = ${deleted!}`.execute(q);
        await q.transaction().execute(async (tx) => {
          await sql`UPDATE admissions SET person_id = ${kept!} WHERE id = ${relinked!}`.execute(tx);
          await refreshOverstays(tx, [kept!, moved!], CASES_AS_OF);
        });
      },
    });
    expect(result.recomputedDirty).toBe(2);
    const stored = await storedRows(d);
    expect(stored.has(deleted!)).toBe(false);
    expect(String(stored.get(relinked!)?.person_id)).toBe(kept);
    expect(differences(await pureRows(CASES_AS_OF, [...personIds, kept!, moved!]), stored)).toEqual([]);
    // Back to the facts the other tests expect.
    await sql`DELETE FROM departures WHERE person_id = ${moved!}`.execute(d.db);
    await sql`DELETE FROM admissions WHERE person_id IN (${kept!}, ${moved!})`.execute(d.db);
  });

  it('swaps in a table with the indexes and constraints of the migrated one, and no staging table left', async () => {
    const shape = async (db: TestDatabase['db']) => {
      const { rows } = await sql<{ def: string }>`
        SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'overstay_determinations'
        UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
          WHERE conrelid = 'overstay_determinations'::regclass
        UNION ALL SELECT tgname FROM pg_trigger WHERE tgrelid = 'overstay_determinations'::regclass
        ORDER BY 1`.execute(db);
      return rows.map((r) => r.def);
    };
    const fresh = await openTestDatabase(engine);
    const migrated = await shape(fresh.db);
    await fresh.close();
    await recomputeAllOverstays(d.db, CASES_AS_OF);
    expect(await shape(d.db)).toEqual(migrated);
    const { rows } = await sql<{
      t: string | null;
    }>`SELECT to_regclass('overstay_determinations_next')::text AS t`.execute(d.db);
    expect(rows[0]?.t).toBeNull();
  });

  // PGlite ignores workMem (one session with its own settings), so the failure is made there only.
  it.skipIf(engine === 'pglite')('fails the batch when a slice fails, leaving no staging table', async () => {
    await expect(
      recomputeAllOverstays(d.db, CASES_AS_OF, undefined, { slices: 4, workMem: 'not a size' }),
    ).rejects.toThrow(/work_mem/);
    const { rows } = await sql<{ t: string | null }>`
      SELECT to_regclass('overstay_determinations_next')::text AS t`.execute(d.db);
    expect(rows[0]?.t).toBeNull();
  });

  it.runIf(engine === 'postgres')(
    'fails the batch by COPY when a slice cannot write, leaving no staging table and the live rows as they were',
    async () => {
      await clear(d);
      await recomputeAllOverstays(d.db, CASES_AS_OF, undefined, { pgPool: d.pgPool });
      const before = await storedRows(d);
      // Connections whose transactions are read-only: each slice reads, then its COPY FROM fails.
      const readOnly = new pg.Pool({
        connectionString: d.url,
        options: '-c default_transaction_read_only=on',
      });
      try {
        await expect(
          recomputeAllOverstays(d.db, '2024-08-01', undefined, { slices: 3, pgPool: readOnly }),
        ).rejects.toThrow(/read-only transaction/);
      } finally {
        await readOnly.end();
      }
      const { rows } = await sql<{ t: string | null }>`
        SELECT to_regclass('overstay_determinations_next')::text AS t`.execute(d.db);
      expect(rows[0]?.t).toBeNull();
      expect(differences(before, await storedRows(d))).toEqual([]);
      expect(before.size).toBeGreaterThan(0);
    },
  );

  it('refuses an as-of that is not a real date', async () => {
    await expect(recomputeAllOverstays(d.db, '2025-02-30')).rejects.toThrow(RangeError);
  });
});

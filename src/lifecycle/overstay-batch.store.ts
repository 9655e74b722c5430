/**
 * The overstay batch as set-based SQL: the same `overstay_determinations` rows as
 * `determineOverstays` (overstay.rules.ts + stay.rules.ts) gives, for every linked admission, in
 * one statement instead of a load-decide-save loop per person. Each CTE below mirrors one step
 * of the pure rules and names it; the equivalence test (test/overstay-batch.integration.test.ts)
 * compares the two row by row on both engines. The rows hold keys and rule ids, not the reason
 * text (migration 0005), so no text or JSON is built here: only the decision.
 *
 * People the SQL does not decide are returned to the caller, which runs the pure rules for them
 * (hybrid): a stay with two or more applications (their replay, with one pending application
 * keeping the stay open for a later filing, is left to stay.rules.ts), a date the rules would
 * read as unreadable (outside years 0001–9999), or a record id with a character from U+E000 up
 * (JavaScript orders those by UTF-16 code units, SQL's "C" collation by code point).
 */
import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

type Q = Kysely<DB> | Transaction<DB>;

// ---------------------------------------------------------------------------------------------
// SQL fragments.

/**
 * compareRefs within one table: source code, then record id, compared like JavaScript strings.
 * The primary key never decides: (source, record id) is unique in admissions, departures and
 * applications.
 */
const refOrder = (t: string) => `${t}.code COLLATE "C", ${t}.rid COLLATE "C"`;
/** fiscalYearOf: October starts the next fiscal year. */
const fiscalYear = (d: string) =>
  `(date_part('year', ${d})::int + CASE WHEN date_part('month', ${d}) >= 10 THEN 1 ELSE 0 END)`;
/** A character JavaScript and the "C" collation order differently (see the file comment). */
const EXOTIC = `'[\\uE000-\\U0010FFFF]'`;
const outOfRange = (d: string) => `(${d} < DATE '0001-01-01' OR ${d} > DATE '9999-12-31')`;
/** A record the pure rules decide instead (see the file comment); the cheap test goes first. */
const odd = (rid: string, s: string, dates: string[]) =>
  `(${dates.map(outOfRange).join(' OR ')} OR (octet_length(${rid}) <> length(${rid}) AND ${rid} ~ ${EXOTIC}) OR ${s}.odd_code)`;
/** source_systems with the test on its code made once, not once per record. */
const SOURCES = `(SELECT id, code, code ~ ${EXOTIC} AS odd_code FROM source_systems)`;
/**
 * This transaction's share of the people: person ids $2 to $3. A range, not a modulo: each slice
 * then reads only its own rows through the person_id indexes instead of scanning every table
 * and discarding the other slices' rows.
 */
const slice = (personId: string) => `${personId} BETWEEN $2::bigint AND $3::bigint`;
const BLOCKING = `('admission.until_before_admitted', 'admission.no_end_date', 'departure.before_admission')`;

/**
 * Every linked admission's stay facts, one row per admission, in the shape of the pure rules'
 * Stay after runApplications (for stays with at most one application). $1::date is the as-of date.
 */
const STAY_CTES = `
-- analyseStays: every linked admission in date then source-record order. Those on or before
-- as-of are the stays, and come first; later ones are reported, not decided.
admitted AS MATERIALIZED (
  SELECT a.id, a.person_id, a.class_of_admission AS cls, a.admitted_on, a.admit_until,
         a.duration_of_status AS ds, a.country_of_citizenship AS country,
         row_number() OVER w AS stay_no,
         CASE WHEN lead(a.admitted_on) OVER w <= $1::date THEN lead(a.admitted_on) OVER w END AS next_on,
         first_value(a.admitted_on) OVER w AS first_on,
         ${odd('a.source_record_id', 's', ['a.admitted_on', 'a.admit_until'])} AS odd
  FROM admissions a JOIN ${SOURCES} s ON s.id = a.source_id
  WHERE a.person_id IS NOT NULL AND ${slice('a.person_id')}
  WINDOW w AS (PARTITION BY a.person_id ORDER BY a.admitted_on, s.code COLLATE "C",
               a.source_record_id COLLATE "C")
),
stays AS (SELECT * FROM admitted WHERE admitted_on <= $1::date),
-- A departure belongs to the last stay admitted before it; one on the day of the first admission
-- to the last stay admitted that day (same-day re-entry); earlier ones are flagged on the first
-- stay, later-than-as-of ones on the last (the last stay admitted before them).
deps AS (
  SELECT st.id AS stay_id, st.person_id, s.code, d.source_record_id AS rid,
         d.source_record_pk AS pk, d.departed_on, d.self_reported AS self,
         CASE WHEN d.departed_on > $1::date THEN 'departure.in_future'
              WHEN d.departed_on < st.first_on THEN 'departure.before_admission' END AS problem,
         ${odd('d.source_record_id', 's', ['d.departed_on'])} AS odd
  FROM departures d JOIN ${SOURCES} s ON s.id = d.source_id
  JOIN stays st ON st.person_id = d.person_id AND ${slice('d.person_id')} AND (
    (st.admitted_on < d.departed_on AND (st.next_on IS NULL OR st.next_on >= d.departed_on))
    OR (st.admitted_on = d.departed_on AND st.first_on = d.departed_on
        AND (st.next_on IS NULL OR st.next_on > d.departed_on))
    OR (st.stay_no = 1 AND d.departed_on < st.admitted_on))
),
-- Per stay, the departures placed in it: how many, how many confirmed, their dates' range.
dep_counts AS (
  SELECT stay_id, count(*) AS n, count(*) FILTER (WHERE NOT self) AS n_confirmed,
         min(departed_on) AS lo, max(departed_on) AS hi
  FROM deps WHERE problem IS NULL GROUP BY stay_id
),
-- decideStay: the earliest confirmed departure is used, else the earliest self-reported one.
used_deps AS (
  SELECT DISTINCT ON (stay_id) stay_id, pk, departed_on
  FROM deps WHERE problem IS NULL
  ORDER BY stay_id, self, departed_on, ${refOrder('deps')}
),
-- An application belongs to the last stay admitted on or before its filing date.
apps AS (
  SELECT st.id AS stay_id, st.person_id, ap.source_record_pk AS pk, ap.kind, ap.filed_on,
         ap.decided_on, ap.outcome, ap.approved_until,
         CASE WHEN ap.filed_on > $1::date THEN 'application.in_future'
              WHEN ap.filed_on < st.first_on THEN 'application.before_admission' END AS problem,
         ${odd('ap.source_record_id', 's', ['ap.filed_on', 'ap.decided_on', 'ap.approved_until'])} AS odd,
         count(*) FILTER (WHERE ap.filed_on BETWEEN st.first_on AND $1::date) OVER (PARTITION BY st.id) AS n_placed
  FROM applications ap JOIN ${SOURCES} s ON s.id = ap.source_id
  JOIN stays st ON st.person_id = ap.person_id AND ${slice('ap.person_id')} AND (
    (st.admitted_on <= ap.filed_on AND (st.next_on IS NULL OR st.next_on > ap.filed_on))
    OR (st.stay_no = 1 AND ap.filed_on < st.admitted_on))
),
-- People left to the pure rules (see the file comment).
hybrid AS (
  SELECT person_id FROM admitted WHERE odd
  UNION SELECT person_id FROM deps WHERE odd
  UNION SELECT person_id FROM apps WHERE odd OR n_placed > 1
),
-- decisionAsOf: a decision without a usable date counts as pending; one before the filing date
-- is taken as made on the filing date.
app1 AS (
  SELECT apps.*,
         CASE WHEN outcome = 'pending' OR decided_on IS NULL OR decided_on > $1::date THEN 'pending'
              ELSE outcome END AS outc,
         CASE WHEN outcome = 'pending' OR decided_on IS NULL OR decided_on > $1::date THEN NULL
              ELSE greatest(decided_on, filed_on) END AS dec,
         CASE WHEN outcome = 'pending' THEN
                CASE WHEN decided_on IS NOT NULL THEN 'application.pending_with_decision_date' END
              WHEN decided_on IS NULL THEN 'application.decision_date_missing'
              WHEN decided_on > $1::date THEN 'application.decided_in_future'
              WHEN decided_on < filed_on THEN 'application.decided_before_filed' END AS issue
  FROM apps WHERE problem IS NULL
),
-- Every data error of a stay (placeIssues + conflictingDepartures): openStay's checks on the
-- admission dates, decisionAsOf's on the application, records that could not be used, and
-- departures that disagree. Sorted by rule like sortDataErrors (its later keys only order
-- errors of the same rule, whose ids are equal).
issues AS (
  SELECT id AS stay_id,
         CASE WHEN ds THEN CASE WHEN admit_until IS NOT NULL THEN 'admission.duration_of_status_with_until' END
              WHEN admit_until IS NULL THEN 'admission.no_end_date'
              WHEN admit_until < admitted_on THEN 'admission.until_before_admitted' END AS rule
  FROM stays
  UNION ALL SELECT stay_id, issue FROM app1
  UNION ALL SELECT stay_id, problem FROM deps
  UNION ALL SELECT stay_id, problem FROM apps
  UNION ALL SELECT stay_id, 'departure.multiple_for_admission' FROM dep_counts
    WHERE n > 1 AND (n_confirmed > 1 OR lo <> hi)
),
stay_issues AS (
  SELECT stay_id, array_agg(rule ORDER BY rule COLLATE "C") AS errors,
         min(rule COLLATE "C") FILTER (WHERE rule IN ${BLOCKING}) AS blocking
  FROM issues WHERE rule IS NOT NULL GROUP BY stay_id
)`;

/**
 * runApplications with at most one application, then judge: one row per stay with the
 * determination's columns. $1::date is the as-of date.
 */
const DECIDED_STAYS = `
-- Before any application: fileApplication's view of the stay.
s0 AS (
  SELECT st.id, st.person_id, st.cls, st.country, st.ds,
         CASE WHEN NOT st.ds AND st.admit_until >= st.admitted_on THEN st.admit_until END AS until0,
         a.pk AS a_pk, a.kind, a.outc, a.dec, a.approved_until,
         CASE WHEN a.stay_id IS NULL THEN NULL
              WHEN st.ds THEN 'timely'
              WHEN NOT st.ds AND st.admit_until >= st.admitted_on AND a.filed_on <= st.admit_until THEN 'timely'
              WHEN NOT st.ds AND st.admit_until >= st.admitted_on THEN 'untimely'
              ELSE 'unknown' END AS timeliness
  FROM stays st LEFT JOIN app1 a ON a.stay_id = st.id
  WHERE NOT EXISTS (SELECT 1 FROM hybrid h WHERE h.person_id = st.person_id)
),
-- decide: the application's effect on the end of the authorized stay.
s1 AS (
  SELECT s0.*,
    outc = 'approved' AND kind = 'adjustment_of_status' AS adjusted,
    CASE WHEN outc = 'approved' AND kind = 'adjustment_of_status' THEN false
         WHEN outc = 'approved' AND approved_until IS NOT NULL THEN false ELSE ds END AS ds1,
    CASE WHEN outc = 'approved' AND kind = 'adjustment_of_status' THEN NULL
         WHEN outc = 'approved' THEN coalesce(approved_until, until0)
         WHEN outc IN ('denied', 'withdrawn') AND NOT ds AND until0 IS NOT NULL
              AND timeliness = 'timely' AND dec > until0 THEN dec
         ELSE until0 END AS until1,
    -- the application is in untilSources, or pending and keeping the stay open
    (outc = 'approved' AND (kind = 'adjustment_of_status' OR approved_until IS NOT NULL))
      OR (outc IN ('denied', 'withdrawn') AND NOT ds AND until0 IS NOT NULL AND timeliness = 'timely'
          AND dec > until0)
      OR (outc = 'pending' AND timeliness <> 'untimely') AS affects,
    outc = 'pending' AND timeliness <> 'untimely' AS keeps_open
  FROM s0
  OFFSET 0 -- computed once per row, not at every use below
),
-- judge, with the departure used and the stay's data errors.
s2 AS (
  SELECT s1.*, d.pk AS d_pk, d.departed_on, i.errors, i.blocking,
    CASE WHEN adjusted THEN 'not_yet_due'
         WHEN ds1 OR until1 IS NULL THEN 'not_determinable'
         WHEN d.departed_on IS NOT NULL THEN CASE WHEN d.departed_on <= until1 OR keeps_open
           THEN 'departed_on_time' ELSE 'out_of_country_overstay' END
         WHEN $1::date <= until1 OR keeps_open THEN 'not_yet_due'
         ELSE 'suspected_in_country_overstay' END AS outcome,
    CASE WHEN adjusted THEN 'overstay.adjusted_to_permanent_residence'
         WHEN ds1 OR until1 IS NULL THEN 'overstay.duration_of_status'
         WHEN d.departed_on IS NOT NULL THEN CASE WHEN d.departed_on <= until1 THEN 'overstay.departed_on_time'
           WHEN keeps_open THEN 'overstay.departed_while_application_pending'
           ELSE 'overstay.departed_after_authorized_stay' END
         WHEN $1::date <= until1 THEN 'overstay.authorized_stay_not_ended'
         WHEN keeps_open THEN 'application.pending_timely'
         ELSE 'overstay.no_departure_after_authorized_stay' END AS decided_rule,
    CASE WHEN adjusted OR ds1 OR until1 IS NULL THEN NULL
         WHEN d.departed_on IS NOT NULL THEN CASE WHEN d.departed_on <= until1 OR keeps_open THEN NULL
           ELSE d.departed_on - until1 END
         WHEN $1::date <= until1 OR keeps_open THEN NULL
         ELSE $1::date - until1 END AS over
  FROM s1
  LEFT JOIN used_deps d ON d.stay_id = s1.id
  LEFT JOIN stay_issues i ON i.stay_id = s1.id
),
decided AS (
  SELECT id, person_id, cls, country,
    CASE WHEN blocking IS NOT NULL THEN 'data_error' ELSE outcome END AS outcome,
    coalesce(blocking, decided_rule) AS rule,
    until1 AS authorized_until, departed_on,
    CASE WHEN blocking IS NULL THEN over END AS days_over,
    ${fiscalYear('until1')} AS fiscal_year,
    d_pk AS departure_record_pk,
    CASE WHEN affects THEN ARRAY[a_pk] ELSE '{}'::bigint[] END AS application_record_pks,
    coalesce(errors, '{}'::text[]) AS data_error_rules
  FROM s2
),
-- unusableAdmission: an admission dated after as-of is reported, not decided.
future AS (
  SELECT id, person_id, cls, country, 'data_error' AS outcome, 'admission.in_future' AS rule,
    NULL::date AS authorized_until, NULL::date AS departed_on, NULL::int AS days_over, NULL::int AS fiscal_year,
    NULL::bigint AS departure_record_pk, '{}'::bigint[] AS application_record_pks,
    '{admission.in_future}'::text[] AS data_error_rules
  FROM admitted WHERE admitted_on > $1::date
    AND NOT EXISTS (SELECT 1 FROM hybrid h WHERE h.person_id = admitted.person_id)
)`;

/**
 * The batch statement: insert every decided admission into `table`, which must hold none of
 * them (the batch's fresh staging table, or a cleared one in tests).
 */
export const batchStatement = (table: string) => `
WITH ${STAY_CTES},
${DECIDED_STAYS},
inserted AS (
  INSERT INTO ${table} (admission_id, person_id, outcome, rule, authorized_until, departed_on,
    days_over, fiscal_year, class_of_admission, country_of_citizenship, departure_record_pk,
    application_record_pks, data_error_rules, as_of)
  SELECT r.id, r.person_id, r.outcome, r.rule, r.authorized_until, r.departed_on, r.days_over,
         r.fiscal_year, r.cls, r.country, r.departure_record_pk, r.application_record_pks,
         r.data_error_rules, $1::date
  FROM (SELECT * FROM decided UNION ALL SELECT * FROM future) r
  RETURNING 1
)
SELECT (SELECT count(*) FROM inserted) AS determinations,
       (SELECT count(*) FROM admitted WHERE stay_no = 1) AS people,
       coalesce((SELECT array_agg(person_id::text ORDER BY person_id) FROM hybrid), '{}') AS hybrid`;

export interface BatchResult {
  /** Rows written by the SQL. */
  determinations: number;
  /** People with an admission, the hybrid ones included. */
  people: number;
  /** People the SQL left to the pure rules. */
  hybridPersonIds: string[];
}

export interface BatchOptions {
  /** Split the people into this many slices by person id (one transaction each); default 1. */
  slices?: number;
  /** Which slice this transaction decides (0-based); default 0. */
  slice?: number;
  /**
   * The person ids the slices divide (personIdBounds), read once by the caller so that every
   * slice's transaction cuts at the same ids; read here when not given.
   */
  bounds?: PersonIdBounds;
  /** `work_mem` for this transaction (SET LOCAL), e.g. '256MB'. Unset: the server's setting. */
  workMem?: string;
  /**
   * The table the rows go into, holding none of them yet (no ON CONFLICT): the batch's staging
   * table (overstay-swap.store.ts). Default overstay_determinations.
   */
  table?: string;
}

/**
 * Determines the overstay of every linked admission (of one slice of the people) as of `asOf`
 * in SQL and inserts the rows, except for the people it returns, whose determinations the caller
 * computes with the pure rules. Run it inside a transaction (the settings are SET LOCAL).
 */
export async function determineOverstaysInSql(
  db: Q,
  asOf: string,
  options: BatchOptions = {},
): Promise<BatchResult> {
  // Whole-table joins hash; the planner, misled by the CTEs' row estimates, would otherwise probe
  // an index per stay.
  await sql`SET LOCAL enable_nestloop = off`.execute(db);
  // JIT compiled this statement for seconds (its CTE row estimates look cheap to run, then big).
  await sql`SET LOCAL jit = off`.execute(db);
  if (options.workMem !== undefined) {
    await sql`SELECT set_config('work_mem', ${options.workMem}, true)`.execute(db);
  }
  const [from, to] = sliceRange(
    options.bounds ?? (await personIdBounds(db)),
    options.slices ?? 1,
    options.slice ?? 0,
  );
  const result = await db.executeQuery<{ determinations: string; people: string; hybrid: string[] }>(
    CompiledQuery.raw(batchStatement(options.table ?? 'overstay_determinations'), [asOf, from, to]),
  );
  const row = result.rows[0];
  return {
    determinations: Number(row?.determinations ?? 0),
    people: Number(row?.people ?? 0),
    hybridPersonIds: row?.hybrid ?? [],
  };
}

/** The smallest and largest person id with an admission (0 and 0 when there is none). */
export interface PersonIdBounds {
  lo: bigint;
  hi: bigint;
  /** About how many admissions there are (the planner's estimate; 0 before the first ANALYZE). */
  admissions: number;
}

export async function personIdBounds(db: Q): Promise<PersonIdBounds> {
  const { rows } = await sql<{ lo: string | null; hi: string | null; n: number }>`
    SELECT min(person_id)::text AS lo, max(person_id)::text AS hi,
           (SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = 'admissions'::regclass) AS n
    FROM admissions`.execute(db);
  return { lo: BigInt(rows[0]?.lo ?? 0), hi: BigInt(rows[0]?.hi ?? 0), admissions: rows[0]?.n ?? 0 };
}

const MIN_ID = -(2n ** 63n);
const MAX_ID = 2n ** 63n - 1n;

/**
 * Slice `slice` of `slices` equal ranges of the ids from `lo` to `hi`, as inclusive bounds (text
 * for bigint parameters). The first slice starts and the last ends at the ends of bigint, so
 * that a person id outside the bounds (an admission linked after they were read) is still in
 * exactly one slice.
 */
export function sliceRange(
  bounds: Pick<PersonIdBounds, 'lo' | 'hi'>,
  slices: number,
  slice: number,
): [string, string] {
  const span = bounds.hi - bounds.lo + 1n;
  const cut = (k: number) => bounds.lo + (span * BigInt(k)) / BigInt(slices);
  const from = slice === 0 ? MIN_ID : cut(slice);
  const to = slice === slices - 1 ? MAX_ID : cut(slice + 1) - 1n;
  return [String(from), String(to)];
}

/** True on PGlite (one in-process session): no point in running slices side by side there. */
export async function isEmbedded(db: Q): Promise<boolean> {
  const { rows } = await sql<{ v: string }>`SELECT version() AS v`.execute(db);
  return /PGlite|emscripten/i.test(rows[0]?.v ?? '');
}

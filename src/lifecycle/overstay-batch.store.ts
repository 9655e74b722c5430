/**
 * The overstay batch as set-based SQL: the same `overstay_determinations` rows as
 * `determineOverstays` (overstay.rules.ts + stay.rules.ts) gives, for every linked admission, in
 * one statement instead of a load-decide-save loop per person. Each CTE below mirrors one step
 * of the pure rules and names it; the equivalence test (test/overstay-batch.integration.test.ts)
 * compares the two row by row on both engines. The rows hold keys and rule ids, not the reason
 * text (migration 0005), so no text or JSON is built here: only the decision.
 *
 * Most people are simple: one admission, at most one departure, no application. They are decided
 * by a short path of their own (simple0 … simple_decided) from one pass over the admissions,
 * without numbering stays or joining records to them; only the others go through the stay CTEs.
 * PostgreSQL's executor costs about a microsecond a row for each sort, window, hash or
 * materialized CTE a row passes through, so the steps a row skips are the time saved (at 10M
 * admissions the SQL phase went from ~99 s to ~78 s back to back, docs/benchmarks.md).
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

/** A source system as the statement sees it: its rank in compareRefs' order of codes. */
export interface BatchSource {
  id: number;
  /** Position of the code among all codes compared like JavaScript strings ("C" collation). */
  rank: number;
  /** A code JavaScript and the "C" collation could order differently (see the file comment). */
  odd: boolean;
  code: string;
}

/** An integer written into the statement's text; anything else is refused. */
function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new TypeError(`not an integer: ${String(n)}`);
  return String(n);
}

/**
 * The source's rank as a CASE over the few source ids, written into the statement: the statement
 * then orders and tests records without a join to source_systems per table (each was a hash
 * join over every record). A source the list does not know (created after it was read) gives
 * NULL, and its records' people go to the pure rules (see `odd`).
 */
const rankOf = (sourceId: string, sources: BatchSource[]) =>
  sources.length
    ? `(CASE ${sourceId} ${sources.map((s) => `WHEN ${int(s.id)} THEN ${int(s.rank)}`).join(' ')} END)`
    : 'NULL::int';
/** compareRefs within one table: source code, then record id, compared like JavaScript strings. */
const refOrder = (t: string) => `${t}.code_rank, ${t}.rid COLLATE "C"`;
/** fiscalYearOf: October starts the next fiscal year. */
const fiscalYear = (d: string) =>
  `(date_part('year', ${d})::int + CASE WHEN date_part('month', ${d}) >= 10 THEN 1 ELSE 0 END)`;
/** A character JavaScript and the "C" collation order differently (see the file comment). */
const EXOTIC = `'[\\uE000-\\U0010FFFF]'`;
const outOfRange = (d: string) => `(${d} < DATE '0001-01-01' OR ${d} > DATE '9999-12-31')`;
/** A record the pure rules decide instead (see the file comment); the cheap tests go first. */
const odd = (rid: string, sourceId: string, dates: string[], sources: BatchSource[]) => {
  const oddIds = sources.filter((s) => s.odd).map((s) => int(s.id));
  return `(${dates.map(outOfRange).join(' OR ')} OR (octet_length(${rid}) <> length(${rid}) AND ${rid} ~ ${EXOTIC})
    OR ${rankOf(sourceId, sources)} IS NULL${oddIds.length ? ` OR ${sourceId} IN (${oddIds.join(', ')})` : ''})`;
};
/** openStay's check on the admission dates of stay `t`: its data-error rule, or NULL. */
const admissionRule = (t: string) => `CASE WHEN ${t}.ds THEN CASE WHEN ${t}.admit_until IS NOT NULL
         THEN 'admission.duration_of_status_with_until' END
       WHEN ${t}.admit_until IS NULL THEN 'admission.no_end_date'
       WHEN ${t}.admit_until < ${t}.admitted_on THEN 'admission.until_before_admitted' END`;
/** The end of the authorized stay from the admission alone (none for D/S or unreadable dates). */
const admitUntil = (t: string) =>
  `CASE WHEN NOT ${t}.ds AND ${t}.admit_until >= ${t}.admitted_on THEN ${t}.admit_until END`;
/** The admission rules that block a determination, as openStay and placeIssues raise them. */
const BLOCKING_ADMISSION = `('admission.no_end_date', 'admission.until_before_admitted')`;
/**
 * This transaction's share of the people: person ids $2 to $3. A range, not a modulo: each slice
 * then reads only its own rows through the person_id indexes instead of scanning every table
 * and discarding the other slices' rows.
 */
const slice = (personId: string) => `${personId} BETWEEN $2::bigint AND $3::bigint`;

/**
 * Every linked admission's stay facts, one row per admission, in the shape of the pure rules'
 * Stay after runApplications (for stays with at most one application). $1::date is the as-of date.
 */
const stayCtes = (sources: BatchSource[], simplePath: boolean) => `
-- People with two or more admissions, counted in person order from the index alone.
multi AS (
  SELECT a.person_id, count(*) AS n FROM admissions a WHERE a.person_id IS NOT NULL AND ${slice('a.person_id')}
  GROUP BY a.person_id HAVING count(*) > 1
),
-- Departures per person, read in person order: for a person with one of them, that departure.
dep_person AS (
  SELECT d.person_id, count(*) AS n, min(d.departed_on) AS departed_on, min(d.source_record_pk) AS pk,
         bool_or(${odd('d.source_record_id', 'd.source_id', ['d.departed_on'], sources)}) AS odd
  FROM departures d WHERE ${slice('d.person_id')} GROUP BY d.person_id
),
app_people AS (SELECT DISTINCT ap.person_id FROM applications ap WHERE ${slice('ap.person_id')}),
-- Every linked admission once. Simple: the person's only admission, with at most one departure,
-- no application and nothing odd (most people); those are decided by the simple CTEs below
-- without numbering stays or joining records to them.
first_pass AS MATERIALIZED (
  SELECT x.*, ${simplePath ? 'x.simple_person AND x.odd IS NOT TRUE' : 'false'} AS simple
  FROM (
    SELECT a.id, a.person_id, a.class_of_admission AS cls, a.admitted_on, a.admit_until,
           a.duration_of_status AS ds, a.country_of_citizenship AS country,
           ${rankOf('a.source_id', sources)} AS code_rank, a.source_record_id AS rid,
           ${odd('a.source_record_id', 'a.source_id', ['a.admitted_on', 'a.admit_until'], sources)} AS odd,
           m.person_id IS NULL AND ap.person_id IS NULL AND coalesce(dp.n, 0) <= 1
             AND dp.odd IS NOT TRUE AS simple_person,
           dp.departed_on AS dep_on, dp.pk AS dep_pk
    FROM admissions a
    LEFT JOIN multi m ON m.person_id = a.person_id
    LEFT JOIN dep_person dp ON dp.person_id = a.person_id
    LEFT JOIN app_people ap ON ap.person_id = a.person_id
    WHERE a.person_id IS NOT NULL AND ${slice('a.person_id')}
    OFFSET 0 -- odd computed once per row, not again for simple
  ) x
),
-- analyseStays for the other people: their admissions in date then source-record order. Those on
-- or before as-of are the stays, and come first; later ones are reported, not decided.
admitted AS MATERIALIZED (
  SELECT id, person_id, cls, admitted_on, admit_until, ds, country, odd,
         row_number() OVER w AS stay_no,
         CASE WHEN lead(admitted_on) OVER w <= $1::date THEN lead(admitted_on) OVER w END AS next_on,
         first_value(admitted_on) OVER w AS first_on
  FROM first_pass WHERE NOT simple
  WINDOW w AS (PARTITION BY person_id ORDER BY admitted_on, code_rank, rid COLLATE "C")
),
-- The other people's stays (on or before as-of), decided through the joins below.
stays AS (SELECT * FROM admitted WHERE admitted_on <= $1::date),
-- A departure belongs to the last stay admitted before it; one on the day of the first admission
-- to the last stay admitted that day (same-day re-entry); earlier ones are flagged on the first
-- stay, later-than-as-of ones on the last (the last stay admitted before them).
deps AS (
  SELECT st.id AS stay_id, st.person_id, ${rankOf('d.source_id', sources)} AS code_rank,
         d.source_record_id AS rid, d.source_record_pk AS pk, d.departed_on, d.self_reported AS self,
         CASE WHEN d.departed_on > $1::date THEN 'departure.in_future'
              WHEN d.departed_on < st.first_on THEN 'departure.before_admission' END AS problem,
         ${odd('d.source_record_id', 'd.source_id', ['d.departed_on'], sources)} AS odd
  FROM departures d
  JOIN stays st ON st.person_id = d.person_id AND ${slice('d.person_id')} AND (
    (st.admitted_on < d.departed_on AND (st.next_on IS NULL OR st.next_on >= d.departed_on))
    OR (st.admitted_on = d.departed_on AND st.first_on = d.departed_on
        AND (st.next_on IS NULL OR st.next_on > d.departed_on))
    OR (st.stay_no = 1 AND d.departed_on < st.admitted_on))
),
-- Per stay, the departures placed in it, in one pass: how many, how many confirmed, their dates'
-- range, and the only one's record when there is one.
dep_stats AS (
  SELECT stay_id,
         count(*) FILTER (WHERE problem IS NULL) AS n,
         count(*) FILTER (WHERE problem IS NULL AND NOT self) AS n_confirmed,
         min(departed_on) FILTER (WHERE problem IS NULL) AS lo,
         max(departed_on) FILTER (WHERE problem IS NULL) AS hi,
         min(pk) FILTER (WHERE problem IS NULL) AS pk
  FROM deps GROUP BY stay_id
),
-- decideStay with two or more departures in a stay: the earliest confirmed one is used, else the
-- earliest self-reported one (with one departure, dep_stats has it).
used_deps AS (
  SELECT DISTINCT ON (stay_id) stay_id, pk, departed_on
  FROM deps WHERE problem IS NULL AND stay_id IN (SELECT stay_id FROM dep_stats WHERE n > 1)
  ORDER BY stay_id, self, departed_on, ${refOrder('deps')}
),
-- An application belongs to the last stay admitted on or before its filing date.
apps AS (
  SELECT st.id AS stay_id, st.person_id, ap.source_record_pk AS pk, ap.kind, ap.filed_on,
         ap.decided_on, ap.outcome, ap.approved_until,
         CASE WHEN ap.filed_on > $1::date THEN 'application.in_future'
              WHEN ap.filed_on < st.first_on THEN 'application.before_admission' END AS problem,
         ${odd('ap.source_record_id', 'ap.source_id', ['ap.filed_on', 'ap.decided_on', 'ap.approved_until'], sources)} AS odd,
         count(*) FILTER (WHERE ap.filed_on BETWEEN st.first_on AND $1::date) OVER (PARTITION BY st.id) AS n_placed
  FROM applications ap
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
-- The data errors of a stay other than its admission's own (placeIssues + conflictingDepartures):
-- decisionAsOf's on the application, records that could not be used, and departures that
-- disagree. Few stays have any, so they are gathered here and only those stays sort theirs.
other_issues AS (
  SELECT stay_id, array_agg(rule) AS rules,
         bool_or(rule = 'departure.before_admission') AS departure_before_admission
  FROM (
    SELECT stay_id, issue AS rule FROM app1 WHERE issue IS NOT NULL
    UNION ALL SELECT stay_id, problem FROM deps WHERE problem IS NOT NULL
    UNION ALL SELECT stay_id, problem FROM apps WHERE problem IS NOT NULL
    UNION ALL SELECT stay_id, 'departure.multiple_for_admission' FROM dep_stats
      WHERE n > 1 AND (n_confirmed > 1 OR lo <> hi)
  ) i GROUP BY stay_id
)`;

/**
 * runApplications with at most one application, then judge: one row per stay with the
 * determination's columns. $1::date is the as-of date.
 */
const DECIDED_STAYS = `
-- Before any application: fileApplication's view of the stay, and openStay's checks on the
-- admission dates.
s0 AS (
  SELECT st.id, st.person_id, st.cls, st.country, st.ds,
         ${admitUntil('st')} AS until0,
         ${admissionRule('st')} AS admission_rule,
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
-- The departure used (decideStay) and every data error of the stay, sorted by rule like
-- sortDataErrors (its later keys only order errors of the same rule, whose ids are equal). The
-- blocking error is the first of them by rule: the admission's own comes before any departure's.
s1d AS (
  SELECT s1.*,
    CASE WHEN ds.n = 1 THEN ds.pk ELSE u.pk END AS d_pk,
    CASE WHEN ds.n = 1 THEN ds.lo ELSE u.departed_on END AS departed_on,
    CASE WHEN o.rules IS NULL THEN
           CASE WHEN admission_rule IS NULL THEN '{}'::text[] ELSE ARRAY[admission_rule] END
         ELSE ARRAY(SELECT r FROM unnest(o.rules || admission_rule) r WHERE r IS NOT NULL ORDER BY r COLLATE "C")
    END AS errors,
    CASE WHEN admission_rule IN ${BLOCKING_ADMISSION} THEN admission_rule
         WHEN o.departure_before_admission THEN 'departure.before_admission' END AS blocking
  FROM s1
  LEFT JOIN dep_stats ds ON ds.stay_id = s1.id
  LEFT JOIN used_deps u ON u.stay_id = s1.id
  LEFT JOIN other_issues o ON o.stay_id = s1.id
),
-- judge.
s2 AS (
  SELECT s1d.*,
    CASE WHEN adjusted THEN 'not_yet_due'
         WHEN ds1 OR until1 IS NULL THEN 'not_determinable'
         WHEN departed_on IS NOT NULL THEN CASE WHEN departed_on <= until1 OR keeps_open
           THEN 'departed_on_time' ELSE 'out_of_country_overstay' END
         WHEN $1::date <= until1 OR keeps_open THEN 'not_yet_due'
         ELSE 'suspected_in_country_overstay' END AS outcome,
    CASE WHEN adjusted THEN 'overstay.adjusted_to_permanent_residence'
         WHEN ds1 OR until1 IS NULL THEN 'overstay.duration_of_status'
         WHEN departed_on IS NOT NULL THEN CASE WHEN departed_on <= until1 THEN 'overstay.departed_on_time'
           WHEN keeps_open THEN 'overstay.departed_while_application_pending'
           ELSE 'overstay.departed_after_authorized_stay' END
         WHEN $1::date <= until1 THEN 'overstay.authorized_stay_not_ended'
         WHEN keeps_open THEN 'application.pending_timely'
         ELSE 'overstay.no_departure_after_authorized_stay' END AS decided_rule,
    CASE WHEN adjusted OR ds1 OR until1 IS NULL THEN NULL
         WHEN departed_on IS NOT NULL THEN CASE WHEN departed_on <= until1 OR keeps_open THEN NULL
           ELSE departed_on - until1 END
         WHEN $1::date <= until1 OR keeps_open THEN NULL
         ELSE $1::date - until1 END AS over
  FROM s1d
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
    errors AS data_error_rules
  FROM s2
),
-- The simple people's stays (see first_pass): decideStay and judge with one departure at most and
-- no application, so the authorized stay ends at admit-until; the rules of s1 … decided above
-- without the application's branches (the equivalence tests compare both paths with the rules).
simple0 AS (
  SELECT id, person_id, cls, country, ds,
         ${admitUntil('f')} AS until0,
         ${admissionRule('f')} AS admission_rule,
         CASE WHEN dep_on > $1::date THEN 'departure.in_future'
              WHEN dep_on < admitted_on THEN 'departure.before_admission' END AS dep_problem,
         dep_on, dep_pk
  FROM first_pass f WHERE simple AND admitted_on <= $1::date
  OFFSET 0 -- computed once per row, not at every use below
),
simple1 AS (
  SELECT simple0.*,
    CASE WHEN admission_rule IN ${BLOCKING_ADMISSION} THEN admission_rule
         WHEN dep_problem = 'departure.before_admission' THEN dep_problem END AS blocking,
    CASE WHEN dep_problem IS NULL THEN dep_on END AS departed_on
  FROM simple0
  OFFSET 0
),
simple_decided AS (
  SELECT id, person_id, cls, country,
    CASE WHEN blocking IS NOT NULL THEN 'data_error'
         WHEN ds OR until0 IS NULL THEN 'not_determinable'
         WHEN departed_on IS NOT NULL THEN CASE WHEN departed_on <= until0
           THEN 'departed_on_time' ELSE 'out_of_country_overstay' END
         WHEN $1::date <= until0 THEN 'not_yet_due'
         ELSE 'suspected_in_country_overstay' END AS outcome,
    CASE WHEN blocking IS NOT NULL THEN blocking
         WHEN ds OR until0 IS NULL THEN 'overstay.duration_of_status'
         WHEN departed_on IS NOT NULL THEN CASE WHEN departed_on <= until0 THEN 'overstay.departed_on_time'
           ELSE 'overstay.departed_after_authorized_stay' END
         WHEN $1::date <= until0 THEN 'overstay.authorized_stay_not_ended'
         ELSE 'overstay.no_departure_after_authorized_stay' END AS rule,
    until0 AS authorized_until, departed_on,
    CASE WHEN blocking IS NOT NULL OR ds OR until0 IS NULL THEN NULL
         WHEN departed_on IS NOT NULL THEN CASE WHEN departed_on <= until0 THEN NULL ELSE departed_on - until0 END
         WHEN $1::date <= until0 THEN NULL
         ELSE $1::date - until0 END AS days_over,
    ${fiscalYear('until0')} AS fiscal_year,
    CASE WHEN departed_on IS NOT NULL THEN dep_pk END AS departure_record_pk,
    '{}'::bigint[] AS application_record_pks,
    -- sorted by rule: an admission's rule sorts before a departure's
    CASE WHEN admission_rule IS NULL AND dep_problem IS NULL THEN '{}'::text[]
         ELSE array_remove(ARRAY[admission_rule, dep_problem], NULL) END AS data_error_rules
  FROM simple1
),
-- unusableAdmission: an admission dated after as-of is reported, not decided.
future AS (
  SELECT id, person_id, cls, country, 'data_error' AS outcome, 'admission.in_future' AS rule,
    NULL::date AS authorized_until, NULL::date AS departed_on, NULL::int AS days_over, NULL::int AS fiscal_year,
    NULL::bigint AS departure_record_pk, '{}'::bigint[] AS application_record_pks,
    '{admission.in_future}'::text[] AS data_error_rules
  FROM first_pass f WHERE admitted_on > $1::date
    AND NOT EXISTS (SELECT 1 FROM hybrid h WHERE h.person_id = f.person_id)
)`;

/** The temporary table a slice's statement leaves its people count and hybrid people in. */
const SLICE_META = 'overstay_slice_meta';

/**
 * The batch statement: insert every decided admission into `table`, which must hold none of
 * them (the batch's fresh staging table, or a cleared one in tests), and note in SLICE_META how
 * many people the slice has and which of them the pure rules decide. A plain INSERT, not
 * RETURNING rows to count: its row count comes back with it.
 */
export const batchStatement = (table: string, sources: BatchSource[], simplePath = true) => `
WITH ${stayCtes(sources, simplePath)},
${DECIDED_STAYS},
noted AS (
  INSERT INTO ${SLICE_META} (people, hybrid)
  SELECT (SELECT count(*) FROM first_pass) - coalesce((SELECT sum(n - 1) FROM multi), 0),
         coalesce((SELECT array_agg(person_id::text ORDER BY person_id) FROM hybrid), '{}')
)
INSERT INTO ${table} (admission_id, person_id, outcome, rule, authorized_until, departed_on,
  days_over, fiscal_year, class_of_admission, country_of_citizenship, departure_record_pk,
  application_record_pks, data_error_rules, as_of)
SELECT r.id, r.person_id, r.outcome, r.rule, r.authorized_until, r.departed_on, r.days_over,
       r.fiscal_year, r.cls, r.country, r.departure_record_pk, r.application_record_pks,
       r.data_error_rules, $1::date
FROM (SELECT * FROM simple_decided UNION ALL SELECT * FROM decided UNION ALL SELECT * FROM future) r`;

/** The source systems with their rank in compareRefs' order and the odd-code test made once. */
export async function batchSources(db: Q): Promise<BatchSource[]> {
  const { rows } = await sql<{ id: number; rank: string; odd: boolean; code: string }>`
    SELECT id, row_number() OVER (ORDER BY code COLLATE "C") AS rank, code ~ ${sql.raw(EXOTIC)} AS odd, code
    FROM source_systems`.execute(db);
  return rows.map((r) => ({ id: r.id, rank: Number(r.rank), odd: r.odd, code: r.code }));
}

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
  /** The source systems (batchSources), read once by the caller; read here when not given. */
  sources?: BatchSource[];
  /**
   * Decide the simple people (see first_pass) by their own short path; default true. False sends
   * everyone through the stay joins (the equivalence tests run both).
   */
  simplePath?: boolean;
  /**
   * Compile the statement's expressions with PostgreSQL's JIT, without inlining or optimization
   * (whose compile time outweighed their gain here); default false (PGlite has no JIT).
   */
  jit?: boolean;
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
  if (options.jit) {
    // Cheap compilation only: with LLVM's optimization and inlining the statement spent seconds
    // compiling (4.6 s of 19.6 at 1M), and its CTEs' row estimates decide the default thresholds.
    await sql`SET LOCAL jit = on`.execute(db);
    await sql`SET LOCAL jit_above_cost = 0`.execute(db);
    await sql`SET LOCAL jit_optimize_above_cost = -1`.execute(db);
    await sql`SET LOCAL jit_inline_above_cost = -1`.execute(db);
  } else {
    await sql`SET LOCAL jit = off`.execute(db);
  }
  if (options.workMem !== undefined) {
    await sql`SELECT set_config('work_mem', ${options.workMem}, true)`.execute(db);
  }
  const [from, to] = sliceRange(
    options.bounds ?? (await personIdBounds(db)),
    options.slices ?? 1,
    options.slice ?? 0,
  );
  const sources = options.sources ?? (await batchSources(db));
  await sql`CREATE TEMPORARY TABLE IF NOT EXISTS ${sql.table(SLICE_META)} (people bigint, hybrid text[])
    ON COMMIT DROP`.execute(db);
  const result = await db.executeQuery(
    CompiledQuery.raw(
      batchStatement(options.table ?? 'overstay_determinations', sources, options.simplePath ?? true),
      [asOf, from, to],
    ),
  );
  const { rows } = await sql<{ people: string; hybrid: string[] }>`
    DELETE FROM ${sql.table(SLICE_META)} RETURNING people, hybrid`.execute(db);
  return {
    determinations: Number(result.numAffectedRows ?? 0n),
    people: Number(rows[0]?.people ?? 0),
    hybridPersonIds: rows[0]?.hybrid ?? [],
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

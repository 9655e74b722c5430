/**
 * The overstay batch as set-based SQL: the same `overstay_determinations` rows as
 * `determineOverstays` (overstay.rules.ts + stay.rules.ts) gives, for every linked admission, in
 * a few statements instead of a load-decide-save loop per person. Each CTE below mirrors one step
 * of the pure rules and names it; the equivalence test (test/overstay-batch.integration.test.ts)
 * compares the two row by row on both engines.
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
// SQL fragments. `t` is a relation alias with columns code, rid, pk (pk as text).

/** compareRefs: source code, record id, primary key as text, compared like JavaScript strings. */
const refOrder = (t: string) => `${t}.code COLLATE "C", ${t}.rid COLLATE "C", ${t}.pk COLLATE "C"`;
/** describeRef: "I94 record 123". */
const refText = (t: string) => `(${t}.code || ' record ' || ${t}.rid)`;
/** A SourceRef as JSON text, from the columns code, rid and pk (with a prefix, e.g. d_code). */
const refJson = (t: string, prefix = '') =>
  `('{"sourceCode":' || to_json(${t}.${prefix}code)::text || ',"sourceRecordId":' || to_json(${t}.${prefix}rid)::text || ',"recordPk":"' || ${t}.${prefix}pk || '"}')`;
/** describeApplication: "Extension of stay EAC123". */
const appName = (t: string) =>
  `((CASE ${t}.kind WHEN 'extension' THEN 'Extension of stay' WHEN 'change_of_status' THEN 'Change of status' ELSE 'Adjustment of status' END) || ' ' || ${t}.receipt)`;
/** `${n} day(s)` */
const days = (n: string) => `(${n} || CASE WHEN ${n} = 1 THEN ' day' ELSE ' days' END)`;
/** fiscalYearOf: October starts the next fiscal year. */
const fiscalYear = (d: string) =>
  `(date_part('year', ${d})::int + CASE WHEN date_part('month', ${d}) >= 10 THEN 1 ELSE 0 END)`;
/** A character JavaScript and the "C" collation order differently (see the file comment). */
const EXOTIC = `'[\\uE000-\\U0010FFFF]'`;
const outOfRange = (d: string) => `(${d} < DATE '0001-01-01' OR ${d} > DATE '9999-12-31')`;
/** A record the pure rules decide instead (see the file comment); the cheap test goes first. */
const odd = (rid: string, code: string, dates: string[]) =>
  `(${dates.map(outOfRange).join(' OR ')} OR (octet_length(${rid}) <> length(${rid}) AND ${rid} ~ ${EXOTIC}) OR ${code} ~ ${EXOTIC})`;
/** This transaction's share of the people: $2 slices, this is slice $3. */
const slice = (personId: string) => `${personId} % $2::int = $3::int`;

/** admissionSentence: the first sentence of every reason. */
const admissionSentence = (t: string) =>
  `(${refText(t)} || ' shows admission on ' || ${t}.admitted_on || ' as ' || ${t}.cls || CASE WHEN ${t}.ds THEN ' for duration of status' WHEN ${t}.admit_until IS NOT NULL THEN ', admitted until ' || ${t}.admit_until ELSE ', with no admit-until date' END || '.')`;

const BLOCKED = ` It is flagged as a data error and not decided: `;

/**
 * Every linked admission's stay facts, one row per admission, in the shape of the pure rules'
 * Stay after runApplications (for stays with at most one application). $1::date is the as-of date.
 */
const STAY_CTES = `
-- analyseStays: every linked admission in date then source-record order. Those on or before
-- as-of are the stays, and come first; later ones are reported, not decided.
admitted AS MATERIALIZED (
  SELECT a.id, a.person_id, s.code, a.source_record_id AS rid, a.source_record_pk::text AS pk,
         a.class_of_admission AS cls, a.admitted_on, a.admit_until, a.duration_of_status AS ds,
         row_number() OVER w AS stay_no,
         CASE WHEN lead(a.admitted_on) OVER w <= $1::date THEN lead(a.admitted_on) OVER w END AS next_on,
         first_value(a.admitted_on) OVER w AS first_on,
         ${odd('a.source_record_id', 's.code', ['a.admitted_on', 'a.admit_until'])} AS odd
  FROM admissions a JOIN source_systems s ON s.id = a.source_id
  WHERE a.person_id IS NOT NULL AND ${slice('a.person_id')}
  WINDOW w AS (PARTITION BY a.person_id ORDER BY a.admitted_on, s.code COLLATE "C",
               a.source_record_id COLLATE "C", a.source_record_pk::text COLLATE "C")
),
stays AS (SELECT * FROM admitted WHERE admitted_on <= $1::date),
-- A departure belongs to the last stay admitted before it; one on the day of the first admission
-- to the last stay admitted that day (same-day re-entry); earlier ones are flagged on the first
-- stay, later-than-as-of ones on the last (the last stay admitted before them).
deps AS (
  SELECT st.id AS stay_id, st.person_id, s.code, d.source_record_id AS rid,
         d.source_record_pk::text AS pk, d.departed_on, d.self_reported AS self,
         CASE WHEN d.departed_on > $1::date THEN 'departure.in_future'
              WHEN d.departed_on < st.first_on THEN 'departure.before_admission' END AS problem,
         st.first_on, ${odd('d.source_record_id', 's.code', ['d.departed_on'])} AS odd
  FROM departures d JOIN source_systems s ON s.id = d.source_id
  JOIN stays st ON st.person_id = d.person_id AND ${slice('d.person_id')} AND (
    (st.admitted_on < d.departed_on AND (st.next_on IS NULL OR st.next_on >= d.departed_on))
    OR (st.admitted_on = d.departed_on AND st.first_on = d.departed_on
        AND (st.next_on IS NULL OR st.next_on > d.departed_on))
    OR (st.stay_no = 1 AND d.departed_on < st.admitted_on))
),
-- Departures placed in a stay, in date then source-record order, with what decideStay needs:
-- the earliest confirmed departure is used, else the earliest self-reported one.
placed_deps AS (
  SELECT p.*, coalesce(min(p.pos) FILTER (WHERE NOT p.self) OVER s, 1) AS used_pos
  FROM (
    SELECT deps.*,
           row_number() OVER (PARTITION BY stay_id ORDER BY departed_on, ${refOrder('deps')}) AS pos,
           count(*) OVER (PARTITION BY stay_id) AS n,
           count(*) FILTER (WHERE NOT self) OVER (PARTITION BY stay_id) AS n_confirmed,
           min(departed_on) OVER (PARTITION BY stay_id) AS lo,
           max(departed_on) OVER (PARTITION BY stay_id) AS hi
    FROM deps WHERE problem IS NULL
  ) p
  WINDOW s AS (PARTITION BY p.stay_id)
),
-- conflictingDepartures: two confirmed departures, or departures on different dates.
conflicts AS (
  SELECT stay_id,
         n || ' departures are recorded for this one admission ('
           || string_agg(${refText('placed_deps')} || ' on ' || departed_on
                         || CASE WHEN self THEN ', self-reported' ELSE '' END, '; ' ORDER BY pos)
           || '); the ' || CASE WHEN n_confirmed > 0 THEN 'earliest confirmed' ELSE 'earliest self-reported' END
           || ' departure is used.' AS msg,
         '[' || string_agg(${refJson('placed_deps')}, ',' ORDER BY pos) || ']' AS refs,
         min(code) FILTER (WHERE pos = 1) AS code, min(rid) FILTER (WHERE pos = 1) AS rid,
         min(pk) FILTER (WHERE pos = 1) AS pk
  FROM placed_deps
  WHERE n > 1 AND (n_confirmed > 1 OR lo <> hi)
  GROUP BY stay_id, n, n_confirmed
),
-- An application belongs to the last stay admitted on or before its filing date.
apps AS (
  SELECT st.id AS stay_id, st.person_id, s.code, ap.source_record_id AS rid,
         ap.source_record_pk::text AS pk, ap.receipt_number AS receipt, ap.kind, ap.filed_on,
         ap.decided_on, ap.outcome, ap.requested_class, ap.approved_until,
         CASE WHEN ap.filed_on > $1::date THEN 'application.in_future'
              WHEN ap.filed_on < st.first_on THEN 'application.before_admission' END AS problem,
         st.first_on,
         ${odd('ap.source_record_id', 's.code', ['ap.filed_on', 'ap.decided_on', 'ap.approved_until'])} AS odd,
         count(*) FILTER (WHERE ap.filed_on BETWEEN st.first_on AND $1::date) OVER (PARTITION BY st.id) AS n_placed
  FROM applications ap JOIN source_systems s ON s.id = ap.source_id
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
  SELECT apps.*, ${appName('apps')} AS label,
         CASE WHEN outcome = 'pending' OR decided_on IS NULL OR decided_on > $1::date THEN 'pending'
              ELSE outcome END AS outc,
         CASE WHEN outcome = 'pending' OR decided_on IS NULL OR decided_on > $1::date THEN NULL
              ELSE greatest(decided_on, filed_on) END AS dec
  FROM apps WHERE problem IS NULL
),
app_issues AS (
  SELECT stay_id, code, rid, pk, rule, label || ': ' || msg AS msg
  FROM (
    SELECT app1.*,
      CASE WHEN outcome = 'pending' THEN
             CASE WHEN decided_on IS NOT NULL THEN 'application.pending_with_decision_date' END
           WHEN decided_on IS NULL THEN 'application.decision_date_missing'
           WHEN decided_on > $1::date THEN 'application.decided_in_future'
           WHEN decided_on < filed_on THEN 'application.decided_before_filed' END AS rule,
      CASE WHEN outcome = 'pending' THEN
             'pending but has a decision date of ' || decided_on || '; the date is ignored.'
           WHEN decided_on IS NULL THEN
             'recorded as ' || outcome || ' with no decision date; it is treated as pending.'
           WHEN decided_on > $1::date THEN
             'decided on ' || decided_on || ', after the as-of date ' || $1::date || '; it is treated as pending.'
           WHEN decided_on < filed_on THEN
             'decided on ' || decided_on || ', before it was filed on ' || filed_on
             || '; it is treated as decided on the filing date.' END AS msg
    FROM app1
  ) x WHERE rule IS NOT NULL
),
-- openStay's own checks on the admission dates.
adm_issues AS (
  SELECT id AS stay_id, code, rid, pk, rule, msg FROM (
    SELECT stays.*,
      CASE WHEN ds THEN CASE WHEN admit_until IS NOT NULL THEN 'admission.duration_of_status_with_until' END
           WHEN admit_until IS NULL THEN 'admission.no_end_date'
           WHEN admit_until < admitted_on THEN 'admission.until_before_admitted' END AS rule,
      ${refText('stays')} || CASE
           WHEN ds THEN ' is marked duration of status but also gives an admit-until date of '
             || admit_until || '; the date is ignored.'
           WHEN admit_until IS NULL THEN ' has no admit-until date and is not marked duration of status; the end of the authorized stay is treated as unknown.'
           ELSE ' gives an admit-until date of ' || admit_until || ', earlier than the admission date '
             || admitted_on || '; the end of the authorized stay is treated as unknown.' END AS msg
    FROM stays
  ) x WHERE rule IS NOT NULL
),
-- Every data error of a stay (placeIssues + conflictingDepartures), sorted like sortDataErrors.
issues AS (
  SELECT stay_id, code, rid, pk, rule, msg, '[' || ${refJson('i')} || ']' AS refs
  FROM (
    SELECT stay_id, code, rid, pk, rule, msg FROM adm_issues
    UNION ALL SELECT stay_id, code, rid, pk, rule, msg FROM app_issues
    UNION ALL
    SELECT stay_id, code, rid, pk, problem, ${refText('deps')} || CASE problem
             WHEN 'departure.in_future' THEN ' records a departure on ' || departed_on || ', after the as-of date ' || $1::date || '; it is not used.'
             ELSE ' records a departure on ' || departed_on || ', before the earliest admission on ' || first_on || '; it is not used.' END
    FROM deps WHERE problem IS NOT NULL
    UNION ALL
    SELECT stay_id, code, rid, pk, problem, ${refText('apps')} || ' records ' || ${appName('apps')} || CASE problem
             WHEN 'application.in_future' THEN ' on ' || filed_on || ', after the as-of date ' || $1::date || '; it is not used.'
             ELSE ' filed on ' || filed_on || ', before the earliest admission on ' || first_on || '; it is not used.' END
    FROM apps WHERE problem IS NOT NULL
  ) i
  UNION ALL
  SELECT stay_id, code, rid, pk, 'departure.multiple_for_admission', msg, refs FROM conflicts
),
stay_issues AS (
  SELECT stay_id,
         '[' || string_agg('{"rule":' || to_json(rule)::text || ',"message":' || to_json(msg)::text
                           || ',"sourceRecords":' || refs || '}', ','
                           ORDER BY rule COLLATE "C", ${refOrder('issues')}, msg COLLATE "C") || ']' AS errors,
         string_agg(msg, ' ' ORDER BY rule COLLATE "C", ${refOrder('issues')}, msg COLLATE "C") AS messages,
         min(rule COLLATE "C") FILTER (WHERE rule IN ('admission.until_before_admitted',
           'admission.no_end_date', 'departure.before_admission')) AS blocking
  FROM issues GROUP BY stay_id
)`;

/**
 * runApplications with at most one application, then judge: one row per stay with the
 * determination's columns. $1::date is the as-of date.
 */
const DECIDED_STAYS = `
-- Before any application: fileApplication's view of the stay.
s0 AS (
  SELECT st.*, CASE WHEN NOT st.ds AND st.admit_until >= st.admitted_on THEN st.admit_until END AS until0,
         a.stay_id IS NOT NULL AS has_app, a.code AS a_code, a.rid AS a_rid, a.pk AS a_pk, a.kind,
         a.filed_on, a.outc, a.dec, a.requested_class, a.approved_until, a.label,
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
          AND dec > until0) AS moved_until,
    outc = 'pending' AND timeliness <> 'untimely' AS keeps_open
  FROM s0
  OFFSET 0 -- computed once per row, not at every use below
),
-- The sentences on the application (applicationSentences).
s2 AS (
  SELECT s1.*,
    CASE WHEN has_app THEN
      label || ' was filed on ' || filed_on || CASE timeliness
        WHEN 'timely' THEN CASE WHEN ds THEN ', during a stay with no fixed end date (timely).'
                                ELSE ', on or before the authorized-until date ' || until0 || ' (timely).' END
        WHEN 'unknown' THEN '; whether that was timely cannot be told because the end of the authorized stay is unknown.'
        ELSE ', after the authorized stay ended on ' || until0 || ' (untimely).' END
      || ' ' || CASE
        WHEN outc = 'pending' AND timeliness = 'untimely' THEN 'It is pending as of ' || $1::date
          || ', but it was filed after the authorized stay ended (untimely), so it does not restore authorized stay.'
        WHEN outc = 'pending' THEN 'It is pending as of ' || $1::date
          || '; because it was filed while the stay was authorized, the authorized stay continues while it is pending.'
        WHEN outc = 'approved' THEN CASE
          WHEN kind = 'adjustment_of_status' THEN 'Approved on ' || dec
            || '; the person adjusted to permanent residence, so the stay has no fixed end date.'
          WHEN approved_until IS NULL THEN 'Approved on ' || dec || ' as ' || coalesce(requested_class, cls)
            || ' without a new authorized-until date, so the existing end ('
            || CASE WHEN ds THEN 'duration of status' ELSE coalesce(until0::text, 'unknown') END || ') is kept.'
          ELSE 'Approved on ' || dec || '; the authorized stay now runs until ' || approved_until || '.' END
          || CASE WHEN timeliness = 'untimely' THEN ' Although it was filed late, the approval is applied.' ELSE '' END
        ELSE 'It was ' || outc || ' on ' || dec || CASE
          WHEN ds OR until0 IS NULL THEN '; the stay''s end date is unchanged.'
          WHEN timeliness <> 'timely' THEN '; because it did not keep the stay authorized, the end date ' || until0 || ' is unchanged.'
          WHEN dec <= until0 THEN ', on or before the authorized-until date ' || until0 || ', so that date stands.'
          ELSE ', after the authorized-until date ' || until0 || '; the authorized stay ended on ' || dec || '.' END
        END
      || CASE WHEN timeliness = 'untimely' AND outc <> 'approved'
              THEN ' An application filed after the authorized-until date does not extend the authorized period.'
              ELSE '' END || ' '
    ELSE '' END AS app_text
  FROM s1
),
-- judge, with the departure used and the stay's data errors.
s3 AS (
  SELECT s2.*, d.code AS d_code, d.rid AS d_rid, d.pk AS d_pk, d.departed_on, d.self,
         i.errors, i.messages, i.blocking, c.msg AS conflict,
         CASE WHEN d.stay_id IS NULL THEN '' ELSE ${refText('d')} || ' shows departure on ' || d.departed_on
           || CASE WHEN d.self THEN ' (self-reported, unconfirmed)' ELSE '' END END AS left_text,
         CASE WHEN keeps_open THEN label || ', filed on time on ' || filed_on || ', is pending as of ' || $1::date
           || ' and keeps the stay authorized while it is pending' END AS kept_open
  FROM s2
  LEFT JOIN placed_deps d ON d.stay_id = s2.id AND d.pos = d.used_pos
  LEFT JOIN stay_issues i ON i.stay_id = s2.id
  LEFT JOIN conflicts c ON c.stay_id = s2.id
),
s4 AS (
  SELECT s3.*,
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
  FROM s3
  OFFSET 0
),
decided AS (
  SELECT s4.id, s4.person_id, s4.cls,
    CASE WHEN blocking IS NOT NULL THEN 'data_error' ELSE outcome END AS outcome,
    coalesce(blocking, decided_rule) AS rule,
    CASE WHEN blocking IS NOT NULL THEN ${admissionSentence('s4')} || '${BLOCKED}' || messages
    ELSE ${admissionSentence('s4')} || ' ' || app_text || CASE
      WHEN adjusted THEN 'The person adjusted to permanent residence on ' || dec
        || ', so the temporary stay has no end date and no departure is due.'
        || CASE WHEN left_text <> '' THEN ' ' || left_text || '.' ELSE '' END
      WHEN ds1 OR until1 IS NULL THEN 'The stay is for duration of status (D/S) and no program end date is on record, so whether it ended, and when, cannot be determined from entry/exit data; no overstay is assessed.'
        || CASE WHEN left_text <> '' THEN ' ' || left_text || '.' ELSE '' END
      WHEN departed_on IS NOT NULL THEN left_text || CASE
        WHEN departed_on <= until1 THEN ', on or before the authorized-until date ' || until1 || ': departed on time.'
        WHEN keeps_open THEN ', after ' || until1 || ', but ' || kept_open || ', so the departure was within the authorized stay: departed on time.'
        ELSE ', ' || ${days('over')} || ' after the authorized stay ended on ' || until1 || ': out-of-country overstay.' END
      WHEN $1::date <= until1 THEN 'No departure is recorded, and the authorized stay runs until ' || until1
        || ', not before the as-of date ' || $1::date || ': not yet due to depart.'
      WHEN keeps_open THEN 'The authorized-until date ' || until1 || ' has passed, but ' || kept_open
        || '; there is no overstay while it is pending.'
      ELSE 'No departure on or after the admission on ' || admitted_on || ' is recorded as of ' || $1::date || ', '
        || ${days('over')} || ' after the authorized stay ended on ' || until1 || ': suspected in-country overstay.' END
      || coalesce(' ' || conflict, '') END AS reason,
    until1 AS authorized_until, departed_on,
    CASE WHEN blocking IS NULL THEN over END AS days_over,
    ${fiscalYear('until1')} AS fiscal_year,
    '{"admission":' || ${refJson('s4')}
      || ',"departure":' || CASE WHEN d_code IS NULL THEN 'null'
           ELSE ${refJson('s4', 'd_')} END
      || ',"applications":' || CASE WHEN moved_until OR keeps_open
           THEN '[' || ${refJson('s4', 'a_')} || ']' ELSE '[]' END
      || ',"dataErrors":' || coalesce(errors, '[]') || '}' AS details
  FROM s4
),
-- unusableAdmission: an admission dated after as-of is reported, not decided.
future AS (
  SELECT x.id, x.person_id, x.cls, 'data_error' AS outcome, 'admission.in_future' AS rule,
    ${admissionSentence('x')} || '${BLOCKED}' || x.msg AS reason,
    NULL::date AS authorized_until, NULL::date AS departed_on, NULL::int AS days_over, NULL::int AS fiscal_year,
    '{"admission":' || ${refJson('x')} || ',"departure":null,"applications":[],"dataErrors":[{"rule":"admission.in_future","message":'
      || to_json(x.msg)::text || ',"sourceRecords":[' || ${refJson('x')} || ']}]}' AS details
  FROM (
    SELECT admitted.*, ${refText('admitted')} || ' records an admission on ' || admitted_on
             || ', after the as-of date ' || $1::date || '; it is not used.' AS msg
    FROM admitted WHERE admitted_on > $1::date
      AND NOT EXISTS (SELECT 1 FROM hybrid h WHERE h.person_id = admitted.person_id)
  ) x
),
-- countriesOf: the most common country of citizenship on the person's records.
countries AS (
  SELECT DISTINCT ON (person_id) person_id, country_of_citizenship AS country
  FROM (
    SELECT person_id, country_of_citizenship, count(*) AS n FROM record_identities
    WHERE person_id IS NOT NULL AND country_of_citizenship IS NOT NULL AND ${slice('person_id')}
    GROUP BY person_id, country_of_citizenship
  ) g
  ORDER BY person_id, n DESC, country_of_citizenship
)`;

/** The batch statement: upsert every decided admission, like saveDeterminations. */
const UPSERT = `
WITH ${STAY_CTES},
${DECIDED_STAYS},
inserted AS (
  INSERT INTO overstay_determinations (admission_id, person_id, outcome, rule, reason, authorized_until,
    departed_on, days_over, fiscal_year, class_of_admission, country_of_citizenship, details, as_of)
  SELECT r.id, r.person_id, r.outcome, r.rule, r.reason, r.authorized_until, r.departed_on, r.days_over,
         r.fiscal_year, r.cls, c.country, r.details::jsonb, $1::date
  FROM (SELECT * FROM decided UNION ALL SELECT * FROM future) r
  LEFT JOIN countries c ON c.person_id = r.person_id
  -- No ORDER BY: sorting the wide rows would cost more than it saves; with enough work_mem the
  -- hash joins keep the stays' person order anyway.
  ON CONFLICT (admission_id) DO UPDATE SET
    person_id = excluded.person_id, outcome = excluded.outcome, rule = excluded.rule,
    reason = excluded.reason, authorized_until = excluded.authorized_until,
    departed_on = excluded.departed_on, days_over = excluded.days_over,
    fiscal_year = excluded.fiscal_year, class_of_admission = excluded.class_of_admission,
    country_of_citizenship = excluded.country_of_citizenship, details = excluded.details,
    as_of = excluded.as_of, determined_at = now()
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
   * `work_mem` for this transaction (SET LOCAL), e.g. '512MB': enough for the joins to hash in
   * memory keeps the rows in person order for the insert, which makes the index and foreign-key
   * work on overstay_determinations sequential. Unset: the server's setting.
   */
  workMem?: string;
}

/**
 * Determines the overstay of every linked admission (of one slice of the people) as of `asOf`
 * in SQL and stores the rows, except for the people it returns, whose determinations the caller
 * computes with the pure rules. Run it inside a transaction (the settings are SET LOCAL).
 */
export async function determineOverstaysInSql(
  db: Q,
  asOf: string,
  options: BatchOptions = {},
): Promise<BatchResult> {
  // Dates become text in reasons: 'YYYY-MM-DD' whatever the server's default. Whole-table joins
  // hash; the planner, misled by the CTEs' row estimates, would otherwise probe an index per stay.
  await sql`SET LOCAL datestyle = 'ISO, YMD'`.execute(db);
  await sql`SET LOCAL enable_nestloop = off`.execute(db);
  if (options.workMem !== undefined) {
    await sql`SELECT set_config('work_mem', ${options.workMem}, true)`.execute(db);
  }
  const result = await db.executeQuery<{ determinations: string; people: string; hybrid: string[] }>(
    CompiledQuery.raw(UPSERT, [asOf, options.slices ?? 1, options.slice ?? 0]),
  );
  const row = result.rows[0];
  return {
    determinations: Number(row?.determinations ?? 0),
    people: Number(row?.people ?? 0),
    hybridPersonIds: row?.hybrid ?? [],
  };
}

/** True on PGlite (one in-process session): no point in running slices side by side there. */
export async function isEmbedded(db: Q): Promise<boolean> {
  const { rows } = await sql<{ v: string }>`SELECT version() AS v`.execute(db);
  return /PGlite|emscripten/i.test(rows[0]?.v ?? '');
}

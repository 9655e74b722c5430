import { sql, type Kysely } from 'kysely';
import type { DB } from '../src/db/schema.js';

/**
 * Synthetic facts for the overstay batch benchmark, generated in SQL (INSERT … SELECT over
 * generate_series; a few minutes for 10 million admissions) into a fresh, migrated database with
 * the default sources. Every value is a hash of the admission number, so a size always gives the
 * same data. For `n` admissions:
 * - n − n/10 people: every tenth admission is a second trip of the person before it;
 * - 8% duration of status (F1), 0.2% admit-until before admitted-on, 0.1% no admit-until;
 * - 80% with a departure (some late, 5% self-reported), 3% with a second, conflicting one,
 *   0.1% with one dated before the admission;
 * - 5% with an application of any kind and outcome, 0.5% with a second one in the same stay
 *   (those people go to the pure rules);
 * - one identity record per source record, with a country of citizenship (2% of records name
 *   another country than the person's usual one); each admission also carries its own record's
 *   country, as ingest projects it (migration 0006).
 */
export async function generateBatchFacts(db: Kysely<DB>, n: number): Promise<{ seconds: number }> {
  const started = performance.now();
  // A number in [0, m) drawn from the admission number and a salt.
  const h = (g: string, salt: number, m: number) =>
    `(abs(hashint8((${g})::bigint * 16 + ${salt})) % ${m})::int`;
  const source = (code: string) => `(SELECT id FROM source_systems WHERE code = '${code}')`;
  // A record's country of citizenship: the person's usual one, another for 2% of records.
  const country = (pk: string, personId: string) =>
    `(ARRAY['NGA','IND','MEX','BRA','CHN','PHL','VNM','COL','GBR','DEU'])
       [1 + CASE WHEN ${h(pk, 15, 100)} < 2 THEN ${h(pk, 16, 10)} ELSE (${personId}) % 10 END]`;
  const stayDays = `greatest(coalesce(a.admit_until, a.admitted_on + 365) - a.admitted_on, 1)`;
  const statements = [
    `INSERT INTO people (id, created_at) SELECT p, now() FROM generate_series(1, ${n - Math.floor(n / 10)}) p`,
    `INSERT INTO admissions (id, source_id, source_record_id, source_record_pk, person_id, admission_number,
       class_of_admission, port_of_entry, admitted_on, admit_until, duration_of_status, country_of_citizenship)
     SELECT g, ${source('I94')}, 'A' || g, g, g - g / 10, NULL,
            CASE WHEN ds THEN 'F1' ELSE (ARRAY['B1','B2','H1B','WT','J1','L1','O1'])[1 + ${h('g', 0, 7)}] END,
            'JFK', admitted_on,
            CASE WHEN ds THEN NULL WHEN r = 950 THEN admitted_on - 10 WHEN r = 951 THEN NULL
                 ELSE admitted_on + 90 + ${h('g', 4, 300)} END,
            ds, ${country('g', 'g - g / 10')}
     FROM (
       SELECT g, ${h('g', 5, 1000)} AS r, ${h('g', 5, 1000)} < 80 AS ds,
              CASE WHEN g % 10 = 0
                   THEN DATE '2022-01-01' + ${h('g - 1', 1, 1100)} + 200 + ${h('g', 2, 300)}
                   ELSE DATE '2022-01-01' + ${h('g', 1, 1100)} END AS admitted_on
       FROM generate_series(1, ${n}) g
     ) x`,
    // The departure of 80% of stays, anywhere from the admission to 60 days past the stay.
    `INSERT INTO departures (id, source_id, source_record_id, source_record_pk, person_id, departed_on,
       port_of_departure, self_reported)
     SELECT a.id, CASE WHEN self THEN ${source('SELF')} ELSE ${source('EXIT')} END, 'D' || a.id,
            ${n} + a.id, a.person_id, a.admitted_on + ${h('a.id', 6, 100000)} % (${stayDays} + 60), 'JFK', self
     FROM (SELECT a.*, ${h('a.id', 7, 100)} < 5 AS self FROM admissions a WHERE ${h('a.id', 3, 100)} < 80) a`,
    `INSERT INTO departures (id, source_id, source_record_id, source_record_pk, person_id, departed_on, self_reported)
     SELECT ${n} + d.id, ${source('EXIT')}, 'E' || d.id, 2 * ${n} + d.id, d.person_id,
            d.departed_on + ${h('d.id', 8, 20)}, false
     FROM departures d WHERE ${h('d.id', 3, 100)} < 3`,
    `INSERT INTO departures (id, source_id, source_record_id, source_record_pk, person_id, departed_on, self_reported)
     SELECT 2 * ${n} + a.id, ${source('EXIT')}, 'F' || a.id, 3 * ${n} + a.id, a.person_id, a.admitted_on - 5, false
     FROM admissions a WHERE ${h('a.id', 3, 1000)} = 999`,
    `INSERT INTO applications (id, source_id, source_record_id, source_record_pk, person_id, receipt_number,
       kind, filed_on, decided_on, outcome, requested_class, approved_until)
     SELECT a.id, ${source('USCIS')}, 'P' || a.id, 4 * ${n} + a.id, a.person_id, 'SYN' || a.id, kind, filed_on,
            CASE WHEN outcome <> 'pending' THEN filed_on + 30 + ${h('a.id', 11, 300)} END, outcome,
            CASE WHEN kind = 'change_of_status' THEN 'H1B' END,
            CASE WHEN outcome = 'approved' AND kind <> 'adjustment_of_status'
                 THEN filed_on + 210 + ${h('a.id', 12, 360)} END
     FROM (
       SELECT a.*,
              (ARRAY['extension','change_of_status','adjustment_of_status'])[1 + ${h('a.id', 9, 3)}] AS kind,
              a.admitted_on + ${h('a.id', 10, 100000)} % (${stayDays} + 30) AS filed_on,
              CASE WHEN ${h('a.id', 13, 100)} < 30 THEN 'pending' WHEN ${h('a.id', 13, 100)} < 80 THEN 'approved'
                   WHEN ${h('a.id', 13, 100)} < 95 THEN 'denied' ELSE 'withdrawn' END AS outcome
       FROM admissions a WHERE ${h('a.id', 14, 1000)} < 50
     ) a`,
    `INSERT INTO applications (id, source_id, source_record_id, source_record_pk, person_id, receipt_number,
       kind, filed_on, outcome)
     SELECT ${n} + p.id, p.source_id, 'Q' || p.id, 5 * ${n} + p.id, p.person_id, 'SYQ' || p.id, 'extension',
            p.filed_on + 10, 'pending'
     FROM applications p WHERE ${h('p.id', 14, 1000)} < 5`,
    ...(['admissions', 'departures', 'applications'] as const).map(
      (table) => `INSERT INTO source_records (id, source_id, source_record_id, version, checksum, record_type,
         data, raw, file_name, line_number)
       SELECT source_record_pk, source_id, source_record_id, 1, 'bench', '${table.slice(0, -1)}', '{}', '', 'bench',
              source_record_pk
       FROM ${table}`,
    ),
    ...(['admissions', 'departures', 'applications'] as const).map(
      (table) => `INSERT INTO record_identities (source_id, source_record_id, source_record_pk, record_type,
         person_id, country_of_citizenship)
       SELECT source_id, source_record_id, source_record_pk, '${table.slice(0, -1)}', person_id,
              ${country('source_record_pk', 'person_id')}
       FROM ${table}`,
    ),
  ];
  await db.connection().execute(async (conn) => {
    // Loading only: skip the foreign-key triggers (the keys are consistent by construction);
    // needs a superuser, which the scratch database and PGlite have.
    await sql`SET session_replication_role = replica`.execute(conn);
    for (const statement of statements) await sql.raw(statement).execute(conn);
    await sql`SET session_replication_role = DEFAULT`.execute(conn);
    for (const seq of ['people_id_seq', 'admissions_id_seq', 'departures_id_seq', 'applications_id_seq']) {
      await sql
        .raw(`SELECT setval('${seq}', (SELECT max(id) FROM ${seq.replace('_id_seq', '')}))`)
        .execute(conn);
    }
    await sql
      .raw(`SELECT setval('source_records_id_seq', (SELECT max(id) FROM source_records))`)
      .execute(conn);
    // Steady state for the timed step: hint bits set, statistics and visibility map current.
    await sql`VACUUM (ANALYZE)`.execute(conn);
  });
  return { seconds: (performance.now() - started) / 1000 };
}

import { sql, type Kysely, type Transaction } from 'kysely';
import type { ApplicationsTable, DB } from '../db/schema.js';
import type { OverstayDetermination } from './overstay.rules.js';
import type { PersonFacts } from './timeline.rules.js';

type Q = Kysely<DB> | Transaction<DB>;

/** The admissions, applications and departures currently linked to a person. */
export async function loadPersonFacts(db: Q, personId: string): Promise<PersonFacts> {
  const { facts } = await loadFactsForPeople(db, [personId]);
  return facts.get(personId) ?? { admissions: [], applications: [], departures: [] };
}

export interface PeopleFacts {
  facts: Map<string, PersonFacts>;
  /** admissions.id by the admission's source record pk (determinations are keyed by admission). */
  admissionIds: Map<string, string>;
  /**
   * The country of citizenship recorded at each admission, by its source record pk: the report
   * groups each admission's determination by it (migration 0006).
   */
  countries: Map<string, string>;
}

type Json = string | number | boolean | null;
interface FactsRow {
  admissions: Json[][];
  applications: Json[][];
  departures: Json[][];
}

/**
 * Facts for many people in one query (ingest batches, the departure stream's refresh, the person
 * page): each table's rows come back as one JSON array of positional arrays. One round trip
 * instead of four matters on the departure stream, where every statement costs the server's one
 * thread ~0.3 ms of driver and socket work on top of its execution (measured with a profile of
 * the stream benchmark); the positional arrays keep the JSON small.
 */
export async function loadFactsForPeople(db: Q, personIds: string[]): Promise<PeopleFacts> {
  const facts = new Map<string, PersonFacts>();
  const admissionIds = new Map<string, string>();
  const countries = new Map<string, string>();
  if (!personIds.length) {
    return { facts, admissionIds, countries };
  }
  const ids = sql`${personIds}::bigint[]`;
  const { rows } = await sql<FactsRow>`SELECT
    (SELECT coalesce(json_agg(json_build_array(a.id::text, a.person_id::text, s.code, a.source_record_id,
        a.source_record_pk::text, a.admission_number, a.class_of_admission, a.port_of_entry, a.admitted_on,
        a.admit_until, a.duration_of_status, a.country_of_citizenship) ORDER BY a.admitted_on), '[]')
      FROM admissions a JOIN source_systems s ON s.id = a.source_id WHERE a.person_id = ANY(${ids})) AS admissions,
    (SELECT coalesce(json_agg(json_build_array(a.person_id::text, s.code, a.source_record_id,
        a.source_record_pk::text, a.receipt_number, a.kind, a.filed_on, a.decided_on, a.outcome,
        a.requested_class, a.approved_until) ORDER BY a.filed_on), '[]')
      FROM applications a JOIN source_systems s ON s.id = a.source_id WHERE a.person_id = ANY(${ids})) AS applications,
    (SELECT coalesce(json_agg(json_build_array(d.person_id::text, s.code, d.source_record_id,
        d.source_record_pk::text, d.departed_on, d.port_of_departure, d.carrier, d.manifest_ref,
        d.self_reported) ORDER BY d.departed_on), '[]')
      FROM departures d JOIN source_systems s ON s.id = d.source_id WHERE d.person_id = ANY(${ids})) AS departures`.execute(
    db,
  );
  const row = rows[0];
  if (!row) throw new Error('loadFactsForPeople: no row');
  // PGlite hands json back parsed; node-postgres too (its json type parser).
  const str = (v: Json | undefined) => (v === null || v === undefined ? null : String(v));
  const text = (v: Json | undefined) => String(v);
  const of = (personId: Json | undefined) => {
    const key = str(personId) ?? '';
    let f = facts.get(key);
    if (!f) {
      f = { admissions: [], applications: [], departures: [] };
      facts.set(key, f);
    }
    return f;
  };
  const ref = (code: Json | undefined, id: Json | undefined, pk: Json | undefined) => ({
    sourceCode: text(code),
    sourceRecordId: text(id),
    recordPk: text(pk),
  });
  for (const [id, personId, code, rid, pk, number, cls, port, on, until, ds, country] of row.admissions) {
    admissionIds.set(text(pk), text(id));
    if (country !== null && country !== undefined) countries.set(text(pk), text(country));
    of(personId).admissions.push({
      ref: ref(code, rid, pk),
      admissionNumber: str(number),
      classOfAdmission: text(cls),
      portOfEntry: str(port),
      admittedOn: text(on),
      admitUntil: str(until),
      durationOfStatus: ds === true,
    });
  }
  for (const [
    personId,
    code,
    rid,
    pk,
    receipt,
    kind,
    filed,
    decided,
    outcome,
    requested,
    approved,
  ] of row.applications) {
    of(personId).applications.push({
      ref: ref(code, rid, pk),
      receiptNumber: text(receipt),
      kind: text(kind) as ApplicationsTable['kind'],
      filedOn: text(filed),
      decidedOn: str(decided),
      outcome: text(outcome) as ApplicationsTable['outcome'],
      requestedClass: str(requested),
      approvedUntil: str(approved),
    });
  }
  for (const [personId, code, rid, pk, on, port, carrier, manifest, self] of row.departures) {
    of(personId).departures.push({
      ref: ref(code, rid, pk),
      departedOn: text(on),
      portOfDeparture: str(port),
      carrier: str(carrier),
      manifestRef: str(manifest),
      selfReported: self === true,
    });
  }
  return { facts, admissionIds, countries };
}

export interface DeterminationRow {
  admissionId: string;
  personId: string;
  determination: OverstayDetermination;
  country: string | null;
  asOf: string;
}

/** The stored columns of a determination and their types (see storedColumns). */
const STORED_TYPES = {
  admission_id: 'bigint',
  person_id: 'bigint',
  outcome: 'text',
  rule: 'text',
  authorized_until: 'date',
  departed_on: 'date',
  days_over: 'int',
  fiscal_year: 'int',
  class_of_admission: 'text',
  country_of_citizenship: 'text',
  departure_record_pk: 'bigint',
  application_record_pks: 'bigint[]',
  data_error_rules: 'text[]',
  as_of: 'date',
} as const satisfies Record<keyof ReturnType<typeof storedColumns>, string>;
const STORED = Object.keys(STORED_TYPES) as (keyof typeof STORED_TYPES)[];

/** The stored columns of a determination; the reason stays with the pure rules (see 0005). */
function storedColumns(r: DeterminationRow) {
  const d = r.determination;
  return {
    admission_id: r.admissionId,
    person_id: r.personId,
    outcome: d.outcome,
    rule: d.rule,
    authorized_until: d.authorizedUntil,
    departed_on: d.departedOn,
    days_over: d.daysOver,
    fiscal_year: d.expectedDepartureFiscalYear,
    class_of_admission: d.classOfAdmission,
    country_of_citizenship: r.country,
    departure_record_pk: d.departure?.recordPk ?? null,
    application_record_pks: d.applications.map((a) => a.recordPk),
    data_error_rules: d.dataErrors.map((e) => e.rule),
    as_of: r.asOf,
  };
}

export async function saveDeterminations(db: Q, rows: DeterminationRow[]): Promise<void> {
  if (!rows.length) {
    return;
  }
  // One JSON parameter for all rows (JSON.stringify is native; the array columns come through
  // json_to_recordset as arrays) instead of a parameter per value: the departure stream saves a
  // group's determinations in every transaction.
  await sql`INSERT INTO overstay_determinations AS o (${sql.join(STORED.map((c) => sql.id(c)))})
    SELECT ${sql.join(STORED.map((c) => sql.ref(`r.${c}`)))}
    FROM json_to_recordset(${JSON.stringify(rows.map(storedColumns))}::json) AS r(${sql.raw(
      STORED.map((c) => `${c} ${STORED_TYPES[c]}`).join(', '),
    )})
    ON CONFLICT (admission_id) DO UPDATE SET ${sql.join(
      STORED.filter((c) => c !== 'admission_id').map((c) => sql`${sql.id(c)} = ${sql.ref(`excluded.${c}`)}`),
    )}, determined_at = now()
    -- An unchanged determination is left as it is (no new row version, WAL or index entries):
    -- every departure recomputes all of its person's admissions, and most do not change. So
    -- determined_at is when the determination last changed or its as_of date moved.
    WHERE (${sql.join(STORED.map((c) => sql.ref(`o.${c}`)))})
      IS DISTINCT FROM (${sql.join(STORED.map((c) => sql.ref(`excluded.${c}`)))})`.execute(db);
}

/**
 * Writes determinations into the batch's staging table (overstay-swap.store.ts), which has no
 * unique index while it is filled: with `replace`, the rows already there for these
 * determinations' admissions are deleted first (only once the staging table has its primary key).
 */
export async function saveStagedDeterminations(
  db: Q,
  table: string,
  rows: DeterminationRow[],
  { replace = false }: { replace?: boolean } = {},
): Promise<void> {
  if (!rows.length) {
    return;
  }
  if (replace) {
    await deleteStagedDeterminations(
      db,
      table,
      rows.map((r) => r.admissionId),
    );
  }
  const staged = db.$extendTables<Record<string, DB['overstay_determinations']>>();
  await staged.insertInto(table).values(rows.map(storedColumns)).execute();
}

/** Deletes these admissions' rows from the batch's staging table. */
export async function deleteStagedDeterminations(
  db: Q,
  table: string,
  admissionIds: string[],
): Promise<void> {
  if (admissionIds.length) {
    await sql`DELETE FROM ${sql.table(table)} WHERE admission_id = ANY(${admissionIds}::bigint[])`.execute(
      db,
    );
  }
}

/** Counts by (fiscal year, class, country, outcome) for the report; the rules suppress small cells. */
export async function determinationCounts(db: Q) {
  const rows = await db
    .selectFrom('overstay_determinations')
    .select([
      'fiscal_year',
      'class_of_admission',
      'country_of_citizenship',
      'outcome',
      (eb) => eb.fn.countAll<string>().as('n'),
    ])
    .groupBy(['fiscal_year', 'class_of_admission', 'country_of_citizenship', 'outcome'])
    .execute();
  const meta = await db
    .selectFrom('overstay_determinations')
    .select([(eb) => eb.fn.max('as_of').as('as_of'), (eb) => eb.fn.countAll<string>().as('n')])
    .executeTakeFirstOrThrow();
  return {
    rows: rows.map((r) => ({
      fiscalYear: r.fiscal_year,
      classOfAdmission: r.class_of_admission,
      countryOfCitizenship: r.country_of_citizenship,
      outcome: r.outcome,
      count: Number(r.n),
    })),
    asOf: meta.as_of as string | null,
    total: Number(meta.n),
  };
}

/** Voluntary departure grants of a person, with compliance (8 CFR 1240.26). */
export async function voluntaryDeparturesOf(db: Q, personId: string) {
  const rows = await db
    .selectFrom('voluntary_departures')
    .select(['granted_on', 'depart_by', 'granted_by', 'complied_on', 'complied_self_reported'])
    .where('person_id', '=', personId)
    .orderBy('granted_on')
    .execute();
  return rows.map((r) => ({
    grantedOn: r.granted_on,
    departBy: r.depart_by,
    grantedBy: r.granted_by,
    compliedOn: r.complied_on,
    compliedSelfReported: r.complied_self_reported,
  }));
}

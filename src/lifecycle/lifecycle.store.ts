import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
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
}

/** Facts for many people in three queries (batch recompute, ingest batches). */
export async function loadFactsForPeople(db: Q, personIds: string[]): Promise<PeopleFacts> {
  const facts = new Map<string, PersonFacts>();
  const admissionIds = new Map<string, string>();
  if (!personIds.length) {
    return { facts, admissionIds };
  }
  const [admissions, applications, departures] = await Promise.all([
    db
      .selectFrom('admissions as a')
      .innerJoin('source_systems as s', 's.id', 'a.source_id')
      .select([
        'a.id',
        'a.person_id',
        's.code',
        'a.source_record_id',
        'a.source_record_pk',
        'a.admission_number',
        'a.class_of_admission',
        'a.port_of_entry',
        'a.admitted_on',
        'a.admit_until',
        'a.duration_of_status',
      ])
      .where('a.person_id', 'in', personIds)
      .orderBy('a.admitted_on')
      .execute(),
    db
      .selectFrom('applications as a')
      .innerJoin('source_systems as s', 's.id', 'a.source_id')
      .select([
        'a.person_id',
        's.code',
        'a.source_record_id',
        'a.source_record_pk',
        'a.receipt_number',
        'a.kind',
        'a.filed_on',
        'a.decided_on',
        'a.outcome',
        'a.requested_class',
        'a.approved_until',
      ])
      .where('a.person_id', 'in', personIds)
      .orderBy('a.filed_on')
      .execute(),
    db
      .selectFrom('departures as d')
      .innerJoin('source_systems as s', 's.id', 'd.source_id')
      .select([
        'd.person_id',
        's.code',
        'd.source_record_id',
        'd.source_record_pk',
        'd.departed_on',
        'd.port_of_departure',
        'd.carrier',
        'd.manifest_ref',
        'd.self_reported',
      ])
      .where('d.person_id', 'in', personIds)
      .orderBy('d.departed_on')
      .execute(),
  ]);
  const ref = (r: { code: string; source_record_id: string; source_record_pk: string }) => ({
    sourceCode: r.code,
    sourceRecordId: r.source_record_id,
    recordPk: r.source_record_pk,
  });
  const of = (personId: string | null) => {
    const key = personId ?? '';
    let f = facts.get(key);
    if (!f) {
      f = { admissions: [], applications: [], departures: [] };
      facts.set(key, f);
    }
    return f;
  };
  for (const r of admissions) {
    admissionIds.set(r.source_record_pk, r.id);
    of(r.person_id).admissions.push({
      ref: ref(r),
      admissionNumber: r.admission_number,
      classOfAdmission: r.class_of_admission,
      portOfEntry: r.port_of_entry,
      admittedOn: r.admitted_on,
      admitUntil: r.admit_until,
      durationOfStatus: r.duration_of_status,
    });
  }
  for (const r of applications) {
    of(r.person_id).applications.push({
      ref: ref(r),
      receiptNumber: r.receipt_number,
      kind: r.kind,
      filedOn: r.filed_on,
      decidedOn: r.decided_on,
      outcome: r.outcome,
      requestedClass: r.requested_class,
      approvedUntil: r.approved_until,
    });
  }
  for (const r of departures) {
    of(r.person_id).departures.push({
      ref: ref(r),
      departedOn: r.departed_on,
      portOfDeparture: r.port_of_departure,
      carrier: r.carrier,
      manifestRef: r.manifest_ref,
      selfReported: r.self_reported,
    });
  }
  return { facts, admissionIds };
}

/** The most common country of citizenship on each person's records (for the report's grouping). */
export async function countriesOf(db: Q, personIds: string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  if (!personIds.length) {
    return map;
  }
  const rows = await db
    .selectFrom('record_identities')
    .select(['person_id', 'country_of_citizenship', (eb) => eb.fn.countAll<string>().as('n')])
    .where('person_id', 'in', personIds)
    .where('country_of_citizenship', 'is not', null)
    .groupBy(['person_id', 'country_of_citizenship'])
    .orderBy('person_id')
    .orderBy('n', 'desc')
    .orderBy('country_of_citizenship')
    .execute();
  for (const r of rows) {
    if (r.person_id && r.country_of_citizenship && !map.has(r.person_id)) {
      map.set(r.person_id, r.country_of_citizenship);
    }
  }
  return map;
}

export interface DeterminationRow {
  admissionId: string;
  personId: string;
  determination: OverstayDetermination;
  country: string | null;
  asOf: string;
}

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
  await db
    .insertInto('overstay_determinations')
    .values(rows.map(storedColumns))
    .onConflict((oc) =>
      oc
        .column('admission_id')
        .doUpdateSet((eb) => ({
          person_id: eb.ref('excluded.person_id'),
          outcome: eb.ref('excluded.outcome'),
          rule: eb.ref('excluded.rule'),
          authorized_until: eb.ref('excluded.authorized_until'),
          departed_on: eb.ref('excluded.departed_on'),
          days_over: eb.ref('excluded.days_over'),
          fiscal_year: eb.ref('excluded.fiscal_year'),
          class_of_admission: eb.ref('excluded.class_of_admission'),
          country_of_citizenship: eb.ref('excluded.country_of_citizenship'),
          departure_record_pk: eb.ref('excluded.departure_record_pk'),
          application_record_pks: eb.ref('excluded.application_record_pks'),
          data_error_rules: eb.ref('excluded.data_error_rules'),
          as_of: eb.ref('excluded.as_of'),
          determined_at: sql<Date>`now()`,
        }))
        // An unchanged determination is left as it is (no new row version, WAL or index entries):
        // every departure recomputes all of its person's admissions, and most do not change.
        // So determined_at is when the determination last changed or its as_of date moved.
        .where(
          sql<boolean>`(overstay_determinations.person_id, overstay_determinations.outcome, overstay_determinations.rule,
          overstay_determinations.authorized_until, overstay_determinations.departed_on,
          overstay_determinations.days_over, overstay_determinations.fiscal_year, overstay_determinations.class_of_admission,
          overstay_determinations.country_of_citizenship, overstay_determinations.departure_record_pk,
          overstay_determinations.application_record_pks, overstay_determinations.data_error_rules,
          overstay_determinations.as_of)
        IS DISTINCT FROM (excluded.person_id, excluded.outcome, excluded.rule, excluded.authorized_until,
          excluded.departed_on, excluded.days_over, excluded.fiscal_year, excluded.class_of_admission,
          excluded.country_of_citizenship, excluded.departure_record_pk, excluded.application_record_pks,
          excluded.data_error_rules, excluded.as_of)`,
        ),
    )
    .execute();
}

/**
 * Writes determinations into the batch's staging table (overstay-swap.store.ts), which has no
 * unique index while it is filled: with `replace`, the admissions' rows and the people's rows
 * already there are deleted first (use it only once the staging table is indexed).
 */
export async function saveStagedDeterminations(
  db: Q,
  table: string,
  rows: DeterminationRow[],
  replace?: { personIds: string[] },
): Promise<void> {
  if (replace) {
    await sql`DELETE FROM ${sql.table(table)} WHERE person_id = ANY(${replace.personIds}::bigint[])
      OR admission_id = ANY(${rows.map((r) => r.admissionId)}::bigint[])`.execute(db);
  }
  if (!rows.length) {
    return;
  }
  const staged = db.$extendTables<Record<string, DB['overstay_determinations']>>();
  await staged.insertInto(table).values(rows.map(storedColumns)).execute();
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
    .select(['granted_on', 'depart_by', 'granted_by', 'complied_on'])
    .where('person_id', '=', personId)
    .orderBy('granted_on')
    .execute();
  return rows.map((r) => ({
    grantedOn: r.granted_on,
    departBy: r.depart_by,
    grantedBy: r.granted_by,
    compliedOn: r.complied_on,
  }));
}

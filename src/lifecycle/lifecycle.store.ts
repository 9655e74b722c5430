import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { PersonFacts } from './timeline.rules.js';

type Q = Kysely<DB> | Transaction<DB>;

/** The admissions, applications and departures currently linked to a person. */
export async function loadPersonFacts(db: Q, personId: string): Promise<PersonFacts> {
  const [admissions, applications, departures] = await Promise.all([
    db
      .selectFrom('admissions as a')
      .innerJoin('source_systems as s', 's.id', 'a.source_id')
      .select([
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
      .where('a.person_id', '=', personId)
      .orderBy('a.admitted_on')
      .execute(),
    db
      .selectFrom('applications as a')
      .innerJoin('source_systems as s', 's.id', 'a.source_id')
      .select([
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
      .where('a.person_id', '=', personId)
      .orderBy('a.filed_on')
      .execute(),
    db
      .selectFrom('departures as d')
      .innerJoin('source_systems as s', 's.id', 'd.source_id')
      .select([
        's.code',
        'd.source_record_id',
        'd.source_record_pk',
        'd.departed_on',
        'd.port_of_departure',
        'd.carrier',
        'd.manifest_ref',
        'd.self_reported',
      ])
      .where('d.person_id', '=', personId)
      .orderBy('d.departed_on')
      .execute(),
  ]);
  const ref = (r: { code: string; source_record_id: string; source_record_pk: string }) => ({
    sourceCode: r.code,
    sourceRecordId: r.source_record_id,
    recordPk: r.source_record_pk,
  });
  return {
    admissions: admissions.map((r) => ({
      ref: ref(r),
      admissionNumber: r.admission_number,
      classOfAdmission: r.class_of_admission,
      portOfEntry: r.port_of_entry,
      admittedOn: r.admitted_on,
      admitUntil: r.admit_until,
      durationOfStatus: r.duration_of_status,
    })),
    applications: applications.map((r) => ({
      ref: ref(r),
      receiptNumber: r.receipt_number,
      kind: r.kind,
      filedOn: r.filed_on,
      decidedOn: r.decided_on,
      outcome: r.outcome,
      requestedClass: r.requested_class,
      approvedUntil: r.approved_until,
    })),
    departures: departures.map((r) => ({
      ref: ref(r),
      departedOn: r.departed_on,
      portOfDeparture: r.port_of_departure,
      carrier: r.carrier,
      manifestRef: r.manifest_ref,
      selfReported: r.self_reported,
    })),
  };
}

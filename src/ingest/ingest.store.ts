import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, RecordType } from '../db/schema.js';
import { insertRows } from '../db/unnest.js';
import type { FileFormat } from './row-source.js';
import type { ValidRecord } from './record.schema.js';

/** The only module holding SQL for sources, ingest jobs, raw records, quarantine and projections. */

type Q = Kysely<DB> | Transaction<DB>;

export interface Source {
  id: number;
  code: string;
  name: string;
  defaultRecordType: RecordType | null;
}

export async function findSource(db: Q, code: string): Promise<Source | undefined> {
  const row = await db.selectFrom('source_systems').selectAll().where('code', '=', code).executeTakeFirst();
  return row && { id: row.id, code: row.code, name: row.name, defaultRecordType: row.default_record_type };
}

export async function listSources(db: Q): Promise<Source[]> {
  const rows = await db.selectFrom('source_systems').selectAll().orderBy('code').execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    defaultRecordType: r.default_record_type,
  }));
}

export async function ensureSource(
  db: Q,
  s: { code: string; name: string; defaultRecordType: RecordType | null },
): Promise<Source> {
  await db
    .insertInto('source_systems')
    .values({ code: s.code, name: s.name, default_record_type: s.defaultRecordType })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const found = await findSource(db, s.code);
  if (!found) throw new Error(`source ${s.code} could not be created`);
  return found;
}

export interface JobCounts {
  rowsRead: number;
  accepted: number;
  newVersions: number;
  duplicates: number;
  quarantined: number;
  bytesRead: number;
}

export async function createJob(
  db: Q,
  j: {
    sourceId: number;
    fileName: string;
    filePath: string;
    fileSize: number;
    format: FileFormat;
    startedBy: string;
  },
): Promise<string> {
  const row = await db
    .insertInto('ingest_jobs')
    .values({
      source_id: j.sourceId,
      file_name: j.fileName,
      file_path: j.filePath,
      file_size: j.fileSize,
      format: j.format,
      status: 'running',
      started_by: j.startedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Saves a job's counts so far; with `completed`, the job is also marked completed (one statement). */
export async function saveJobCounts(db: Q, jobId: string, c: JobCounts, completed = false): Promise<void> {
  await db
    .updateTable('ingest_jobs')
    .set({
      rows_read: c.rowsRead,
      accepted: c.accepted,
      new_versions: c.newVersions,
      duplicates: c.duplicates,
      quarantined: c.quarantined,
      bytes_read: c.bytesRead,
      heartbeat_at: sql<Date>`now()`,
      ...(completed ? { status: 'completed' as const, finished_at: sql<Date>`now()`, error: null } : {}),
    })
    .where('id', '=', jobId)
    .execute();
}

export async function finishJob(
  db: Q,
  jobId: string,
  status: 'completed' | 'failed',
  error?: string,
): Promise<void> {
  await db
    .updateTable('ingest_jobs')
    .set({ status, finished_at: sql<Date>`now()`, error: error ?? null })
    .where('id', '=', jobId)
    .execute();
}

/**
 * Jobs still 'running' whose process stopped sending heartbeats (killed, crashed) are marked
 * interrupted. Their committed batches stay; re-running the file completes them exactly once.
 */
export async function markInterruptedJobs(db: Q, staleSeconds: number): Promise<number> {
  const result = await db
    .updateTable('ingest_jobs')
    .set({
      status: 'interrupted',
      finished_at: sql<Date>`now()`,
      error: 'the ingest process stopped before finishing',
    })
    .where('status', '=', 'running')
    .where('heartbeat_at', '<=', sql<Date>`now() - make_interval(secs => ${staleSeconds})`)
    .returning('id')
    .execute();
  return result.length;
}

export interface QuarantineInput {
  jobId: string;
  sourceId: number;
  fileName: string;
  lineNumber: number;
  rawText: string;
  reasons: string[];
  checksum: string;
}

/** Returns the lines new to quarantine (a re-ingest of the same bad row adds none). */
export async function insertQuarantined(db: Q, rows: QuarantineInput[]): Promise<Set<number>> {
  if (!rows.length) return new Set();
  const result = await db
    .insertInto('quarantined_rows')
    .values(
      rows.map((r) => ({
        ingest_job_id: r.jobId,
        source_id: r.sourceId,
        file_name: r.fileName,
        line_number: r.lineNumber,
        raw_text: r.rawText,
        reasons: JSON.stringify(r.reasons),
        checksum: r.checksum,
      })),
    )
    .onConflict((oc) => oc.columns(['source_id', 'file_name', 'line_number', 'checksum']).doNothing())
    .returning('line_number')
    .execute();
  return new Set(result.map((r) => Number(r.line_number)));
}

export interface KnownVersion {
  sourceRecordId: string;
  checksum: string;
  version: number;
}

export async function knownVersions(db: Q, sourceId: number, ids: string[]): Promise<KnownVersion[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom('source_records')
    .select(['source_record_id', 'checksum', 'version'])
    .where('source_id', '=', sourceId)
    // One array parameter, not one per id: the same statement text every time, planned cheaply.
    .where('source_record_id', '=', sql<string>`ANY(${ids}::text[])`)
    .execute();
  return rows.map((r) => ({ sourceRecordId: r.source_record_id, checksum: r.checksum, version: r.version }));
}

export interface NewSourceRecord {
  sourceId: number;
  sourceRecordId: string;
  version: number;
  checksum: string;
  record: ValidRecord;
  raw: string;
  fileName: string;
  lineNumber: number;
  jobId: string;
}

export async function insertSourceRecords(db: Q, rows: NewSourceRecord[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (!rows.length) return ids;
  const inserted = await insertRows(db.insertInto('source_records'), [
    ['source_id', 'int', rows.map((r) => r.sourceId)],
    ['source_record_id', 'text', rows.map((r) => r.sourceRecordId)],
    ['version', 'int', rows.map((r) => r.version)],
    ['checksum', 'text', rows.map((r) => r.checksum)],
    ['record_type', 'text', rows.map((r) => r.record.type)],
    ['data', 'jsonb', rows.map((r) => r.record.data)],
    ['raw', 'text', rows.map((r) => r.raw)],
    ['file_name', 'text', rows.map((r) => r.fileName)],
    ['line_number', 'bigint', rows.map((r) => r.lineNumber)],
    ['ingest_job_id', 'bigint', rows.map((r) => r.jobId)],
  ])
    .returning(['id', 'source_record_id', 'version'])
    .execute();
  for (const r of inserted) ids.set(`${r.source_record_id}#${r.version}`, r.id);
  return ids;
}

export interface Projected {
  sourceId: number;
  sourceRecordId: string;
  sourceRecordPk: string;
  personId: string | null;
  record: ValidRecord;
}

/** Writes the lifecycle row of each record's current version (admission, departure, application). */
export async function upsertProjections(db: Q, rows: Projected[]): Promise<void> {
  const admissions = rows.flatMap((r) =>
    r.record.type === 'admission' ? [{ ...r, data: r.record.data }] : [],
  );
  const departures = rows.flatMap((r) =>
    r.record.type === 'departure' ? [{ ...r, data: r.record.data }] : [],
  );
  const applications = rows.flatMap((r) =>
    r.record.type === 'application' ? [{ ...r, data: r.record.data }] : [],
  );
  const base = (list: Projected[]) =>
    [
      ['source_id', 'int', list.map((r) => r.sourceId)],
      ['source_record_id', 'text', list.map((r) => r.sourceRecordId)],
      ['source_record_pk', 'bigint', list.map((r) => r.sourceRecordPk)],
      ['person_id', 'bigint', list.map((r) => r.personId)],
    ] as const;
  const keys = ['source_id', 'source_record_id'] as const;
  if (admissions.length) {
    await insertRows(db.insertInto('admissions'), [
      ...base(admissions),
      ['admission_number', 'text', admissions.map((r) => r.data.admission_number ?? null)],
      ['class_of_admission', 'text', admissions.map((r) => r.data.class_of_admission)],
      ['port_of_entry', 'text', admissions.map((r) => r.data.port_of_entry ?? null)],
      ['admitted_on', 'date', admissions.map((r) => r.data.admitted_on)],
      [
        'admit_until',
        'date',
        admissions.map((r) => (r.data.admit_until === 'D/S' ? null : r.data.admit_until)),
      ],
      ['duration_of_status', 'boolean', admissions.map((r) => r.data.admit_until === 'D/S')],
      // As recorded at this admission: the overstay report groups each admission by it.
      ['country_of_citizenship', 'text', admissions.map((r) => r.data.country_of_citizenship ?? null)],
    ])
      .onConflict((oc) =>
        oc.columns(keys).doUpdateSet((eb) => ({
          source_record_pk: eb.ref('excluded.source_record_pk'),
          person_id: eb.ref('excluded.person_id'),
          admission_number: eb.ref('excluded.admission_number'),
          class_of_admission: eb.ref('excluded.class_of_admission'),
          port_of_entry: eb.ref('excluded.port_of_entry'),
          admitted_on: eb.ref('excluded.admitted_on'),
          admit_until: eb.ref('excluded.admit_until'),
          duration_of_status: eb.ref('excluded.duration_of_status'),
          country_of_citizenship: eb.ref('excluded.country_of_citizenship'),
        })),
      )
      .execute();
  }
  if (departures.length) {
    // A departure linked to a person here has its person's status brought up to date in this
    // same transaction (overstays, voluntary departure), so it is resolved now; one waiting in
    // review is not.
    await insertRows(
      db.insertInto('departures'),
      [
        ...base(departures),
        ['departed_on', 'date', departures.map((r) => r.data.departed_on)],
        ['port_of_departure', 'text', departures.map((r) => r.data.port_of_departure ?? null)],
        ['carrier', 'text', departures.map((r) => r.data.carrier ?? null)],
        ['manifest_ref', 'text', departures.map((r) => r.data.manifest_ref ?? null)],
        ['self_reported', 'boolean', departures.map((r) => r.data.self_reported ?? false)],
      ],
      [['resolved_at', sql`CASE WHEN u.person_id IS NOT NULL THEN now() END`]],
    )
      .onConflict((oc) =>
        oc.columns(keys).doUpdateSet((eb) => ({
          source_record_pk: eb.ref('excluded.source_record_pk'),
          person_id: eb.ref('excluded.person_id'),
          departed_on: eb.ref('excluded.departed_on'),
          port_of_departure: eb.ref('excluded.port_of_departure'),
          carrier: eb.ref('excluded.carrier'),
          manifest_ref: eb.ref('excluded.manifest_ref'),
          self_reported: eb.ref('excluded.self_reported'),
          resolved_at: eb.ref('excluded.resolved_at'),
        })),
      )
      .execute();
  }
  if (applications.length) {
    await insertRows(db.insertInto('applications'), [
      ...base(applications),
      ['receipt_number', 'text', applications.map((r) => r.data.receipt_number)],
      ['kind', 'text', applications.map((r) => r.data.application_kind)],
      ['filed_on', 'date', applications.map((r) => r.data.filed_on)],
      ['decided_on', 'date', applications.map((r) => r.data.decided_on ?? null)],
      ['outcome', 'text', applications.map((r) => r.data.outcome)],
      ['requested_class', 'text', applications.map((r) => r.data.requested_class ?? null)],
      ['approved_until', 'date', applications.map((r) => r.data.approved_until ?? null)],
    ])
      .onConflict((oc) =>
        oc.columns(keys).doUpdateSet((eb) => ({
          source_record_pk: eb.ref('excluded.source_record_pk'),
          person_id: eb.ref('excluded.person_id'),
          receipt_number: eb.ref('excluded.receipt_number'),
          kind: eb.ref('excluded.kind'),
          filed_on: eb.ref('excluded.filed_on'),
          decided_on: eb.ref('excluded.decided_on'),
          outcome: eb.ref('excluded.outcome'),
          requested_class: eb.ref('excluded.requested_class'),
          approved_until: eb.ref('excluded.approved_until'),
        })),
      )
      .execute();
  }
}

export interface JobRow {
  id: string;
  source: string;
  fileName: string;
  format: 'csv' | 'ndjson';
  status: 'running' | 'completed' | 'failed' | 'interrupted';
  startedAt: string;
  finishedAt: string | null;
  rowsRead: number;
  accepted: number;
  newVersions: number;
  duplicates: number;
  quarantined: number;
  error: string | null;
}

const jobColumns = [
  'ingest_jobs.id',
  'source_systems.code',
  'ingest_jobs.file_name',
  'ingest_jobs.format',
  'ingest_jobs.status',
  'ingest_jobs.started_at',
  'ingest_jobs.finished_at',
  'ingest_jobs.rows_read',
  'ingest_jobs.accepted',
  'ingest_jobs.new_versions',
  'ingest_jobs.duplicates',
  'ingest_jobs.quarantined',
  'ingest_jobs.error',
] as const;

function toJob(r: {
  id: string;
  code: string;
  file_name: string;
  format: 'csv' | 'ndjson';
  status: JobRow['status'];
  started_at: Date;
  finished_at: Date | null;
  rows_read: string;
  accepted: string;
  new_versions: string;
  duplicates: string;
  quarantined: string;
  error: string | null;
}): JobRow {
  return {
    id: r.id,
    source: r.code,
    fileName: r.file_name,
    format: r.format,
    status: r.status,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    rowsRead: Number(r.rows_read),
    accepted: Number(r.accepted),
    newVersions: Number(r.new_versions),
    duplicates: Number(r.duplicates),
    quarantined: Number(r.quarantined),
    error: r.error,
  };
}

export async function listJobs(db: Q, limit: number): Promise<JobRow[]> {
  const rows = await db
    .selectFrom('ingest_jobs')
    .innerJoin('source_systems', 'source_systems.id', 'ingest_jobs.source_id')
    .select(jobColumns)
    .orderBy('ingest_jobs.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toJob);
}

export async function getJob(db: Q, id: string): Promise<JobRow | undefined> {
  const row = await db
    .selectFrom('ingest_jobs')
    .innerJoin('source_systems', 'source_systems.id', 'ingest_jobs.source_id')
    .select(jobColumns)
    .where('ingest_jobs.id', '=', id)
    .executeTakeFirst();
  return row && toJob(row);
}

export interface QuarantinedRow {
  lineNumber: number;
  fileName: string;
  rawText: string;
  reasons: string[];
}

export async function listQuarantined(
  db: Q,
  jobId: string,
  offset: number,
  limit: number,
): Promise<{ rows: QuarantinedRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    db
      .selectFrom('quarantined_rows')
      .select(['line_number', 'file_name', 'raw_text', 'reasons'])
      .where('ingest_job_id', '=', jobId)
      .orderBy('line_number')
      .offset(offset)
      .limit(limit)
      .execute(),
    db
      .selectFrom('quarantined_rows')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('ingest_job_id', '=', jobId)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    rows: rows.map((r) => ({
      lineNumber: Number(r.line_number),
      fileName: r.file_name,
      rawText: r.raw_text,
      reasons: r.reasons,
    })),
    total: Number(total.n),
  };
}

/** A job's counts before its first batch. */
export function emptyCounts(): JobCounts {
  return { rowsRead: 0, accepted: 0, newVersions: 0, duplicates: 0, quarantined: 0, bytesRead: 0 };
}

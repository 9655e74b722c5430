import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Kysely's view of the tables in src/db/migrations. Keep in step with the SQL. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** Calendar dates travel as 'YYYY-MM-DD' strings (the pg type parser is set so in database.ts). */
type DateOnly = ColumnType<string, string, string>;
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;
type Int8Id = ColumnType<string, string | number | bigint | undefined, never>;
/** Kysely's Generated<> cannot wrap a ColumnType, so defaulted columns spell out their types. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DefaultInt8 = ColumnType<string, string | number | bigint | undefined, string | number | bigint>;

export type RecordType = 'person' | 'admission' | 'departure' | 'application';
export type Role = 'admin' | 'officer' | 'supervisor' | 'analyst' | 'auditor';

export interface AppMetaTable {
  key: string;
  value: JSONColumnType<Record<string, unknown>>;
  updated_at: DefaultTimestamp;
}

export interface SourceSystemsTable {
  id: Generated<number>;
  code: string;
  name: string;
  default_record_type: RecordType | null;
  created_at: DefaultTimestamp;
}

export interface IngestJobsTable {
  id: Int8Id;
  source_id: number;
  file_name: string;
  file_path: string;
  file_size: Int8 | null;
  format: 'csv' | 'ndjson';
  status: 'running' | 'completed' | 'failed' | 'interrupted';
  started_at: DefaultTimestamp;
  finished_at: Timestamp | null;
  heartbeat_at: DefaultTimestamp;
  started_by: Generated<string>;
  rows_read: DefaultInt8;
  accepted: DefaultInt8;
  new_versions: DefaultInt8;
  duplicates: DefaultInt8;
  quarantined: DefaultInt8;
  bytes_read: DefaultInt8;
  error: string | null;
}

export interface SourceRecordsTable {
  id: Int8Id;
  source_id: number;
  source_record_id: string;
  version: number;
  checksum: string;
  record_type: RecordType;
  data: JSONColumnType<Record<string, unknown>>;
  raw: string;
  file_name: string;
  line_number: Int8;
  ingest_job_id: Int8 | null;
  ingested_at: DefaultTimestamp;
}

export interface QuarantinedRowsTable {
  id: Int8Id;
  ingest_job_id: Int8 | null;
  source_id: number;
  file_name: string;
  line_number: Int8;
  raw_text: string;
  reasons: JSONColumnType<string[]>;
  checksum: string;
  quarantined_at: DefaultTimestamp;
}

export interface PeopleTable {
  id: Int8Id;
  created_at: DefaultTimestamp;
  merged_into: Int8 | null;
}

export interface RecordIdentitiesTable {
  source_id: number;
  source_record_id: string;
  source_record_pk: Int8;
  record_type: RecordType;
  person_id: Int8 | null;
  given_name: string | null;
  middle_name: string | null;
  family_name: string | null;
  date_of_birth: DateOnly | null;
  sex: string | null;
  country_of_citizenship: string | null;
  passport_number: string | null;
  passport_country: string | null;
  a_number: string | null;
  name_key: string | null;
  search_text: Generated<string>;
}

export interface PersonLinksTable {
  id: Int8Id;
  person_id: Int8;
  source_id: number;
  source_record_id: string;
  source_record_pk: Int8;
  rule: string;
  evidence: JSONColumnType<Record<string, unknown>>;
  linked_by: Generated<string>;
  linked_at: DefaultTimestamp;
  unlinked_at: Timestamp | null;
  unlink_reason: string | null;
}

export interface IdentityDocumentsTable {
  id: Int8Id;
  person_id: Int8;
  kind: 'passport' | 'a_number';
  number: string;
  issuing_country: string | null;
  source_record_pk: Int8;
}

interface ProjectionColumns {
  id: Int8Id;
  source_id: number;
  source_record_id: string;
  source_record_pk: Int8;
  person_id: Int8 | null;
}

export interface AdmissionsTable extends ProjectionColumns {
  admission_number: string | null;
  class_of_admission: string;
  port_of_entry: string | null;
  admitted_on: DateOnly;
  admit_until: DateOnly | null;
  duration_of_status: boolean;
  /** As recorded at this admission (migration 0006); the overstay report groups by it. */
  country_of_citizenship: string | null;
}

export interface ApplicationsTable extends ProjectionColumns {
  receipt_number: string;
  kind: 'extension' | 'change_of_status' | 'adjustment_of_status';
  filed_on: DateOnly;
  decided_on: DateOnly | null;
  outcome: 'pending' | 'approved' | 'denied' | 'withdrawn';
  requested_class: string | null;
  approved_until: DateOnly | null;
}

export interface DeparturesTable extends ProjectionColumns {
  received_at: DefaultTimestamp;
  resolved_at: Timestamp | null;
  departed_on: DateOnly;
  port_of_departure: string | null;
  carrier: string | null;
  manifest_ref: string | null;
  self_reported: boolean;
}

export interface AccountsTable {
  id: Int8Id;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  must_change_password: boolean;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  disabled_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface SessionsTable {
  id: string;
  account_id: Int8;
  csrf_token: string;
  created_at: DefaultTimestamp;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
}

export interface AuditLogTable {
  seq: Int8Id;
  occurred_at: Timestamp;
  actor_account_id: Int8 | null;
  actor_username: string | null;
  actor_role: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  purpose_kind: 'case' | 'reason' | null;
  purpose: string | null;
  outcome: 'allowed' | 'denied' | 'success' | 'failure';
  request_id: string | null;
  client_ip: string | null;
  details: JSONColumnType<Record<string, unknown>>;
  entry_hash: string;
}

export interface SourceTokensTable {
  id: Int8Id;
  source_id: number;
  token_hash: string;
  label: string;
  created_at: DefaultTimestamp;
  revoked_at: Timestamp | null;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: JSONColumnType<Record<string, unknown>>;
  created_at: DefaultTimestamp;
}

export interface MatchReviewsTable {
  id: Int8Id;
  source_id: number;
  source_record_id: string;
  source_record_pk: Int8;
  reason: string;
  candidates: JSONColumnType<unknown[]>;
  status: Generated<ReviewStatus>;
  decided_person_id: Int8 | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_at: DefaultTimestamp;
  kind: Generated<'unlinked' | 'possible_match'>;
  record_person_id: Int8 | null;
  decision_note: string | null;
  not_sure_count: Generated<number>;
}

export type ReviewStatus = 'pending' | 'linked' | 'new_person' | 'dismissed' | 'merged' | 'kept_separate';

export interface MatchModelsTable {
  id: Int8Id;
  kind: 'synthetic' | 'em' | 'refined';
  model: JSONColumnType<Record<string, unknown>>;
  records: number;
  labels: Generated<number>;
  note: Generated<string>;
  created_by: string;
  created_at: DefaultTimestamp;
  active: Generated<boolean>;
}

export interface MovedByEvent {
  records: { sourceId: number; sourceRecordId: string }[];
  voluntaryDepartureIds: string[];
}

export type IdentityEventKind = 'merge' | 'split' | 'undo_merge' | 'undo_split';

export interface IdentityEventsTable {
  id: Int8Id;
  kind: IdentityEventKind;
  from_person_id: Int8;
  to_person_id: Int8;
  moved: JSONColumnType<MovedByEvent>;
  reason: string;
  actor: string;
  review_id: Int8 | null;
  undoes: Int8 | null;
  undone_by: Int8 | null;
  created_at: DefaultTimestamp;
}

export interface MatchLabelsTable {
  id: Int8Id;
  review_id: Int8;
  model_id: Int8 | null;
  pattern: number;
  is_match: boolean;
  decided_by: string;
  created_at: DefaultTimestamp;
}

export interface VoluntaryDeparturesTable {
  id: Int8Id;
  person_id: Int8;
  granted_on: DateOnly;
  depart_by: DateOnly;
  granted_by: string;
  complied_on: DateOnly | null;
  departure_record_pk: Int8 | null;
  /** Whether the departure in complied_on is only self-reported (null until complied with). */
  complied_self_reported: boolean | null;
  created_at: DefaultTimestamp;
}

export interface OverstayDeterminationsTable {
  admission_id: Int8;
  person_id: Int8 | null;
  outcome:
    | 'not_yet_due'
    | 'departed_on_time'
    | 'out_of_country_overstay'
    | 'suspected_in_country_overstay'
    | 'not_determinable'
    | 'data_error';
  rule: string;
  authorized_until: DateOnly | null;
  departed_on: DateOnly | null;
  days_over: number | null;
  fiscal_year: number | null;
  class_of_admission: string;
  country_of_citizenship: string | null;
  /** source_records.id of the departure used, if any. */
  departure_record_pk: Int8 | null;
  /** source_records.id of the applications that set or hold open the end of the stay. */
  application_record_pks: ColumnType<string[], string[] | undefined, string[]>;
  /** Rule ids of the data errors found for this admission, sorted. */
  data_error_rules: ColumnType<string[], string[] | undefined, string[]>;
  as_of: DateOnly;
  determined_at: DefaultTimestamp;
}

/** People the incremental path refreshed while a batch recompute ran (overstay-swap.store.ts). */
export interface OverstayBatchDirtyTable {
  seq: Generated<string>;
  person_id: Int8;
}

export interface DB {
  source_tokens: SourceTokensTable;
  idempotency_keys: IdempotencyKeysTable;
  match_reviews: MatchReviewsTable;
  match_models: MatchModelsTable;
  identity_events: IdentityEventsTable;
  match_labels: MatchLabelsTable;
  voluntary_departures: VoluntaryDeparturesTable;
  overstay_determinations: OverstayDeterminationsTable;
  overstay_batch_dirty: OverstayBatchDirtyTable;
  app_meta: AppMetaTable;
  source_systems: SourceSystemsTable;
  ingest_jobs: IngestJobsTable;
  source_records: SourceRecordsTable;
  quarantined_rows: QuarantinedRowsTable;
  people: PeopleTable;
  record_identities: RecordIdentitiesTable;
  person_links: PersonLinksTable;
  identity_documents: IdentityDocumentsTable;
  admissions: AdmissionsTable;
  applications: ApplicationsTable;
  departures: DeparturesTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
}

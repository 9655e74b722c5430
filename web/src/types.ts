/** Shapes of the Passage API (JSON, camelCase). */

export type Role = 'admin' | 'officer' | 'supervisor' | 'analyst' | 'auditor';

export interface Account {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  mustChangePassword: boolean;
}

export interface Session {
  account: Account;
  csrfToken: string;
  /** What the account may do; newer servers send it, so the UI shows only what works. */
  permissions?: string[];
  expiresAt?: string;
}

export interface ApiErrorBody {
  error: { id: string; message: string; requestId: string; details?: unknown };
}

export interface PersonSummary {
  id: string;
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  dateOfBirth: string | null;
  countryOfCitizenship: string | null;
  recordCount: number;
}

export interface SearchResponse {
  results: PersonSummary[];
  total: number;
}

export type PurposeKind = 'case' | 'reason';

export interface Purpose {
  kind: PurposeKind;
  text: string;
}

export interface SourceRef {
  sourceCode: string;
  sourceRecordId: string;
  recordPk?: string;
}

export interface PersonName {
  given: string | null;
  middle: string | null;
  family: string | null;
  source: string;
}

export interface PersonDocument {
  kind: 'passport' | 'a_number';
  number: string;
  issuingCountry: string | null;
  source: { sourceCode: string; sourceRecordId: string };
}

export interface SourceRecord {
  /** The source system's id; absent from older servers. Splits name records by it. */
  sourceId?: number;
  sourceCode: string;
  sourceRecordId: string;
  recordType: string;
  version: number;
  fileName: string;
  lineNumber: number;
  ingestedAt: string;
  link: { rule: string; evidence: Record<string, unknown>; linkedAt: string; linkedBy?: string };
}

export interface Person {
  id: string;
  /** Set when this person was merged into another; absent from older servers. */
  mergedInto?: string | null;
  displayName: string;
  names: PersonName[];
  datesOfBirth: string[];
  countriesOfCitizenship: string[];
  documents: PersonDocument[];
  records: SourceRecord[];
}

export interface PersonResponse {
  person: Person;
  audit: { seq: string };
}

export type StatusCode =
  | 'in_authorized_stay'
  | 'authorized_stay_expired_no_departure'
  | 'departed'
  | 'application_pending'
  | 'duration_of_status'
  | 'no_admission_recorded';

export type EventKind =
  'admitted' | 'authorized_until' | 'application_filed' | 'application_decided' | 'departed' | 'data_error';

export interface Status {
  code: StatusCode;
  label: string;
  rule: string;
  explanation: string;
  since: string | null;
  authorizedUntil: string | null;
  sourceRecords: SourceRef[];
}

export interface TimelineEvent {
  date: string;
  kind: EventKind;
  label: string;
  rule: string;
  explanation: string;
  sourceRecords: SourceRef[];
}

export interface DataIssue {
  rule: string;
  message: string;
  sourceRecords: SourceRef[];
}

export interface TimelineResponse {
  personId: string;
  asOf: string;
  status: Status;
  events: TimelineEvent[];
  dataIssues: DataIssue[];
  audit?: { seq: string };
  /** One determination per admission; absent from older servers. */
  overstays?: OverstayDetermination[];
  /** Absent from older servers. */
  voluntaryDepartures?: VoluntaryDeparture[];
}

export type JobStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export interface IngestJob {
  id: string;
  source: string;
  fileName: string;
  format: string;
  status: JobStatus;
  startedAt: string;
  finishedAt: string | null;
  rowsRead: number;
  accepted: number;
  newVersions: number;
  duplicates: number;
  quarantined: number;
  error: string | null;
}

export interface QuarantinedRow {
  lineNumber: number;
  fileName: string;
  rawText: string;
  reasons: string[];
}

export interface QuarantineResponse {
  job: IngestJob;
  rows: QuarantinedRow[];
  total: number;
}

/* ---- Overstay determinations (on the person timeline) ---- */

export type OverstayOutcome =
  | 'not_yet_due'
  | 'departed_on_time'
  | 'out_of_country_overstay'
  | 'suspected_in_country_overstay'
  | 'not_determinable'
  | 'data_error';

export interface OverstayDetermination {
  admission: SourceRef;
  outcome: OverstayOutcome;
  rule: string;
  reason: string;
  authorizedUntil: string | null;
  departure: SourceRef | null;
  departedOn: string | null;
  daysOver: number | null;
  applications: SourceRef[];
  dataErrors: DataIssue[];
  classOfAdmission: string;
  admittedOn: string;
  expectedDepartureFiscalYear: number | null;
}

export interface VoluntaryDeparture {
  grantedOn: string;
  departBy: string;
  grantedBy: string;
  compliedOn: string | null;
  /** The departure in compliedOn is only self-reported, not yet confirmed by an exit record. */
  compliedSelfReported: boolean | null;
}

/* ---- The overstay report ---- */

/** A count, or a suppressed small cell such as "<11". */
export type ReportCell = number | string;
export type ReportGroupBy = 'class_of_admission' | 'country_of_citizenship' | 'total';

export interface ReportRow {
  fiscalYear: number;
  groupBy: ReportGroupBy;
  /** Class of admission or country; 'ALL' on total rows; 'UNKNOWN' when no country is recorded. */
  key: string;
  expectedDepartures: ReportCell;
  onTimeDepartures: ReportCell;
  outOfCountryOverstays: ReportCell;
  suspectedInCountryOverstays: ReportCell;
  /** Fractions 0..1; null when suppressed. */
  totalOverstayRate: number | null;
  suspectedInCountryRate: number | null;
  outOfCountryRate: number | null;
  suppressed: boolean;
}

export interface OverstayReport {
  asOf: string;
  generatedAt: string;
  admissionsDetermined: number;
  suppressionRule: string;
  notDeterminable: ReportCell;
  dataErrors: ReportCell;
  rows: ReportRow[];
}

/* ---- Departures feed (the match review queue is in identity-types.ts) ---- */

export type DepartureResultStatus = 'linked' | 'review' | 'duplicate' | 'quarantined' | 'already_quarantined';

export interface DepartureEvent {
  at: string;
  source: string;
  result: {
    line: number;
    recordId: string | null;
    status: DepartureResultStatus;
    personId?: string;
    rule?: string;
    version?: number;
    reasons?: string[];
  };
}

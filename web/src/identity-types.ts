/**
 * Shapes of the entity-resolution API (JSON, camelCase): the match review queue, the engine's
 * evidence for a pair of records, merges and splits (identity events) and the match model.
 */

export type ReviewKind = 'unlinked' | 'possible_match';
export type ReviewStatus = 'pending' | 'linked' | 'new_person' | 'dismissed' | 'merged' | 'kept_separate';

/** A review as the queue lists it: record ids only, no personal data (opening one is audited). */
export interface ReviewSummary {
  id: string;
  /** unlinked: the record waits on nobody; possible_match: it started a person who may be a duplicate. */
  kind: ReviewKind;
  status: ReviewStatus;
  sourceCode: string;
  sourceRecordId: string;
  sourceRecordPk: string;
  reason: string;
  recordPersonId: string | null;
  decidedPersonId: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  notSureCount: number;
  createdAt: string;
}

export interface ReviewQueueResponse {
  reviews: ReviewSummary[];
  pending: number;
}

/** The identifying fields of one source record. */
export interface RecordIdentity {
  source: string;
  sourceRecordId: string;
  recordType: string;
  personId: string | null;
  givenName: string | null;
  middleName: string | null;
  familyName: string | null;
  dateOfBirth: string | null;
  sex: string | null;
  countryOfCitizenship: string | null;
  passportNumber: string | null;
  passportCountry: string | null;
  aNumber: string | null;
}

/** One field's part of the evidence for a pair of records. */
export interface FieldEvidence {
  field: string;
  /** How the values compared: exact, a similarity band, phonetic, different, missing. */
  level: string;
  /** Bits of evidence this field adds (negative: against). */
  weight: number;
  /** Part of the weight due to how common the agreed value is. */
  termFrequency?: number;
  /** The normalized values compared. */
  values?: [string, string];
}

/** Why the engine scored a pair of records as it did. */
export interface PairEvidence {
  records: [string, string];
  probability: number;
  /** Total match weight in bits: prior plus the field weights. */
  weight: number;
  priorWeight: number;
  namesSwapped: boolean;
  /** A rule that held the pair for review whatever its weight. */
  guard?: string;
  fields: FieldEvidence[];
}

export interface ReviewCandidate {
  personId: string;
  /** The person this id stands for now, after merges. */
  currentPersonId: string | null;
  probability: number;
  weight: number;
  recordKey: string;
  record: RecordIdentity | null;
  evidence: PairEvidence;
}

export interface ReviewDetail extends ReviewSummary {
  record: RecordIdentity | null;
  candidates: ReviewCandidate[];
}

export interface ReviewDetailResponse {
  review: ReviewDetail;
  audit: { seq: string };
}

export type Decision = 'confirm' | 'reject' | 'not_sure';

export interface DecisionInput {
  decision: Decision;
  /** For confirm: a candidate's personId. */
  personId?: string;
  note?: string;
}

export interface DecisionResponse {
  review: { id: string; status: ReviewStatus; decidedPersonId: string | null; notSureCount: number };
  /** The merge this decision made, if any (undoable). */
  identityEvent: string | null;
  modelRefined: string | null;
  auditSeq: string;
}

/** A source record as merges and splits name it. */
export interface RecordKey {
  sourceId: number;
  sourceRecordId: string;
}

export type IdentityEventKind = 'merge' | 'split' | 'undo_merge' | 'undo_split';

export interface IdentityEvent {
  id: string;
  kind: IdentityEventKind;
  fromPersonId: string;
  toPersonId: string;
  moved: { records: RecordKey[]; voluntaryDepartureIds: string[] };
  reason: string;
  actor: string;
  reviewId: string | null;
  undoes: string | null;
  undoneBy: string | null;
  createdAt: string;
}

export interface IdentityChangeResponse {
  event: IdentityEvent;
  auditSeq: string;
}

export interface MatchModelLevel {
  level: string;
  m: number;
  u: number;
  weight: number;
}

export interface MatchModel {
  id: string;
  kind: 'synthetic' | 'em' | 'refined';
  note: string;
  records: number;
  labels: number;
  createdBy: string;
  createdAt: string;
  priorWeight: number;
  thresholds: { link: number; review: number };
  fields: { name: string; levels: MatchModelLevel[] }[];
}

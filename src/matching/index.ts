/**
 * Passage's entity-resolution engine: Fellegi–Sunter record linkage with EM-estimated m and u
 * probabilities, term-frequency adjusted names, blocking that stays near-linear, constrained
 * clustering, and an incremental index for resolving one new record. Pure computation; the only
 * I/O is csv-input.ts, used by the `passage resolve` command.
 */
export { resolveRecords, type ResolveOptions, type ResolveResult } from './engine.js';
export { RecordStore, type MatchRecord } from './record-store.js';
export { readPersonCsv, RESOLVE_COLUMNS, type RejectedRow, type ResolveColumn } from './csv-input.js';
export { probabilityOf, weightOf, PairScorer, type PairEvidence, type FieldEvidence } from './score.rules.js';
export { refineModel, type MatchModel, type FieldModel } from './model.rules.js';
export { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.rules.js';
export type { LabelledPattern } from './em.rules.js';
export {
  clusterPairs,
  connectedComponents,
  type ClusterResult,
  type ReviewPair,
  type ReviewReason,
  type ScoredPairs,
} from './clustering.rules.js';
export { MatchIndex, type Resolution, type CandidateMatch } from './incremental.js';
export { compareRecords, type RecordComparison } from './compare-records.js';
export type { Guard } from './guards.rules.js';
export { registerResolveCommand, runResolve } from './resolve.command.js';

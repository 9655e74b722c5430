import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ensureSource } from './ingest.store.js';

export { ingestBatch, type RowResult, type LinkedHook, type BatchContext } from './ingest-batch.js';
export {
  createJob,
  emptyCounts,
  finishJob,
  findSource,
  type JobCounts,
  type Source,
} from './ingest.store.js';
export {
  ingestFile,
  UnknownSourceError,
  BATCH_SIZE,
  type IngestSummary,
  type IngestOptions,
} from './ingest.service.js';
export {
  listJobs,
  getJob,
  listQuarantined,
  listSources,
  ensureSource,
  markInterruptedJobs,
  type JobRow,
} from './ingest.store.js';
export { detectFormat, type FileFormat } from './row-source.js';

/** The source systems every Passage install knows; others are added with `passage ingest --record-type`. */
export const DEFAULT_SOURCES = [
  { code: 'I94', name: 'Arrival records (I-94)', defaultRecordType: 'admission' },
  { code: 'EXIT', name: 'Exit manifests and departure records', defaultRecordType: 'departure' },
  { code: 'USCIS', name: 'Extension and change-of-status applications', defaultRecordType: 'application' },
  { code: 'SELF', name: 'Self-reported departures (reported, unconfirmed)', defaultRecordType: 'departure' },
] as const;

export async function ensureDefaultSources(db: Kysely<DB>): Promise<void> {
  for (const s of DEFAULT_SOURCES) await ensureSource(db, s);
}

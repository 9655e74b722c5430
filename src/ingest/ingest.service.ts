import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ingestBatch, type LinkedHook } from './ingest-batch.js';
import { detectFormat, readRows, type FileFormat, type SourceRow } from './row-source.js';
import {
  createJob,
  emptyCounts,
  finishJob,
  findSource,
  listSources,
  type JobCounts,
} from './ingest.store.js';

export const BATCH_SIZE = 500;

export interface IngestOptions {
  sourceCode: string;
  filePath: string;
  format?: FileFormat;
  startedBy?: string;
  onProgress?: (counts: JobCounts, fileSize: number) => void;
  /** Runs inside each batch's transaction with the records it linked (lifecycle updates). */
  onLinked?: LinkedHook;
}

export interface IngestSummary extends JobCounts {
  jobId: string;
  source: string;
  fileName: string;
  /** Rows already in quarantine from an earlier run of the same file (counted in duplicates). */
  alreadyQuarantined: number;
}

export class UnknownSourceError extends Error {
  constructor(code: string, known: string[]) {
    super(`Unknown source "${code}". Known sources: ${known.join(', ') || 'none'}.`);
    this.name = 'UnknownSourceError';
  }
}

/**
 * Streams a file into Passage in batches. Each batch — its records, quarantined rows, links,
 * projections and the job's counts — commits in one transaction, so a crash loses at most the
 * batch in flight and a re-run stores every row exactly once (idempotent on source, record id
 * and content checksum; changed content becomes a new version).
 */
export async function ingestFile(db: Kysely<DB>, opts: IngestOptions): Promise<IngestSummary> {
  const source = await findSource(db, opts.sourceCode);
  if (!source) {
    throw new UnknownSourceError(
      opts.sourceCode,
      (await listSources(db)).map((s) => s.code),
    );
  }
  const filePath = path.resolve(opts.filePath);
  const stat = fs.statSync(filePath);
  if (!stat.isFile()) throw new Error(`${filePath} is not a file`);
  const format = opts.format ?? detectFormat(filePath);
  const fileName = path.basename(filePath);
  const jobId = await createJob(db, {
    sourceId: source.id,
    fileName,
    filePath,
    fileSize: stat.size,
    format,
    startedBy: opts.startedBy ?? 'cli',
  });
  const counts = emptyCounts();
  let alreadyQuarantined = 0;
  const ctx = { db, source, jobId, fileName, onLinked: opts.onLinked };
  try {
    let batch: SourceRow[] = [];
    const idsInBatch = new Set<string>();
    const flush = async () => {
      if (!batch.length) return;
      const result = await ingestBatch(ctx, batch, counts);
      alreadyQuarantined += result.alreadyQuarantined;
      batch = [];
      idsInBatch.clear();
      opts.onProgress?.(counts, stat.size);
    };
    for await (const row of readRows(filePath, format, (n) => (counts.bytesRead += n))) {
      const id = typeof row.fields?.record_id === 'string' ? row.fields.record_id.trim() : '';
      // A second version of a record in one batch would make the batch's upserts collide.
      if (id && idsInBatch.has(id)) await flush();
      if (id) idsInBatch.add(id);
      batch.push(row);
      if (batch.length >= BATCH_SIZE) await flush();
    }
    await flush();
    await finishJob(db, jobId, 'completed');
  } catch (err) {
    await finishJob(db, jobId, 'failed', (err as Error).message).catch(() => undefined);
    throw err;
  }
  return { ...counts, jobId, source: source.code, fileName, alreadyQuarantined };
}

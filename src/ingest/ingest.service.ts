import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { linkRecords } from '../people/index.js';
import { validateRow, type ValidRecord } from './record.schema.js';
import { detectFormat, readRows, type FileFormat, type SourceRow } from './row-source.js';
import {
  createJob,
  finishJob,
  findSource,
  insertQuarantined,
  insertSourceRecords,
  knownVersions,
  listSources,
  saveJobCounts,
  upsertProjections,
  type JobCounts,
  type NewSourceRecord,
  type QuarantineInput,
  type Source,
} from './ingest.store.js';

export const BATCH_SIZE = 500;

export interface IngestOptions {
  sourceCode: string;
  filePath: string;
  format?: FileFormat;
  startedBy?: string;
  onProgress?: (counts: JobCounts, fileSize: number) => void;
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

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

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
  const counts: JobCounts = {
    rowsRead: 0,
    accepted: 0,
    newVersions: 0,
    duplicates: 0,
    quarantined: 0,
    newlyQuarantined: 0,
    bytesRead: 0,
  };
  let alreadyQuarantined = 0;
  const ctx = { db, source, jobId, fileName };
  try {
    let batch: SourceRow[] = [];
    const idsInBatch = new Set<string>();
    const flush = async () => {
      if (!batch.length) return;
      const result = await processBatch(ctx, batch, counts);
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

interface BatchContext {
  db: Kysely<DB>;
  source: Source;
  jobId: string;
  fileName: string;
}

async function processBatch(
  ctx: BatchContext,
  rows: SourceRow[],
  counts: JobCounts,
): Promise<{ alreadyQuarantined: number }> {
  const { source, jobId, fileName } = ctx;
  const bad: QuarantineInput[] = [];
  const good: { row: SourceRow; record: ValidRecord; id: string; checksum: string }[] = [];
  for (const row of rows) {
    const result = row.fields ? validateRow(row.fields, source.defaultRecordType) : undefined;
    const reasons = [...row.problems, ...(result && !result.ok ? result.reasons : [])];
    if (reasons.length || !result?.ok) {
      bad.push({
        jobId,
        sourceId: source.id,
        fileName,
        lineNumber: row.lineNumber,
        rawText: row.raw,
        reasons,
        checksum: sha256(row.raw),
      });
      continue;
    }
    const record = result.record;
    good.push({
      row,
      record,
      id: record.data.record_id,
      checksum: sha256(JSON.stringify([record.type, record.data])),
    });
  }

  return ctx.db.transaction().execute(async (tx) => {
    const newlyQuarantined = await insertQuarantined(tx, bad);
    const known = await knownVersions(tx, source.id, [...new Set(good.map((g) => g.id))]);
    const checksums = new Set(known.map((k) => `${k.sourceRecordId}|${k.checksum}`));
    const latest = new Map<string, number>();
    for (const k of known) {
      latest.set(k.sourceRecordId, Math.max(latest.get(k.sourceRecordId) ?? 0, k.version));
    }

    const fresh: NewSourceRecord[] = [];
    let duplicates = 0;
    for (const g of good) {
      if (checksums.has(`${g.id}|${g.checksum}`)) {
        duplicates++;
        continue;
      }
      const version = (latest.get(g.id) ?? 0) + 1;
      latest.set(g.id, version);
      checksums.add(`${g.id}|${g.checksum}`);
      fresh.push({
        sourceId: source.id,
        sourceRecordId: g.id,
        version,
        checksum: g.checksum,
        record: g.record,
        raw: g.row.raw,
        fileName,
        lineNumber: g.row.lineNumber,
        jobId,
      });
    }
    const pks = await insertSourceRecords(tx, fresh);
    const incoming = fresh.map((f) => {
      const pk = pks.get(`${f.sourceRecordId}#${f.version}`);
      if (pk === undefined) throw new Error(`record ${f.sourceRecordId} was not stored`);
      return {
        sourceId: f.sourceId,
        sourceCode: source.code,
        sourceRecordId: f.sourceRecordId,
        sourceRecordPk: pk,
        record: f.record,
      };
    });
    const people = await linkRecords(tx, incoming);
    await upsertProjections(
      tx,
      incoming.map((r) => ({ ...r, personId: people.get(r.sourceRecordPk) ?? '' })),
    );

    const alreadyQuarantined = bad.length - newlyQuarantined;
    counts.rowsRead += rows.length;
    counts.accepted += fresh.length;
    counts.newVersions += fresh.filter((f) => f.version > 1).length;
    counts.duplicates += duplicates + alreadyQuarantined;
    counts.quarantined += newlyQuarantined;
    counts.newlyQuarantined += newlyQuarantined;
    await saveJobCounts(tx, jobId, counts);
    return { alreadyQuarantined };
  });
}

import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { linkRecords, type LinkOptions } from '../people/index.js';
import { validateRow, type ValidRecord } from './record.schema.js';
import type { SourceRow } from './row-source.js';
import {
  insertQuarantined,
  insertSourceRecords,
  knownVersions,
  saveJobCounts,
  upsertProjections,
  type JobCounts,
  type NewSourceRecord,
  type QuarantineInput,
  type Source,
} from './ingest.store.js';

const isTransaction = (db: Kysely<DB>): db is Transaction<DB> => db.isTransaction;
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** What happened to one row of a batch. */
export type RowResult =
  | { line: number; recordId: string; status: 'linked'; personId: string; rule: string; version: number }
  | { line: number; recordId: string; status: 'review'; version: number }
  | { line: number; recordId: string; status: 'duplicate' }
  | {
      line: number;
      recordId: string | null;
      status: 'quarantined' | 'already_quarantined';
      reasons: string[];
    };

/** Work another feature does inside the batch's transaction with the records it linked. */
export type LinkedHook = (
  tx: Transaction<DB>,
  linked: { personId: string | null; sourceRecordPk: string; record: ValidRecord }[],
) => Promise<void>;

export interface BatchContext {
  db: Kysely<DB>;
  source: Source;
  jobId: string;
  fileName: string;
  link?: LinkOptions;
  onLinked?: LinkedHook;
  /** The batch is the job's only one: mark the job completed with its counts. */
  completesJob?: boolean;
}

/**
 * Validates, stores, links and projects one batch of rows in one transaction, with the job's
 * counts. Bad rows go to quarantine with every reason; known content is a duplicate; changed
 * content is a new version.
 */
export async function ingestBatch(
  ctx: BatchContext,
  rows: SourceRow[],
  counts: JobCounts,
): Promise<{ alreadyQuarantined: number; results: RowResult[] }> {
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

  // Inside a caller's transaction (an API request doing all its writes in one commit) run in it.
  const inTransaction = <T>(work: (tx: Transaction<DB>) => Promise<T>) =>
    isTransaction(ctx.db) ? work(ctx.db) : ctx.db.transaction().execute(work);
  return inTransaction(async (tx) => {
    const newBad = await insertQuarantined(tx, bad);
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
        version: f.version,
        record: f.record,
      };
    });
    const people = await linkRecords(tx, incoming, ctx.link);
    const projected = incoming.map((r) => ({
      ...r,
      personId: people.get(r.sourceRecordPk)?.personId ?? null,
    }));
    await upsertProjections(tx, projected);
    await ctx.onLinked?.(tx, projected);

    const alreadyQuarantined = bad.length - newBad.size;
    counts.rowsRead += rows.length;
    counts.accepted += fresh.length;
    counts.newVersions += fresh.filter((f) => f.version > 1).length;
    counts.duplicates += duplicates + alreadyQuarantined;
    counts.quarantined += newBad.size;
    await saveJobCounts(tx, jobId, counts, ctx.completesJob);
    const badByLine = new Map(bad.map((b) => [b.lineNumber, b]));
    const freshByLine = new Map(fresh.map((f) => [f.lineNumber, f]));
    const results: RowResult[] = rows.map((row) => {
      const q = badByLine.get(row.lineNumber);
      const recordId = typeof row.fields?.record_id === 'string' ? row.fields.record_id.trim() || null : null;
      if (q) {
        return {
          line: row.lineNumber,
          recordId,
          status: newBad.has(row.lineNumber) ? 'quarantined' : 'already_quarantined',
          reasons: q.reasons,
        };
      }
      const f = freshByLine.get(row.lineNumber);
      if (!f) {
        return { line: row.lineNumber, recordId: recordId ?? '', status: 'duplicate' };
      }
      const pk = pks.get(`${f.sourceRecordId}#${f.version}`) ?? '';
      const outcome = people.get(pk);
      return outcome?.personId
        ? {
            line: row.lineNumber,
            recordId: f.sourceRecordId,
            status: 'linked',
            personId: outcome.personId,
            rule: outcome.rule,
            version: f.version,
          }
        : { line: row.lineNumber, recordId: f.sourceRecordId, status: 'review', version: f.version };
    });
    return { alreadyQuarantined, results };
  });
}

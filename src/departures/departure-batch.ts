import crypto from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { refreshOverstays } from '../lifecycle/index.js';
import {
  createJob,
  emptyCounts,
  ingestBatch,
  type LinkedHook,
  type RowResult,
  type Source,
} from '../ingest/index.js';
import type { SourceRow } from '../ingest/row-source.js';
import { decideVoluntaryDepartures } from './departures.store.js';

/** What one request is told about its departures. */
export interface DepartureResponse {
  jobId: string;
  accepted: number;
  duplicates: number;
  quarantined: number;
  inReview: number;
  results: RowResult[];
}

/**
 * Inside the batch's transaction: voluntary departure grants and overstay determinations. (The
 * departure rows were marked resolved as they were projected, in the same transaction.)
 */
const afterLinking: LinkedHook = async (tx, linked) => {
  const departed = linked.flatMap((l) => (l.personId && l.record.type === 'departure' ? [l.personId] : []));
  await decideVoluntaryDepartures(tx, [...new Set(departed)]);
  await refreshOverstays(
    tx,
    linked.flatMap((l) => (l.personId ? [l.personId] : [])),
    new Date().toISOString().slice(0, 10),
  );
};

/**
 * Stores the rows of several requests as one ingest batch (one job, one link pass, one overstay
 * refresh) in the caller's transaction and splits the results back per request, with each
 * request's own line numbers. Within the job, rows are numbered in arrival order.
 */
export async function storeRequests(
  tx: Transaction<DB>,
  source: Source,
  startedBy: string,
  requests: SourceRow[][],
): Promise<DepartureResponse[]> {
  if (!requests.length) return [];
  const fileName = `api:${crypto.randomUUID()}`;
  const jobId = await createJob(tx, {
    sourceId: source.id,
    fileName,
    filePath: fileName,
    fileSize: 0,
    format: 'ndjson',
    startedBy,
  });
  let line = 0;
  const rows = requests.flatMap((request) => request.map((row) => ({ ...row, lineNumber: ++line })));
  const { results } = await ingestBatch(
    {
      db: tx,
      source,
      jobId,
      fileName,
      link: { unmatched: 'review' },
      onLinked: afterLinking,
      completesJob: true,
    },
    rows,
    emptyCounts(),
  );
  let next = 0;
  return requests.map((request) => {
    const own = request.map((row, j) => ({ ...results[next + j]!, line: row.lineNumber }));
    next += request.length;
    return responseOf(jobId, own);
  });
}

function responseOf(jobId: string, results: RowResult[]): DepartureResponse {
  const count = (...statuses: RowResult['status'][]) =>
    results.filter((r) => statuses.includes(r.status)).length;
  return {
    jobId,
    accepted: count('linked', 'review'),
    duplicates: count('duplicate', 'already_quarantined'),
    quarantined: count('quarantined', 'already_quarantined'),
    inReview: count('review'),
    results,
  };
}

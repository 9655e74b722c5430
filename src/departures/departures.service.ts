import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { canonicalJson } from '../audit/index.js';
import { refreshOverstays } from '../lifecycle/index.js';
import {
  createJob,
  findSource,
  finishJob,
  ingestBatch,
  emptyCounts,
  type LinkedHook,
  type RowResult,
} from '../ingest/index.js';
import { jsonLineToRow, objectToRow, type SourceRow } from '../ingest/row-source.js';
import { idempotencyConflict, invalid, invalidToken } from '../shared/errors.js';
import {
  findIdempotent,
  insertToken,
  markResolved,
  markVoluntaryDepartureCompliance,
  saveIdempotent,
  sourceForToken,
} from './departures.store.js';

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
export const MAX_BATCH = 1000;

/** One processed departure, as the live feed shows it. */
export interface DepartureEvent {
  at: string;
  source: string;
  result: RowResult;
}

/** In-process feed of processed departures (server-sent events subscribe here). */
export const departureEvents = new EventEmitter();
departureEvents.setMaxListeners(100);

export interface DepartureResponse {
  jobId: string;
  accepted: number;
  duplicates: number;
  quarantined: number;
  inReview: number;
  results: RowResult[];
}

/** Creates an API token for a source; returns the token (shown once; only its hash is stored). */
export async function createSourceToken(db: Kysely<DB>, sourceCode: string, label: string): Promise<string> {
  const source = await findSource(db, sourceCode);
  if (!source) {
    throw new Error(`Unknown source "${sourceCode}".`);
  }
  const token = `pst_${crypto.randomBytes(32).toString('base64url')}`;
  await insertToken(db, source.id, sha256(token), label);
  return token;
}

export async function authenticateSource(db: Kysely<DB>, authorization: string | undefined) {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const source = token ? await sourceForToken(db, sha256(token)) : undefined;
  if (!source) {
    throw invalidToken('Send the source system’s API token as "Authorization: Bearer <token>".');
  }
  return source;
}

/** Turns a request body (one object, an array, or NDJSON text) into rows with line numbers. */
export function bodyToRows(body: unknown): SourceRow[] {
  if (typeof body === 'string') {
    return body.split('\n').flatMap((line, i) => (line.trim() === '' ? [] : [jsonLineToRow(line, i + 1)]));
  }
  return (Array.isArray(body) ? body : [body]).map((o, i) => objectToRow(o, i + 1));
}

const afterLinking: LinkedHook = async (tx, linked) => {
  const departures = linked.flatMap((l) =>
    l.personId && l.record.type === 'departure'
      ? [{ personId: l.personId, departedOn: l.record.data.departed_on, sourceRecordPk: l.sourceRecordPk }]
      : [],
  );
  await markVoluntaryDepartureCompliance(tx, departures);
  await refreshOverstays(
    tx,
    linked.flatMap((l) => (l.personId ? [l.personId] : [])),
    new Date().toISOString().slice(0, 10),
  );
  await markResolved(
    tx,
    departures.map((d) => d.sourceRecordPk),
  );
};

/**
 * Stores a batch of departures from a source system: validated, stored once (retries add nothing),
 * matched to a person by the linking rules — a departure no rule links goes to the review queue,
 * never to a guessed person — and the person's voluntary departure grants updated, all in one
 * transaction. An Idempotency-Key returns the stored answer for the same body and refuses another.
 */
export async function receiveDepartures(
  db: Kysely<DB>,
  source: { id: number; code: string },
  body: unknown,
  idempotencyKey: string | undefined,
  startedBy = 'api',
): Promise<{ statusCode: number; response: DepartureResponse }> {
  const requestHash = sha256(typeof body === 'string' ? body : canonicalJson(body));
  const scope = `departures:${source.id}`;
  if (idempotencyKey) {
    const stored = await findIdempotent(db, scope, idempotencyKey);
    if (stored) {
      if (stored.requestHash !== requestHash) {
        throw idempotencyConflict();
      }
      return { statusCode: stored.statusCode, response: stored.response as unknown as DepartureResponse };
    }
  }
  const rows = bodyToRows(body);
  if (!rows.length) {
    throw invalid('The body holds no departure records.');
  }
  if (rows.length > MAX_BATCH) {
    throw invalid(`A batch holds at most ${MAX_BATCH} records; split it.`);
  }
  const fullSource = await findSource(db, source.code);
  if (!fullSource) {
    throw invalidToken();
  }
  const fileName = `api:${idempotencyKey ?? crypto.randomUUID()}`;
  // One commit per request: the job, the records, links, lifecycle updates and the idempotency
  // answer become durable together (and a crash leaves none of them).
  const response = await db.transaction().execute(async (tx) => {
    const jobId = await createJob(tx, {
      sourceId: source.id,
      fileName,
      filePath: fileName,
      fileSize: 0,
      format: 'ndjson',
      startedBy,
    });
    const counts = emptyCounts();
    const { results } = await ingestBatch(
      { db: tx, source: fullSource, jobId, fileName, link: { unmatched: 'review' }, onLinked: afterLinking },
      rows,
      counts,
    );
    await finishJob(tx, jobId, 'completed');
    const answer: DepartureResponse = {
      jobId,
      accepted: counts.accepted,
      duplicates: counts.duplicates,
      quarantined: results.filter((r) => r.status === 'quarantined' || r.status === 'already_quarantined')
        .length,
      inReview: results.filter((r) => r.status === 'review').length,
      results,
    };
    if (idempotencyKey) {
      await saveIdempotent(tx, scope, idempotencyKey, {
        requestHash,
        statusCode: 200,
        response: answer as unknown as Record<string, unknown>,
      });
    }
    return answer;
  });
  const at = new Date().toISOString();
  for (const result of response.results) {
    departureEvents.emit('departure', { at, source: source.code, result } satisfies DepartureEvent);
  }
  return { statusCode: 200, response };
}

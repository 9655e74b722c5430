import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { canonicalJson } from '../audit/index.js';
import { findSource, type RowResult, type Source } from '../ingest/index.js';
import { jsonLineToRow, objectToRow, type SourceRow } from '../ingest/row-source.js';
import { idempotencyConflict, invalid, invalidToken } from '../shared/errors.js';
import { storeRequests, type DepartureResponse } from './departure-batch.js';
import { checkGroup, insertToken, saveIdempotent, sourceForToken } from './departures.store.js';
import { GroupCommitter } from './group-commit.js';

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
export const MAX_BATCH = 1000;
export type { DepartureResponse };

/** One processed departure, as the live feed shows it. */
export interface DepartureEvent {
  at: string;
  source: string;
  result: RowResult;
}

/** In-process feed of processed departures (server-sent events subscribe here). */
export const departureEvents = new EventEmitter();
departureEvents.setMaxListeners(100);

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

/** Turns a request body (one object, an array, or NDJSON text) into rows with line numbers. */
export function bodyToRows(body: unknown): SourceRow[] {
  if (typeof body === 'string') {
    return body.split('\n').flatMap((line, i) => (line.trim() === '' ? [] : [jsonLineToRow(line, i + 1)]));
  }
  return (Array.isArray(body) ? body : [body]).map((o, i) => objectToRow(o, i + 1));
}

/** Who sent a request: a source system by its API token, or (self-reports) a signed-in officer. */
export interface Sender {
  source: Source;
  /** The sha256 of the source's API token; null for a request from a signed-in session. */
  tokenHash: string | null;
}

/** One request waiting for its group. */
interface QueuedRequest extends Sender {
  rows: SourceRow[];
  /** Record ids the request holds; null when one repeats within it (then it runs alone). */
  recordIds: Set<string> | null;
  idempotencyKey: string | undefined;
  requestHash: string;
  startedBy: string;
}

export interface IntakeOptions {
  /** How long a request waits for others to share its transaction (ms). */
  maxWaitMs?: number;
  /** Most departure records in one transaction (a larger request runs alone). */
  maxRecords?: number;
}

/**
 * Takes departures from source systems. Concurrent requests share transactions (group commit):
 * requests arriving within `maxWaitMs` are stored, linked and their lifecycle updated in one
 * transaction, and each gets its own answer.
 *
 * Groups run one at a time, and a group never holds two requests with the same Idempotency-Key
 * or the same record id. So a retry arriving while the first request is still in flight waits
 * for it and then finds its stored answer (same body: that answer; another body: 422): that is
 * what keeps idempotency exact, and why `concurrency` stays 1.
 */
export class DepartureIntake {
  private readonly committer: GroupCommitter<QueuedRequest, DepartureResponse>;
  /**
   * Sources of API tokens seen valid, by token hash: spares each request a query. Every group
   * checks its tokens again in its own transaction, so a revoked token stores nothing.
   */
  private readonly knownTokens = new Map<string, Source>();

  constructor(
    private readonly db: Kysely<DB>,
    options: IntakeOptions = {},
  ) {
    this.committer = new GroupCommitter({
      maxWaitMs: options.maxWaitMs ?? 5,
      maxSize: options.maxRecords ?? 200,
      concurrency: 1,
      sizeOf: (r) => r.rows.length,
      canJoin: (group, r) => group.every((g) => mayShareTransaction(g, r)),
      run: (requests) => this.runGroup(requests),
    });
  }

  /** The source system an `Authorization: Bearer <token>` header names, or 401. */
  async authenticate(authorization: string | undefined): Promise<Sender> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const tokenHash = token ? sha256(token) : '';
    const source =
      this.knownTokens.get(tokenHash) ?? (token ? await sourceForToken(this.db, tokenHash) : undefined);
    if (!source) {
      throw invalidToken('Send the source system’s API token as "Authorization: Bearer <token>".');
    }
    this.knownTokens.set(tokenHash, source);
    return { source, tokenHash };
  }

  /**
   * Stores a batch of departures from a source system: validated, stored once (retries add
   * nothing), matched to a person — a departure the linker cannot match confidently goes to the
   * review queue, never to a guessed person — and the person's voluntary departure grants and
   * overstay determinations updated, all committed before the answer. An Idempotency-Key returns
   * the stored answer for the same body and refuses another (422).
   */
  async receive(
    sender: Sender,
    body: unknown,
    idempotencyKey: string | undefined,
    startedBy = 'api',
  ): Promise<DepartureResponse> {
    const rows = bodyToRows(body);
    if (!rows.length) {
      throw invalid('The body holds no departure records.');
    }
    if (rows.length > MAX_BATCH) {
      throw invalid(`A batch holds at most ${MAX_BATCH} records; split it.`);
    }
    return this.committer.submit({
      ...sender,
      rows,
      recordIds: recordIdsOf(rows),
      idempotencyKey,
      requestHash: sha256(typeof body === 'string' ? body : canonicalJson(body)),
      startedBy,
    });
  }

  /** Answers everything queued; call before closing the database. */
  async close(): Promise<void> {
    await this.committer.drain();
  }

  /**
   * One transaction for the group: requests whose token was revoked are refused, retried keys get
   * their stored answers, everything else is stored anew.
   */
  private async runGroup(
    requests: readonly QueuedRequest[],
  ): Promise<PromiseSettledResult<DepartureResponse>[]> {
    const { source, startedBy } = requests[0]!;
    const scope = `departures:${source.id}`;
    const { live, stored, fresh } = await this.db.transaction().execute(async (tx) => {
      const { live, stored } = await checkGroup(
        tx,
        [...new Set(requests.flatMap((r) => r.tokenHash ?? []))],
        scope,
        requests.flatMap((r) => r.idempotencyKey ?? []),
      );
      const allowed = requests.filter((r) => r.tokenHash === null || live.has(r.tokenHash));
      const toStore = allowed.filter((r) => !(r.idempotencyKey && stored.has(r.idempotencyKey)));
      const responses = await storeRequests(
        tx,
        source,
        startedBy,
        toStore.map((r) => r.rows),
      );
      const fresh = new Map(toStore.map((r, n) => [r, responses[n]!]));
      await saveIdempotent(
        tx,
        scope,
        toStore.flatMap((r) =>
          r.idempotencyKey
            ? [
                {
                  key: r.idempotencyKey,
                  requestHash: r.requestHash,
                  statusCode: 200,
                  response: fresh.get(r)!,
                },
              ]
            : [],
        ),
      );
      return { live, stored, fresh };
    });
    const at = new Date().toISOString();
    for (const response of fresh.values()) {
      for (const result of response.results) {
        departureEvents.emit('departure', { at, source: source.code, result } satisfies DepartureEvent);
      }
    }
    return requests.map((r) => {
      if (r.tokenHash !== null && !live.has(r.tokenHash)) {
        this.knownTokens.delete(r.tokenHash);
        return { status: 'rejected', reason: invalidToken('This API token has been revoked.') };
      }
      const response = fresh.get(r);
      if (response) return { status: 'fulfilled', value: response };
      const answer = stored.get(r.idempotencyKey ?? '')!;
      return answer.requestHash === r.requestHash
        ? { status: 'fulfilled', value: answer.response as DepartureResponse }
        : { status: 'rejected', reason: idempotencyConflict() };
    });
  }
}

/**
 * Whether two requests may share a transaction: same source and submitter, and neither an
 * Idempotency-Key nor a record id in common.
 */
function mayShareTransaction(a: QueuedRequest, b: QueuedRequest): boolean {
  if (a.source.id !== b.source.id || a.startedBy !== b.startedBy || !a.recordIds || !b.recordIds) {
    return false;
  }
  if (a.idempotencyKey !== undefined && a.idempotencyKey === b.idempotencyKey) return false;
  // Two versions of one record in one batch would make its projection upserts collide.
  for (const id of b.recordIds) if (a.recordIds.has(id)) return false;
  return true;
}

function recordIdsOf(rows: SourceRow[]): Set<string> | null {
  const ids = new Set<string>();
  for (const row of rows) {
    const id = typeof row.fields?.record_id === 'string' ? row.fields.record_id.trim() : '';
    if (!id) continue;
    if (ids.has(id)) return null;
    ids.add(id);
  }
  return ids;
}

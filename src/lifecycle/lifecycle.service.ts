import { sql, type Kysely, type Transaction } from 'kysely';
import PQueue from 'p-queue';
import type pg from 'pg';
import type { DB } from '../db/schema.js';
import {
  batchSources,
  determineOverstaysInSql,
  isEmbedded,
  personIdBounds,
  sliceRange,
  type BatchResult,
} from './overstay-batch.store.js';
import { determineSliceByCopy } from './overstay-slice.store.js';
import { BufferPool } from '../db/binary-copy.js';
import {
  STAGING_TABLE,
  createStaging,
  dirtyPeople,
  dropStaging,
  lockLive,
  markDirty,
  stagingIndexStatements,
  swapIn,
  tryLockBatch,
  unlockBatch,
} from './overstay-swap.store.js';
import { determineOverstays } from './overstay.rules.js';
import { createReportAccumulator, type OverstayReport } from './overstay-report.rules.js';
import {
  determinationCounts,
  loadFactsForPeople,
  saveDeterminations,
  deleteStagedDeterminations,
  saveStagedDeterminations,
  type DeterminationRow,
} from './lifecycle.store.js';
import { isIsoDate } from './stay.rules.js';

/** The determinations of these people by the pure rules, as of `asOf`, from the stored facts. */
async function determineWithRules(
  tx: Kysely<DB> | Transaction<DB>,
  personIds: string[],
  asOf: string,
): Promise<DeterminationRow[]> {
  const { facts, admissionIds, countries } = await loadFactsForPeople(tx, personIds);
  const rows: DeterminationRow[] = [];
  for (const [personId, personFacts] of facts) {
    for (const determination of determineOverstays(personFacts, asOf)) {
      const pk = determination.admission.recordPk;
      const admissionId = admissionIds.get(pk);
      if (admissionId) {
        rows.push({ admissionId, personId, determination, country: countries.get(pk) ?? null, asOf });
      }
    }
  }
  return rows;
}

/**
 * Recomputes the overstay determinations of these people inside the caller's transaction, so a
 * record and the determinations it changes commit together (the incremental path). While a
 * batch recompute runs, the people are also recorded for it (overstay-swap.store.ts).
 */
export async function refreshOverstays(
  tx: Kysely<DB> | Transaction<DB>,
  personIds: string[],
  asOf: string,
): Promise<number> {
  const ids = [...new Set(personIds)];
  if (!ids.length) {
    return 0;
  }
  const rows = await determineWithRules(tx, ids, asOf);
  if (rows.length) {
    await saveDeterminations(tx, rows);
    await markDirty(tx, ids);
  }
  return rows.length;
}

export interface RecomputeOptions {
  /** People per transaction for those left to the pure rules; default 1000. */
  pageSize?: number;
  /**
   * Slices of the people by person-id range, one transaction each; default on PostgreSQL one per
   * ~SLICE_ADMISSIONS admissions (at least 2), 1 on PGlite (a single session).
   */
  slices?: number;
  /**
   * Slices decided at the same time on PostgreSQL; default 2 (one per core of the reference
   * machine). More slices than this make each slice's sorts and hashes smaller.
   */
  concurrency?: number;
  /** `work_mem` per slice on PostgreSQL; default '256MB'. PGlite keeps its own setting. */
  workMem?: string;
  /**
   * Called once the staging table is filled and indexed, before the dirty people are caught up
   * and the table swapped in, with the batch's own session (tests commit a refresh there).
   */
  beforeSwap?: (session: Kysely<DB>) => Promise<void>;
  /**
   * The PostgreSQL pool behind `db` (Database.pgPool). Given, each slice is read out and written
   * back by binary COPY and decided in Node (overstay-slice.store.ts); without it, or on PGlite,
   * by the set-based statement (overstay-batch.store.ts).
   */
  pgPool?: pg.Pool;
  /** Called at the end of each phase with its name (benchmarks time them). */
  onPhase?: (phase: 'staging' | 'sql' | 'hybrid' | 'indexes' | 'catchUp' | 'swap') => void;
}

/**
 * `passage overstays recompute`: every linked admission, decided into a staging table a
 * transaction per slice of the people — by binary COPY and the columnar rules in Node when
 * `options.pgPool` is given (PostgreSQL; overstay-slice.store.ts), else in set-based SQL
 * (overstay-batch.store.ts); the few people a slice leaves to the pure rules are then decided a
 * page per transaction; the staging table is indexed and swapped in (overstay-swap.store.ts), with
 * the people the incremental path refreshed meanwhile recomputed by the pure rules. One batch at
 * a time per database.
 *
 * @throws {RangeError} when `asOf` is not a real 'YYYY-MM-DD' date.
 */
export async function recomputeAllOverstays(
  db: Kysely<DB>,
  asOf: string,
  onProgress?: (people: number, determinations: number) => void,
  options: RecomputeOptions = {},
): Promise<{
  people: number;
  determinations: number;
  /**
   * People decided afterwards by the pure rules in pages: those the statement leaves (~0.5%), or
   * on the COPY path only those whose stored dates or sources need reading as text (usually none).
   */
  hybridPeople: number;
  recomputedDirty: number;
  /** Slices the people were decided in. */
  slices: number;
}> {
  if (!isIsoDate(asOf)) throw new RangeError(`asOf must be a YYYY-MM-DD date, got "${asOf}"`);
  const embedded = await isEmbedded(db);
  const workMem = embedded ? undefined : (options.workMem ?? '256MB');
  // PGlite is one session (a pool of one): everything then runs on the batch's own connection.
  return db.connection().execute(async (session) => {
    const parallel = embedded ? session : db;
    if (!(await tryLockBatch(session))) {
      throw new Error('Another overstay recompute is running on this database.');
    }
    try {
      await session.transaction().execute((tx) => createStaging(tx));
      options.onPhase?.('staging');
      // Read once, so that every slice's transaction cuts the person ids at the same places.
      const bounds = await personIdBounds(session);
      const sources = await batchSources(session);
      const slices = options.slices ?? (embedded ? 1 : defaultSlices(bounds.admissions));
      const concurrency = embedded ? 1 : Math.min(slices, options.concurrency ?? 2);
      const pageSize = options.pageSize ?? 1000;
      // One queue for the slices and the pure rules' pages: a slice's hybrid people are queued
      // as pages when it finishes, behind the slices still waiting, so that the pages fill the
      // cores the last slices leave idle (each page's facts query, rules and insert keep one
      // core busy between client and server).
      const queue = new PQueue({ concurrency });
      const failures: unknown[] = [];
      const enqueue = (task: () => Promise<void>) => {
        queue.add(task).catch((err: unknown) => {
          failures.push(err);
          queue.clear(); // nothing more is started; what runs finishes
        });
      };
      let people = 0;
      let decidedPeople = 0;
      let determinations = 0;
      let hybridPeople = 0;
      let slicesLeft = slices;
      const decidePage = async (ids: string[]) => {
        const rows = await determineWithRules(parallel, ids, asOf);
        await saveStagedDeterminations(parallel, STAGING_TABLE, rows);
        determinations += rows.length;
        decidedPeople += ids.length;
        onProgress?.(decidedPeople, determinations);
      };
      const pgPool = embedded ? undefined : options.pgPool;
      const buffers = new BufferPool();
      const inSql = (slice: number) =>
        (slices === 1 ? session : parallel).transaction().execute((tx) =>
          determineOverstaysInSql(tx, asOf, {
            slices,
            slice,
            bounds,
            sources,
            workMem,
            jit: !embedded,
            table: STAGING_TABLE,
          }),
        );
      const byCopy = async (pool: pg.Pool, slice: number) => {
        const [from, to] = sliceRange(bounds, slices, slice);
        const client = await pool.connect();
        try {
          return await determineSliceByCopy(client, asOf, {
            from,
            to,
            sources,
            table: STAGING_TABLE,
            buffers,
          });
        } finally {
          client.release();
        }
      };
      const decideSlice = async (slice: number) => {
        const batch: BatchResult = pgPool ? await byCopy(pgPool, slice) : await inSql(slice);
        people += batch.people;
        hybridPeople += batch.hybridPersonIds.length;
        decidedPeople += batch.people - batch.hybridPersonIds.length;
        determinations += batch.determinations;
        onProgress?.(decidedPeople, determinations);
        for (let i = 0; i < batch.hybridPersonIds.length; i += pageSize) {
          const ids = batch.hybridPersonIds.slice(i, i + pageSize);
          enqueue(() => decidePage(ids));
        }
        if (--slicesLeft === 0) options.onPhase?.('sql');
      };
      for (let slice = 0; slice < slices; slice++) enqueue(() => decideSlice(slice));
      await queue.onIdle();
      if (failures.length) throw failures[0];
      options.onPhase?.('hybrid');
      await buildStagingIndexes(session, parallel, embedded);
      options.onPhase?.('indexes');
      await options.beforeSwap?.(session);
      // Catch up with the incremental path without blocking it, then once more under the lock.
      const caughtUp = await recomputeDirty(session, '0', asOf, pageSize);
      options.onPhase?.('catchUp');
      const last = await session.transaction().execute(async (tx) => {
        await lockLive(tx);
        const rest = await recomputeDirty(tx, caughtUp.seq, asOf, pageSize);
        await swapIn(tx);
        return rest;
      });
      options.onPhase?.('swap');
      return {
        people,
        determinations,
        hybridPeople,
        slices,
        recomputedDirty: caughtUp.people + last.people,
      };
    } catch (err) {
      await dropStaging(session);
      throw err;
    } finally {
      await unlockBatch(session);
    }
  });
}

/**
 * About SLICE_ADMISSIONS admissions a slice on PostgreSQL, at least two: at 10M admissions and
 * work_mem 256MB (single runs on a shared 2-core machine), 2 slices took 167 s (3.8 GB of temp
 * files), 8 took 151 s (0.4 GB) and 20 took 145 s with 1.5 GiB of server memory instead of 5
 * (docs/benchmarks.md): smaller slices hash and sort in memory.
 */
const SLICE_ADMISSIONS = 500_000;
function defaultSlices(admissions: number): number {
  return Math.max(2, Math.ceil(admissions / SLICE_ADMISSIONS));
}

/** The staging table's indexes; on PostgreSQL two at a time, each with its own memory. */
async function buildStagingIndexes(session: Kysely<DB>, parallel: Kysely<DB>, embedded: boolean) {
  const statements = stagingIndexStatements();
  const run = (q: Kysely<DB>, statement: string) =>
    q.transaction().execute(async (tx) => {
      if (!embedded) await sql`SET LOCAL maintenance_work_mem = '512MB'`.execute(tx);
      await sql.raw(statement).execute(tx);
    });
  if (embedded) {
    for (const statement of statements) await run(session, statement);
    return;
  }
  const queue = [...statements];
  const worker = async (q: Kysely<DB>) => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) await run(q, s);
  };
  await Promise.all([worker(session), worker(parallel)]);
}

/** Recomputes with the pure rules, into the staging table, the people marked dirty after `afterSeq`. */
async function recomputeDirty(
  db: Kysely<DB> | Transaction<DB>,
  afterSeq: string,
  asOf: string,
  pageSize: number,
): Promise<{ seq: string; people: number }> {
  const { personIds, deletedAdmissionIds, seq } = await dirtyPeople(db, afterSeq);
  // The staged rows of admissions deleted meanwhile go; every other stale row is one of a dirty
  // person's admissions (one that moved is recomputed with the person it moved to, whom the
  // move also refreshed) and is replaced by admission id.
  await deleteStagedDeterminations(db, STAGING_TABLE, deletedAdmissionIds);
  for (let i = 0; i < personIds.length; i += pageSize) {
    const ids = personIds.slice(i, i + pageSize);
    const rows = await determineWithRules(db, ids, asOf);
    await saveStagedDeterminations(db, STAGING_TABLE, rows, { replace: true });
  }
  return { seq, people: personIds.length };
}

export interface OverstayReportResponse extends OverstayReport {
  asOf: string | null;
  generatedAt: string;
  admissionsDetermined: number;
}

/** The DHS-style report tables from the stored determinations, small cells suppressed. */
export async function overstayReport(db: Kysely<DB>): Promise<OverstayReportResponse> {
  const { rows, asOf, total } = await determinationCounts(db);
  const acc = createReportAccumulator();
  for (const r of rows) {
    acc.add(r, r.count);
  }
  return { ...acc.finish(), asOf, generatedAt: new Date().toISOString(), admissionsDetermined: total };
}

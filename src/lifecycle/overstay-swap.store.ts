/**
 * The batch recompute builds its rows into a fresh staging table and swaps it in, instead of
 * upserting ten million rows into the live, indexed table: a full recompute rewrites every row
 * anyway (as_of moves), and an unindexed heap fills several times faster, with the indexes built
 * once at the end.
 *
 * The incremental path keeps writing to the live table while the batch runs. So that none of its
 * writes is lost, the staging table doubles as a marker: while it exists, refreshOverstays also
 * records the people it refreshed in overstay_batch_dirty (markDirty), and the batch recomputes
 * those people with the pure rules before and during the swap. Why nothing slips through:
 * - the staging table is created in a transaction that first takes a SHARE ROW EXCLUSIVE lock on
 *   the live table, so every incremental writer then in flight has committed before the marker
 *   exists, and so before the batch's snapshots: its facts are in the batch;
 * - an incremental writer checks the marker only after its own write to the live table (and so
 *   after taking its lock there): it either finished before the marker (above) or sees it and
 *   records its people;
 * - the swap locks the live table ACCESS EXCLUSIVE before it reads the dirty people for the last
 *   time, so every writer has either committed (and is read) or waits, and then writes into the
 *   swapped-in table once the swap commits (PostgreSQL resolves the table name again after a lock
 *   wait).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

type Q = Kysely<DB> | Transaction<DB>;

export const STAGING_TABLE = 'overstay_determinations_next';
const LIVE_TABLE = 'overstay_determinations';
/** The indexes of the live table (migrations 0002, 0005, 0008), built on the staging table. */
const INDEXES = [
  { name: 'overstay_determinations_pkey', ddl: 'ADD CONSTRAINT {name} PRIMARY KEY (admission_id)' },
] as const;
/** Any constant: one batch recompute at a time per database. */
const BATCH_LOCK_KEY = 7_215_004;

/**
 * Records, while a batch runs, the people the incremental path just refreshed. Call it after
 * writing their determinations to the live table, in the same transaction (see the file comment).
 */
export async function markDirty(db: Q, personIds: string[]): Promise<void> {
  await sql`INSERT INTO overstay_batch_dirty (person_id)
    SELECT unnest(${personIds}::bigint[]) WHERE to_regclass(${STAGING_TABLE}) IS NOT NULL`.execute(db);
}

/** Takes the per-database batch lock on this session; false when another batch holds it. */
export async function tryLockBatch(conn: Q): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(${BATCH_LOCK_KEY}) AS ok`.execute(
    conn,
  );
  return rows[0]?.ok === true;
}

export async function unlockBatch(conn: Q): Promise<void> {
  await sql`SELECT pg_advisory_unlock(${BATCH_LOCK_KEY})`.execute(conn);
}

/**
 * Creates the empty staging table (the marker), dropping one a crashed batch left behind. Run
 * it in its own transaction, committed before the batch reads any facts.
 */
export async function createStaging(tx: Transaction<DB>): Promise<void> {
  await sql`LOCK TABLE ${sql.table(LIVE_TABLE)} IN SHARE ROW EXCLUSIVE MODE`.execute(tx);
  await sql`DROP TABLE IF EXISTS ${sql.table(STAGING_TABLE)}`.execute(tx);
  await sql`CREATE TABLE ${sql.table(STAGING_TABLE)}
    (LIKE ${sql.table(LIVE_TABLE)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`.execute(tx);
  await sql`DELETE FROM overstay_batch_dirty`.execute(tx);
}

/** Drops the staging table (a failed batch), which also ends the dirty marking. */
export async function dropStaging(db: Q): Promise<void> {
  await sql`DROP TABLE IF EXISTS ${sql.table(STAGING_TABLE)}`.execute(db);
}

/** The statements that index the filled staging table, under temporary names. */
export function stagingIndexStatements(): string[] {
  return INDEXES.map(({ name, ddl }) => {
    const temp = `${name}_next`;
    const body = ddl.replace('{name}', temp).replace('{table}', STAGING_TABLE);
    return body.startsWith('ADD') ? `ALTER TABLE ${STAGING_TABLE} ${body}` : body;
  });
}

/**
 * People recorded dirty after `afterSeq`, the admissions deleted meanwhile (whose staged rows
 * must go), and the last seq read.
 */
export async function dirtyPeople(
  db: Q,
  afterSeq: string,
): Promise<{ personIds: string[]; deletedAdmissionIds: string[]; seq: string }> {
  const { rows } = await sql<{ ids: string[] | null; deleted: string[] | null; seq: string | null }>`
    SELECT array_agg(DISTINCT person_id::text) AS ids,
           array_agg(DISTINCT deleted_admission_id::text) FILTER (WHERE deleted_admission_id IS NOT NULL) AS deleted,
           max(seq)::text AS seq
    FROM overstay_batch_dirty WHERE seq > ${afterSeq}::bigint`.execute(db);
  return {
    personIds: rows[0]?.ids ?? [],
    deletedAdmissionIds: rows[0]?.deleted ?? [],
    seq: rows[0]?.seq ?? afterSeq,
  };
}

/**
 * Locks the live table against every reader and writer for the rest of `tx` (the swap). The
 * tables the incremental path reads before it writes determinations are not locked here, so a
 * writer waiting on this lock holds nothing the swap needs.
 */
export async function lockLive(tx: Transaction<DB>): Promise<void> {
  await sql`LOCK TABLE ${sql.table(LIVE_TABLE)} IN ACCESS EXCLUSIVE MODE`.execute(tx);
}

/** Replaces the live table with the indexed staging table, inside the swap transaction. */
export async function swapIn(tx: Transaction<DB>): Promise<void> {
  await sql`DROP TABLE ${sql.table(LIVE_TABLE)}`.execute(tx);
  await sql`ALTER TABLE ${sql.table(STAGING_TABLE)} RENAME TO ${sql.table(LIVE_TABLE)}`.execute(tx);
  for (const { name } of INDEXES) {
    await sql`ALTER INDEX ${sql.table(`${name}_next`)} RENAME TO ${sql.table(name)}`.execute(tx);
  }
  await sql`DELETE FROM overstay_batch_dirty`.execute(tx);
}

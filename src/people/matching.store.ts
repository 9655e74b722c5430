import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { MatchModel, MatchRecord } from '../matching/index.js';

/** SQL for the application's entity resolution: models, the linked records it indexes, labels. */

type Q = Kysely<DB> | Transaction<DB>;

// Any constant works: it serializes everything that writes person_links, across processes.
const LINKING_LOCK_KEY = 7_215_002;

/**
 * Takes the linking lock until the transaction ends. Every writer of person_links holds it, so
 * links are committed in id order and an index that has read up to id N has seen every link ≤ N.
 */
export async function lockLinking(tx: Transaction<DB>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${LINKING_LOCK_KEY})`.execute(tx);
}

export interface StoredModel {
  id: string;
  kind: 'synthetic' | 'em' | 'refined';
  model: MatchModel;
  records: number;
  labels: number;
  note: string;
  createdBy: string;
  createdAt: string;
}

export async function activeModelId(db: Q): Promise<string | null> {
  const row = await db.selectFrom('match_models').select('id').where('active', '=', true).executeTakeFirst();
  return row?.id ?? null;
}

export async function loadModel(db: Q, id: string): Promise<StoredModel | null> {
  const row = await db.selectFrom('match_models').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    kind: row.kind,
    model: row.model as unknown as MatchModel,
    records: row.records,
    labels: row.labels,
    note: row.note,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

/** Stores a model and makes it the active one. */
export async function saveActiveModel(
  tx: Transaction<DB>,
  m: Omit<StoredModel, 'id' | 'createdAt'>,
): Promise<string> {
  await tx.updateTable('match_models').set({ active: false }).where('active', '=', true).execute();
  const row = await tx
    .insertInto('match_models')
    .values({
      kind: m.kind,
      model: JSON.stringify(m.model),
      records: m.records,
      labels: m.labels,
      note: m.note,
      created_by: m.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A current link with the identity fields of its record, as the match index holds it. */
export interface IndexedLink {
  linkId: number;
  personId: string;
  sourceRecordPk: string;
  record: MatchRecord;
}

interface IdentityColumns {
  code: string;
  source_record_id: string;
  given_name: string | null;
  middle_name: string | null;
  family_name: string | null;
  date_of_birth: string | null;
  sex: string | null;
  country_of_citizenship: string | null;
  passport_number: string | null;
  a_number: string | null;
}

const IDENTITY_COLUMNS = sql`s.code, ri.source_record_id, ri.given_name, ri.middle_name, ri.family_name,
  ri.date_of_birth, ri.sex, ri.country_of_citizenship, ri.passport_number, ri.a_number`;

/** The key a record has in the match index and in evidence: source code and record id. */
export const recordKey = (sourceCode: string, sourceRecordId: string) => `${sourceCode}:${sourceRecordId}`;

function matchRecordOf(r: IdentityColumns): MatchRecord {
  return {
    id: recordKey(r.code, r.source_record_id),
    givenName: r.given_name,
    middleName: r.middle_name,
    familyName: r.family_name,
    dateOfBirth: r.date_of_birth,
    sex: r.sex,
    country: r.country_of_citizenship,
    passportNumber: r.passport_number,
    aNumber: r.a_number,
  };
}

/**
 * Current links with id above `afterLinkId`, oldest first, `limit` at a time. The links are picked
 * first and each record's identity is then read through its primary key (LATERAL … LIMIT 1 keeps
 * the planner from flattening it): with a plain join the planner, without statistics on a fresh
 * table, scanned record_identities once per link, and later a whole table per batch.
 */
export async function linksAfter(db: Q, afterLinkId: number, limit: number): Promise<IndexedLink[]> {
  const rows = await sql<IdentityColumns & { link_id: string; person_id: string; source_record_pk: string }>`
    SELECT l.id AS link_id, l.person_id, l.source_record_pk,
      (SELECT s.code FROM source_systems s WHERE s.id = l.source_id) AS code, ri.*
    FROM (SELECT id, person_id, source_id, source_record_id, source_record_pk FROM person_links
          WHERE id > ${afterLinkId} AND unlinked_at IS NULL ORDER BY id LIMIT ${limit}) l
    CROSS JOIN LATERAL (
      SELECT ri.source_record_id, ri.given_name, ri.middle_name, ri.family_name, ri.date_of_birth, ri.sex,
        ri.country_of_citizenship, ri.passport_number, ri.a_number
      FROM record_identities ri
      WHERE ri.source_id = l.source_id AND ri.source_record_id = l.source_record_id
      LIMIT 1) ri
    ORDER BY l.id`.execute(db);
  return rows.rows.map((r) => ({
    linkId: Number(r.link_id),
    personId: r.person_id,
    sourceRecordPk: r.source_record_pk,
    record: matchRecordOf(r),
  }));
}

/** Every record's identity (linked or waiting in review): what a model is estimated on. */
export async function allIdentityRecords(db: Q): Promise<MatchRecord[]> {
  const rows = await sql<IdentityColumns>`
    SELECT ${IDENTITY_COLUMNS} FROM record_identities ri JOIN source_systems s ON s.id = ri.source_id
    ORDER BY ri.source_id, ri.source_record_id`.execute(db);
  return rows.rows.map(matchRecordOf);
}

export async function countIdentityRecords(db: Q): Promise<number> {
  const row = await db
    .selectFrom('record_identities')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function allLabels(db: Q): Promise<{ pattern: number; match: boolean }[]> {
  const rows = await db.selectFrom('match_labels').select(['pattern', 'is_match']).orderBy('id').execute();
  return rows.map((r) => ({ pattern: r.pattern, match: r.is_match }));
}

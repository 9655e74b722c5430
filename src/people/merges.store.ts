import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, IdentityEventKind, MovedByEvent } from '../db/schema.js';
import type { LinkRule } from './people.store.js';

/** SQL for moving source records between people (merges, splits, review decisions) and their events. */

type Tx = Transaction<DB>;

export interface RecordRef {
  sourceId: number;
  sourceRecordId: string;
}

const keyArrays = (records: RecordRef[]) => ({
  ids: sql`${records.map((r) => r.sourceId)}::int[]`,
  recordIds: sql`${records.map((r) => r.sourceRecordId)}::text[]`,
});

/** The records currently linked to a person. */
export async function currentRecordsOf(tx: Tx, personId: string): Promise<(RecordRef & { code: string })[]> {
  const rows = await tx
    .selectFrom('person_links as l')
    .innerJoin('source_systems as s', 's.id', 'l.source_id')
    .select(['l.source_id', 'l.source_record_id', 's.code'])
    .where('l.person_id', '=', personId)
    .where('l.unlinked_at', 'is', null)
    .orderBy('l.source_id')
    .orderBy('l.source_record_id')
    .execute();
  return rows.map((r) => ({ sourceId: r.source_id, sourceRecordId: r.source_record_id, code: r.code }));
}

/** Which of `records` are currently linked to `personId`. */
export async function linkedTo(tx: Tx, personId: string, records: RecordRef[]): Promise<RecordRef[]> {
  if (!records.length) return [];
  const { ids, recordIds } = keyArrays(records);
  const rows = await sql<{ source_id: number; source_record_id: string }>`
    SELECT l.source_id, l.source_record_id FROM person_links l
    JOIN unnest(${ids}, ${recordIds}) AS k(source_id, source_record_id)
      ON l.source_id = k.source_id AND l.source_record_id = k.source_record_id
    WHERE l.unlinked_at IS NULL AND l.person_id = ${personId}`.execute(tx);
  return rows.rows.map((r) => ({ sourceId: r.source_id, sourceRecordId: r.source_record_id }));
}

/**
 * Moves records to another person: closes each current link (history stays), opens a new one with
 * the rule and evidence, and repoints the record's identity row, documents and lifecycle
 * projections. Returns the people the records came from.
 */
export async function moveRecords(
  tx: Tx,
  records: RecordRef[],
  toPersonId: string,
  link: { rule: LinkRule; evidence: Record<string, unknown>; actor: string; reason: string },
): Promise<string[]> {
  if (!records.length) return [];
  const { ids, recordIds } = keyArrays(records);
  const closed = await sql<{ person_id: string }>`
    WITH closed AS (
      UPDATE person_links l SET unlinked_at = now(), unlink_reason = ${link.reason}
      FROM unnest(${ids}, ${recordIds}) AS k(source_id, source_record_id)
      WHERE l.unlinked_at IS NULL AND l.source_id = k.source_id AND l.source_record_id = k.source_record_id
      RETURNING l.person_id
    )
    SELECT DISTINCT person_id::text FROM closed`.execute(tx);
  await sql`
    INSERT INTO person_links (person_id, source_id, source_record_id, source_record_pk, rule, evidence, linked_by)
    SELECT ${toPersonId}, ri.source_id, ri.source_record_id, ri.source_record_pk, ${link.rule},
           ${JSON.stringify(link.evidence)}::jsonb, ${link.actor}
    FROM record_identities ri
    JOIN unnest(${ids}, ${recordIds}) AS k(source_id, source_record_id)
      ON ri.source_id = k.source_id AND ri.source_record_id = k.source_record_id
    ORDER BY ri.source_id, ri.source_record_id`.execute(tx);
  for (const table of ['record_identities', 'admissions', 'applications', 'departures'] as const) {
    await sql`
      UPDATE ${sql.table(table)} t SET person_id = ${toPersonId}
      FROM unnest(${ids}, ${recordIds}) AS k(source_id, source_record_id)
      WHERE t.source_id = k.source_id AND t.source_record_id = k.source_record_id`.execute(tx);
  }
  await sql`
    UPDATE identity_documents d SET person_id = ${toPersonId}
    FROM source_records r
    JOIN unnest(${ids}, ${recordIds}) AS k(source_id, source_record_id)
      ON r.source_id = k.source_id AND r.source_record_id = k.source_record_id
    WHERE d.source_record_pk = r.id`.execute(tx);
  // A record that waited in review, linked to nobody, has no documents yet.
  await sql`
    INSERT INTO identity_documents (person_id, kind, number, issuing_country, source_record_pk)
    SELECT ${toPersonId}, d.kind, d.number, d.country, ri.source_record_pk
    FROM record_identities ri
    JOIN unnest(${ids}, ${recordIds}) AS k(source_id, source_record_id)
      ON ri.source_id = k.source_id AND ri.source_record_id = k.source_record_id
    CROSS JOIN LATERAL (VALUES ('a_number', ri.a_number, NULL::text),
                               ('passport', ri.passport_number, ri.passport_country)) AS d(kind, number, country)
    WHERE d.number IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM identity_documents x WHERE x.source_record_pk = ri.source_record_pk AND x.kind = d.kind)`.execute(
    tx,
  );
  return closed.rows.map((r) => r.person_id);
}

/** The A-numbers on a person's current records. */
export async function aNumbersOfPerson(tx: Tx, personId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('record_identities')
    .select('a_number')
    .distinct()
    .where('person_id', '=', personId)
    .where('a_number', 'is not', null)
    .execute();
  return rows.flatMap((r) => (r.a_number ? [r.a_number] : []));
}

export async function personState(
  tx: Tx | Kysely<DB>,
  personId: string,
): Promise<{ mergedInto: string | null } | null> {
  const row = await tx
    .selectFrom('people')
    .select('merged_into')
    .where('id', '=', personId)
    .executeTakeFirst();
  return row ? { mergedInto: row.merged_into } : null;
}

export async function setMergedInto(tx: Tx, personId: string, into: string | null): Promise<void> {
  await tx.updateTable('people').set({ merged_into: into }).where('id', '=', personId).execute();
}

/** Moves voluntary departure grants to another person; returns the ids moved. */
export async function moveGrants(tx: Tx, from: string, to: string, only?: string[]): Promise<string[]> {
  if (only && !only.length) return [];
  let q = tx.updateTable('voluntary_departures').set({ person_id: to }).where('person_id', '=', from);
  if (only) q = q.where('id', 'in', only);
  const rows = await q.returning('id').execute();
  return rows.map((r) => r.id);
}

export interface IdentityEvent {
  id: string;
  kind: IdentityEventKind;
  fromPersonId: string;
  toPersonId: string;
  moved: MovedByEvent;
  reason: string;
  actor: string;
  reviewId: string | null;
  undoes: string | null;
  undoneBy: string | null;
  createdAt: string;
}

export async function insertEvent(
  tx: Tx,
  e: Omit<IdentityEvent, 'id' | 'createdAt' | 'undoneBy'>,
): Promise<string> {
  const row = await tx
    .insertInto('identity_events')
    .values({
      kind: e.kind,
      from_person_id: e.fromPersonId,
      to_person_id: e.toPersonId,
      moved: JSON.stringify(e.moved),
      reason: e.reason,
      actor: e.actor,
      review_id: e.reviewId,
      undoes: e.undoes,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (e.undoes) {
    await tx.updateTable('identity_events').set({ undone_by: row.id }).where('id', '=', e.undoes).execute();
  }
  return row.id;
}

const eventColumns = [
  'id',
  'kind',
  'from_person_id',
  'to_person_id',
  'moved',
  'reason',
  'actor',
  'review_id',
  'undoes',
  'undone_by',
  'created_at',
] as const;

function eventOf(r: {
  id: string;
  kind: IdentityEventKind;
  from_person_id: string;
  to_person_id: string;
  moved: MovedByEvent;
  reason: string;
  actor: string;
  review_id: string | null;
  undoes: string | null;
  undone_by: string | null;
  created_at: Date;
}): IdentityEvent {
  return {
    id: r.id,
    kind: r.kind,
    fromPersonId: r.from_person_id,
    toPersonId: r.to_person_id,
    moved: r.moved,
    reason: r.reason,
    actor: r.actor,
    reviewId: r.review_id,
    undoes: r.undoes,
    undoneBy: r.undone_by,
    createdAt: r.created_at.toISOString(),
  };
}

export async function findEvent(tx: Tx, id: string): Promise<IdentityEvent | null> {
  const row = await tx
    .selectFrom('identity_events')
    .select(eventColumns)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? eventOf(row) : null;
}

/** Merges and splits a person took part in, newest first. */
export async function eventsOfPerson(tx: Tx | Kysely<DB>, personId: string): Promise<IdentityEvent[]> {
  const rows = await tx
    .selectFrom('identity_events')
    .select(eventColumns)
    .where((eb) => eb.or([eb('from_person_id', '=', personId), eb('to_person_id', '=', personId)]))
    .orderBy('id', 'desc')
    .execute();
  return rows.map(eventOf);
}

/**
 * Reopens the review whose decision made a merge that was undone: the decision's labels are
 * withdrawn (they would teach the model the wrong answer) and the review waits again.
 */
export async function reopenReview(tx: Tx, reviewId: string, note: string): Promise<void> {
  await tx.deleteFrom('match_labels').where('review_id', '=', reviewId).execute();
  await tx
    .updateTable('match_reviews')
    .set({
      status: 'pending',
      decided_person_id: null,
      decided_by: null,
      decided_at: null,
      decision_note: note,
    })
    .where('id', '=', reviewId)
    .execute();
}

import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, ReviewStatus } from '../db/schema.js';
import type { ReviewCandidate } from '../people/index.js';

/** SQL for the match review queue: reviews, the records they compare, decisions and labels. */

type Q = Kysely<DB> | Transaction<DB>;

export interface ReviewRow {
  id: string;
  kind: 'unlinked' | 'possible_match';
  status: ReviewStatus;
  sourceId: number;
  sourceCode: string;
  sourceRecordId: string;
  sourceRecordPk: string;
  reason: string;
  candidates: ReviewCandidate[];
  recordPersonId: string | null;
  decidedPersonId: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  notSureCount: number;
  createdAt: string;
}

const reviewQuery = (db: Q) =>
  db
    .selectFrom('match_reviews as r')
    .innerJoin('source_systems as s', 's.id', 'r.source_id')
    .select([
      'r.id',
      'r.kind',
      'r.status',
      'r.source_id',
      's.code',
      'r.source_record_id',
      'r.source_record_pk',
      'r.reason',
      'r.candidates',
      'r.record_person_id',
      'r.decided_person_id',
      'r.decided_by',
      'r.decided_at',
      'r.decision_note',
      'r.not_sure_count',
      'r.created_at',
    ]);

type RawReview = Awaited<ReturnType<ReturnType<typeof reviewQuery>['executeTakeFirstOrThrow']>>;

function reviewOf(r: RawReview): ReviewRow {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    sourceId: r.source_id,
    sourceCode: r.code,
    sourceRecordId: r.source_record_id,
    sourceRecordPk: r.source_record_pk,
    reason: r.reason,
    candidates: r.candidates as ReviewCandidate[],
    recordPersonId: r.record_person_id,
    decidedPersonId: r.decided_person_id,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at?.toISOString() ?? null,
    decisionNote: r.decision_note,
    notSureCount: r.not_sure_count,
    createdAt: r.created_at.toISOString(),
  };
}

export async function findReview(db: Q, id: string, forUpdate = false): Promise<ReviewRow | null> {
  let q = reviewQuery(db).where('r.id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? reviewOf(row) : null;
}

/** Reviews by status, oldest first; those a reviewer was not sure about come after the others. */
export async function listReviews(db: Q, status: 'pending' | 'decided', limit: number): Promise<ReviewRow[]> {
  let q = reviewQuery(db);
  q =
    status === 'pending'
      ? q.where('r.status', '=', 'pending').orderBy('r.not_sure_count').orderBy('r.id')
      : q.where('r.status', '<>', 'pending').orderBy('r.decided_at', 'desc');
  return (await q.limit(limit).execute()).map(reviewOf);
}

export async function countPending(db: Q): Promise<number> {
  const row = await db
    .selectFrom('match_reviews')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface RecordIdentity {
  source: string;
  sourceRecordId: string;
  recordType: string;
  personId: string | null;
  givenName: string | null;
  middleName: string | null;
  familyName: string | null;
  dateOfBirth: string | null;
  sex: string | null;
  countryOfCitizenship: string | null;
  passportNumber: string | null;
  passportCountry: string | null;
  aNumber: string | null;
}

/** Identity rows of records named `CODE:ID`, keyed the same way. */
export async function identitiesByKey(db: Q, keys: string[]): Promise<Map<string, RecordIdentity>> {
  const parsed = keys.flatMap((k) => {
    const at = k.indexOf(':');
    return at > 0 ? [{ code: k.slice(0, at), id: k.slice(at + 1) }] : [];
  });
  if (!parsed.length) return new Map();
  const rows = await sql<{
    code: string;
    source_record_id: string;
    record_type: string;
    person_id: string | null;
    given_name: string | null;
    middle_name: string | null;
    family_name: string | null;
    date_of_birth: string | null;
    sex: string | null;
    country_of_citizenship: string | null;
    passport_number: string | null;
    passport_country: string | null;
    a_number: string | null;
  }>`
    SELECT s.code, ri.source_record_id, ri.record_type, ri.person_id::text AS person_id, ri.given_name,
      ri.middle_name, ri.family_name, ri.date_of_birth, ri.sex, ri.country_of_citizenship,
      ri.passport_number, ri.passport_country, ri.a_number
    FROM record_identities ri
    JOIN source_systems s ON s.id = ri.source_id
    JOIN unnest(${parsed.map((p) => p.code)}::text[], ${parsed.map((p) => p.id)}::text[]) AS k(code, id)
      ON s.code = k.code AND ri.source_record_id = k.id`.execute(db);
  return new Map(
    rows.rows.map((r) => [
      `${r.code}:${r.source_record_id}`,
      {
        source: r.code,
        sourceRecordId: r.source_record_id,
        recordType: r.record_type,
        personId: r.person_id,
        givenName: r.given_name,
        middleName: r.middle_name,
        familyName: r.family_name,
        dateOfBirth: r.date_of_birth,
        sex: r.sex,
        countryOfCitizenship: r.country_of_citizenship,
        passportNumber: r.passport_number,
        passportCountry: r.passport_country,
        aNumber: r.a_number,
      },
    ]),
  );
}

/** The person a person id stands for now, following merges. */
export async function currentPerson(db: Q, personId: string): Promise<string | null> {
  let id = personId;
  for (let hops = 0; hops < 100; hops++) {
    const row = await db.selectFrom('people').select('merged_into').where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    if (row.merged_into === null) return id;
    id = row.merged_into;
  }
  throw new Error(`merge chain from person ${personId} does not end`);
}

export async function closeReview(
  tx: Transaction<DB>,
  id: string,
  d: { status: ReviewStatus; personId: string | null; by: string; note: string | null },
): Promise<void> {
  await tx
    .updateTable('match_reviews')
    .set({
      status: d.status,
      decided_person_id: d.personId,
      decided_by: d.by,
      decided_at: sql<Date>`now()`,
      decision_note: d.note,
    })
    .where('id', '=', id)
    .execute();
}

export async function markNotSure(tx: Transaction<DB>, id: string, note: string): Promise<void> {
  await tx
    .updateTable('match_reviews')
    .set((eb) => ({ not_sure_count: eb('not_sure_count', '+', 1), decision_note: note }))
    .where('id', '=', id)
    .execute();
}

export async function insertLabels(
  tx: Transaction<DB>,
  reviewId: string,
  modelId: string | null,
  by: string,
  labels: { pattern: number; match: boolean }[],
): Promise<void> {
  if (!labels.length) return;
  await tx
    .insertInto('match_labels')
    .values(
      labels.map((l) => ({
        review_id: reviewId,
        model_id: modelId,
        pattern: l.pattern,
        is_match: l.match,
        decided_by: by,
      })),
    )
    .execute();
}

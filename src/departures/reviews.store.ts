import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export async function listOpenReviews(db: Kysely<DB>, limit: number) {
  const rows = await db
    .selectFrom('match_reviews as r')
    .innerJoin('source_systems as s', 's.id', 'r.source_id')
    .select(['r.id', 's.code', 'r.source_record_id', 'r.reason', 'r.candidates', 'r.created_at'])
    .where('r.status', '=', 'pending')
    .orderBy('r.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    source: r.code,
    sourceRecordId: r.source_record_id,
    reason: r.reason,
    candidates: r.candidates,
    createdAt: r.created_at.toISOString(),
  }));
}

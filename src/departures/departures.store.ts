import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

type Q = Kysely<DB> | Transaction<DB>;

export async function sourceForToken(
  db: Q,
  tokenHash: string,
): Promise<{ id: number; code: string } | undefined> {
  return db
    .selectFrom('source_tokens as t')
    .innerJoin('source_systems as s', 's.id', 't.source_id')
    .select(['s.id', 's.code'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function insertToken(db: Q, sourceId: number, tokenHash: string, label: string): Promise<void> {
  await db
    .insertInto('source_tokens')
    .values({ source_id: sourceId, token_hash: tokenHash, label })
    .execute();
}

export interface StoredAnswer {
  requestHash: string;
  statusCode: number;
  response: Record<string, unknown>;
}

export async function findIdempotent(db: Q, scope: string, key: string): Promise<StoredAnswer | undefined> {
  const r = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'response'])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
  return r && { requestHash: r.request_hash, statusCode: r.status_code, response: r.response };
}

export async function saveIdempotent(db: Q, scope: string, key: string, answer: StoredAnswer): Promise<void> {
  await db
    .insertInto('idempotency_keys')
    .values({
      scope,
      key,
      request_hash: answer.requestHash,
      status_code: answer.statusCode,
      response: JSON.stringify(answer.response),
    })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .execute();
}

/**
 * A departure on or after the grant and on or before depart_by complies with a voluntary
 * departure grant (8 CFR 1240.26); the first such departure is recorded on the grant.
 */
export async function markVoluntaryDepartureCompliance(
  db: Q,
  departures: { personId: string; departedOn: string; sourceRecordPk: string }[],
): Promise<number> {
  let updated = 0;
  for (const d of departures) {
    const r = await db
      .updateTable('voluntary_departures')
      .set({ complied_on: d.departedOn, departure_record_pk: d.sourceRecordPk })
      .where('person_id', '=', d.personId)
      .where('complied_on', 'is', null)
      .where('granted_on', '<=', d.departedOn)
      .where('depart_by', '>=', d.departedOn)
      .returning('id')
      .execute();
    updated += r.length;
  }
  return updated;
}

export async function markResolved(db: Q, sourceRecordPks: string[]): Promise<void> {
  if (!sourceRecordPks.length) {
    return;
  }
  await db
    .updateTable('departures')
    .set({ resolved_at: sql<Date>`now()` })
    .where('source_record_pk', 'in', sourceRecordPks)
    .execute();
}

export async function grantVoluntaryDeparture(
  db: Q,
  g: { personId: string; grantedOn: string; departBy: string; grantedBy: string },
): Promise<string> {
  const r = await db
    .insertInto('voluntary_departures')
    .values({
      person_id: g.personId,
      granted_on: g.grantedOn,
      depart_by: g.departBy,
      granted_by: g.grantedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { insertRows } from '../db/unnest.js';
import type { Source } from '../ingest/index.js';

type Q = Kysely<DB> | Transaction<DB>;

/** The source a live API token belongs to. */
export async function sourceForToken(db: Q, tokenHash: string): Promise<Source | undefined> {
  const row = await db
    .selectFrom('source_tokens as t')
    .innerJoin('source_systems as s', 's.id', 't.source_id')
    .select(['s.id', 's.code', 's.name', 's.default_record_type'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .executeTakeFirst();
  return row && { id: row.id, code: row.code, name: row.name, defaultRecordType: row.default_record_type };
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
  /** The JSON answer as first sent. */
  response: unknown;
}

/**
 * At the start of a group's transaction, in one query: which of these token hashes belong to
 * tokens not revoked, and the stored answers for these Idempotency-Keys of one scope, by key.
 */
export async function checkGroup(
  db: Q,
  tokenHashes: string[],
  scope: string,
  keys: string[],
): Promise<{ live: Set<string>; stored: Map<string, StoredAnswer> }> {
  const live = new Set<string>();
  const stored = new Map<string, StoredAnswer>();
  if (!tokenHashes.length && !keys.length) return { live, stored };
  const { rows } = await sql<{
    token_hash: string | null;
    key: string | null;
    request_hash: string | null;
    status_code: number | null;
    response: unknown;
  }>`SELECT token_hash, NULL AS key, NULL AS request_hash, NULL::int AS status_code, NULL::jsonb AS response
       FROM source_tokens WHERE token_hash = ANY(${tokenHashes}::text[]) AND revoked_at IS NULL
     UNION ALL
     SELECT NULL, key, request_hash, status_code, response
       FROM idempotency_keys WHERE scope = ${scope} AND key = ANY(${keys}::text[])`.execute(db);
  for (const r of rows) {
    if (r.token_hash !== null) live.add(r.token_hash);
    else if (r.key !== null && r.request_hash !== null && r.status_code !== null) {
      stored.set(r.key, { requestHash: r.request_hash, statusCode: r.status_code, response: r.response });
    }
  }
  return { live, stored };
}

export async function saveIdempotent(
  db: Q,
  scope: string,
  answers: (StoredAnswer & { key: string })[],
): Promise<void> {
  if (!answers.length) return;
  await insertRows(db.insertInto('idempotency_keys'), [
    ['scope', 'text', answers.map(() => scope)],
    ['key', 'text', answers.map((a) => a.key)],
    ['request_hash', 'text', answers.map((a) => a.requestHash)],
    ['status_code', 'int', answers.map((a) => a.statusCode)],
    ['response', 'jsonb', answers.map((a) => a.response)],
  ])
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .execute();
}

/**
 * A departure on or after the grant and on or before depart_by complies with a voluntary
 * departure grant (8 CFR 1240.26); the earliest such departure of the batch is recorded on each
 * grant not yet complied with. One statement for the whole batch.
 */
export async function markVoluntaryDepartureCompliance(
  db: Q,
  departures: { personId: string; departedOn: string; sourceRecordPk: string }[],
): Promise<number> {
  if (!departures.length) return 0;
  const result = await sql<{ id: string }>`
    UPDATE voluntary_departures v
    SET complied_on = first.departed_on, departure_record_pk = first.pk
    FROM (
      SELECT DISTINCT ON (g.id) g.id, d.departed_on, d.pk
      FROM voluntary_departures g
      JOIN unnest(${departures.map((d) => d.personId)}::bigint[],
                  ${departures.map((d) => d.departedOn)}::date[],
                  ${departures.map((d) => d.sourceRecordPk)}::bigint[]) AS d (person_id, departed_on, pk)
        ON d.person_id = g.person_id AND d.departed_on BETWEEN g.granted_on AND g.depart_by
      WHERE g.complied_on IS NULL
      ORDER BY g.id, d.departed_on, d.pk
    ) AS first
    WHERE v.id = first.id
    RETURNING v.id`.execute(db);
  return result.rows.length;
}

export interface StoredGrant {
  id: string;
  grantedOn: string;
  departBy: string;
  grantedBy: string;
  compliedOn: string | null;
}

/**
 * Records a voluntary departure grant for a person (undefined when there is no such person). A
 * departure already recorded on or after the grant and on or before depart_by complies with it
 * at once: the earliest such departure is recorded on the grant.
 */
export async function grantVoluntaryDeparture(
  db: Q,
  g: { personId: string; grantedOn: string; departBy: string; grantedBy: string },
): Promise<StoredGrant | undefined> {
  const result = await sql<{ id: string; complied_on: string | null }>`
    WITH first AS (
      SELECT d.departed_on, d.source_record_pk FROM departures d
      WHERE d.person_id = ${g.personId} AND d.departed_on BETWEEN ${g.grantedOn}::date AND ${g.departBy}::date
      ORDER BY d.departed_on, d.id
      LIMIT 1
    )
    INSERT INTO voluntary_departures (person_id, granted_on, depart_by, granted_by, complied_on, departure_record_pk)
    SELECT p.id, ${g.grantedOn}::date, ${g.departBy}::date, ${g.grantedBy},
           (SELECT departed_on FROM first), (SELECT source_record_pk FROM first)
    FROM people p WHERE p.id = ${g.personId}
    RETURNING id, complied_on`.execute(db);
  const row = result.rows[0];
  return (
    row && {
      id: row.id,
      grantedOn: g.grantedOn,
      departBy: g.departBy,
      grantedBy: g.grantedBy,
      compliedOn: row.complied_on,
    }
  );
}

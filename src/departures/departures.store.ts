import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
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
 * The departure that complies with a voluntary departure grant of this person and dates (8 CFR
 * 1240.26: on or after the grant, on or before depart_by): the earliest carrier-confirmed one,
 * else the earliest self-reported one (then shown unconfirmed), as the overstay rules weigh them.
 * A query of at most one row (departed_on, pk, self_reported), for a LATERAL join or a CTE.
 */
function complyingDeparture(
  personId: RawBuilder<unknown>,
  from: RawBuilder<unknown>,
  to: RawBuilder<unknown>,
) {
  return sql`
    SELECT d.departed_on, d.source_record_pk AS pk, d.self_reported FROM departures d
    WHERE d.person_id = ${personId} AND d.departed_on BETWEEN ${from} AND ${to}
    ORDER BY d.self_reported, d.departed_on, d.id
    LIMIT 1`;
}

/**
 * Decides these people's voluntary departure grants from their departures as they stand: after
 * departures were linked to them (a confirmed exit record arriving after a self-report confirms
 * the grant), a review linked one, or a merge, split or undo moved records between people (a
 * departure brought in may comply with a grant, one moved away may leave it not complied with).
 * One statement; returns the grants changed.
 */
export async function decideVoluntaryDepartures(db: Q, personIds: string[]): Promise<number> {
  if (!personIds.length) return 0;
  const result = await sql<{ id: string }>`
    UPDATE voluntary_departures v
    SET complied_on = best.departed_on, departure_record_pk = best.pk, complied_self_reported = best.self_reported
    FROM (
      SELECT g.id, b.departed_on, b.pk, b.self_reported
      FROM voluntary_departures g
      LEFT JOIN LATERAL (${complyingDeparture(sql.ref('g.person_id'), sql.ref('g.granted_on'), sql.ref('g.depart_by'))}) b
        ON true
      WHERE g.person_id = ANY(${personIds}::bigint[])
    ) AS best
    WHERE v.id = best.id
      AND (v.complied_on, v.departure_record_pk, v.complied_self_reported)
          IS DISTINCT FROM (best.departed_on, best.pk, best.self_reported)
    RETURNING v.id`.execute(db);
  return result.rows.length;
}

export interface StoredGrant {
  id: string;
  grantedOn: string;
  departBy: string;
  grantedBy: string;
  compliedOn: string | null;
  /** The departure in compliedOn is only self-reported (null while not complied with). */
  compliedSelfReported: boolean | null;
}

/**
 * Records a voluntary departure grant for a person (undefined when there is no such person). A
 * departure already recorded within its dates complies with it at once (complyingDeparture).
 */
export async function grantVoluntaryDeparture(
  db: Q,
  g: { personId: string; grantedOn: string; departBy: string; grantedBy: string },
): Promise<StoredGrant | undefined> {
  const result = await sql<{
    id: string;
    complied_on: string | null;
    complied_self_reported: boolean | null;
  }>`
    WITH best AS (${complyingDeparture(sql`${g.personId}::bigint`, sql`${g.grantedOn}::date`, sql`${g.departBy}::date`)})
    INSERT INTO voluntary_departures
      (person_id, granted_on, depart_by, granted_by, complied_on, departure_record_pk, complied_self_reported)
    SELECT p.id, ${g.grantedOn}::date, ${g.departBy}::date, ${g.grantedBy},
           (SELECT departed_on FROM best), (SELECT pk FROM best), (SELECT self_reported FROM best)
    FROM people p WHERE p.id = ${g.personId}
    RETURNING id, complied_on, complied_self_reported`.execute(db);
  const row = result.rows[0];
  return (
    row && {
      id: row.id,
      grantedOn: g.grantedOn,
      departBy: g.departBy,
      grantedBy: g.grantedBy,
      compliedOn: row.complied_on,
      compliedSelfReported: row.complied_self_reported,
    }
  );
}

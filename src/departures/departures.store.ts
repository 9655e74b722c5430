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
 * departure grant (8 CFR 1240.26). The grant records the earliest carrier-confirmed such departure,
 * else the earliest self-reported one (then marked unconfirmed), as the overstay rules weigh them:
 * a departure of the batch replaces the recorded one when it is better by that order (a
 * confirmed exit record arriving after a self-report confirms the grant). One statement for the
 * whole batch.
 */
export async function markVoluntaryDepartureCompliance(
  db: Q,
  departures: { personId: string; departedOn: string; sourceRecordPk: string; selfReported: boolean }[],
): Promise<number> {
  if (!departures.length) return 0;
  const result = await sql<{ id: string }>`
    UPDATE voluntary_departures v
    SET complied_on = best.departed_on, departure_record_pk = best.pk, complied_self_reported = best.self_reported
    FROM (
      SELECT DISTINCT ON (g.id) g.id, d.departed_on, d.pk, d.self_reported
      FROM voluntary_departures g
      JOIN unnest(${departures.map((d) => d.personId)}::bigint[],
                  ${departures.map((d) => d.departedOn)}::date[],
                  ${departures.map((d) => d.sourceRecordPk)}::bigint[],
                  ${departures.map((d) => d.selfReported)}::boolean[]) AS d (person_id, departed_on, pk, self_reported)
        ON d.person_id = g.person_id AND d.departed_on BETWEEN g.granted_on AND g.depart_by
      WHERE g.complied_on IS NULL
         OR (d.self_reported, d.departed_on) < (g.complied_self_reported, g.complied_on)
      ORDER BY g.id, d.self_reported, d.departed_on, d.pk
    ) AS best
    WHERE v.id = best.id
    RETURNING v.id`.execute(db);
  return result.rows.length;
}

/**
 * Decides the grants of these people again from all of their departures, as they stand after a
 * merge, split or undo moved records between people: a departure brought in may comply with a
 * grant, and one moved away may leave a grant not complied with. Same order as above (earliest
 * confirmed, else earliest self-reported). Returns the grants changed.
 */
export async function reassessVoluntaryDepartures(db: Q, personIds: string[]): Promise<number> {
  if (!personIds.length) return 0;
  const result = await sql<{ id: string }>`
    UPDATE voluntary_departures v
    SET complied_on = best.departed_on, departure_record_pk = best.pk, complied_self_reported = best.self_reported
    FROM (
      SELECT g.id, b.departed_on, b.pk, b.self_reported
      FROM voluntary_departures g
      LEFT JOIN LATERAL (
        SELECT d.departed_on, d.source_record_pk AS pk, d.self_reported FROM departures d
        WHERE d.person_id = g.person_id AND d.departed_on BETWEEN g.granted_on AND g.depart_by
        ORDER BY d.self_reported, d.departed_on, d.id
        LIMIT 1) b ON true
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
 * departure already recorded on or after the grant and on or before depart_by complies with it
 * at once: the earliest confirmed such departure, else the earliest self-reported one, is
 * recorded on the grant.
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
    WITH best AS (
      SELECT d.departed_on, d.source_record_pk, d.self_reported FROM departures d
      WHERE d.person_id = ${g.personId} AND d.departed_on BETWEEN ${g.grantedOn}::date AND ${g.departBy}::date
      ORDER BY d.self_reported, d.departed_on, d.id
      LIMIT 1
    )
    INSERT INTO voluntary_departures
      (person_id, granted_on, depart_by, granted_by, complied_on, departure_record_pk, complied_self_reported)
    SELECT p.id, ${g.grantedOn}::date, ${g.departBy}::date, ${g.grantedBy},
           (SELECT departed_on FROM best), (SELECT source_record_pk FROM best), (SELECT self_reported FROM best)
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

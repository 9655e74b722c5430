import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { entryHash, type AuditEntry } from './audit.rules.js';

type Q = Kysely<DB> | Transaction<DB>;

/** Appends one entry (pass the transaction of the read or change it records). Returns its seq. */
export async function appendAudit(
  db: Q,
  entry: Omit<AuditEntry, 'occurredAt'> & { occurredAt?: string },
): Promise<string> {
  const full: AuditEntry = { ...entry, occurredAt: entry.occurredAt ?? new Date().toISOString() };
  const row = await db
    .insertInto('audit_log')
    .values({
      occurred_at: full.occurredAt,
      actor_account_id: full.actorAccountId,
      actor_username: full.actorUsername,
      actor_role: full.actorRole,
      action: full.action,
      object_type: full.objectType,
      object_id: full.objectId,
      purpose_kind: full.purposeKind,
      purpose: full.purpose,
      outcome: full.outcome,
      request_id: full.requestId,
      client_ip: full.clientIp,
      details: JSON.stringify(full.details),
      entry_hash: entryHash(full),
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return row.seq;
}

export interface AuditRow extends AuditEntry {
  seq: string;
  entryHash: string;
}

export async function listAudit(
  db: Q,
  filter: { objectType?: string; objectId?: string; action?: string; limit: number },
): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(filter.limit);
  if (filter.objectType) q = q.where('object_type', '=', filter.objectType);
  if (filter.objectId) q = q.where('object_id', '=', filter.objectId);
  if (filter.action) q = q.where('action', '=', filter.action);
  const rows = await q.execute();
  return rows.map((r) => ({
    seq: r.seq,
    entryHash: r.entry_hash,
    occurredAt: r.occurred_at.toISOString(),
    actorAccountId: r.actor_account_id,
    actorUsername: r.actor_username,
    actorRole: r.actor_role,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    purposeKind: r.purpose_kind,
    purpose: r.purpose,
    outcome: r.outcome,
    requestId: r.request_id,
    clientIp: r.client_ip,
    details: r.details,
  }));
}

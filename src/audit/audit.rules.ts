import crypto from 'node:crypto';

/** One audit entry as written. `seq` is assigned by the database in commit order. */
export interface AuditEntry {
  occurredAt: string;
  actorAccountId: string | null;
  actorUsername: string | null;
  actorRole: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  purposeKind: 'case' | 'reason' | null;
  purpose: string | null;
  outcome: 'allowed' | 'denied' | 'success' | 'failure';
  requestId: string | null;
  clientIp: string | null;
  details: Record<string, unknown>;
}

/** JSON with object keys sorted at every level, so equal entries always hash the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The leaf hash of an entry. A later Merkle tree with signed checkpoints is built over
 * (seq, entry_hash) without touching the entries themselves.
 */
export function entryHash(entry: AuditEntry): string {
  return crypto.createHash('sha256').update(canonicalJson(entry)).digest('hex');
}

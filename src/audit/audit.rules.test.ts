import { describe, expect, it } from 'vitest';
import { canonicalJson, entryHash, type AuditEntry } from './audit.rules.js';

const entry: AuditEntry = {
  occurredAt: '2026-11-23T10:00:00.000Z',
  actorAccountId: '2',
  actorUsername: 'olivia',
  actorRole: 'officer',
  action: 'person.view',
  objectType: 'person',
  objectId: '42',
  purposeKind: 'case',
  purpose: 'CASE-1',
  outcome: 'allowed',
  requestId: 'r1',
  clientIp: '127.0.0.1',
  details: { b: 1, a: [2, { d: 3, c: 4 }] },
};

describe('audit entry hashing', () => {
  it('writes canonical JSON with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    );
  });
  it('hashes equal entries equally whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(entry).reverse()) as unknown as AuditEntry;
    expect(entryHash(reordered)).toBe(entryHash(entry));
  });
  it('changes the hash when any field changes', () => {
    expect(entryHash({ ...entry, purpose: 'CASE-2' })).not.toBe(entryHash(entry));
    expect(entryHash({ ...entry, details: { b: 1, a: [2, { d: 3, c: 5 }] } })).not.toBe(entryHash(entry));
  });
});

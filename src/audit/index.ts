export { appendAudit, listAudit, type AuditRow } from './audit.store.js';
export { entryHash, canonicalJson, type AuditEntry } from './audit.rules.js';

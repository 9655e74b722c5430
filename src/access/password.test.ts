import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, passwordProblems, verifyPassword } from './password.js';
import { can, Permission } from './permissions.js';

describe('passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('Correct horse battery staple', hash)).toBe(false);
  });
  it('salts each hash', async () => {
    expect(await hashPassword('same password here')).not.toBe(await hashPassword('same password here'));
  });
  it('refuses a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });
  it('generates distinct one-time passwords of four groups', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    expect(generatePassword()).not.toBe(a);
  });
  it('rejects short passwords and ones containing the username', () => {
    expect(passwordProblems('short', 'olivia')).toContain('must be at least 12 characters');
    expect(passwordProblems('olivia-is-great-2026', 'olivia')).toContain('must not contain the username');
    expect(passwordProblems('a long enough passphrase', 'olivia')).toEqual([]);
  });
});

describe('permissions', () => {
  it('does not let an analyst search or view people', () => {
    expect(can('analyst', Permission.PersonSearch)).toBe(false);
    expect(can('analyst', Permission.PersonView)).toBe(false);
  });
  it('lets an officer view people but not the audit log', () => {
    expect(can('officer', Permission.PersonView)).toBe(true);
    expect(can('officer', Permission.AuditView)).toBe(false);
  });
  it('lets an auditor read the audit log but not people', () => {
    expect(can('auditor', Permission.AuditView)).toBe(true);
    expect(can('auditor', Permission.PersonView)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { normalizeName } from './identity.rules.js';
import { displayName, mostCommon, parseSearchQuery, purposeProblem } from './people.rules.js';

describe('declared purpose', () => {
  it('accepts a case number', () => {
    expect(purposeProblem('case', 'CASE-2026-0042')).toBeNull();
  });
  it('accepts a reason of ten characters or more', () => {
    expect(purposeProblem('reason', 'Verifying a departure record')).toBeNull();
  });
  it('refuses a missing purpose', () => {
    expect(purposeProblem(undefined, undefined)).toMatch(/Declare a purpose/);
  });
  it('refuses a one-word reason', () => {
    expect(purposeProblem('reason', 'curious')).toMatch(/10 to 500/);
  });
  it('refuses a case number with spaces or symbols', () => {
    expect(purposeProblem('case', 'just looking')).toMatch(/case number/);
  });
  it('refuses an unknown purpose kind', () => {
    expect(purposeProblem('other', 'CASE-1')).toMatch(/purposeKind/);
  });
});

describe('search queries', () => {
  it('reads a query with digits as a document number and normalizes an A-number', () => {
    expect(parseSearchQuery('A-099-000-001', normalizeName)).toEqual({
      doc: { aNumber: '099000001', passport: 'A099000001' },
    });
  });
  it('reads a passport number with letters', () => {
    expect(parseSearchQuery('xt 12345', normalizeName)).toEqual({
      doc: { aNumber: null, passport: 'XT12345' },
    });
  });
  it('reads words as name prefixes without accents', () => {
    expect(parseSearchQuery('José  García', normalizeName)).toEqual({ words: ['jose', 'garcia'] });
  });
  it('refuses a query too short to be selective', () => {
    expect(parseSearchQuery('a', normalizeName)).toBeNull();
    expect(parseSearchQuery('12', normalizeName)).toBeNull();
  });
});

describe('display', () => {
  it('writes the family name first in capitals', () => {
    expect(displayName({ givenName: 'Ana', middleName: 'Luisa', familyName: 'Pérez' })).toBe(
      'PÉREZ, Ana Luisa',
    );
  });
  it('says when no name is recorded', () => {
    expect(displayName({ givenName: null, familyName: null })).toBe('(no name recorded)');
  });
  it('picks the most common value, first seen on a tie', () => {
    expect(mostCommon(['b', 'a', 'a', 'b', 'c'], (x) => x)).toBe('b');
  });
});

import { describe, expect, it } from 'vitest';
import { nameKey, normalizeName } from './identity.rules.js';

describe('name normalization', () => {
  it('folds case, diacritics, punctuation and spacing', () => {
    expect(normalizeName("  JOSÉ-María  O'Neil ")).toBe('jose maria o neil');
  });
  it('gives the same key to swapped given and family names', () => {
    expect(nameKey({ givenName: 'Wei', familyName: 'WANG' })).toBe(
      nameKey({ givenName: 'Wang', familyName: 'Wei' }),
    );
  });
  it('has no key for a single name word', () => {
    expect(nameKey({ givenName: null, familyName: 'Madonna' })).toBeNull();
  });
});

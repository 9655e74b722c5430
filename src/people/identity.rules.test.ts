import { describe, expect, it } from 'vitest';
import { decideLink, nameKey, normalizeName, type Candidate, type Identity } from './identity.rules.js';

const identity = (o: Partial<Identity> = {}): Identity => ({
  givenName: 'José',
  middleName: null,
  familyName: 'García López',
  dateOfBirth: '1990-05-17',
  passportNumber: null,
  passportCountry: null,
  aNumber: null,
  ...o,
});
const candidate = (personId: string, o: Partial<Identity> = {}): Candidate => {
  const i = identity(o);
  return { personId, recordKey: `SRC:${personId}`, identity: i, nameKey: nameKey(i) };
};

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

describe('deterministic linking', () => {
  it('links on the same A-number before anything else', () => {
    const d = decideLink(
      identity({ aNumber: '099000001', familyName: 'Other' }),
      [candidate('7', { aNumber: '099000001' })],
      new Map(),
    );
    expect(d).toMatchObject({ personId: '7', rule: 'same_a_number' });
  });

  it('links on the same passport number and country', () => {
    const d = decideLink(
      identity({ passportNumber: 'X1234567', passportCountry: 'MEX', givenName: 'Jose' }),
      [candidate('3', { passportNumber: 'X1234567', passportCountry: 'MEX', dateOfBirth: null })],
      new Map(),
    );
    expect(d).toMatchObject({ personId: '3', rule: 'same_passport' });
  });

  it('does not link the same passport number issued by another country', () => {
    const d = decideLink(
      identity({ passportNumber: 'X1234567', passportCountry: 'MEX', dateOfBirth: null }),
      [candidate('3', { passportNumber: 'X1234567', passportCountry: 'GTM', dateOfBirth: null })],
      new Map(),
    );
    expect(d.rule).toBe('new_person');
  });

  it('links on the same normalized name and birth date', () => {
    const d = decideLink(
      identity({ givenName: 'GARCIA LOPEZ', familyName: 'jose' }),
      [candidate('4')],
      new Map(),
    );
    expect(d).toMatchObject({ personId: '4', rule: 'same_name_and_birth_date' });
  });

  it('does not link the same name with another birth date', () => {
    const d = decideLink(identity({ dateOfBirth: '1990-05-18' }), [candidate('4')], new Map());
    expect(d).toMatchObject({ personId: null, rule: 'new_person' });
  });

  it('never links to a person known under a different A-number, and says so in the evidence', () => {
    const d = decideLink(
      identity({ aNumber: '099000002' }),
      [candidate('4', { aNumber: '099000001' })],
      new Map([['4', new Set(['099000001'])]]),
    );
    expect(d.personId).toBeNull();
    expect(d.evidence).toMatchObject({ excludedPeopleWithOtherANumber: ['4'] });
  });
});

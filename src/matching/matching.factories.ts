import type { MatchRecord } from './record-store.js';

/** Test records for the matching engine: one made-up person, overridable field by field. */
export function buildMatchRecord(overrides: Partial<MatchRecord> = {}): MatchRecord {
  return {
    id: 'R1',
    givenName: 'Amara',
    middleName: '',
    familyName: 'Okonkwo',
    dateOfBirth: '1988-04-17',
    sex: 'F',
    country: 'NGA',
    passportNumber: 'X10000001',
    aNumber: '',
    ...overrides,
  };
}

import { demoMatchData } from '../demo/demo-match-records.js';
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

/** The demo population's person records (all sources) and the true person of each record id. */
export function demoRecords(
  people: number,
  seed: number,
): { records: MatchRecord[]; person: Map<string, string> } {
  const { records, truth } = demoMatchData(people, seed);
  return { records, person: new Map(truth.map((t) => [t.record, t.personKey])) };
}

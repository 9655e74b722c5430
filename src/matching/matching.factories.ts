import { generateDemoData } from '../demo/demo-data.js';
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
  const data = generateDemoData({ people, seed });
  const person = new Map(data.truth.map((t) => [t.record, t.personKey]));
  const records: MatchRecord[] = data.files.flatMap((f) =>
    f.rows.map((r) => ({
      id: `${f.source}:${r.record_id!}`,
      givenName: r.given_name,
      middleName: r.middle_name,
      familyName: r.family_name,
      dateOfBirth: r.date_of_birth,
      sex: r.sex,
      country: r.country_of_citizenship,
      passportNumber: r.passport_number,
      aNumber: r.a_number,
    })),
  );
  return { records, person };
}

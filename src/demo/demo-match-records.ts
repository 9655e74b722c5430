import type { MatchRecord } from '../matching/index.js';
import { generateDemoData, type DemoTruth } from './demo-data.js';

/**
 * The synthetic population's records as the matcher sees them (identity fields only, no truth):
 * what the application's first model is estimated on before it has records of its own, and what
 * the matching benchmark resolves.
 */
export function demoMatchRecords(people: number, seed: number): MatchRecord[] {
  return demoMatchData(people, seed).records;
}

/** The same records with the generator's truth (tests and benchmarks only). */
export function demoMatchData(people: number, seed: number): { records: MatchRecord[]; truth: DemoTruth[] } {
  const data = generateDemoData({ people, seed });
  const records = data.files.flatMap((file) =>
    file.rows.map((row) => ({
      id: `${file.source}:${row.record_id!}`,
      givenName: row.given_name,
      middleName: row.middle_name,
      familyName: row.family_name,
      dateOfBirth: row.date_of_birth,
      sex: row.sex,
      country: row.country_of_citizenship,
      passportNumber: row.passport_number,
      aNumber: row.a_number,
    })),
  );
  return { records, truth: data.truth };
}

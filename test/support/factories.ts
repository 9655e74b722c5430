import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMISSION_COLUMNS, PERSON_COLUMNS } from '../../src/ingest/record.schema.js';

/** Test data builders: one place for the shape of synthetic rows. All names are made up. */
type PersonField = Exclude<(typeof PERSON_COLUMNS)[number], 'source'>;
/** The I-94 file layout: the person columns (source is implied by the file) and the admission columns. */
export const ADMISSION_HEADER = [
  ...PERSON_COLUMNS.filter((c): c is PersonField => c !== 'source'),
  ...ADMISSION_COLUMNS,
];

export type AdmissionRow = Record<(typeof ADMISSION_HEADER)[number], string>;

export function buildAdmissionRow(overrides: Partial<AdmissionRow> = {}): AdmissionRow {
  return {
    record_id: 'I94-T-0001',
    given_name: 'Amara',
    middle_name: '',
    family_name: 'Okonkwo-Testperson',
    date_of_birth: '1988-04-12',
    sex: 'F',
    country_of_citizenship: 'NGA',
    passport_number: 'XT1234567',
    passport_country: 'NGA',
    a_number: '',
    admission_number: '99000000001',
    class_of_admission: 'B2',
    port_of_entry: 'JFK',
    admitted_on: '2025-03-01',
    admit_until: '2025-08-31',
    ...overrides,
  };
}

export function csvLine(values: readonly string[]): string {
  return values.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
}

export function admissionsCsv(rows: AdmissionRow[]): string {
  return (
    [csvLine(ADMISSION_HEADER), ...rows.map((r) => csvLine(ADMISSION_HEADER.map((h) => r[h])))].join('\n') +
    '\n'
  );
}

export function tempDir(prefix = 'passage-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

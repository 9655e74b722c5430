import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Test data builders: one place for the shape of synthetic rows. All names are made up. */
export const ADMISSION_HEADER = [
  'record_id',
  'given_name',
  'middle_name',
  'family_name',
  'date_of_birth',
  'sex',
  'country_of_citizenship',
  'passport_number',
  'passport_country',
  'a_number',
  'admission_number',
  'class_of_admission',
  'port_of_entry',
  'admitted_on',
  'admit_until',
] as const;

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

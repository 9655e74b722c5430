import { readCsvRows } from './csv-fast.js';
import { isCalendarDate, parseANumber, parseDate } from './normalize.rules.js';
import { PERSON_COLUMNS } from '../ingest/record.schema.js';
import type { MatchRecord } from './record-store.js';

/** The person columns `passage resolve` reads (the record schema's person columns). */
export const RESOLVE_COLUMNS = PERSON_COLUMNS.filter(
  (c): c is Exclude<(typeof PERSON_COLUMNS)[number], 'passport_country'> => c !== 'passport_country',
);
export type ResolveColumn = (typeof RESOLVE_COLUMNS)[number];

/** A row that could not be used, with its line in the file. */
export interface RejectedRow {
  file: string;
  line: number;
  reason: string;
  raw: string;
}

export interface ReadOptions {
  /** 0 for the first input, 1 for the second when linking. */
  side: number;
  /** Person column → the file's column name (from --columns). */
  columns?: Readonly<Partial<Record<ResolveColumn, string>>>;
  /** Other columns to compare (from --compare; default with --columns: every unmapped column). */
  compare?: readonly string[];
  onReject: (row: RejectedRow) => void;
  onProgress?: (rows: number) => void;
}

export interface ReadResult {
  records: MatchRecord[];
  rows: number;
  rejected: number;
  /** The extra comparison columns read, in order. */
  extraColumns: string[];
  /** Rows kept whose date of birth is date-shaped but impossible (compared digit by digit). */
  impossibleDates: number;
}

/** A field of a row: '' when the column is absent (k < 0) or the row is short. */
function field(f: readonly string[], k: number): string {
  return k < 0 ? '' : (f[k] ?? '');
}

/**
 * A copy of a kept field that does not share the chunk it was sliced from: V8 makes slices of 13
 * or more characters views into their parent, and a record_id kept per record would otherwise
 * keep every 64 KB chunk of the file alive (at 1,000,000 records: 465 MiB of heap after the read
 * instead of 336; a Buffer round trip was as fast as `(s + ' ').slice(0, -1)` and smaller).
 */
function own(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

/**
 * Streams a CSV of person records into MatchRecords (csv-fast.ts, csv-parse's reading without its
 * cost on this hot path). Fields are trimmed (FEBRL separates with ", "). A row that is not
 * readable CSV, has the wrong number of fields, no record_id, a repeated record_id, or an
 * unreadable date of birth or A-number is rejected with its line.
 */
export async function readPersonCsv(file: string, opts: ReadOptions): Promise<ReadResult> {
  let header: string[] | undefined;
  let extraColumns: string[] = [];
  let extraIndex: number[] = [];
  let kId = -1;
  let kGiven = -1;
  let kMiddle = -1;
  let kFamily = -1;
  let kDob = -1;
  let kSex = -1;
  let kCountry = -1;
  let kPassport = -1;
  let kANumber = -1;
  const records: MatchRecord[] = [];
  const seen = new Set<string>();
  let rows = 0;
  let rejected = 0;
  let impossibleDates = 0;
  const dates = new Map<string, number>();
  for await (const batch of readCsvRows(file)) {
    for (const row of batch) {
      if (header === undefined) {
        if (row.error !== null) {
          throw new Error(`${file}:${row.line}: the header row is not readable CSV: ${row.error}`);
        }
        header = row.fields.map((h) => h.trim());
        let columnIndex: Record<string, number>;
        ({ columnIndex, extraColumns, extraIndex } = resolveHeader(header, opts));
        const at = (c: ResolveColumn) => columnIndex[c] ?? -1;
        kId = at('record_id');
        kGiven = at('given_name');
        kMiddle = at('middle_name');
        kFamily = at('family_name');
        kDob = at('date_of_birth');
        kSex = at('sex');
        kCountry = at('country_of_citizenship');
        kPassport = at('passport_number');
        kANumber = at('a_number');
        continue;
      }
      rows++;
      if (opts.onProgress && rows % 100_000 === 0) opts.onProgress(rows);
      const f = row.fields;
      let problem: string | null;
      let dob = 0;
      if (row.error !== null) {
        problem = `unreadable CSV: ${row.error}`;
      } else if (f.length !== header.length) {
        problem = `row has ${f.length} fields but the header has ${header.length}`;
      } else {
        const dobText = field(f, kDob);
        const known = dates.get(dobText);
        if (known === undefined) dates.set(dobText, (dob = parseDate(dobText)));
        else dob = known;
        problem = rowProblem(field(f, kId), field(f, kDob), field(f, kANumber), seen, dob);
      }
      if (problem) {
        rejected++;
        opts.onReject({ file, line: row.line, reason: problem, raw: row.raw });
        continue;
      }
      const id = own(field(f, kId));
      seen.add(id);
      if (dob > 0 && !isCalendarDate(dob)) impossibleDates++;
      let extra: Record<string, string> | undefined;
      if (extraColumns.length > 0) {
        extra = {};
        for (let k = 0; k < extraColumns.length; k++) extra[extraColumns[k]!] = own(f[extraIndex[k]!] ?? '');
      }
      records.push({
        id,
        side: opts.side,
        givenName: own(field(f, kGiven)),
        middleName: own(field(f, kMiddle)),
        familyName: own(field(f, kFamily)),
        dateOfBirth: own(field(f, kDob)),
        sex: own(field(f, kSex)),
        country: own(field(f, kCountry)),
        passportNumber: own(field(f, kPassport)),
        aNumber: own(field(f, kANumber)),
        ...(extra ? { extra } : {}),
      });
    }
  }
  if (header === undefined) throw new Error(`${file} is empty: a header row is required`);
  return { records, rows, rejected, extraColumns, impossibleDates };
}

function resolveHeader(header: string[], opts: ReadOptions) {
  const lower = header.map((h) => h.toLowerCase());
  const columnIndex: Record<string, number> = {};
  const used = new Set<number>();
  for (const c of RESOLVE_COLUMNS) {
    const name = (opts.columns?.[c] ?? c).toLowerCase();
    const k = lower.indexOf(name);
    if (k >= 0) {
      columnIndex[c] = k;
      used.add(k);
    } else if (opts.columns?.[c] !== undefined) {
      throw new Error(
        `--columns maps ${c} to "${opts.columns[c]}", which is not a column of the file (${header.join(', ')})`,
      );
    }
  }
  if (columnIndex.record_id === undefined) {
    throw new Error(
      `no record_id column (columns: ${header.join(', ')}); map one with --columns record_id=NAME`,
    );
  }
  const compare = opts.compare ?? (opts.columns ? header.filter((_, k) => !used.has(k)) : []);
  const extraIndex = compare.map((name) => {
    const k = lower.indexOf(name.toLowerCase());
    if (k < 0) {
      throw new Error(`--compare names "${name}", which is not a column of the file (${header.join(', ')})`);
    }
    return k;
  });
  return { columnIndex, extraColumns: [...compare], extraIndex };
}

function rowProblem(
  id: string,
  dateOfBirth: string,
  a: string,
  seen: ReadonlySet<string>,
  dob: number,
): string | null {
  if (id === '') return 'record_id is required';
  if (seen.has(id)) return `record_id "${id}" appears twice in this file`;
  if (dob < 0) return `date_of_birth "${dateOfBirth}" is not a date (YYYY-MM-DD, YYYYMMDD or YYYY)`;
  if (a !== '' && parseANumber(a) === 0) return `a_number "${a}" must have 7 to 9 digits`;
  return null;
}

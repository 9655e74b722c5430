import fs from 'node:fs';
import { parse } from 'csv-parse';
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

interface ParsedItem {
  record: string[];
  raw: string;
}

/**
 * Streams a CSV of person records into MatchRecords with csv-parse. Fields are trimmed (FEBRL
 * separates with ", "). A row with the wrong number of fields, no record_id, a repeated
 * record_id, or an unreadable date of birth or A-number is rejected with its line.
 */
export async function readPersonCsv(file: string, opts: ReadOptions): Promise<ReadResult> {
  const parser = fs.createReadStream(file, { encoding: 'utf8' }).pipe(
    parse({
      bom: true,
      trim: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      raw: true,
    }),
  );
  const rejectRow = (line: number, reason: string, raw: string) => {
    opts.onReject({ file, line, reason, raw });
  };
  parser.on('skip', (err: Error & { lines?: number }) => {
    rejectRow(err.lines ?? 0, `unreadable CSV: ${err.message}`, '');
  });
  let header: string[] | undefined;
  let columnIndex: Record<string, number> = {};
  let extraColumns: string[] = [];
  let extraIndex: number[] = [];
  const records: MatchRecord[] = [];
  const seen = new Set<string>();
  let rows = 0;
  let lines = 0;
  let rejected = 0;
  let impossibleDates = 0;
  const dates = new Map<string, number>();
  for await (const item of parser as AsyncIterable<ParsedItem>) {
    // raw holds the record and the line breaks around it: count them to know its first line.
    const rawText = item.raw;
    let leading = 0;
    while (rawText.charCodeAt(leading) === 10 || rawText.charCodeAt(leading) === 13) {
      if (rawText.charCodeAt(leading) === 10) lines++;
      leading++;
    }
    const line = lines + 1;
    for (let k = leading; k < rawText.length; k++) if (rawText.charCodeAt(k) === 10) lines++;
    const raw = rawText.slice(leading).replace(/\r?\n$/, '');
    if (header === undefined) {
      header = item.record.map((h) => h.trim());
      ({ columnIndex, extraColumns, extraIndex } = resolveHeader(header, opts));
      continue;
    }
    rows++;
    if (opts.onProgress && rows % 100_000 === 0) opts.onProgress(rows);
    const f = item.record;
    const get = (c: ResolveColumn): string => {
      const k = columnIndex[c];
      return k === undefined ? '' : (f[k] ?? '');
    };
    const dobText = get('date_of_birth');
    let dob = dates.get(dobText);
    if (dob === undefined) dates.set(dobText, (dob = parseDate(dobText)));
    const problem =
      f.length !== header.length
        ? `row has ${f.length} fields but the header has ${header.length}`
        : rowProblem(get, seen, dob);
    if (problem) {
      rejected++;
      rejectRow(line, problem, raw);
      continue;
    }
    const id = get('record_id');
    seen.add(id);
    if (dob > 0 && !isCalendarDate(dob)) impossibleDates++;
    let extra: Record<string, string> | undefined;
    if (extraColumns.length > 0) {
      extra = {};
      for (let k = 0; k < extraColumns.length; k++) extra[extraColumns[k]!] = f[extraIndex[k]!] ?? '';
    }
    records.push({
      id,
      side: opts.side,
      givenName: get('given_name'),
      middleName: get('middle_name'),
      familyName: get('family_name'),
      dateOfBirth: get('date_of_birth'),
      sex: get('sex'),
      country: get('country_of_citizenship'),
      passportNumber: get('passport_number'),
      aNumber: get('a_number'),
      ...(extra ? { extra } : {}),
    });
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
  get: (c: ResolveColumn) => string,
  seen: ReadonlySet<string>,
  dob: number,
): string | null {
  const id = get('record_id');
  if (id === '') return 'record_id is required';
  if (seen.has(id)) return `record_id "${id}" appears twice in this file`;
  if (dob < 0) return `date_of_birth "${get('date_of_birth')}" is not a date (YYYY-MM-DD, YYYYMMDD or YYYY)`;
  const a = get('a_number');
  if (a !== '' && parseANumber(a) === 0) return `a_number "${a}" must have 7 to 9 digits`;
  return null;
}

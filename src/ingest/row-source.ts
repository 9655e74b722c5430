import fs from 'node:fs';
import readline from 'node:readline';
import { parse } from 'csv-parse';

export type FileFormat = 'csv' | 'ndjson';

/** One physical row of a source file: its line, its raw text, its fields, and any parse problems. */
export interface SourceRow {
  lineNumber: number;
  raw: string;
  /** Field values by column name; undefined when the row could not be parsed at all. */
  fields: Record<string, unknown> | undefined;
  /** Problems found while reading (bad encoding, wrong column count, broken JSON). */
  problems: string[];
}

export function detectFormat(filePath: string): FileFormat {
  return /\.(nd)?jsonl?$/i.test(filePath) ? 'ndjson' : 'csv';
}

const REPLACEMENT = '\uFFFD';

/**
 * Node decodes the byte stream as UTF-8 and turns each invalid sequence into U+FFFD (and handles
 * characters split across chunks), so a replacement character in a field marks invalid UTF-8.
 */
function encodingProblems(fields: Record<string, unknown>): string[] {
  const bad = Object.entries(fields)
    .filter(([, v]) => typeof v === 'string' && v.includes(REPLACEMENT))
    .map(([k]) => k);
  return bad.length ? [`invalid UTF-8 byte sequence in ${bad.join(', ')}`] : [];
}

/**
 * Streams a CSV file row by row in constant memory. The header row names the columns; a row with
 * another number of fields is returned with a problem instead of being guessed at.
 */
export async function* readCsv(
  filePath: string,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<SourceRow> {
  const input = fs.createReadStream(filePath);
  if (onBytes) {
    input.on('data', (chunk) => {
      onBytes(chunk.length);
    });
  }
  input.setEncoding('utf8');
  const parser = input.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      raw: true,
      info: true,
      skip_records_with_error: false,
    }),
  );
  let header: string[] | undefined;
  let previousEnd = 0;
  try {
    for await (const item of parser as AsyncIterable<{
      record: string[];
      raw: string;
      info: { lines: number };
    }>) {
      // The raw text carries the line break that ended the previous record (and any blank lines).
      const raw = item.raw.replace(/\r?\n$/, '').replace(/^(\r?\n)+/, '');
      // info.lines is the line the record ends on; a quoted field may span several lines.
      const lineNumber = item.info.lines - (raw.match(/\n/g)?.length ?? 0);
      previousEnd = item.info.lines;
      if (header === undefined) {
        header = item.record.map((h) => h.trim().toLowerCase());
        continue;
      }
      const problems: string[] = [];
      if (item.record.length !== header.length) {
        problems.push(`row has ${item.record.length} fields but the header has ${header.length}`);
      }
      const fields: Record<string, unknown> = {};
      header.forEach((name, i) => {
        fields[name] = item.record[i] ?? '';
      });
      problems.push(...encodingProblems(fields));
      yield { lineNumber, raw, fields, problems };
    }
  } catch (err) {
    // A structural CSV error (e.g. an unclosed quote) stops the parser: report it on its line so
    // the rows before it are kept and the job says exactly where the file broke.
    const e = err as Error & { lines?: number };
    yield {
      lineNumber: e.lines ?? previousEnd + 1,
      raw: '',
      fields: undefined,
      problems: [`the CSV file cannot be read past this line: ${e.message}`],
    };
  } finally {
    input.destroy();
  }
}

/** One JSON text (an NDJSON line) as a row; broken JSON becomes a problem, not an exception. */
export function jsonLineToRow(raw: string, lineNumber: number): SourceRow {
  try {
    return objectToRow(JSON.parse(raw) as unknown, lineNumber, raw);
  } catch (err) {
    return { lineNumber, raw, fields: undefined, problems: [`not valid JSON: ${(err as Error).message}`] };
  }
}

/**
 * A parsed JSON record as a row: keys lower-cased, scalars as text, null as blank. Anything but a
 * flat object is reported as a problem (the same rules for NDJSON files and API bodies).
 */
export function objectToRow(value: unknown, lineNumber: number, raw = JSON.stringify(value)): SourceRow {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { lineNumber, raw, fields: undefined, problems: ['each record must be one JSON object'] };
  }
  const fields: Record<string, unknown> = {};
  const nested: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = k.trim().toLowerCase();
    if (v !== null && typeof v === 'object') nested.push(key);
    fields[key] = v === null ? '' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  }
  const problems = nested.length ? [`nested values are not accepted (${nested.join(', ')})`] : [];
  problems.push(...encodingProblems(fields));
  return { lineNumber, raw, fields, problems };
}

/** Streams an NDJSON file: one JSON object per line; blank lines are skipped. */
export async function* readNdjson(
  filePath: string,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<SourceRow> {
  const input = fs.createReadStream(filePath);
  if (onBytes) {
    input.on('data', (chunk) => {
      onBytes(chunk.length);
    });
  }
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      const raw = lineNumber === 1 ? line.replace(/^\uFEFF/, '') : line;
      if (raw.trim() === '') continue;
      yield jsonLineToRow(raw, lineNumber);
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

export function readRows(
  filePath: string,
  format: FileFormat,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<SourceRow> {
  return format === 'csv' ? readCsv(filePath, onBytes) : readNdjson(filePath, onBytes);
}

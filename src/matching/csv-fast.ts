import fs from 'node:fs';

/**
 * A chunked, streaming CSV reader for the person files `passage resolve` and the matching
 * benchmarks read. It replaces csv-parse on this one path because the path is measured hot: at
 * 1,000,000 records (70 MB) reading took ~19 s of a 56 s end-to-end run against a 60 s bar, and
 * the profile of the read alone put csv-parse's byte-wise parse, its per-record Buffer slices and
 * utf8 decoding of the `raw` text at ~8 s of it. This reader scans the utf8 chunks as strings by
 * char code and slices fields out of them, holding only the current chunk and the record that
 * spans its end.
 *
 * It reproduces csv-parse's reading with `bom: true, trim: true, relax_column_count: true,
 * skip_empty_lines: true, skip_records_with_error: true, raw: true` (csv-fast.test.ts compares
 * the two on hand-written and random inputs cut into chunks at every position):
 * - a field opens a quote only at its start (after leading white space); `""` inside quotes is a
 *   quote; a quote closes when followed by a comma, a line break, white space or the end;
 * - fields are trimmed of the white space `String.prototype.trim` removes, outside the quotes only;
 * - the line break is the first of CRLF, LF or CR met outside quotes, as csv-parse discovers it;
 * - lines with nothing but white space are skipped;
 * - a malformed record (a quote inside an unquoted field, a quote closing then followed by other
 *   text, a quote never closed) is returned with `error` set. csv-parse drops such a record and
 *   emits a `skip` event at the line of the problem without the record's text; here the record
 *   keeps its first line and its text, and the records after it are read the same way (for a
 *   closing quote followed by text, csv-parse also loses the rest of its current chunk; this
 *   reader does not). csv-parse trims multi-byte white space (U+00A0, U+3000…) byte by byte, so
 *   after a closing quote it takes it for text; this reader trims it as white space.
 */

export interface CsvRow {
  /** The fields, trimmed (quoted fields keep their inner white space). */
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
  /** The record's text, without the line break that ends it. */
  raw: string;
  /** Why the record is malformed, or null. */
  error: string | null;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Field states. */
const START = 0; // nothing yet but white space
const UNQUOTED = 1;
const QUOTED = 2;
const AFTER_QUOTE = 3; // the field's quote closed

/** Line break, discovered like csv-parse: the first one met outside quotes. */
const UNKNOWN = 0;
const LF_BREAK = 1;
const CRLF_BREAK = 2;
const CR_BREAK = 3;

/** csv-parse's trim characters: ECMAScript WhiteSpace and LineTerminator (as String#trim). */
export function isTrimmable(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Parses CSV text given chunk by chunk; complete records are appended to `out`. */
export class CsvChunkParser {
  private started = false;
  private carry = '';
  private lineBreak = UNKNOWN;
  /** Line at the scan position. */
  private line = 1;
  /** The char before the carried tail (to count a CRLF as one line in a CR file). */
  private prev = -1;
  // The record in progress.
  private fields: string[] = [];
  private recLine = 1;
  /** Raw text of the record from chunks already scanned. */
  private rawAcc = '';
  private error: string | null = null;
  // The field in progress.
  private state = START;
  /** Unquoted text of the field from chunks already scanned (untrimmed at its end). */
  private fieldAcc = '';
  /** Quoted value from chunks already scanned (and of a closed quote). */
  private quoted = '';

  push(chunk: string, out: CsvRow[]): void {
    let s = this.carry === '' ? chunk : this.carry + chunk;
    this.carry = '';
    if (!this.started) {
      if (s.length === 0) return;
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    this.scan(s, false, out);
  }

  end(out: CsvRow[]): void {
    const s = this.carry;
    this.carry = '';
    this.started = true;
    this.scan(s, true, out);
  }

  private fail(what: string): void {
    if (this.error === null) this.error = `${what} on line ${this.line}`;
  }

  private scan(s: string, final: boolean, out: CsvRow[]): void {
    const n = s.length;
    let fields = this.fields;
    let state = this.state;
    let line = this.line;
    let lineBreak = this.lineBreak;
    let recStart = 0;
    let fieldStart = 0;
    let lastNonTrim = 0;
    let quoteStart = 0;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (state === QUOTED) {
        if (c === QUOTE) {
          if (i + 1 >= n && !final) break; // need the next char
          const d = i + 1 < n ? s.charCodeAt(i + 1) : -1;
          if (d === QUOTE) {
            this.quoted += s.slice(quoteStart, i + 1);
            quoteStart = i + 2;
            i++;
          } else if (d === -1 || d === COMMA || isTrimmable(d)) {
            this.quoted += s.slice(quoteStart, i);
            state = AFTER_QUOTE;
          } else {
            this.line = line;
            this.fail('a quote inside a quoted field is not doubled');
          }
        } else if (c === LF) {
          if (lineBreak !== CR_BREAK || (i > 0 ? s.charCodeAt(i - 1) : this.prev) !== CR) line++;
        } else if (c === CR && lineBreak === CR_BREAK) line++;
        continue;
      }
      // Outside quotes: a line break ends the record.
      let breakLength = 0;
      if (c === LF) {
        if (lineBreak === UNKNOWN) lineBreak = LF_BREAK;
        if (lineBreak === LF_BREAK) breakLength = 1;
      } else if (c === CR) {
        if (lineBreak !== LF_BREAK) {
          if (i + 1 >= n && !final) break; // need the next char
          const next = i + 1 < n ? s.charCodeAt(i + 1) : -1;
          if (lineBreak === UNKNOWN) lineBreak = next === LF ? CRLF_BREAK : CR_BREAK;
          if (lineBreak === CR_BREAK) breakLength = 1;
          else if (next === LF) breakLength = 2;
        }
      }
      if (breakLength !== 0) {
        i += breakLength - 1;
        line++;
        if (state === START && fields.length === 0) {
          // An empty (or white-space) line: skipped.
          this.rawAcc = '';
          this.error = null;
        } else {
          const end = i + 1 - breakLength;
          fields.push(this.fieldValue(s, state, fieldStart, lastNonTrim, end));
          let raw = s.slice(recStart, end);
          if (this.rawAcc !== '') raw = this.rawAcc + raw;
          // A CR before the LF that is this file's line break is no part of the record's text.
          if (raw.charCodeAt(raw.length - 1) === CR) raw = raw.slice(0, -1);
          out.push({ fields, line: this.recLine, raw, error: this.error });
          fields = [];
          this.rawAcc = '';
          this.error = null;
        }
        state = START;
        recStart = i + 1;
        this.recLine = line;
        continue;
      }
      // An LF that is not this file's line break still starts a line, unless it ends a CRLF.
      if (c === LF && (lineBreak !== CR_BREAK || (i > 0 ? s.charCodeAt(i - 1) : this.prev) !== CR)) line++;
      if (state === UNQUOTED) {
        if (c === COMMA) {
          fields.push(this.fieldValue(s, state, fieldStart, lastNonTrim, i));
          state = START;
        } else if (c > 32 || !isTrimmable(c)) {
          if (c === QUOTE) {
            this.line = line;
            this.fail('a quote inside an unquoted field');
          } else if (c >= 0xa0 && isTrimmable(c)) continue;
          lastNonTrim = i + 1;
        }
      } else if (state === START) {
        if (c === COMMA) {
          fields.push('');
        } else if (c === QUOTE) {
          state = QUOTED;
          this.quoted = '';
          quoteStart = i + 1;
        } else if (isTrimmable(c)) {
          // Leading white space; a line break (not this file's) at the very start of a record
          // is left out of its text, as the line breaks of skipped lines are.
          if ((c === LF || c === CR) && recStart === i && this.rawAcc === '' && fields.length === 0) {
            recStart = i + 1;
            this.recLine = line;
          }
        } else {
          state = UNQUOTED;
          this.fieldAcc = '';
          fieldStart = i;
          lastNonTrim = i + 1;
        }
      } else {
        // AFTER_QUOTE
        if (c === COMMA) {
          fields.push(this.quoted);
          state = START;
        } else if (!isTrimmable(c)) {
          this.line = line;
          this.fail('text after a closing quote');
        }
      }
    }
    if (final) {
      this.line = line;
      if (state === QUOTED) {
        this.fail('a quote opened and never closed before the end of the file');
        fields.push(this.quoted + s.slice(quoteStart, n));
      } else if (state !== START || fields.length > 0) {
        fields.push(this.fieldValue(s, state, fieldStart, lastNonTrim, n));
      }
      if (fields.length > 0) {
        out.push({
          fields,
          line: this.recLine,
          raw: this.rawAcc + s.slice(recStart, n),
          error: this.error,
        });
      }
      this.fields = [];
      this.rawAcc = '';
      this.error = null;
      this.state = START;
      return;
    }
    // The chunk ends inside a record: keep what was scanned of it, and the unscanned tail.
    this.carry = s.slice(i);
    if (i > 0) this.prev = s.charCodeAt(i - 1);
    this.rawAcc += s.slice(recStart, i);
    if (state === UNQUOTED) this.fieldAcc += s.slice(fieldStart, i);
    else if (state === QUOTED) this.quoted += s.slice(quoteStart, i);
    this.fields = fields;
    this.state = state;
    this.line = line;
    this.lineBreak = lineBreak;
  }

  private fieldValue(s: string, state: number, fieldStart: number, lastNonTrim: number, end: number): string {
    if (state === AFTER_QUOTE) return this.quoted;
    if (state === START) return '';
    if (this.fieldAcc === '') return s.slice(fieldStart, lastNonTrim);
    const value = (this.fieldAcc + s.slice(fieldStart, end)).trimEnd();
    this.fieldAcc = '';
    return value;
  }
}

/** Reads a CSV file as a stream of utf8 chunks, yielding the records each chunk completes. */
export async function* readCsvRows(file: string): AsyncGenerator<CsvRow[]> {
  const parser = new CsvChunkParser();
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8' })) {
    const rows: CsvRow[] = [];
    parser.push(chunk as string, rows);
    if (rows.length > 0) yield rows;
  }
  const rows: CsvRow[] = [];
  parser.end(rows);
  if (rows.length > 0) yield rows;
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, type CsvError } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvChunkParser, readCsvRows, type CsvRow } from './csv-fast.js';

const OPTIONS = {
  bom: true,
  trim: true,
  relax_column_count: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
  raw: true,
} as const;

interface Reference {
  records: { fields: string[]; raw: string }[];
  /** Lines csv-parse reports its skipped (malformed) records at: the line of the problem. */
  skips: { code: string; line: number }[];
}

/** csv-parse with readPersonCsv's former options; raw as readPersonCsv trimmed it. */
function reference(text: string): Reference {
  const skips: Reference['skips'] = [];
  const out = parse(text, {
    ...OPTIONS,
    on_skip: (err: CsvError | undefined) => {
      skips.push({ code: err?.code ?? '', line: (err as { lines?: number } | undefined)?.lines ?? 0 });
    },
  }) as unknown as { record: string[]; raw: string }[];
  const records = out.map((r) => ({
    fields: r.record,
    // csv-parse's raw text starts with the lines it skipped as blank; this reader's does not.
    raw: r.raw.replace(/^(?:[^\S\r\n]*(?:\r\n|\n|\r))+/, '').replace(/\r?\n$|\r$/, ''),
  }));
  return { records, skips };
}

function parseChunked(text: string, size: number): CsvRow[] {
  const parser = new CsvChunkParser();
  const rows: CsvRow[] = [];
  for (let k = 0; k < text.length; k += size) parser.push(text.slice(k, k + size), rows);
  parser.end(rows);
  return rows;
}

/** The line each row starts at, found independently: where its raw text is in the input. */
function expectedLines(text: string, rows: CsvRow[]): number[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // The file's line break is the one that ends its first record; in a CR file CRLF and LF count.
  const first = rows[0] ? body.indexOf(rows[0].raw) + rows[0].raw.length : -1;
  const before = rows[0] ? body.indexOf(rows[0].raw) - 1 : -1;
  const crFile =
    (first >= 0 && body[first] === '\r' && body[first + 1] !== '\n') ||
    (before >= 0 && body[before] === '\r');
  const breaks = crFile ? /\r\n|\r|\n/g : /\n/g;
  let from = 0;
  return rows.map((r) => {
    const at = body.indexOf(r.raw, from);
    from = at + r.raw.length;
    return 1 + (body.slice(0, at).match(breaks)?.length ?? 0);
  });
}

/** Compares the chunked reader with csv-parse on one input, at every given chunk size. */
function check(text: string, sizes: number[]) {
  const ref = reference(text);
  const whole = parseChunked(text, Math.max(1, text.length));
  for (const size of sizes) {
    expect(parseChunked(text, size), `chunks of ${size}`).toEqual(whole);
  }
  expect(whole.map((r) => r.line)).toEqual(expectedLines(text, whole));
  const bad = whole.filter((r) => r.error !== null);
  const lastLine = (r: CsvRow) => r.line + (r.raw.match(/\r\n|\n|\r/g)?.length ?? 0);
  if (ref.skips.some((s) => s.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE')) {
    // csv-parse loses the rest of its chunk there: only that row is comparable.
    const first = ref.skips[0]!;
    expect(bad.length).toBeGreaterThan(0);
    // csv-parse counts a CRLF inside quotes as two lines: its skip lines are comparable without CR.
    if (!text.includes('\r')) {
      expect(bad.some((r) => first.line >= r.line && first.line <= lastLine(r) + 1)).toBe(true);
    }
    return whole;
  }
  // Well-formed records: the same fields and text as csv-parse, in order.
  const good = whole.filter((r) => r.error === null);
  expect(good.map((r) => ({ fields: r.fields, raw: r.raw }))).toEqual(ref.records);
  // Malformed records: each csv-parse skip falls within one, and none is reported that
  // csv-parse did not skip.
  // Each malformed record gives csv-parse at least one skip, and a skip only comes from one.
  expect(ref.skips.length).toBeGreaterThanOrEqual(bad.length);
  expect(bad.length > 0).toBe(ref.skips.length > 0);
  // csv-parse counts a CRLF inside quotes as two lines: its skip lines are comparable without CR.
  if (text.includes('\r')) return whole;
  for (const s of ref.skips) {
    expect(
      bad.some((r) => s.line >= r.line && s.line <= lastLine(r) + 1),
      `csv-parse skip ${s.code} at line ${s.line} in ${JSON.stringify(text)}: ${JSON.stringify(bad)}`,
    ).toBe(true);
  }
  for (const r of bad) {
    expect(ref.skips.some((s) => s.line >= r.line && s.line <= lastLine(r) + 1)).toBe(true);
    expect(r.error).toMatch(/on line \d+$/);
  }
  return whole;
}

const ALL_SIZES = (text: string) => Array.from({ length: Math.min(text.length, 40) }, (_, k) => k + 1);

describe('CsvChunkParser', () => {
  const tricky: Record<string, string> = {
    plain: 'a,b,c\n1,2,3\n4,5,6\n',
    'no trailing newline': 'a,b\n1,2\n3,4',
    crlf: 'a,b\r\n1,2\r\n\r\n3,4\r\n',
    'crlf, no trailing newline': 'a,b\r\n1,2\r\n3,4',
    'cr only': 'a,b\r1,2\r\r3,4\r',
    bom: '\ufeffrecord_id,given_name\n1,anna\n',
    'febrl separators': 'rec_id, given_name, surname\nrec-1-org, anna , smith\nrec-2-dup-0,  ,  jones  \n',
    quotes: 'a,b\n"x, y","he said ""hi"""\n" padded " , "" \n',
    'embedded newlines': 'a,b\n"line one\nline two",2\n"crlf\r\ninside",3\n4,"\n"\n',
    'blank and white-space lines': '\n\na,b\n\n   \n1,2\n\t\n\n3,4\n\n',
    'ragged rows': 'a,b,c\n1\n2,3,4,5\n,\n,,\n',
    'empty quoted fields': 'a\n""\n" "\n',
    'lf file with a stray cr': 'a,b\n1,2\r\n3,4\r5\n',
    'crlf file with a lone lf': 'a,b\r\n1,2\n3\r\n4,5\r\n',
    'quote inside an unquoted field': 'a,b\n1,x"y\n2,3\n',
    'quote not doubled inside quotes': 'a,b\n1,"x"y"\n2,3\n',
    'unterminated quote': 'a,b\n1,2\n3,"xy\n4,5\n',
    'unterminated quote at the end': 'a,b\n1,"',
    'a quote after a closed quote': 'a,b\n1,""  "abc"\n2,3\n',
    'several problems in one row': 'a,b\n1,x"y"z\n2,"a"b"c"\n3,4\n',
  };
  for (const [name, text] of Object.entries(tricky)) {
    it(`reads like csv-parse: ${name}`, () => {
      check(text, ALL_SIZES(text));
    });
  }

  it('reports malformed rows with their first line, text and a reason, and reads on', () => {
    const rows = check('a,b\n1,x"y\n2,"p\nq"r",s\n3,4\n', [1, 2, 3, 7]);
    expect(rows.map((r) => [r.line, r.raw, r.error])).toEqual([
      [1, 'a,b', null],
      [2, '1,x"y', 'a quote inside an unquoted field on line 2'],
      [3, '2,"p\nq"r",s', 'a quote inside a quoted field is not doubled on line 4'],
      [5, '3,4', null],
    ]);
    const open = parseChunked('a,b\n1,2\n3,"xy\n4,5\n', 3);
    expect(open.at(-1)).toEqual({
      fields: ['3', 'xy\n4,5\n'],
      line: 3,
      raw: '3,"xy\n4,5\n',
      error: 'a quote opened and never closed before the end of the file on line 5',
    });
  });

  it('keeps the rows after text following a closing quote (csv-parse drops the rest of its chunk)', () => {
    const text = 'a,b\n1,"x" y\n2,3\n4,5\n';
    const rows = parseChunked(text, 2);
    expect(rows.map((r) => [r.line, r.fields, r.error])).toEqual([
      [1, ['a', 'b'], null],
      [2, ['1', 'x'], 'text after a closing quote on line 2'],
      [3, ['2', '3'], null],
      [4, ['4', '5'], null],
    ]);
    expect(parseChunked(text, 1)).toEqual(rows);
    // csv-parse reports the row, then loses the rows after it in the same chunk.
    expect(reference(text).records.map((r) => r.fields)).toEqual([['a', 'b']]);
  });

  it('reads like csv-parse on random inputs cut at every position', () => {
    let seed = 20261123;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const plain = ['anna', 'o brien', 'x', '', '  ', ' pad ', '1985-03-07', 'ü', 'a\u00a0b', 'a\tb'];
    const quoted = ['"q"', '"a, b"', '"say ""hi"""', '"two\nlines"', '""', '" sp "', '"cr\r\nlf"'];
    const broken = ['x"y', '"a"b"', '"open'];
    let compared = 0;
    for (let n = 0; n < 400; n++) {
      const eol = pick(['\n', '\r\n', '\n', '\r']);
      const lines: string[] = [];
      const count = 1 + Math.floor(random() * 6);
      for (let l = 0; l < count; l++) {
        if (random() < 0.1) {
          lines.push(pick(['', ' ', '\t']));
          continue;
        }
        const width = 1 + Math.floor(random() * 4);
        const fields: string[] = [];
        for (let f = 0; f < width; f++) {
          const r = random();
          fields.push(r < 0.6 ? pick(plain) : r < 0.93 ? pick(quoted) : pick(broken));
        }
        lines.push(fields.join(pick([',', ', ', ' ,'])));
      }
      const text = (random() < 0.2 ? '\ufeff' : '') + lines.join(eol) + (random() < 0.5 ? eol : '');
      check(text, ALL_SIZES(text));
      // csv-parse loses the rest of a chunk after text following a closing quote: not comparable.
      if (!reference(text).skips.some((s) => s.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE')) {
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('trims white space as String#trim does, multi-byte included', () => {
    // csv-parse takes U+2003 after a closing quote for text (it trims byte by byte).
    const rows = parseChunked('a,b\n\u00a0x\u3000,\u2003"y"\u2003\n1,2\n', 1);
    expect(rows.map((r) => [r.fields, r.error])).toEqual([
      [['a', 'b'], null],
      [['x', 'y'], null],
      [['1', '2'], null],
    ]);
  });

  it('streams a file chunk by chunk (readCsvRows)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-fast-'));
    const file = path.join(dir, 'big.csv');
    const lines = ['record_id,given_name,note'];
    for (let k = 0; k < 20_000; k++) lines.push(`id-${k}, name ${k} ,"note ""${k}""\nsecond line"`);
    const text = lines.join('\r\n') + '\r\n';
    fs.writeFileSync(file, text);
    const rows: CsvRow[] = [];
    for await (const batch of readCsvRows(file)) rows.push(...batch);
    expect(rows.length).toBe(20_001);
    expect(rows[20_000]).toEqual({
      fields: ['id-19999', 'name 19999', 'note "19999"\nsecond line'],
      line: 40_000,
      raw: 'id-19999, name 19999 ,"note ""19999""\nsecond line"',
      error: null,
    });
    expect(rows.map((r) => ({ fields: r.fields, raw: r.raw }))).toEqual(reference(text).records);
    fs.rmSync(dir, { recursive: true });
  });
});

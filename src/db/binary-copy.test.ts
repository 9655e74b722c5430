import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BinaryCopyError,
  BinaryCopyWriter,
  BufferPool,
  NULL_INT,
  readBinaryCopy,
  sortRowsBy,
  textAt,
  type BoolColumn,
  type Int4Column,
  type Int8Column,
  type TextColumn,
} from './binary-copy.js';

type Row = [number, string | null, number, boolean | null];

function encode(rows: Row[]): Buffer {
  const w = new BinaryCopyWriter(16);
  for (const [id, name, day, flag] of rows) {
    w.row(4);
    w.int8(id);
    if (name === null) w.null();
    else w.bytes(Buffer.from(name));
    w.int4(day);
    if (flag === null) w.null();
    else w.bytes(Buffer.from([flag ? 1 : 0]));
  }
  return w.finish();
}

function decode(buf: Buffer, sortByFirst = false): Row[] {
  let c = readBinaryCopy(buf, ['int8', 'text', 'date', 'bool']);
  if (sortByFirst) c = sortRowsBy(c, 0);
  const [ids, names, days, flags] = c.columns as [Int8Column, TextColumn, Int4Column, BoolColumn];
  return Array.from({ length: c.rows }, (_, r) => [
    ids.values[r]!,
    textAt(names, r),
    days.values[r]!,
    flags.values[r] === 2 ? null : flags.values[r] === 1,
  ]);
}

const row: fc.Arbitrary<Row> = fc.tuple(
  fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.maxSafeInteger(), fc.constant(NaN)),
  fc.option(fc.string({ unit: 'binary', maxLength: 80 }), { nil: null }),
  fc.oneof(fc.integer({ min: -800_000, max: 3_000_000 }), fc.constant(NULL_INT)),
  fc.option(fc.boolean(), { nil: null }),
);

describe('binary COPY format', () => {
  it('reads back every row the writer wrote, NULLs, long texts and growth included', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        expect(decode(encode(rows))).toEqual(rows);
      }),
    );
  });

  it('sorts rows by an int8 column, NULLs first and ties in received order, by either sort', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), fc.boolean(), (rows, wide) => {
        const small = (k: number) => (Math.abs(k) <= 1000 ? k : (k % 1000) + 0); // + 0: no -0
        // wide: a span of ids beyond 2^31 takes the comparator sort instead of the packed one
        const keyed = rows.map((r, i): Row => [
          Number.isNaN(r[0]) ? NaN : small(r[0]) * (wide ? 2 ** 22 : 1),
          `${i}`,
          r[2],
          r[3],
        ]);
        const expected = keyed
          .map((r, i) => ({ r, i }))
          .sort(
            (x, y) =>
              (Number.isNaN(x.r[0]) ? -Infinity : x.r[0]) - (Number.isNaN(y.r[0]) ? -Infinity : y.r[0]) ||
              x.i - y.i,
          )
          .map((x) => x.r);
        expect(decode(encode(keyed), true)).toEqual(expected);
      }),
    );
  });

  it('refuses a stream without the header, a row of another width, a wrong-sized field and a cut stream', () => {
    expect(() => readBinaryCopy(Buffer.from('1\t2\n'), ['int8'])).toThrow(BinaryCopyError);
    const ok = encode([[1, 'a', 5, true]]);
    expect(() => readBinaryCopy(ok, ['int8', 'text', 'date'])).toThrow(/has 4 fields, expected 3/);
    expect(() => readBinaryCopy(ok, ['int8', 'text', 'int8', 'bool'])).toThrow(/int8 of 4 bytes/);
    expect(() => readBinaryCopy(ok.subarray(0, ok.length - 4), ['int8', 'text', 'date', 'bool'])).toThrow(
      /ends/,
    );
    const big = new BinaryCopyWriter(64);
    big.row(1);
    big.int8(2 ** 53 + 2);
    expect(() => readBinaryCopy(big.finish(), ['int8'])).toThrow(/beyond 2\^53/);
  });
});

describe('BufferPool', () => {
  it('hands back a given buffer whole, the smallest that fits first, and never a shared small one', () => {
    const pool = new BufferPool();
    const big = pool.take(1 << 20);
    const bigger = pool.take(4 << 20);
    expect(big.length).toBeGreaterThanOrEqual(1 << 20);
    pool.give(big.subarray(0, 10)); // a view: its whole storage comes back
    pool.give(bigger);
    const first = pool.take(100);
    const second = pool.take(100);
    expect(first.buffer).toBe(big.buffer);
    expect(first.length).toBe(big.buffer.byteLength);
    expect(second.buffer).toBe(bigger.buffer);
    const small = Buffer.allocUnsafe(100); // from Node's shared slab
    pool.give(small);
    expect(pool.take(10).buffer).not.toBe(small.buffer);
    pool.note('admissions', 1000);
    expect(pool.hint('admissions')).toBe(1200);
    expect(pool.hint('departures')).toBe(0);
  });
});

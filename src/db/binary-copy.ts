/**
 * PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html,
 * "Binary Format"), read into columns and written row by row. Pure: buffers in, buffers out.
 *
 * Hand-written rather than pg-copy-streams-binary: the overstay batch moves ~10M rows each way
 * through it, and that library builds an object (and a JavaScript value per field) for every
 * row. Here a column is a typed array and a text field stays bytes in the received buffer (an
 * offset and a length) until something needs it; measured on one slice of the 10M benchmark
 * (476,190 admissions, 9 columns), parsing took 0.2 s of client CPU.
 */

/** Days from 1970-01-01 to PostgreSQL's date epoch, 2000-01-01. */
export const PG_EPOCH_DAYS = 10_957;
/** A NULL date or int4 in an Int32Array column (no date PostgreSQL accepts is this value). */
export const NULL_INT = -2_147_483_647;

export type ColumnType = 'int8' | 'int4' | 'date' | 'bool' | 'text';

/** A text column: each field's bytes in the source buffer; length -1 for NULL. */
export interface TextColumn {
  kind: 'text';
  buf: Buffer;
  off: Int32Array;
  len: Int32Array;
}
/** int8 as float64 (exact up to 2^53; larger values are refused); NULL is NaN. */
export interface Int8Column {
  kind: 'int8';
  values: Float64Array;
}
/** int4, or a date as days since 2000-01-01 (±infinity as PostgreSQL sends them); NULL is NULL_INT. */
export interface Int4Column {
  kind: 'int4' | 'date';
  values: Int32Array;
}
/** bool as 0/1; NULL is 2. */
export interface BoolColumn {
  kind: 'bool';
  values: Uint8Array;
}
export type Column = TextColumn | Int8Column | Int4Column | BoolColumn;

export interface Columns {
  rows: number;
  columns: Column[];
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const TWO_32 = 4_294_967_296;

export class BinaryCopyError extends Error {}

/**
 * Reads a whole binary COPY stream (header, rows, trailer) whose rows have exactly `types`.
 *
 * @throws {BinaryCopyError} on a missing header, a row of another width, a field of the wrong
 * size, an int8 beyond ±2^53 or a stream that ends early.
 */
export function readBinaryCopy(buf: Buffer, types: readonly ColumnType[]): Columns {
  if (buf.length < 19 || !buf.subarray(0, 11).equals(SIGNATURE)) {
    throw new BinaryCopyError('not a binary COPY stream (no PGCOPY header)');
  }
  let p = 19 + buf.readInt32BE(15);
  // Rows are counted first so that every column is allocated once at its final size.
  const rows = countRows(buf, p, types.length);
  const columns: Column[] = types.map((t) => {
    switch (t) {
      case 'text':
        return { kind: 'text', buf, off: new Int32Array(rows), len: new Int32Array(rows) };
      case 'int8':
        return { kind: 'int8', values: new Float64Array(rows) };
      case 'bool':
        return { kind: 'bool', values: new Uint8Array(rows) };
      default:
        return { kind: t, values: new Int32Array(rows) };
    }
  });
  for (let r = 0; r < rows; r++) {
    p += 2;
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c]!;
      const len = buf.readInt32BE(p);
      p += 4;
      switch (col.kind) {
        case 'text':
          col.off[r] = p;
          col.len[r] = len;
          break;
        case 'int8':
          if (len < 0) col.values[r] = NaN;
          else {
            if (len !== 8) throw new BinaryCopyError(`row ${r + 1}, column ${c + 1}: int8 of ${len} bytes`);
            const hi = buf.readInt32BE(p);
            if (hi > 0x1fffff || hi < -0x200000) {
              throw new BinaryCopyError(`row ${r + 1}, column ${c + 1}: int8 beyond 2^53`);
            }
            col.values[r] = hi * TWO_32 + buf.readUInt32BE(p + 4);
          }
          break;
        case 'bool':
          col.values[r] = len < 0 ? 2 : buf[p]!;
          break;
        default:
          if (len < 0) col.values[r] = NULL_INT;
          else {
            if (len !== 4) throw new BinaryCopyError(`row ${r + 1}, column ${c + 1}: ${col.kind} of ${len} bytes`);
            col.values[r] = buf.readInt32BE(p);
          }
      }
      if (len > 0) p += len;
    }
  }
  return { rows, columns };
}

function countRows(buf: Buffer, start: number, width: number): number {
  let p = start;
  let rows = 0;
  for (;;) {
    if (p + 2 > buf.length) throw new BinaryCopyError('binary COPY stream ends without a trailer');
    const fields = buf.readInt16BE(p);
    p += 2;
    if (fields === -1) return rows;
    if (fields !== width) {
      throw new BinaryCopyError(`row ${rows + 1} has ${fields} fields, expected ${width}`);
    }
    for (let c = 0; c < width; c++) {
      if (p + 4 > buf.length) throw new BinaryCopyError('binary COPY stream ends inside a row');
      const len = buf.readInt32BE(p);
      p += 4 + (len > 0 ? len : 0);
    }
    if (p > buf.length) throw new BinaryCopyError('binary COPY stream ends inside a field');
    rows++;
  }
}

/** A text column's field as a string (null for NULL). */
export function textAt(col: TextColumn, row: number): string | null {
  const len = col.len[row]!;
  return len < 0 ? null : col.buf.toString('utf8', col.off[row]!, col.off[row]! + len);
}

/** Element type OIDs of the arrays the writer writes. */
export const OID = { int8: 20, text: 25 } as const;

/**
 * Writes binary COPY rows into a growing buffer. Fields are written in the table's column order
 * as given to COPY; each row starts with `row(fields)`.
 */
export class BinaryCopyWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(Math.max(initialBytes, 64));
    SIGNATURE.copy(this.buf, 0);
    this.buf.writeInt32BE(0, 11); // flags
    this.buf.writeInt32BE(0, 15); // no header extension
    this.pos = 19;
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  row(fields: number): void {
    this.room(2);
    this.buf.writeInt16BE(fields, this.pos);
    this.pos += 2;
  }

  null(): void {
    this.room(4);
    this.buf.writeInt32BE(-1, this.pos);
    this.pos += 4;
  }

  /** An int8 from a float64 holding an integer; NaN writes NULL. */
  int8(value: number): void {
    if (value !== value) return this.null();
    this.room(12);
    const b = this.buf;
    b.writeInt32BE(8, this.pos);
    b.writeInt32BE(Math.floor(value / TWO_32), this.pos + 4);
    b.writeUInt32BE(value >>> 0, this.pos + 8);
    this.pos += 12;
  }

  /** An int4 or a date (days since 2000-01-01); NULL_INT writes NULL. */
  int4(value: number): void {
    if (value === NULL_INT) return this.null();
    this.room(8);
    this.buf.writeInt32BE(4, this.pos);
    this.buf.writeInt32BE(value, this.pos + 4);
    this.pos += 8;
  }

  /** Bytes already encoded as a field's value (text in UTF-8, or a pre-encoded field). */
  bytes(source: Buffer, start = 0, end = source.length): void {
    const len = end - start;
    this.room(4 + len);
    this.buf.writeInt32BE(len, this.pos);
    source.copy(this.buf, this.pos + 4, start, end);
    this.pos += 4 + len;
  }

  /** A text column's field copied from its received buffer, NULL included. */
  textFrom(col: TextColumn, row: number): void {
    const len = col.len[row]!;
    if (len < 0) return this.null();
    const off = col.off[row]!;
    this.bytes(col.buf, off, off + len);
  }

  /** A one-dimensional int8[] (an empty one for no values). */
  int8Array(values: readonly number[]): void {
    this.arrayHeader(values.length, OID.int8, values.length * 12);
    for (const v of values) this.int8(v);
  }

  /** A one-dimensional text[] of pre-encoded UTF-8 values. */
  textArray(values: readonly Buffer[]): void {
    let size = 0;
    for (const v of values) size += 4 + v.length;
    this.arrayHeader(values.length, OID.text, size);
    for (const v of values) this.bytes(v);
  }

  private arrayHeader(count: number, oid: number, elementBytes: number): void {
    const header = count ? 20 : 12;
    this.room(4 + header);
    const b = this.buf;
    b.writeInt32BE(header + elementBytes, this.pos);
    b.writeInt32BE(count ? 1 : 0, this.pos + 4); // dimensions
    b.writeInt32BE(0, this.pos + 8); // no NULL elements
    b.writeInt32BE(oid, this.pos + 12);
    this.pos += 16;
    if (count) {
      b.writeInt32BE(count, this.pos);
      b.writeInt32BE(1, this.pos + 4); // lower bound
      this.pos += 8;
    }
  }

  /** The stream so far with its trailer; the writer must not be used afterwards. */
  finish(): Buffer {
    this.room(2);
    this.buf.writeInt16BE(-1, this.pos);
    this.pos += 2;
    return this.buf.subarray(0, this.pos);
  }
}

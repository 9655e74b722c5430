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

// Big-endian reads by hand (the writer uses a DataView): Buffer's readInt32BE/writeInt32BE check
// their arguments on every call, which was a third of the parse and of the encoding (profiled on
// a 476k-row slice).
const i32 = (b: Uint8Array, p: number) => (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
const i16 = (b: Uint8Array, p: number) => ((b[p]! << 24) | (b[p + 1]! << 16)) >> 16;

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
  let p = 19 + i32(buf, 15);
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
      case 'int4':
      case 'date':
        return { kind: t, values: new Int32Array(rows) };
    }
  });
  for (let r = 0; r < rows; r++) {
    p += 2;
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c]!;
      const len = i32(buf, p);
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
            const hi = i32(buf, p);
            if (hi > 0x1fffff || hi < -0x200000) {
              throw new BinaryCopyError(`row ${r + 1}, column ${c + 1}: int8 beyond 2^53`);
            }
            col.values[r] = hi * TWO_32 + (i32(buf, p + 4) >>> 0);
          }
          break;
        case 'bool':
          col.values[r] = len < 0 ? 2 : buf[p]!;
          break;
        case 'int4':
        case 'date':
          if (len < 0) col.values[r] = NULL_INT;
          else {
            if (len !== 4) {
              throw new BinaryCopyError(`row ${r + 1}, column ${c + 1}: ${col.kind} of ${len} bytes`);
            }
            col.values[r] = i32(buf, p);
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
    const fields = i16(buf, p);
    p += 2;
    if (fields === -1) return rows;
    if (fields !== width) {
      throw new BinaryCopyError(`row ${rows + 1} has ${fields} fields, expected ${width}`);
    }
    for (let c = 0; c < width; c++) {
      if (p + 4 > buf.length) throw new BinaryCopyError('binary COPY stream ends inside a row');
      const len = i32(buf, p);
      p += 4 + (len > 0 ? len : 0);
    }
    if (p > buf.length) throw new BinaryCopyError('binary COPY stream ends inside a field');
    rows++;
  }
}

const ROW_BITS = 2 ** 21;

/**
 * The rows sorted by an int8 column (ascending, NULLs first, ties in their received order). Done
 * here rather than by ORDER BY: PostgreSQL's sort of a 476k-row slice cost ~0.2 s of the server's
 * time, and the rows arrive nearly sorted anyway. The key and row number are packed into one
 * float64 when they fit (a span of ids under 2^31, fewer than 2^21 rows), so the sort is the
 * typed array's native numeric sort; otherwise a comparator sort.
 */
export function sortRowsBy(columns: Columns, keyColumn: number): Columns {
  const keys = (columns.columns[keyColumn] as Int8Column).values;
  const n = columns.rows;
  let sorted = true;
  for (let r = 1; r < n && sorted; r++) if (!(keys[r]! >= keys[r - 1]!)) sorted = false;
  if (sorted && (n === 0 || keys[0] === keys[0])) return columns;
  let min = Infinity;
  let max = -Infinity;
  let nulls = false;
  for (let r = 0; r < n; r++) {
    const k = keys[r]!;
    if (k !== k) nulls = true;
    else {
      if (k < min) min = k;
      if (k > max) max = k;
    }
  }
  const order = new Uint32Array(n);
  if (!nulls && max - min < 2 ** 31 && n < ROW_BITS) {
    const packed = new Float64Array(n);
    for (let r = 0; r < n; r++) packed[r] = (keys[r]! - min) * ROW_BITS + r;
    packed.sort();
    for (let r = 0; r < n; r++) order[r] = packed[r]! % ROW_BITS;
  } else {
    for (let r = 0; r < n; r++) order[r] = r;
    const key = (r: number) => (keys[r]! === keys[r]! ? keys[r] : -Infinity);
    order.sort((a, b) => key(a) - key(b) || a - b);
  }
  return {
    rows: n,
    columns: columns.columns.map((col): Column => {
      switch (col.kind) {
        case 'text':
          return { kind: 'text', buf: col.buf, off: permute(col.off, order), len: permute(col.len, order) };
        case 'int8':
          return { kind: 'int8', values: permute(col.values, order) };
        case 'bool':
          return { kind: 'bool', values: permute(col.values, order) };
        case 'int4':
        case 'date':
          return { kind: col.kind, values: permute(col.values, order) };
      }
    }),
  };
}

function permute<T extends Float64Array | Int32Array | Uint8Array>(values: T, order: Uint32Array): T {
  const out = new (values.constructor as new (n: number) => T)(order.length);
  for (let r = 0; r < order.length; r++) out[r] = values[order[r]!]!;
  return out;
}

/**
 * Large buffers kept for reuse across a batch's slices: a fresh 40–80 MB buffer per read and per
 * write cost page faults, garbage collection and, while growing, copies (1.5 s of a 10M batch's
 * client CPU in a profile). Not shared between concurrent users of one buffer: take, use, give.
 */
export class BufferPool {
  private free: Buffer[] = [];
  private sizes = new Map<string, number>();
  constructor(private readonly keep = 8) {}

  /** A size for the next buffer of this kind: the last one's plus a fifth (0 at first). */
  hint(kind: string): number {
    return Math.ceil((this.sizes.get(kind) ?? 0) * 1.2);
  }

  /** Notes how many bytes a buffer of this kind needed. */
  note(kind: string, bytes: number): void {
    this.sizes.set(kind, bytes);
  }

  /** A buffer of at least `minBytes` (its contents are garbage). */
  take(minBytes: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      if (this.free[i]!.length >= minBytes && (best < 0 || this.free[i]!.length < this.free[best]!.length)) {
        best = i;
      }
    }
    if (best < 0 && this.free.length) best = 0; // the caller grows it
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    return Buffer.allocUnsafe(Math.max(minBytes, 1 << 16));
  }

  /**
   * Returns a buffer (or a view of one: its whole storage is kept) for later takes. Only a buffer
   * with storage of its own is kept: a small one may share Node's allocation slab with others.
   */
  give(buf: Buffer): void {
    if (buf.byteOffset !== 0 || buf.buffer.byteLength < 1 << 16) return;
    const whole = Buffer.from(buf.buffer);
    if (this.free.length < this.keep && !this.free.some((b) => b.buffer === whole.buffer)) {
      this.free.push(whole);
    }
  }
}

/** A text column's field as a string (null for NULL). */
export function textAt(col: TextColumn, row: number): string | null {
  const len = col.len[row]!;
  return len < 0 ? null : col.buf.toString('utf8', col.off[row], col.off[row]! + len);
}

/** Element type OIDs of the arrays the writer writes. */
export const OID = { int8: 20, text: 25 } as const;

/**
 * Writes binary COPY rows into a growing buffer. Fields are written in the table's column order
 * as given to COPY; each row starts with `row(fields)`.
 */
export class BinaryCopyWriter {
  private buf: Buffer;
  /** Over `buf`, for big-endian stores (a slice's decide-and-encode: 680 ms against 715 ms by bytes). */
  private view: DataView;
  private pos = 0;

  /** `initial`: a size to allocate, or a buffer to write into (from a BufferPool; grown if needed). */
  constructor(initial: number | Buffer = 1 << 20) {
    this.buf = typeof initial === 'number' ? Buffer.allocUnsafe(Math.max(initial, 64)) : initial;
    if (this.buf.length < 64) this.buf = Buffer.allocUnsafe(64);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    SIGNATURE.copy(this.buf, 0);
    this.view.setInt32(11, 0); // flags
    this.view.setInt32(15, 0); // no header extension
    this.pos = 19;
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
  }

  row(fields: number): void {
    this.room(2);
    this.buf[this.pos] = fields >>> 8;
    this.buf[this.pos + 1] = fields;
    this.pos += 2;
  }

  null(): void {
    this.room(4);
    this.view.setInt32(this.pos, -1);
    this.pos += 4;
  }

  /** An int8 from a float64 holding an integer; NaN writes NULL. */
  int8(value: number): void {
    if (value !== value) {
      this.null();
      return;
    }
    this.room(12);
    const v = this.view;
    v.setInt32(this.pos, 8);
    v.setInt32(this.pos + 4, Math.floor(value / TWO_32));
    v.setUint32(this.pos + 8, value >>> 0);
    this.pos += 12;
  }

  /** An int4 or a date (days since 2000-01-01); NULL_INT writes NULL. */
  int4(value: number): void {
    if (value === NULL_INT) {
      this.null();
      return;
    }
    this.room(8);
    this.view.setInt32(this.pos, 4);
    this.view.setInt32(this.pos + 4, value);
    this.pos += 8;
  }

  /** Bytes already encoded as a field's value (text in UTF-8, or a pre-encoded field). */
  bytes(source: Uint8Array, start = 0, end = source.length): void {
    const len = end - start;
    this.room(4 + len);
    const b = this.buf;
    this.view.setInt32(this.pos, len);
    let q = this.pos + 4;
    // Short values byte by byte: Buffer#copy costs more per call than a short loop.
    if (len <= 48) for (let p = start; p < end; p++) b[q++] = source[p]!;
    else b.set(source.subarray(start, end), q);
    this.pos += 4 + len;
  }

  /** Fields encoded earlier (see `fields`), copied as they are. */
  raw(encoded: Uint8Array): void {
    const len = encoded.length;
    this.room(len);
    const b = this.buf;
    let q = this.pos;
    if (len <= 16) for (let p = 0; p < len; p++) b[q++] = encoded[p]!;
    else b.set(encoded, q);
    this.pos += len;
  }

  /** The fields written so far, without the header: for `raw` (a writer used for no rows). */
  fields(): Uint8Array {
    return this.buf.subarray(19, this.pos);
  }

  /** A text column's field copied from its received buffer, NULL included. */
  textFrom(col: TextColumn, row: number): void {
    const len = col.len[row]!;
    if (len < 0) {
      this.null();
      return;
    }
    const off = col.off[row]!;
    this.bytes(col.buf, off, off + len);
  }

  /** A one-dimensional int8[] of the first `count` values (an empty array for none). */
  int8Array(values: readonly number[], count = values.length): void {
    this.arrayHeader(count, OID.int8, count * 12);
    for (let i = 0; i < count; i++) this.int8(values[i]!);
  }

  /** A one-dimensional text[] of the first `count` pre-encoded UTF-8 values. */
  textArray(values: readonly Uint8Array[], count = values.length): void {
    let size = 0;
    for (let i = 0; i < count; i++) size += 4 + values[i]!.length;
    this.arrayHeader(count, OID.text, size);
    for (let i = 0; i < count; i++) this.bytes(values[i]!);
  }

  private arrayHeader(count: number, oid: number, elementBytes: number): void {
    const header = count ? 20 : 12;
    this.room(4 + header);
    const v = this.view;
    v.setInt32(this.pos, header + elementBytes);
    v.setInt32(this.pos + 4, count ? 1 : 0); // dimensions
    v.setInt32(this.pos + 8, 0); // no NULL elements
    v.setInt32(this.pos + 12, oid);
    this.pos += 16;
    if (count) {
      v.setInt32(this.pos, count);
      v.setInt32(this.pos + 4, 1); // lower bound
      this.pos += 8;
    }
  }

  /** The stream so far with its trailer; the writer must not be used afterwards. */
  finish(): Buffer {
    this.room(2);
    this.buf[this.pos] = 0xff;
    this.buf[this.pos + 1] = 0xff;
    this.pos += 2;
    return this.buf.subarray(0, this.pos);
  }
}

/**
 * The overstay batch on PostgreSQL by binary COPY: one slice of the people's admissions,
 * departures and applications read out with `COPY … TO STDOUT (FORMAT binary)` (a range of the
 * person_id indexes; sorted by person in Node, see sortRowsBy), decided in Node over typed arrays
 * (overstay-slice.rules.ts), and the rows written back with one `COPY … FROM STDIN (FORMAT
 * binary)`. The server then only scans and inserts: on one slice of the 10M benchmark (476,190
 * admissions, alone) the three reads and the write took 0.75–1.07, 0.32–0.47, 0.05 and 0.71–0.83 s
 * of wall time, against 5.5–5.9 s for the set-based statement (overstay-batch.store.ts), whose
 * joins, sorts and windows cost about a microsecond a row each.
 *
 * PGlite keeps the statement: its node-postgres adapter has no COPY streams, and it runs in the
 * same process anyway.
 */
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyOut as copyOutBuffer } from '../db/copy-out.js';
import {
  BinaryCopyWriter,
  BufferPool,
  NULL_INT,
  readBinaryCopy,
  sortRowsBy,
  type Columns,
  type ColumnType,
} from '../db/binary-copy.js';
import type { BatchResult, BatchSource } from './overstay-batch.store.js';
import {
  ADMISSION_COLUMNS,
  APPLICATION_COLUMNS,
  APPLICATION_OUTCOMES,
  DEPARTURE_COLUMNS,
  columnsOf,
  decideSlice,
  emptyDecision,
  isoToPgDays,
  personFactsOf,
  type SliceDecision,
} from './overstay-slice.rules.js';
import { determineOverstays } from './overstay.rules.js';

/** A bigint bound written into a COPY statement (which takes no parameters). */
function bigintLiteral(value: string): string {
  if (!/^-?\d{1,19}$/.test(value)) throw new TypeError(`not a bigint: ${value}`);
  return `'${value}'::bigint`; // quoted: -9223372036854775808 unquoted is minus an out-of-range literal
}

/** The rows of a COPY, sorted by the column `personColumn` (see sortRowsBy), and their buffer. */
async function copyOut(
  client: pg.PoolClient,
  query: string,
  types: readonly ColumnType[],
  personColumn: number,
  pool: BufferPool,
): Promise<{ columns: Columns; buffer: Buffer }> {
  const kind = types.join();
  const buffer = await copyOutBuffer(client, query, pool.take(pool.hint(kind)));
  pool.note(kind, buffer.length);
  return { columns: sortRowsBy(readBinaryCopy(buffer, types), personColumn), buffer };
}

/** A CopyData message at most this long: the server refuses messages over 1 GB. */
const COPY_IN_PIECE = 1 << 20;

async function copyIn(client: pg.PoolClient, query: string, data: Buffer): Promise<void> {
  const stream = client.query(copyFrom(query));
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
    for (let at = 0; at < data.length; at += COPY_IN_PIECE) {
      stream.write(data.subarray(at, Math.min(at + COPY_IN_PIECE, data.length)));
    }
    stream.end();
  });
}

/** The stored columns, in the order the rows are written. */
const STORED_COLUMNS = `admission_id, person_id, outcome, rule, authorized_until, departed_on, days_over,
  fiscal_year, class_of_admission, country_of_citizenship, departure_record_pk, application_record_pks,
  data_error_rules, as_of`;
const STORED_WIDTH = 14;

export interface SliceCopyOptions {
  /** Inclusive person-id bounds of the slice (sliceRange). */
  from: string;
  to: string;
  sources: BatchSource[];
  /** The table the rows go into, holding none of them yet: the batch's staging table. */
  table: string;
  /** Buffers reused from slice to slice (one pool per batch); default a fresh one. */
  buffers?: BufferPool;
}

/**
 * Decides one slice of the people as of `asOf` and inserts the rows, in one REPEATABLE READ
 * transaction on `client` (so the three reads share a snapshot). Returns the people the pure
 * rules must decide, like determineOverstaysInSql.
 */
export async function determineSliceByCopy(
  client: pg.PoolClient,
  asOf: string,
  options: SliceCopyOptions,
): Promise<BatchResult> {
  const range = `person_id BETWEEN ${bigintLiteral(options.from)} AND ${bigintLiteral(options.to)}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(options.table)) throw new TypeError(`not a table name: ${options.table}`);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    // Plain reads of a range: no parallel workers (the slices already fill the cores) and no JIT.
    await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
    await client.query('SET LOCAL jit = off');
    const pool = options.buffers ?? new BufferPool();
    const admissions = await copyOut(
      client,
      `COPY (SELECT id, person_id, source_id, source_record_id, class_of_admission, admitted_on, admit_until,
          duration_of_status, country_of_citizenship
        FROM admissions WHERE ${range}) TO STDOUT (FORMAT binary)`,
      ADMISSION_COLUMNS,
      1,
      pool,
    );
    const departures = await copyOut(
      client,
      `COPY (SELECT person_id, source_id, source_record_id, source_record_pk, departed_on, self_reported
        FROM departures WHERE ${range}) TO STDOUT (FORMAT binary)`,
      DEPARTURE_COLUMNS,
      0,
      pool,
    );
    const outcomeCode = APPLICATION_OUTCOMES.map((o, i) => `WHEN '${o}' THEN ${i}`).join(' ');
    const applications = await copyOut(
      client,
      `COPY (SELECT person_id, source_id, source_record_id, source_record_pk, kind = 'adjustment_of_status',
          filed_on, decided_on, CASE outcome ${outcomeCode} END, approved_until, receipt_number
        FROM applications WHERE ${range}) TO STDOUT (FORMAT binary)`,
      APPLICATION_COLUMNS,
      0,
      pool,
    );
    const rows = writeDeterminations(
      admissions.columns,
      departures.columns,
      applications.columns,
      options.sources,
      asOf,
      pool.take(admissions.columns.rows * 200 + 1024),
    );
    for (const read of [admissions, departures, applications]) pool.give(read.buffer);
    await copyIn(client, `COPY ${options.table} (${STORED_COLUMNS}) FROM STDIN (FORMAT binary)`, rows.data);
    pool.give(rows.data);
    await client.query('COMMIT');
    return {
      determinations: rows.determinations,
      people: rows.people,
      hybridPersonIds: rows.hybridPersonIds.map(String),
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Decides the slice and encodes its rows for COPY FROM (pure). Returns the people left to the
 * caller: those whose records need the stored text (see personFactsOf).
 */
function writeDeterminations(
  admissions: Columns,
  departures: Columns,
  applications: Columns,
  sources: BatchSource[],
  asOf: string,
  into?: Buffer,
): { data: Buffer; determinations: number; people: number; hybridPersonIds: number[] } {
  const asOfDays = isoToPgDays(asOf);
  const facts = { asOf: asOfDays, sources, admissions, departures, applications };
  const { aId: ids, aPerson: persons, aCls: classes, aCountry: countries } = columnsOf(facts);
  const writer = new BinaryCopyWriter(into ?? admissions.rows * 200 + 1024);
  const encoded = new Map<string, Buffer>();
  const utf8 = (s: string) => {
    let b = encoded.get(s);
    if (!b) encoded.set(s, (b = Buffer.from(s, 'utf8')));
    return b;
  };
  // Fields that repeat from row to row are encoded once: outcome and rule as one block (a rule
  // has one outcome, except the blocking data-error rules), and the usual tail of no application,
  // no data error and the as-of date (written field by field, they were a third of the encoding).
  const pairs = new Map<string, { outcome: string; block: Buffer }>();
  const pairBlock = (outcome: string, rule: string) => {
    const known = pairs.get(rule);
    if (known?.outcome === outcome) return known.block;
    const w = new BinaryCopyWriter(128);
    w.bytes(utf8(outcome));
    w.bytes(utf8(rule));
    const block = Buffer.from(w.fields());
    if (!known) pairs.set(rule, { outcome, block });
    return block;
  };
  const emptyTail = (() => {
    const w = new BinaryCopyWriter(64);
    w.int8Array([]);
    w.textArray([]);
    w.int4(asOfDays);
    return Buffer.from(w.fields());
  })();
  const apps = [0];
  const errors: Buffer[] = [];
  const sink = (d: SliceDecision, applicationPks?: number[]) => {
    const i = d.admission;
    writer.row(STORED_WIDTH);
    writer.int8(ids.values[i]!);
    writer.int8(persons.values[i]!);
    writer.raw(pairBlock(d.outcome, d.rule));
    writer.int4(d.authorizedUntil);
    writer.int4(d.departedOn);
    writer.int4(d.daysOver);
    writer.int4(d.fiscalYear);
    writer.textFrom(classes, i);
    writer.textFrom(countries, i);
    writer.int8(d.departurePk);
    const hasApplication = applicationPks ? applicationPks.length > 0 : d.applicationPk === d.applicationPk;
    if (!hasApplication && d.errors.length === 0) {
      writer.raw(emptyTail);
      return;
    }
    if (applicationPks) writer.int8Array(applicationPks);
    else {
      apps[0] = d.applicationPk;
      writer.int8Array(apps, hasApplication ? 1 : 0);
    }
    // reused, not emptied: setting an array's length was measurable here
    for (let e = 0; e < d.errors.length; e++) errors[e] = utf8(d.errors[e]!);
    writer.textArray(errors, d.errors.length);
    writer.int4(asOfDays);
  };
  const outcome = decideSlice(facts, sink);
  // The people it leaves to the pure rules (~0.5%: mostly two applications in one stay) are
  // decided here too, from the same columns, unless a date or source needs the stored text.
  const leftToCaller: number[] = [];
  const decision = emptyDecision();
  const days = (iso: string | null) => (iso === null ? NULL_INT : isoToPgDays(iso));
  let determinations = outcome.determinations;
  for (const h of outcome.hybrid) {
    const personFacts = personFactsOf(facts, h);
    if (!personFacts) {
      leftToCaller.push(h.personId);
      continue;
    }
    for (const d of determineOverstays(personFacts, asOf)) {
      decision.admission = Number(d.admission.recordPk);
      decision.outcome = d.outcome;
      decision.rule = d.rule;
      decision.authorizedUntil = days(d.authorizedUntil);
      decision.departedOn = days(d.departedOn);
      decision.daysOver = d.daysOver ?? NULL_INT;
      decision.fiscalYear = d.expectedDepartureFiscalYear ?? NULL_INT;
      decision.departurePk = d.departure ? Number(d.departure.recordPk) : NaN;
      decision.errors = d.dataErrors.map((e) => e.rule);
      sink(
        decision,
        d.applications.map((a) => Number(a.recordPk)),
      );
      determinations++;
    }
  }
  return {
    data: writer.finish(),
    people: outcome.people,
    determinations,
    hybridPersonIds: leftToCaller,
  };
}

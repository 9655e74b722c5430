/**
 * Overstay report tables in the shape of the DHS Entry/Exit Overstay Report (8 U.S.C. 1376(b),
 * 8 U.S.C. 1365a(e)): for each fiscal year of expected departure (the end of the authorized stay),
 * a total row and rows by class of admission and by country of citizenship, with expected
 * departures, on-time departures, out-of-country and suspected in-country overstays, and rates.
 * Counts below the minimum cell size are suppressed, with complementary suppression so that no
 * suppressed count can be recovered by subtraction within a table. Pure: no I/O.
 */
import type { OverstayOutcome } from './overstay.rules.js';
import { compareText } from './stay.rules.js';

/**
 * One determination, as the report needs it. The caller supplies the country of citizenship: the
 * one recorded at that admission (as the DHS report counts I-94 admissions), not the person's.
 */
export interface ReportInputRow {
  outcome: OverstayOutcome;
  /** Fiscal year of the expected departure date (`expectedDepartureFiscalYear`). */
  fiscalYear: number | null;
  classOfAdmission: string;
  countryOfCitizenship: string | null;
}

/** A suppressed count: '<11' with the default minimum cell size. */
export type SuppressedCell = `<${number}`;
export type Cell = number | SuppressedCell;
export type ReportGroupBy = 'class_of_admission' | 'country_of_citizenship' | 'total';

export interface ReportRow {
  fiscalYear: number;
  groupBy: ReportGroupBy;
  /** Class of admission or country; 'ALL' on total rows; {@link UNKNOWN_COUNTRY} when none given. */
  key: string;
  expectedDepartures: Cell;
  onTimeDepartures: Cell;
  outOfCountryOverstays: Cell;
  suspectedInCountryOverstays: Cell;
  /** (out-of-country + suspected in-country) / expected, as a fraction; null when suppressed. */
  totalOverstayRate: number | null;
  suspectedInCountryRate: number | null;
  outOfCountryRate: number | null;
  /** True when any count or rate in the row is suppressed. */
  suppressed: boolean;
}

export interface OverstayReport {
  rows: ReportRow[];
  /** Duration-of-status admissions with no program end date: outside the rates. */
  notDeterminable: Cell;
  /** Rows flagged as data errors (or counted outcomes with no fiscal year): outside the rates. */
  dataErrors: Cell;
  suppressionRule: string;
}

export interface ReportOptions {
  /** Smallest count shown; smaller counts are suppressed. Default 11. */
  minCell?: number;
}

export interface ReportAccumulator {
  /** Counts `row` once, or `count` times for rows already grouped (e.g. by SQL). */
  add(row: ReportInputRow, count?: number): void;
  finish(): OverstayReport;
}

export const TOTAL_KEY = 'ALL';
export const UNKNOWN_COUNTRY = 'UNKNOWN';

/** Counts in the order expected, on time, out of country, suspected in country. */
type Counts = [number, number, number, number];

const MEASURE: Record<OverstayOutcome, 1 | 2 | 3 | 'nd' | 'err' | null> = {
  not_yet_due: null,
  departed_on_time: 1,
  out_of_country_overstay: 2,
  suspected_in_country_overstay: 3,
  not_determinable: 'nd',
  data_error: 'err',
};

interface YearCounts {
  total: Counts;
  class_of_admission: Map<string, Counts>;
  country_of_citizenship: Map<string, Counts>;
}

function bump(map: Map<string, Counts>, key: string, measure: 1 | 2 | 3, n: number): void {
  let counts = map.get(key);
  if (!counts) map.set(key, (counts = [0, 0, 0, 0]));
  counts[0] += n;
  counts[measure] += n;
}

/**
 * Count rows one at a time, holding only the counts per fiscal year, class and country, so a
 * caller can stream millions of determinations. Rows that are not yet due are not counted: their
 * expected departure has not come. An outcome the report does not know counts as a data error.
 *
 * @throws {RangeError} when `minCell` is not a whole number of at least 1.
 */
export function createReportAccumulator(opts: ReportOptions = {}): ReportAccumulator {
  const minCell = opts.minCell ?? 11;
  if (!Number.isInteger(minCell) || minCell < 1) {
    throw new RangeError(`minCell must be a whole number of at least 1, got ${minCell}`);
  }
  const years = new Map<number, YearCounts>();
  let notDeterminable = 0;
  let dataErrors = 0;
  return {
    add(row, count = 1) {
      const measure = MEASURE[row.outcome] as (typeof MEASURE)[OverstayOutcome] | undefined;
      if (measure === null) return;
      if (measure === 'nd') notDeterminable += count;
      else if (measure === undefined || measure === 'err' || !Number.isInteger(row.fiscalYear)) {
        dataErrors += count;
      } else {
        const fy = row.fiscalYear as number;
        let year = years.get(fy);
        if (!year) {
          year = { total: [0, 0, 0, 0], class_of_admission: new Map(), country_of_citizenship: new Map() };
          years.set(fy, year);
        }
        year.total[0] += count;
        year.total[measure] += count;
        bump(year.class_of_admission, row.classOfAdmission, measure, count);
        bump(year.country_of_citizenship, row.countryOfCitizenship ?? UNKNOWN_COUNTRY, measure, count);
      }
    },
    finish: () => finishReport(years, notDeterminable, dataErrors, minCell),
  };
}

/** Build the report from rows held in memory; see {@link createReportAccumulator} to stream. */
export function buildOverstayReport(
  rows: Iterable<ReportInputRow>,
  opts: ReportOptions = {},
): OverstayReport {
  const acc = createReportAccumulator(opts);
  for (const row of rows) acc.add(row);
  return acc.finish();
}

export function suppressionRuleText(minCell: number): string {
  return (
    `Counts from 0 to ${minCell - 1} are shown as "<${minCell}". A rate is shown only when its numerator ` +
    'and denominator are both shown; otherwise it is null and the row is marked suppressed. ' +
    'Complementary suppression: within each fiscal year, a row (expected = on time + out-of-country + ' +
    'suspected in-country) and a column of a table (the total row and the rows by class of admission, ' +
    'or the total row and the rows by country) never hold exactly one suppressed count; when one does, ' +
    'the smallest shown count among its breakdown cells (the total cell only if no other is shown) is ' +
    'suppressed too, repeated until no row or column has exactly one. Not-determinable and data-error ' +
    'counts are suppressed on their own.'
  );
}

interface WorkRow {
  fiscalYear: number;
  groupBy: ReportGroupBy;
  key: string;
  counts: Counts;
  hidden: [boolean, boolean, boolean, boolean];
}

/** Cells that sum: `total` = sum of `parts`; both are [row, column] positions. */
interface Relation {
  total: [WorkRow, number];
  parts: [WorkRow, number][];
}

function finishReport(
  years: Map<number, YearCounts>,
  notDeterminable: number,
  dataErrors: number,
  minCell: number,
): OverstayReport {
  const work: WorkRow[] = [];
  const relations: Relation[] = [];
  const make = (fiscalYear: number, groupBy: ReportGroupBy, key: string, counts: Counts): WorkRow => {
    const hidden = counts.map((c) => c < minCell) as WorkRow['hidden'];
    const row: WorkRow = { fiscalYear, groupBy, key, counts, hidden };
    work.push(row);
    relations.push({ total: [row, 0], parts: [1, 2, 3].map((i): [WorkRow, number] => [row, i]) });
    return row;
  };
  for (const fy of [...years.keys()].sort((a, b) => a - b)) {
    const year = years.get(fy)!;
    const total = make(fy, 'total', TOTAL_KEY, year.total);
    for (const groupBy of ['class_of_admission', 'country_of_citizenship'] as const) {
      const keys = [...year[groupBy].keys()].sort(compareText);
      const groups = keys.map((k) => make(fy, groupBy, k, year[groupBy].get(k)!));
      for (let col = 0; col < 4; col++) {
        relations.push({ total: [total, col], parts: groups.map((g): [WorkRow, number] => [g, col]) });
      }
    }
  }
  suppressComplements(relations);
  const hide = (n: number): Cell => (n < minCell ? `<${minCell}` : n);
  return {
    rows: work.map((r) => present(r, minCell)),
    notDeterminable: hide(notDeterminable),
    dataErrors: hide(dataErrors),
    suppressionRule: suppressionRuleText(minCell),
  };
}

/** Until no relation has exactly one hidden cell, hide the smallest shown part of each that does. */
function suppressComplements(relations: Relation[]): void {
  const isHidden = ([row, col]: [WorkRow, number]): boolean => row.hidden[col] === true;
  const value = ([row, col]: [WorkRow, number]): number => row.counts[col] ?? 0;
  let changed = true;
  while (changed) {
    changed = false;
    for (const rel of relations) {
      const cells = [rel.total, ...rel.parts];
      if (cells.filter(isHidden).length !== 1) continue;
      const shown = rel.parts.filter((c) => !isHidden(c));
      const pool = shown.length > 0 ? shown : [rel.total];
      // Smallest first; the first in table order on a tie, so the result is deterministic.
      const pick = pool.reduce((best, c) => (value(c) < value(best) ? c : best));
      pick[0].hidden[pick[1]] = true;
      changed = true;
    }
  }
}

function present(r: WorkRow, minCell: number): ReportRow {
  const [expected, onTime, outOfCountry, inCountry] = r.counts;
  const [hExpected, hOnTime, hOut, hIn] = r.hidden;
  const cell = (n: number, hidden: boolean): Cell => (hidden ? `<${minCell}` : n);
  const rate = (numerator: number, hidden: boolean): number | null =>
    hidden || hExpected || expected === 0 ? null : numerator / expected;
  return {
    fiscalYear: r.fiscalYear,
    groupBy: r.groupBy,
    key: r.key,
    expectedDepartures: cell(expected, hExpected),
    onTimeDepartures: cell(onTime, hOnTime),
    outOfCountryOverstays: cell(outOfCountry, hOut),
    suspectedInCountryOverstays: cell(inCountry, hIn),
    totalOverstayRate: rate(outOfCountry + inCountry, hOut || hIn),
    suspectedInCountryRate: rate(inCountry, hIn),
    outOfCountryRate: rate(outOfCountry, hOut),
    suppressed: r.hidden.some(Boolean),
  };
}

const CSV_COLUMNS: [string, (r: ReportRow) => string | number | boolean | null][] = [
  ['fiscal_year', (r) => r.fiscalYear],
  ['group_by', (r) => r.groupBy],
  ['key', (r) => r.key],
  ['expected_departures', (r) => r.expectedDepartures],
  ['on_time_departures', (r) => r.onTimeDepartures],
  ['out_of_country_overstays', (r) => r.outOfCountryOverstays],
  ['suspected_in_country_overstays', (r) => r.suspectedInCountryOverstays],
  ['total_overstay_rate', (r) => r.totalOverstayRate],
  ['suspected_in_country_rate', (r) => r.suspectedInCountryRate],
  ['out_of_country_rate', (r) => r.outOfCountryRate],
  ['suppressed', (r) => r.suppressed],
];

/**
 * RFC 4180 quoting. Text starting with =, +, -, @, tab or carriage return is prefixed with an
 * apostrophe so a spreadsheet does not run a country or class name as a formula (OWASP CSV
 * injection); suppressed cells stay as the text "<11".
 */
function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The report's rows as CSV: a header line, then one line per row, each ending in '\n'. */
export function reportToCsv(report: OverstayReport): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const row of report.rows) lines.push(CSV_COLUMNS.map(([, get]) => csvField(get(row))).join(','));
  return `${lines.join('\n')}\n`;
}

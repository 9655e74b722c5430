import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { OverstayOutcome } from './overstay.rules.js';
import {
  TOTAL_KEY,
  UNKNOWN_COUNTRY,
  buildOverstayReport,
  createReportAccumulator,
  reportToCsv,
  type OverstayReport,
  type ReportInputRow,
  type ReportRow,
} from './overstay-report.rules.js';

// Factory: `n` rows with one outcome, FY2024 B2 visitors from country 'AAA' unless overridden.
function rows(n: number, outcome: OverstayOutcome, more: Partial<ReportInputRow> = {}): ReportInputRow[] {
  const row: ReportInputRow = {
    outcome,
    fiscalYear: 2024,
    classOfAdmission: 'B2',
    countryOfCitizenship: 'AAA',
    ...more,
  };
  return Array.from({ length: n }, () => ({ ...row }));
}

/** On-time, out-of-country and suspected in-country rows in one fiscal year and group. */
function mix(onTime: number, outOfCountry: number, inCountry: number, more: Partial<ReportInputRow> = {}) {
  return [
    ...rows(onTime, 'departed_on_time', more),
    ...rows(outOfCountry, 'out_of_country_overstay', more),
    ...rows(inCountry, 'suspected_in_country_overstay', more),
  ];
}

function find(report: OverstayReport, groupBy: ReportRow['groupBy'], key: string, fy = 2024): ReportRow {
  const row = report.rows.find((r) => r.fiscalYear === fy && r.groupBy === groupBy && r.key === key);
  if (!row) throw new Error(`no ${groupBy} row ${key} for FY${fy}`);
  return row;
}

const CELLS = [
  'expectedDepartures',
  'onTimeDepartures',
  'outOfCountryOverstays',
  'suspectedInCountryOverstays',
] as const;
const hidden = (r: ReportRow, c: (typeof CELLS)[number]): boolean => typeof r[c] === 'string';

/** Every sum in the report (a row's breakdown, a table's column) with exactly one hidden cell. */
function recoverableCells(report: OverstayReport): string[] {
  const found: string[] = [];
  for (const r of report.rows) {
    if (CELLS.filter((c) => hidden(r, c)).length === 1) found.push(`row ${r.groupBy}/${r.key}`);
  }
  const years = new Set(report.rows.map((r) => r.fiscalYear));
  for (const fy of years) {
    for (const groupBy of ['class_of_admission', 'country_of_citizenship'] as const) {
      const table = report.rows.filter(
        (r) => r.fiscalYear === fy && (r.groupBy === groupBy || r.groupBy === 'total'),
      );
      for (const c of CELLS) {
        if (table.filter((r) => hidden(r, c)).length === 1) found.push(`column ${fy}/${groupBy}/${c}`);
      }
    }
  }
  return found;
}

describe('buildOverstayReport: counts and rates', () => {
  const input = [
    ...mix(100, 20, 30),
    ...rows(40, 'not_yet_due'),
    ...rows(12, 'not_determinable', { fiscalYear: null }),
    ...rows(13, 'data_error', { fiscalYear: null }),
  ];
  const report = buildOverstayReport(input);

  it('counts expected departures as on time + out-of-country + suspected in-country, leaving out not-yet-due', () => {
    expect(find(report, 'total', TOTAL_KEY)).toMatchObject({
      expectedDepartures: 150,
      onTimeDepartures: 100,
      outOfCountryOverstays: 20,
      suspectedInCountryOverstays: 30,
      suppressed: false,
    });
  });

  it('computes the total, suspected in-country and out-of-country rates over expected departures', () => {
    const total = find(report, 'total', TOTAL_KEY);
    expect(total.totalOverstayRate).toBeCloseTo(50 / 150);
    expect(total.suspectedInCountryRate).toBeCloseTo(30 / 150);
    expect(total.outOfCountryRate).toBeCloseTo(20 / 150);
  });

  it('shows not-determinable and data-error rows separately, outside the rates', () => {
    expect(report).toMatchObject({ notDeterminable: 12, dataErrors: 13 });
  });

  it('gives a total row, a row per class of admission and a row per country of citizenship', () => {
    expect(report.rows.map((r) => [r.groupBy, r.key, r.expectedDepartures])).toEqual([
      ['total', TOTAL_KEY, 150],
      ['class_of_admission', 'B2', 150],
      ['country_of_citizenship', 'AAA', 150],
    ]);
  });

  it('counts by the fiscal year of the expected departure, one table per year, in year order', () => {
    const r = buildOverstayReport([
      ...rows(15, 'departed_on_time', { fiscalYear: 2025 }),
      ...rows(12, 'departed_on_time'),
    ]);
    expect(
      r.rows.filter((x) => x.groupBy === 'total').map((x) => [x.fiscalYear, x.expectedDepartures]),
    ).toEqual([
      [2024, 12],
      [2025, 15],
    ]);
  });

  it('groups rows with no country of citizenship under UNKNOWN', () => {
    const r = buildOverstayReport(rows(20, 'departed_on_time', { countryOfCitizenship: null }));
    expect(find(r, 'country_of_citizenship', UNKNOWN_COUNTRY).expectedDepartures).toBe(20);
  });

  it('counts a decided outcome with no fiscal year as a data error, not an expected departure', () => {
    const r = buildOverstayReport([
      ...rows(11, 'suspected_in_country_overstay', { fiscalYear: null }),
      ...rows(11, 'departed_on_time'),
    ]);
    expect(r.dataErrors).toBe(11);
    expect(find(r, 'total', TOTAL_KEY).expectedDepartures).toBe(11);
  });

  it('does not count not-yet-due rows anywhere', () => {
    expect(buildOverstayReport(rows(50, 'not_yet_due'))).toMatchObject({
      rows: [],
      notDeterminable: '<11',
      dataErrors: '<11',
    });
  });
});

describe('buildOverstayReport: small-cell suppression', () => {
  it('shows counts below 11 as "<11" (zero included) and nulls the rates that use them', () => {
    const r = buildOverstayReport(mix(30, 10, 11));
    const total = find(r, 'total', TOTAL_KEY);
    expect(total).toMatchObject({ expectedDepartures: 51, outOfCountryOverstays: '<11', suppressed: true });
    expect(total.outOfCountryRate).toBeNull();
    expect(total.totalOverstayRate).toBeNull();
  });

  it('shows a count of exactly 11 as is', () => {
    const r = buildOverstayReport(rows(11, 'departed_on_time'));
    expect(find(r, 'total', TOTAL_KEY).onTimeDepartures).toBe(11);
  });

  it('suppresses the next smallest cell of a row when exactly one is suppressed, so it cannot be subtracted out', () => {
    const r = buildOverstayReport(mix(50, 5, 20));
    const total = find(r, 'total', TOTAL_KEY);
    expect(total).toMatchObject({
      expectedDepartures: 75,
      onTimeDepartures: 50,
      outOfCountryOverstays: '<11',
      suspectedInCountryOverstays: '<11',
      totalOverstayRate: null,
      suspectedInCountryRate: null,
      outOfCountryRate: null,
    });
  });

  it('suppresses a second class in a column when only one class is suppressed, so the total cannot reveal it', () => {
    const r = buildOverstayReport([
      ...rows(40, 'departed_on_time', { classOfAdmission: 'B1' }),
      ...rows(30, 'departed_on_time', { classOfAdmission: 'B2' }),
      ...rows(5, 'departed_on_time', { classOfAdmission: 'H2B' }),
    ]);
    expect(find(r, 'class_of_admission', 'H2B').onTimeDepartures).toBe('<11');
    expect(find(r, 'class_of_admission', 'B2').onTimeDepartures).toBe('<11');
    expect(find(r, 'class_of_admission', 'B1').onTimeDepartures).toBe(40);
    expect(find(r, 'total', TOTAL_KEY).onTimeDepartures).toBe(75);
    expect(recoverableCells(r)).toEqual([]);
  });

  it('does not suppress anything when every count is at least 11', () => {
    const r = buildOverstayReport(mix(11, 11, 11));
    expect(r.rows.some((x) => x.suppressed)).toBe(false);
  });

  it('suppresses small not-determinable and data-error counts', () => {
    const r = buildOverstayReport([...rows(3, 'not_determinable'), ...rows(10, 'data_error')]);
    expect(r).toMatchObject({ notDeterminable: '<11', dataErrors: '<11' });
  });

  it('uses the minimum cell size given, and documents the rule', () => {
    const r = buildOverstayReport(rows(5, 'departed_on_time'), { minCell: 5 });
    expect(find(r, 'total', TOTAL_KEY).expectedDepartures).toBe(5);
    expect(buildOverstayReport(rows(4, 'departed_on_time'), { minCell: 5 }).rows[0]?.expectedDepartures).toBe(
      '<5',
    );
    expect(r.suppressionRule).toContain('"<5"');
    expect(r.suppressionRule).toContain('Complementary suppression');
  });

  it('counts a grouped row as many times as its count, the same as adding it one by one', () => {
    const input = [...mix(20, 12, 15), ...rows(3, 'not_determinable'), ...rows(2, 'data_error')];
    const one = createReportAccumulator();
    const grouped = createReportAccumulator();
    const groups = new Map<string, { row: ReportInputRow; n: number }>();
    for (const row of input) {
      one.add(row);
      const key = JSON.stringify(row);
      const g = groups.get(key) ?? { row, n: 0 };
      g.n += 1;
      groups.set(key, g);
    }
    for (const g of groups.values()) grouped.add(g.row, g.n);
    expect(groups.size).toBeLessThan(input.length);
    expect(grouped.finish()).toEqual(one.finish());
  });

  it('rejects a minimum cell size that is not a whole number of at least 1', () => {
    expect(() => createReportAccumulator({ minCell: 0 })).toThrow(RangeError);
    expect(() => createReportAccumulator({ minCell: 2.5 })).toThrow(RangeError);
  });

  it('never leaves exactly one suppressed cell in any row or column, and shows every other count exactly', () => {
    const outcome = fc.constantFrom<OverstayOutcome>(
      'departed_on_time',
      'out_of_country_overstay',
      'suspected_in_country_overstay',
    );
    const group = fc.record({
      outcome,
      fiscalYear: fc.constantFrom(2023, 2024),
      classOfAdmission: fc.constantFrom('B1', 'B2', 'F1', 'H2B'),
      countryOfCitizenship: fc.constantFrom('AAA', 'BBB', 'CCC', null),
      n: fc.integer({ min: 1, max: 30 }),
    });
    fc.assert(
      fc.property(fc.array(group, { maxLength: 20 }), (groups) => {
        const input = groups.flatMap(({ n, ...row }) => rows(n, row.outcome, row));
        const report = buildOverstayReport(input);
        expect(recoverableCells(report)).toEqual([]);
        for (const r of report.rows) {
          const mine = input.filter(
            (x) =>
              x.fiscalYear === r.fiscalYear &&
              (r.groupBy === 'total' ||
                (r.groupBy === 'class_of_admission'
                  ? x.classOfAdmission
                  : (x.countryOfCitizenship ?? UNKNOWN_COUNTRY)) === r.key),
          );
          const count = (o: OverstayOutcome): number => mine.filter((x) => x.outcome === o).length;
          if (!hidden(r, 'expectedDepartures')) expect(r.expectedDepartures).toBe(mine.length);
          if (!hidden(r, 'outOfCountryOverstays')) {
            expect(r.outOfCountryOverstays).toBe(count('out_of_country_overstay'));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('report accumulator and CSV', () => {
  const input = [
    ...rows(30, 'departed_on_time', { classOfAdmission: 'B1', countryOfCitizenship: 'BBB' }),
    ...rows(12, 'suspected_in_country_overstay', { classOfAdmission: 'B1', countryOfCitizenship: 'AAA' }),
    ...rows(4, 'out_of_country_overstay', { classOfAdmission: 'F1', countryOfCitizenship: 'AAA' }),
  ];

  it('streams rows one at a time to the same report as building from a list, whatever their order', () => {
    const acc = createReportAccumulator();
    for (const row of [...input].reverse()) acc.add(row);
    expect(acc.finish()).toEqual(buildOverstayReport(input));
  });

  it('writes a header and one line per row, keeping "<11" as text and leaving suppressed rates empty', () => {
    const csv = reportToCsv(buildOverstayReport(rows(25, 'departed_on_time')));
    expect(csv.split('\n')).toEqual([
      'fiscal_year,group_by,key,expected_departures,on_time_departures,out_of_country_overstays,' +
        'suspected_in_country_overstays,total_overstay_rate,suspected_in_country_rate,out_of_country_rate,suppressed',
      '2024,total,ALL,25,25,<11,<11,,,,true',
      '2024,class_of_admission,B2,25,25,<11,<11,,,,true',
      '2024,country_of_citizenship,AAA,25,25,<11,<11,,,,true',
      '',
    ]);
  });

  it('writes rates as fractions when nothing in them is suppressed', () => {
    const r = buildOverstayReport(mix(20, 20, 20));
    expect(reportToCsv(r).split('\n')[1]).toBe(
      `2024,total,ALL,60,20,20,20,${40 / 60},${20 / 60},${20 / 60},false`,
    );
  });

  it('quotes keys holding commas or quotes and defuses keys that a spreadsheet would run as a formula', () => {
    const r = buildOverstayReport([
      ...rows(11, 'departed_on_time', { countryOfCitizenship: 'Korea, "South"' }),
      ...rows(11, 'departed_on_time', { countryOfCitizenship: '=HYPERLINK("x")' }),
    ]);
    const csv = reportToCsv(r);
    expect(csv).toContain(',"Korea, ""South""",');
    expect(csv).toContain(`,"'=HYPERLINK(""x"")",`);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryCopyWriter, NULL_INT, PG_EPOCH_DAYS, readBinaryCopy } from '../db/binary-copy.js';
import { determineOverstays } from './overstay.rules.js';
import {
  ADMISSION_COLUMNS,
  APPLICATION_COLUMNS,
  APPLICATION_OUTCOMES,
  DEPARTURE_COLUMNS,
  decideSlice,
  fiscalYearOfDays,
  isoToPgDays,
  pgDays,
  type SliceSource,
} from './overstay-slice.rules.js';
import { fiscalYearOf } from './fiscal-year.js';
import { analyseStays } from './stay.rules.js';
import type { AdmissionFact, ApplicationFact, DepartureFact, PersonFacts } from './timeline.rules.js';

/**
 * The columnar decision step against the pure rules, person by person: generated people go
 * through binary COPY encoding and parsing (as they would from PostgreSQL) and decideSlice, and
 * every admission it decides must equal determineOverstays' determination in every stored column.
 */

const SOURCES: SliceSource[] = [
  { id: 1, rank: 2, odd: false }, // I94
  { id: 2, rank: 1, odd: false }, // APIS
  { id: 3, rank: 3, odd: false }, // CLAIMS
];
const CODE: Record<number, string> = { 1: 'I94', 2: 'APIS', 3: 'CLAIMS' };

const toIso = (days: number) => new Date((days + PG_EPOCH_DAYS) * 86_400_000).toISOString().slice(0, 10);
const AS_OF = '2025-06-30';

interface Person {
  admissions: { source: number; on: number; until: number | null; ds: boolean }[];
  departures: { source: number; on: number; self: boolean }[];
  applications: {
    adjustment: boolean;
    filed: number;
    decided: number | null;
    outcome: number;
    approved: number | null;
  }[];
}

// Dates around the as-of date, close together so stays, departures and applications interleave.
const base = isoToPgDays('2024-01-01');
const day = fc.integer({ min: base - 60, max: base + 700 });
const person: fc.Arbitrary<Person> = fc.record({
  admissions: fc.array(
    fc.record({
      source: fc.constantFrom(1, 2),
      on: day,
      until: fc.option(fc.integer({ min: -30, max: 400 }), { nil: null }),
      ds: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  departures: fc.array(fc.record({ source: fc.constantFrom(1, 2), on: day, self: fc.boolean() }), {
    maxLength: 3,
  }),
  applications: fc.array(
    fc.record({
      adjustment: fc.boolean(),
      filed: day,
      decided: fc.option(fc.integer({ min: -20, max: 300 }), { nil: null }),
      outcome: fc.integer({ min: 0, max: 3 }),
      approved: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
    }),
    { maxLength: 2 },
  ),
});

interface Stored {
  outcome: string;
  rule: string;
  authorizedUntil: string | null;
  departedOn: string | null;
  daysOver: number | null;
  fiscalYear: number | null;
  departurePk: string | null;
  applicationPks: string[];
  errors: string[];
}

/** Encodes the people as the three COPY streams would, decides them, and returns both sides. */
function compare(people: Person[]) {
  const asOf = isoToPgDays(AS_OF);
  const adm = new BinaryCopyWriter(256);
  const dep = new BinaryCopyWriter(256);
  const app = new BinaryCopyWriter(256);
  const facts: PersonFacts[] = [];
  let pk = 1000;
  const rid = (n: number) => Buffer.from(`r${n}`);
  people.forEach((p, index) => {
    const personId = index + 1;
    const f: PersonFacts = { admissions: [], departures: [], applications: [] };
    facts.push(f);
    for (const a of p.admissions) {
      const id = ++pk;
      const until = a.until === null ? NULL_INT : a.on + a.until;
      adm.row(ADMISSION_COLUMNS.length);
      adm.int8(id);
      adm.int8(personId);
      adm.int4(a.source);
      adm.bytes(rid(id));
      adm.bytes(Buffer.from('B2'));
      adm.int4(a.on);
      adm.int4(until);
      adm.bytes(Buffer.from([a.ds ? 1 : 0]));
      adm.null();
      const fact: AdmissionFact = {
        ref: { sourceCode: CODE[a.source]!, sourceRecordId: `r${id}`, recordPk: String(id) },
        admissionNumber: null,
        classOfAdmission: 'B2',
        portOfEntry: null,
        admittedOn: toIso(a.on),
        admitUntil: until === NULL_INT ? null : toIso(until),
        durationOfStatus: a.ds,
      };
      f.admissions.push(fact);
    }
    for (const d of p.departures) {
      const id = ++pk;
      dep.row(DEPARTURE_COLUMNS.length);
      dep.int8(personId);
      dep.int4(d.source);
      dep.bytes(rid(id));
      dep.int8(id);
      dep.int4(d.on);
      dep.bytes(Buffer.from([d.self ? 1 : 0]));
      const fact: DepartureFact = {
        ref: { sourceCode: CODE[d.source]!, sourceRecordId: `r${id}`, recordPk: String(id) },
        departedOn: toIso(d.on),
        portOfDeparture: null,
        carrier: null,
        manifestRef: null,
        selfReported: d.self,
      };
      f.departures.push(fact);
    }
    for (const a of p.applications) {
      const id = ++pk;
      const decided = a.decided === null ? NULL_INT : a.filed + a.decided;
      const approved = a.approved === null ? NULL_INT : a.filed + a.approved;
      app.row(APPLICATION_COLUMNS.length);
      app.int8(personId);
      app.int4(3);
      app.bytes(rid(id));
      app.int8(id);
      app.bytes(Buffer.from([a.adjustment ? 1 : 0]));
      app.int4(a.filed);
      app.int4(decided);
      app.int4(a.outcome);
      app.int4(approved);
      app.bytes(Buffer.from(`EAC${id}`));
      const fact: ApplicationFact = {
        ref: { sourceCode: 'CLAIMS', sourceRecordId: `r${id}`, recordPk: String(id) },
        receiptNumber: `EAC${id}`,
        kind: a.adjustment ? 'adjustment_of_status' : 'extension',
        filedOn: toIso(a.filed),
        decidedOn: decided === NULL_INT ? null : toIso(decided),
        outcome: APPLICATION_OUTCOMES[a.outcome]!,
        requestedClass: null,
        approvedUntil: approved === NULL_INT ? null : toIso(approved),
      };
      f.applications.push(fact);
    }
  });
  const admissions = readBinaryCopy(adm.finish(), ADMISSION_COLUMNS);
  const ids = admissions.columns[0] as { values: Float64Array };
  const fast = new Map<string, Stored>();
  const date = (d: number) => (d === NULL_INT ? null : toIso(d));
  const result = decideSlice(
    {
      asOf,
      sources: SOURCES,
      admissions,
      departures: readBinaryCopy(dep.finish(), DEPARTURE_COLUMNS),
      applications: readBinaryCopy(app.finish(), APPLICATION_COLUMNS),
    },
    (d) => {
      fast.set(String(ids.values[d.admission]), {
        outcome: d.outcome,
        rule: d.rule,
        authorizedUntil: date(d.authorizedUntil),
        departedOn: date(d.departedOn),
        daysOver: d.daysOver === NULL_INT ? null : d.daysOver,
        fiscalYear: d.fiscalYear === NULL_INT ? null : d.fiscalYear,
        departurePk: Number.isNaN(d.departurePk) ? null : String(d.departurePk),
        applicationPks: Number.isNaN(d.applicationPk) ? [] : [String(d.applicationPk)],
        errors: [...d.errors],
      });
    },
  );
  const hybrid = new Set(result.hybrid.map((h) => h.personId - 1));
  const pure = new Map<string, Stored>();
  facts.forEach((f, index) => {
    if (hybrid.has(index)) return;
    for (const x of determineOverstays(f, AS_OF)) {
      pure.set(x.admission.recordPk, {
        outcome: x.outcome,
        rule: x.rule,
        authorizedUntil: x.authorizedUntil,
        departedOn: x.departedOn,
        daysOver: x.daysOver,
        fiscalYear: x.expectedDepartureFiscalYear,
        departurePk: x.departure?.recordPk ?? null,
        applicationPks: x.applications.map((a) => a.recordPk),
        errors: x.dataErrors.map((e) => e.rule),
      });
    }
  });
  // Hybrid people are exactly those with two or more applications placed in one stay here (the
  // generated dates and ids are never odd).
  const expectedHybrid = facts
    .map((f, index) => (analyseStays(f, AS_OF).stays.some((s) => s.applications.length >= 2) ? index : -1))
    .filter((i) => i >= 0);
  return { fast, pure, result, hybrid: [...hybrid].sort((a, b) => a - b), expectedHybrid, facts };
}

describe('decideSlice (columnar overstay decisions)', () => {
  it('decides every admission exactly as the pure rules do, leaving only stays with two applications', () => {
    fc.assert(
      fc.property(fc.array(person, { minLength: 1, maxLength: 8 }), (people) => {
        const { fast, pure, result, hybrid, expectedHybrid } = compare(people);
        expect(hybrid).toEqual(expectedHybrid);
        expect(result.people).toBe(people.length);
        expect(result.determinations).toBe(fast.size);
        expect(Object.fromEntries(fast)).toEqual(Object.fromEntries(pure));
      }),
      { numRuns: 2000 },
    );
  });

  it('computes fiscal years and day numbers like the string functions', () => {
    for (const iso of [
      '0001-01-01',
      '1999-09-30',
      '1999-10-01',
      '2000-01-01',
      '2024-02-29',
      '2025-10-01',
      '9999-12-31',
    ]) {
      const days = isoToPgDays(iso);
      expect(toIso(days)).toBe(iso === '0001-01-01' || iso === '9999-12-31' ? toIsoFar(days) : iso);
      expect(fiscalYearOfDays(days)).toBe(fiscalYearOf(iso));
    }
    expect(pgDays(2000, 1, 1)).toBe(0);
    expect(pgDays(1970, 1, 1)).toBe(-PG_EPOCH_DAYS);
  });

  it('refuses admissions that are not sorted by person', () => {
    const adm = new BinaryCopyWriter(256);
    for (const personId of [2, 1]) {
      adm.row(ADMISSION_COLUMNS.length);
      adm.int8(personId * 10);
      adm.int8(personId);
      adm.int4(1);
      adm.bytes(Buffer.from(`r${personId}`));
      adm.bytes(Buffer.from('B2'));
      adm.int4(base);
      adm.int4(base + 10);
      adm.bytes(Buffer.from([0]));
      adm.null();
    }
    const empty = (types: readonly (typeof DEPARTURE_COLUMNS)[number][]) =>
      readBinaryCopy(new BinaryCopyWriter(64).finish(), types);
    expect(() =>
      decideSlice(
        {
          asOf: isoToPgDays(AS_OF),
          sources: SOURCES,
          admissions: readBinaryCopy(adm.finish(), ADMISSION_COLUMNS),
          departures: empty(DEPARTURE_COLUMNS),
          applications: empty(APPLICATION_COLUMNS as never),
        },
        () => undefined,
      ),
    ).toThrow(/not sorted by person/);
  });
});

/** ISO text of far dates, which Date's toISOString writes with six-digit years. */
function toIsoFar(days: number): string {
  const d = new Date(0);
  d.setUTCFullYear(0, 0, 1);
  d.setTime(Date.UTC(2000, 0, 1) + days * 86_400_000);
  const y = String(d.getUTCFullYear()).padStart(4, '0');
  return `${y}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

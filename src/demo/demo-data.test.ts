import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMISSION_COLUMNS,
  APPLICATION_COLUMNS,
  DEPARTURE_COLUMNS,
  PERSON_COLUMNS,
  validateRow,
} from '../ingest/record.schema.js';
import {
  DEFAULT_DEMO_AS_OF,
  DEMO_FILE_NAMES,
  generateDemoData,
  writeDemoData,
  type DemoData,
  type DemoFile,
  type DemoSource,
  type DemoTruth,
} from './demo-data.js';

const PEOPLE = 2000;
const data = generateDemoData({ people: PEOPLE });

interface Rec {
  source: DemoSource;
  row: Record<string, string>;
  truth: DemoTruth;
}

function recordsOf(d: DemoData): Rec[] {
  const truth = new Map(d.truth.map((t) => [t.record, t]));
  return d.files.flatMap((f) =>
    f.rows.map((row) => ({ source: f.source, row, truth: truth.get(`${f.source}:${row.record_id}`)! })),
  );
}
const records = recordsOf(data);
const byPerson = new Map<string, Rec[]>();
for (const r of records) {
  const list = byPerson.get(r.truth.personKey) ?? [];
  list.push(r);
  byPerson.set(r.truth.personKey, list);
}
const file = (source: DemoSource): DemoFile => data.files.find((f) => f.source === source)!;

/** Everything a record says about who the person is (the A-number is left out: sources differ in carrying it). */
const IDENTITY_FIELDS = [
  'given_name',
  'middle_name',
  'family_name',
  'date_of_birth',
  'sex',
  'country_of_citizenship',
  'passport_number',
  'passport_country',
] as const;
const identityOf = (row: Record<string, string>): string =>
  IDENTITY_FIELDS.map((f) => row[f] ?? '').join('|');
const cleanRecords = (list: Rec[]): Rec[] => list.filter((r) => r.truth.variations.length === 0);

describe('generateDemoData', () => {
  it('every I94 row is a valid admission, every EXIT row a valid departure, every USCIS row a valid application', () => {
    const types = { I94: 'admission', EXIT: 'departure', USCIS: 'application' } as const;
    const failures: string[] = [];
    for (const f of data.files) {
      for (const row of f.rows) {
        const result = validateRow(row, types[f.source]);
        if (!result.ok) failures.push(`${row.record_id}: ${result.reasons.join('; ')}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(file('I94').rows.length).toBeGreaterThanOrEqual(PEOPLE);
    expect(file('EXIT').rows.length).toBeGreaterThan(PEOPLE / 2);
    expect(file('USCIS').rows.length).toBeGreaterThan(PEOPLE / 20);
  });

  it('each file has record_id, the person columns, then its own columns, and names its source', () => {
    expect(file('I94').columns).toEqual([...PERSON_COLUMNS, ...ADMISSION_COLUMNS]);
    expect(file('EXIT').columns).toEqual([...PERSON_COLUMNS, ...DEPARTURE_COLUMNS]);
    expect(file('USCIS').columns).toEqual([...PERSON_COLUMNS, ...APPLICATION_COLUMNS]);
    expect(file('I94').columns[0]).toBe('record_id');
    for (const f of data.files) {
      expect(f.fileName).toBe(DEMO_FILE_NAMES[f.source]);
      for (const row of f.rows) {
        expect(Object.keys(row).sort()).toEqual([...f.columns].sort());
        expect(row.source).toBe(f.source);
      }
    }
  });

  it('is deterministic: the same seed gives identical data, another seed different data', () => {
    const again = generateDemoData({ people: 300, seed: 7 });
    expect(generateDemoData({ people: 300, seed: 7 })).toEqual(again);
    const other = generateDemoData({ people: 300, seed: 8 });
    expect(other.files[0]!.rows).not.toEqual(again.files[0]!.rows);
    expect(generateDemoData({ people: 300 })).toEqual(
      generateDemoData({ people: 300, seed: 20261123, asOf: DEFAULT_DEMO_AS_OF }),
    );
  });

  it('record ids are unique within each source and numbered like I94-0000001', () => {
    for (const f of data.files) {
      const ids = f.rows.map((r) => r.record_id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(new RegExp(`^${f.source}-\\d{7}$`));
    }
    expect(file('I94').rows[0]!.record_id).toBe('I94-0000001');
  });

  it('the truth names every record exactly once and nothing else', () => {
    const expected = data.files.flatMap((f) => f.rows.map((r) => `${f.source}:${r.record_id}`));
    expect(data.truth.map((t) => t.record).sort()).toEqual(expected.sort());
    expect(new Set(data.truth.map((t) => t.personKey)).size).toBe(PEOPLE);
  });

  it('between 15% and 50% of records carry at least one variation, measured against the clean records of the same person', () => {
    let compared = 0;
    let differing = 0;
    for (const list of byPerson.values()) {
      const clean = cleanRecords(list);
      if (clean.length === 0) continue;
      const truthIdentity = identityOf(clean[0]!.row);
      for (const r of list) {
        compared++;
        if (identityOf(r.row) !== truthIdentity) differing++;
      }
    }
    const measured = differing / compared;
    const tagged = data.truth.filter((t) => t.variations.length > 0).length / data.truth.length;
    expect(measured).toBeGreaterThan(0.15);
    expect(measured).toBeLessThan(0.5);
    expect(tagged).toBeGreaterThan(0.15);
    expect(tagged).toBeLessThan(0.5);
    const kinds = new Set(data.truth.flatMap((t) => t.variations));
    expect(kinds.size).toBeGreaterThanOrEqual(14);
  });

  it('records without variations agree exactly on who the person is; records with variations differ', () => {
    for (const list of byPerson.values()) {
      const clean = cleanRecords(list);
      if (clean.length === 0) continue;
      const truthIdentity = identityOf(clean[0]!.row);
      for (const r of clean) expect(identityOf(r.row)).toBe(truthIdentity);
      for (const r of list) {
        if (r.truth.variations.length > 0) expect(identityOf(r.row), r.truth.record).not.toBe(truthIdentity);
      }
    }
  });

  it('variations are the kinds real sources produce: accents stripped, upper case, swapped names, year-only births', () => {
    const examples = (kind: string) => records.filter((r) => r.truth.variations.includes(kind as never));
    const clean = (r: Rec) => cleanRecords(byPerson.get(r.truth.personKey)!)[0]?.row;
    for (const r of examples('uppercase')) expect(r.row.family_name).toBe(r.row.family_name!.toUpperCase());
    for (const r of examples('dob_year_only')) expect(r.row.date_of_birth).toMatch(/^\d{4}-01-01$/);
    const stripped = examples('diacritics_stripped').filter(
      (r) => !r.truth.variations.includes('transliteration'),
    );
    expect(stripped.length).toBeGreaterThan(0);
    for (const r of stripped) expect(r.row.family_name! + r.row.given_name!).not.toMatch(/[\u00C0-\u017F]/);
    const swapped = examples('name_order_swapped').filter((r) => clean(r) && r.truth.variations.length === 1);
    expect(swapped.length).toBeGreaterThan(0);
    for (const r of swapped) {
      expect(r.row.given_name).toBe(clean(r)!.family_name);
      expect(r.row.family_name).toBe(clean(r)!.given_name);
    }
    expect(examples('second_surname_dropped').length).toBeGreaterThan(0);
    expect(examples('transliteration').length).toBeGreaterThan(0);
  });

  it('contains hard negatives: distinct people with the same family name and date of birth (twins)', () => {
    const seen = new Map<string, Set<string>>();
    for (const r of records) {
      if (r.truth.variations.length > 0) continue;
      const key = `${r.row.family_name}|${r.row.date_of_birth}`;
      const keys = seen.get(key) ?? new Set<string>();
      keys.add(r.truth.personKey);
      seen.set(key, keys);
    }
    const pairs = [...seen.values()].filter((keys) => keys.size > 1);
    expect(pairs.length).toBeGreaterThanOrEqual(5);
  });

  it('contains hard negatives: distinct people with the same full name and different dates of birth', () => {
    const seen = new Map<string, Map<string, string>>();
    for (const r of records) {
      if (r.truth.variations.length > 0) continue;
      const name = `${r.row.given_name}|${r.row.middle_name}|${r.row.family_name}`;
      const people = seen.get(name) ?? new Map<string, string>();
      people.set(r.truth.personKey, r.row.date_of_birth!);
      seen.set(name, people);
    }
    const shared = [...seen].filter(([, people]) => new Set(people.values()).size > 1);
    expect(shared.length).toBeGreaterThanOrEqual(10);
    const names = shared.map(([name]) => name);
    expect(names).toEqual(
      expect.arrayContaining(['María||García', 'Wei||Wang', 'Mohammed||Ali', 'Anh|Van|Nguyen']),
    );
  });

  it('every person has one to three admissions, about 15% a USCIS application, about 40% an A-number', () => {
    let withApplication = 0;
    let withANumber = 0;
    for (const list of byPerson.values()) {
      const admissions = list.filter((r) => r.source === 'I94').length;
      expect(admissions).toBeGreaterThanOrEqual(1);
      expect(admissions).toBeLessThanOrEqual(3);
      if (list.some((r) => r.source === 'USCIS')) withApplication++;
      if (list.some((r) => r.row.a_number !== '')) withANumber++;
    }
    expect(withApplication / PEOPLE).toBeGreaterThan(0.1);
    expect(withApplication / PEOPLE).toBeLessThan(0.22);
    expect(withANumber / PEOPLE).toBeGreaterThan(0.28);
    expect(withANumber / PEOPLE).toBeLessThan(0.52);
  });

  it('dates follow the timeline: births 1940–2010, admissions 2015 to asOf, nothing after asOf or before the first admission', () => {
    for (const list of byPerson.values()) {
      const first = list
        .filter((r) => r.source === 'I94')
        .map((r) => r.row.admitted_on!)
        .sort()[0]!;
      expect(first >= '2015-01-01' && first <= DEFAULT_DEMO_AS_OF).toBe(true);
      for (const r of list) {
        expect(r.row.date_of_birth! >= '1940-01-01' && r.row.date_of_birth! <= '2010-12-31').toBe(true);
        const when = r.row.admitted_on ?? r.row.departed_on ?? r.row.filed_on!;
        expect(when >= first && when <= DEFAULT_DEMO_AS_OF, r.truth.record).toBe(true);
        if (r.row.decided_on) {
          expect(r.row.decided_on >= r.row.filed_on! && r.row.decided_on <= DEFAULT_DEMO_AS_OF).toBe(true);
        }
      }
    }
  });

  it('admission periods match the class: F1/J1 mostly D/S, WT/WB 90 days, B1/B2 at most 6 months, H1B at most 3 years', () => {
    const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
    const students = file('I94').rows.filter(
      (r) => r.class_of_admission === 'F1' || r.class_of_admission === 'J1',
    );
    expect(students.filter((r) => r.admit_until === 'D/S').length / students.length).toBeGreaterThan(0.8);
    for (const r of file('I94').rows) {
      const cls = r.class_of_admission!;
      if (r.admit_until === 'D/S') {
        expect(['F1', 'J1']).toContain(cls);
        continue;
      }
      const length = days(r.admitted_on!, r.admit_until!);
      if (cls === 'WT' || cls === 'WB') expect(length).toBe(90);
      if (cls === 'B1' || cls === 'B2') expect(length).toBeLessThanOrEqual(184);
      if (cls === 'H1B') expect(length).toBeLessThanOrEqual(3 * 366 + 10);
      expect(length).toBeGreaterThan(0);
    }
    const classes = new Set(file('I94').rows.map((r) => r.class_of_admission));
    for (const cls of ['B1', 'B2', 'WT', 'WB', 'F1', 'J1', 'H1B', 'L1', 'O1', 'K1']) {
      expect(classes).toContain(cls);
    }
  });

  it('the stories vary: overstays, late departures, self-reported exits, late filings, every application outcome', () => {
    let overstays = 0;
    let late = 0;
    let lateFilings = 0;
    for (const list of byPerson.values()) {
      const admissions = list
        .filter((r) => r.source === 'I94')
        .map((r) => r.row)
        .sort((a, b) => (a.admitted_on! < b.admitted_on! ? -1 : 1));
      admissions.forEach((a, i) => {
        const next = admissions[i + 1]?.admitted_on ?? '9999';
        const exits = list.filter(
          (r) => r.source === 'EXIT' && r.row.departed_on! >= a.admitted_on! && r.row.departed_on! < next,
        );
        const filings = list.filter(
          (r) => r.source === 'USCIS' && r.row.filed_on! >= a.admitted_on! && r.row.filed_on! < next,
        );
        if (a.admit_until === 'D/S') return;
        if (exits.length === 0 && filings.length === 0 && a.admit_until! < DEFAULT_DEMO_AS_OF) overstays++;
        if (filings.length === 0 && exits.some((e) => e.row.departed_on! > a.admit_until!)) late++;
        if (filings.some((f) => f.row.filed_on! > a.admit_until!)) lateFilings++;
      });
    }
    expect(overstays).toBeGreaterThan(10);
    expect(late).toBeGreaterThan(10);
    expect(lateFilings).toBeGreaterThan(3);
    expect(file('EXIT').rows.some((r) => r.self_reported === 'true')).toBe(true);
    const uscis = file('USCIS').rows;
    for (const outcome of ['pending', 'approved', 'denied', 'withdrawn']) {
      expect(uscis.some((r) => r.outcome === outcome)).toBe(true);
    }
    for (const kind of ['extension', 'change_of_status', 'adjustment_of_status']) {
      expect(uscis.some((r) => r.application_kind === kind)).toBe(true);
    }
    expect(uscis.some((r) => r.outcome === 'approved' && r.approved_until !== '')).toBe(true);
    for (const r of uscis) {
      if (r.outcome === 'pending') expect(r.decided_on).toBe('');
      if (r.approved_until !== '') expect(r.outcome).toBe('approved');
    }
  });

  it('document numbers are visibly synthetic: passports X+8 digits, A-numbers 99…, receipts SYN…, I-94 numbers 999…', () => {
    for (const r of records) {
      if (r.row.a_number) expect(r.row.a_number.replace(/[A-]/g, '')).toMatch(/^99\d{7}$/);
      if (r.row.passport_number && !r.truth.variations.includes('passport_typo')) {
        expect(r.row.passport_number).toMatch(/^X\d{8}$/);
      }
    }
    for (const r of file('USCIS').rows) expect(r.receipt_number).toMatch(/^SYN\d{10}$/);
    for (const r of file('I94').rows) expect(r.admission_number).toMatch(/^999\d{8}$/);
  });

  it('people come from many origins, with countries as ISO alpha-3 codes', () => {
    const countries = new Set(records.map((r) => r.row.country_of_citizenship).filter((c) => c !== ''));
    expect(countries.size).toBeGreaterThanOrEqual(30);
    for (const c of countries) expect(c).toMatch(/^[A-Z]{3}$/);
    for (const c of ['MEX', 'IND', 'CHN', 'VNM', 'UKR', 'NGA', 'PHL', 'KOR', 'EGY', 'DEU']) {
      expect(countries).toContain(c);
    }
  });

  it('rejects options it cannot honour, and zero people gives empty files', () => {
    expect(() => generateDemoData({ people: -1 })).toThrow(RangeError);
    expect(() => generateDemoData({ people: 1.5 })).toThrow(RangeError);
    expect(() => generateDemoData({ people: 1, asOf: '2026-02-30' })).toThrow(RangeError);
    expect(() => generateDemoData({ people: 1, asOf: '2010-01-01' })).toThrow(RangeError);
    const empty = generateDemoData({ people: 0 });
    expect(empty.truth).toEqual([]);
    expect(empty.files.map((f) => f.rows.length)).toEqual([0, 0, 0]);
  });

  it('an early asOf still yields valid data with nothing after it', () => {
    const early = generateDemoData({ people: 200, asOf: '2016-06-30' });
    for (const r of recordsOf(early)) {
      const when = r.row.admitted_on ?? r.row.departed_on ?? r.row.filed_on!;
      expect(when <= '2016-06-30').toBe(true);
    }
  });
});

describe('writeDemoData', () => {
  let dirA: string;
  let dirB: string;
  beforeAll(async () => {
    dirA = await mkdtemp(path.join(os.tmpdir(), 'passage-demo-a-'));
    dirB = await mkdtemp(path.join(os.tmpdir(), 'passage-demo-b-'));
  });
  afterAll(async () => {
    await rm(dirA, { recursive: true, force: true });
    await rm(dirB, { recursive: true, force: true });
  });

  it('writes byte-identical CSVs for the same options, header first, truth kept apart in ground-truth/', async () => {
    const a = await writeDemoData(dirA, { people: 400, seed: 99 });
    const b = await writeDemoData(dirB, { people: 400, seed: 99 });
    expect(a.files.map((f) => path.basename(f.path))).toEqual([
      'i94_admissions.csv',
      'exit_departures.csv',
      'uscis_applications.csv',
    ]);
    expect((await readdir(dirA)).sort()).toEqual([
      'exit_departures.csv',
      'ground-truth',
      'i94_admissions.csv',
      'uscis_applications.csv',
    ]);
    expect(path.relative(dirA, a.truthPath)).toBe(path.join('ground-truth', 'truth.csv'));
    for (const [i, f] of a.files.entries()) {
      const bytes = await readFile(f.path);
      expect(bytes.equals(await readFile(b.files[i]!.path))).toBe(true);
      const rows = parse<Record<string, string>>(bytes, { columns: true, bom: false });
      expect(rows.length).toBe(f.rows);
      const expected = generateDemoData({ people: 400, seed: 99 }).files[i]!;
      expect(bytes.toString('utf8').split('\n')[0]).toBe(expected.columns.join(','));
      expect(rows).toEqual(expected.rows);
    }
    const truth = await readFile(a.truthPath, 'utf8');
    expect(truth).toBe(await readFile(b.truthPath, 'utf8'));
    const truthRows = parse<Record<string, string>>(truth, { columns: true });
    expect(Object.keys(truthRows[0]!)).toEqual(['record', 'person_key', 'variations']);
    expect(truthRows.length).toBe(a.files.reduce((n, f) => n + f.rows, 0));
  });
});

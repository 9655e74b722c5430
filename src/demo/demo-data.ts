import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import {
  ADMISSION_COLUMNS,
  APPLICATION_COLUMNS,
  DEPARTURE_COLUMNS,
  PERSON_COLUMNS,
} from '../ingest/record.schema.js';
import {
  COMMON_NAMES,
  ORIGIN_BY_ID,
  ORIGINS,
  PATRONYMIC_COUNT,
  US_CARRIERS,
  VIETNAMESE_MIDDLE_FEMALE,
  VIETNAMESE_MIDDLE_MALE,
  VISA_WAIVER_COUNTRIES,
  buildVariantMap,
  feminineSurname,
  patronymic,
  type NameSet,
  type Origin,
  type OriginId,
  type VariantMap,
} from './names.js';
import { Rng } from './rng.js';
import { applyRandomVariations, type PersonView, type VariationKind } from './variations.js';

/**
 * Synthetic demo data for Passage: three source files (I-94 admissions, exit departures, USCIS
 * applications) describing one invented population, plus the ground truth of which records
 * belong to the same person.
 *
 * Everything is invented. Names are random combinations of common names from per-origin tables
 * (see names.ts), and every document number carries a marker no real document has:
 * - passport numbers are "X" followed by 8 digits (X12345678);
 * - A-numbers are nine digits starting with 99 (990000000–999999999), far above any A-number
 *   USCIS has issued;
 * - I-94 admission numbers are 11 digits starting with 999;
 * - USCIS receipt numbers start with the non-existent service-centre code "SYN";
 * - manifest references are "<carrier><flight>-<yyyymmdd>" for invented flights.
 *
 * Records of one person disagree the way real sources do (typos, transliteration variants,
 * swapped name order, dropped second surname or middle name, stripped accents, upper case,
 * day/month-swapped or year-only birth dates, missing fields, renewed passports), and the
 * population contains hard negatives: twins, parents and children sharing a full name, and
 * very common names shared by unrelated people.
 *
 * Output is a pure function of the options: the same seed, people and asOf give byte-identical
 * files (a self-contained PRNG is used, not Math.random or a library's generator).
 */

export type DemoSource = 'I94' | 'EXIT' | 'USCIS';

export interface DemoOptions {
  /** How many distinct people to invent. */
  people: number;
  /** PRNG seed; default 20261123. */
  seed?: number;
  /** The "today" of the data set (YYYY-MM-DD): nothing happens after it. Default 2026-11-23. */
  asOf?: string;
}

export interface DemoFile {
  source: DemoSource;
  /** e.g. 'i94_admissions.csv' */
  fileName: string;
  columns: string[];
  rows: Record<string, string>[];
}

/** Ground truth for tests and benchmarks only; ingest must never read it. */
export interface DemoTruth {
  /** `${source}:${record_id}` */
  record: string;
  personKey: string;
  /** How this record's person fields deviate from the person's true identity (empty when clean). */
  variations: VariationKind[];
}

export interface DemoData {
  files: DemoFile[];
  truth: DemoTruth[];
}

export const DEFAULT_DEMO_SEED = 20261123;
export const DEFAULT_DEMO_AS_OF = '2026-11-23';
export const DEMO_FILE_NAMES: Record<DemoSource, string> = {
  I94: 'i94_admissions.csv',
  EXIT: 'exit_departures.csv',
  USCIS: 'uscis_applications.csv',
};
/** Where writeDemoData puts the ground truth, relative to the output directory. */
export const DEMO_TRUTH_FILE = path.join('ground-truth', 'truth.csv');

const COLUMNS: Record<DemoSource, readonly string[]> = {
  I94: [...PERSON_COLUMNS, ...ADMISSION_COLUMNS],
  EXIT: [...PERSON_COLUMNS, ...DEPARTURE_COLUMNS],
  USCIS: [...PERSON_COLUMNS, ...APPLICATION_COLUMNS],
};

// ---------------------------------------------------------------------------------------------
// Calendar (days since 1970-01-01, UTC)

const MS_PER_DAY = 86_400_000;
function dayOf(iso: string): number {
  return (
    Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / MS_PER_DAY
  );
}
const ISO_CACHE_BASE = -25_567; // 1900-01-01
const isoCache: (string | undefined)[] = [];
/** YYYY-MM-DD of a day number (cached: formatting dates is the generator's hottest path). */
function isoOf(day: number): string {
  const i = day - ISO_CACHE_BASE;
  const hit = isoCache[i];
  if (hit !== undefined) return hit;
  const iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  if (i >= 0 && i < 80_000) isoCache[i] = iso;
  return iso;
}
function addMonths(day: number, months: number): number {
  const d = new Date(day * MS_PER_DAY);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay)) / MS_PER_DAY;
}
const ageAt = (dob: number, day: number): number => Math.floor((day - dob) / 365.25);

const FIRST_ADMISSION = dayOf('2015-01-01');
const DOB_MIN = dayOf('1940-01-01');
const DOB_MAX = dayOf('2010-12-31');

// ---------------------------------------------------------------------------------------------
// Travel vocabulary

type AdmissionClass = 'B1' | 'B2' | 'WT' | 'WB' | 'F1' | 'J1' | 'H1B' | 'L1' | 'O1' | 'K1';
type Profile = 'visitor' | 'student' | 'exchange' | 'worker' | 'intracompany' | 'talent' | 'fiance';
type ApplicationKind = 'extension' | 'change_of_status' | 'adjustment_of_status';
type Outcome = 'pending' | 'approved' | 'denied' | 'withdrawn';

const PROFILE_WEIGHTS: readonly (readonly [Profile, number])[] = [
  ['visitor', 73],
  ['student', 9],
  ['exchange', 4],
  ['worker', 7],
  ['intracompany', 3.5],
  ['talent', 1],
  ['fiance', 2.5],
];
const PROFILE_WEIGHTS_SKILLED: readonly (readonly [Profile, number])[] = [
  ['visitor', 50],
  ['student', 20],
  ['exchange', 3],
  ['worker', 17],
  ['intracompany', 6],
  ['talent', 1.5],
  ['fiance', 2.5],
];

/** Chance per stay that the person files a USCIS application, by class held. */
const APPLICATION_RATE: Record<AdmissionClass, number> = {
  B1: 0.02,
  B2: 0.05,
  WT: 0.01,
  WB: 0.01,
  F1: 0.5,
  J1: 0.15,
  H1B: 0.55,
  L1: 0.4,
  O1: 0.4,
  K1: 0.9,
};

const AIR_PORTS: Record<string, readonly string[]> = {
  americas: ['MIA', 'IAH', 'LAX', 'DFW', 'ATL', 'JFK', 'ORD', 'FLL', 'MCO'],
  asia: ['LAX', 'SFO', 'SEA', 'JFK', 'ORD', 'HNL', 'IAH', 'DFW'],
  europe: ['JFK', 'EWR', 'BOS', 'IAD', 'ORD', 'ATL', 'MIA', 'SFO', 'PHL'],
  other: ['JFK', 'IAD', 'EWR', 'ORD', 'IAH', 'ATL', 'DFW', 'SFO', 'DTW'],
};
const REGION: Record<OriginId, keyof typeof AIR_PORTS> = {
  latam: 'americas',
  brazil: 'americas',
  arabic: 'other',
  chinese: 'asia',
  indian: 'other',
  vietnamese: 'asia',
  eastslavic: 'europe',
  nigerian: 'other',
  filipino: 'asia',
  korean: 'asia',
  japanese: 'asia',
  german: 'europe',
  french: 'europe',
  italian: 'europe',
  polish: 'europe',
  british_irish: 'europe',
  dutch: 'europe',
  swedish: 'europe',
};
const LAND_PORTS: Partial<Record<string, readonly string[]>> = {
  MEX: ['SYS', 'OTM', 'CAL', 'NOG', 'DOU', 'ELP', 'LRD', 'HID', 'BRO'],
  CAN: ['BLA', 'SUM', 'DRB', 'BUF', 'CHM', 'HIG'],
};
const LAND_SHARE: Partial<Record<string, number>> = { MEX: 0.5, CAN: 0.55 };
const VISITOR_CLASSES: ReadonlySet<AdmissionClass> = new Set(['B1', 'B2', 'WT', 'WB']);
/** Classes a family member travelling along (a twin, a parent or child) can share. */
const FAMILY_TRIP_CLASSES: ReadonlySet<AdmissionClass> = new Set(['B2', 'WT']);
const ORIGIN_WEIGHTS = ORIGINS.map((o) => [o, o.weight] as const);

// ---------------------------------------------------------------------------------------------
// Model

interface Identity {
  key: string;
  origin: Origin;
  variants: VariantMap;
  country: string;
  sex: 'M' | 'F' | 'X';
  given: string;
  middle: string;
  family: string;
  dob: number;
  passports: string[];
  aNumber: string;
  profile: Profile;
}

interface Departure {
  on: number;
  port: string;
  carrier: string;
  manifest: string;
  selfReported: boolean;
}

interface Application {
  kind: ApplicationKind;
  filedOn: number;
  decidedOn: number | undefined;
  outcome: Outcome;
  requestedClass: string;
  approvedUntil: number | undefined;
}

interface Stay {
  admittedOn: number;
  cls: AdmissionClass;
  port: string;
  until: number | 'D/S';
  admissionNumber: string;
  passportIdx: number;
  departure: Departure | undefined;
  applications: Application[];
  /** The person is still in the United States (or left unrecorded and did not come back). */
  terminal: boolean;
  /** When the person actually left, recorded or not (for planning the next trip). */
  leftOn: number | undefined;
}

/** Document numbers: a fixed prefix and `digits` random digits, never issued twice. */
class UniqueCodes {
  private readonly used = new Set<number>();
  private readonly limit: number;
  constructor(
    private readonly rng: Rng,
    private readonly prefix: string,
    private readonly digits: number,
  ) {
    this.limit = 10 ** digits;
  }
  next(): string {
    for (;;) {
      const n = this.rng.int(0, this.limit - 1);
      if (this.claim(n)) return this.format(n);
    }
  }
  /** Takes a specific number if it is still free. */
  claim(n: number): boolean {
    if (n < 0 || n >= this.limit || this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }
  format(n: number): string {
    return this.prefix + String(n).padStart(this.digits, '0');
  }
}

interface PendingRecord {
  day: number;
  seq: number;
  row: Record<string, string>;
  personKey: string;
  variations: VariationKind[];
}

/** Chance a record carries random variations, and that a varied record carries a second one. */
const VARIATION_RATE = 0.24;
const SECOND_VARIATION_RATE = 0.25;

class Generator {
  private readonly rng: Rng;
  private readonly asOf: number;
  private readonly latestAdmission: number;
  private readonly passports: UniqueCodes;
  private readonly aNumbers: UniqueCodes;
  private readonly admissionNumbers: UniqueCodes;
  private readonly receipts: UniqueCodes;
  private readonly variantMaps = new Map<OriginId, VariantMap>();
  private readonly records: Record<DemoSource, PendingRecord[]> = { I94: [], EXIT: [], USCIS: [] };
  private seq = 0;

  constructor(seed: number, asOf: string) {
    this.rng = new Rng(seed);
    this.asOf = dayOf(asOf);
    this.latestAdmission = this.asOf - 3;
    this.passports = new UniqueCodes(this.rng, 'X', 8);
    this.aNumbers = new UniqueCodes(this.rng, '99', 7);
    this.admissionNumbers = new UniqueCodes(this.rng, '999', 8);
    this.receipts = new UniqueCodes(this.rng, 'SYN', 10);
    for (const o of ORIGINS) this.variantMaps.set(o.id, buildVariantMap(o));
  }

  run(people: number): DemoData {
    let prev: { identity: Identity; stays: Stay[]; related: boolean } | undefined;
    for (let i = 0; i < people; i++) {
      const key = `P${String(i + 1).padStart(7, '0')}`;
      const r = this.rng.next();
      let identity: Identity | undefined;
      let companion: Stay | undefined;
      let related = false;
      if (prev && !prev.related && (i === 1 || r < 0.012)) {
        identity = this.twinOf(prev.identity, key);
      } else if (prev && !prev.related && r < 0.022) {
        identity = this.parentOrChildOf(prev.identity, key);
      }
      if (identity && prev) {
        related = true;
        const first = prev.stays[0];
        if (
          first &&
          FAMILY_TRIP_CLASSES.has(first.cls) &&
          first.applications.length === 0 &&
          this.rng.chance(0.5)
        ) {
          companion = first;
        }
      } else if (r < 0.055) {
        identity = this.commonNamePerson(key);
      } else {
        identity = this.newPerson(key);
      }
      const stays = this.stays(identity, companion);
      const applied = stays.some((s) => s.applications.length > 0);
      if (this.rng.chance(applied ? 0.92 : 0.36)) identity.aNumber = this.aNumbers.next();
      this.emit(identity, stays);
      prev = { identity, stays, related };
    }
    return this.finish();
  }

  // --- people ------------------------------------------------------------------------------

  private nameSet(origin: Origin, country: string): NameSet {
    const local = origin.byCountry?.[country];
    return {
      male: local?.male ?? origin.male,
      female: local?.female ?? origin.female,
      family: local?.family ?? origin.family,
    };
  }

  private pickGiven(set: NameSet, sex: 'M' | 'F' | 'X', not?: string): string {
    const list =
      sex === 'M' ? set.male : sex === 'F' ? set.female : this.rng.chance(0.5) ? set.male : set.female;
    const g = this.rng.pick(list);
    if (g !== not) return g;
    const others = list.filter((n) => n !== not);
    return others.length > 0 ? this.rng.pick(others) : g;
  }

  private buildFamily(origin: Origin, set: NameSet, sex: 'M' | 'F' | 'X'): string {
    const first = this.rng.pick(set.family);
    switch (origin.familyStyle) {
      case 'two_surnames_keep_first':
      case 'two_surnames_keep_last': {
        if (!this.rng.chance(origin.familyStyle === 'two_surnames_keep_first' ? 0.9 : 0.7)) return first;
        let second = this.rng.pick(set.family);
        if (second === first) second = this.rng.pick(set.family);
        return second === first ? first : `${first} ${second}`;
      }
      case 'gendered':
        return sex === 'F' ? feminineSurname(first) : first;
      case 'single':
        return first;
    }
  }

  private buildMiddle(
    origin: Origin,
    set: NameSet,
    sex: 'M' | 'F' | 'X',
    given: string,
    family: string,
  ): string {
    if (!this.rng.chance(origin.middleRate)) return '';
    switch (origin.middleStyle) {
      case 'second_given':
        return this.pickGiven(set, sex, given);
      case 'father':
        return this.pickGiven(set, 'M', given);
      case 'patronymic':
        return patronymic(this.rng.int(0, PATRONYMIC_COUNT - 1), sex === 'F');
      case 'vietnamese':
        return this.rng.pick(sex === 'F' ? VIETNAMESE_MIDDLE_FEMALE : VIETNAMESE_MIDDLE_MALE);
      case 'maternal_surname': {
        const m = this.rng.pick(set.family);
        return m === family ? this.rng.pick(set.family) : m;
      }
    }
  }

  private pickSex(): 'M' | 'F' | 'X' {
    const r = this.rng.next();
    return r < 0.002 ? 'X' : r < 0.501 ? 'M' : 'F';
  }

  private pickDob(): number {
    if (this.rng.chance(0.85)) return this.rng.int(dayOf('1955-01-01'), dayOf('2002-12-31'));
    return this.rng.int(DOB_MIN, DOB_MAX);
  }

  private pickProfile(origin: Origin): Profile {
    const skilled = origin.id === 'indian' || origin.id === 'chinese';
    return this.rng.weighted(skilled ? PROFILE_WEIGHTS_SKILLED : PROFILE_WEIGHTS);
  }

  private identity(
    key: string,
    origin: Origin,
    country: string,
    fields: Pick<Identity, 'sex' | 'given' | 'middle' | 'family' | 'dob'>,
    passport?: string,
  ): Identity {
    return {
      key,
      origin,
      variants: this.variantMaps.get(origin.id)!,
      country,
      ...fields,
      passports: [passport ?? this.passports.next()],
      aNumber: '',
      profile: this.pickProfile(origin),
    };
  }

  private newPerson(key: string): Identity {
    const origin = this.rng.weighted(ORIGIN_WEIGHTS);
    const country = this.rng.weighted(origin.countries);
    const set = this.nameSet(origin, country);
    const sex = this.pickSex();
    const given = this.pickGiven(set, sex);
    const family = this.buildFamily(origin, set, sex);
    const middle = this.buildMiddle(origin, set, sex, given, family);
    return this.identity(key, origin, country, { sex, given, middle, family, dob: this.pickDob() });
  }

  private commonNamePerson(key: string): Identity {
    const name = this.rng.pick(COMMON_NAMES);
    const origin = ORIGIN_BY_ID.get(name.origin)!;
    const country = this.rng.weighted(origin.countries);
    return this.identity(key, origin, country, {
      sex: name.sex,
      given: name.given,
      middle: name.middle ?? '',
      family: name.family,
      dob: this.pickDob(),
    });
  }

  /** A twin: same family name, birth date and country; another given name; the next passport number. */
  private twinOf(sibling: Identity, key: string): Identity {
    const set = this.nameSet(sibling.origin, sibling.country);
    const sex =
      sibling.origin.familyStyle === 'gendered' || sibling.sex === 'X'
        ? sibling.sex
        : this.rng.chance(0.5)
          ? 'M'
          : 'F';
    const given = this.pickGiven(set, sex, sibling.given);
    const middle = this.buildMiddle(sibling.origin, set, sex, given, sibling.family);
    const next = Number(sibling.passports[0]!.slice(1)) + 1;
    const passport = this.passports.claim(next) ? this.passports.format(next) : undefined;
    return this.identity(
      key,
      sibling.origin,
      sibling.country,
      { sex, given, middle, family: sibling.family, dob: sibling.dob },
      passport,
    );
  }

  /** A parent or child with exactly the same full name and a birth date 20–35 years apart. */
  private parentOrChildOf(other: Identity, key: string): Identity | undefined {
    const gap = this.rng.int(20, 35) * 12;
    const jitter = this.rng.int(-150, 150);
    const asChild = addMonths(other.dob, gap) + jitter;
    const asParent = addMonths(other.dob, -gap) + jitter;
    const dob = asChild <= DOB_MAX ? asChild : asParent >= DOB_MIN ? asParent : undefined;
    if (dob === undefined) return undefined;
    const { sex, given, middle, family } = other;
    return this.identity(key, other.origin, other.country, { sex, given, middle, family, dob });
  }

  // --- travel ------------------------------------------------------------------------------

  private visitorClass(identity: Identity, age: number): AdmissionClass {
    const business = age >= 21 && this.rng.chance(0.18);
    if (VISA_WAIVER_COUNTRIES.has(identity.country)) return business ? 'WB' : 'WT';
    return business ? 'B1' : 'B2';
  }

  private classFor(identity: Identity, k: number, age: number): AdmissionClass {
    const again = (p: number): boolean => k === 0 || this.rng.chance(p);
    switch (identity.profile) {
      case 'visitor':
        break;
      case 'student':
        if (age >= 16 && age <= 35 && again(0.6)) return 'F1';
        if (k > 0 && age >= 22 && age <= 45 && this.rng.chance(0.5)) return 'H1B';
        break;
      case 'exchange':
        if (age >= 18 && age <= 50 && again(0.4)) return 'J1';
        break;
      case 'worker':
        if (age >= 22 && age <= 60 && again(0.7)) return 'H1B';
        break;
      case 'intracompany':
        if (age >= 24 && age <= 62 && again(0.7)) return 'L1';
        break;
      case 'talent':
        if (age >= 22 && age <= 75 && again(0.7)) return 'O1';
        break;
      case 'fiance':
        if (k === 0 && age >= 20 && age <= 60) return 'K1';
        break;
    }
    return this.visitorClass(identity, age);
  }

  private untilFor(cls: AdmissionClass, t: number): number | 'D/S' {
    switch (cls) {
      case 'B2':
        return addMonths(t, 6);
      case 'B1':
        return addMonths(
          t,
          this.rng.weighted([
            [6, 6],
            [3, 2],
            [1, 1],
          ] as const),
        );
      case 'WT':
      case 'WB':
      case 'K1':
        return t + 90;
      case 'F1':
        return this.rng.chance(0.94) ? 'D/S' : addMonths(t, 12 * this.rng.int(1, 4));
      case 'J1':
        return this.rng.chance(0.9) ? 'D/S' : addMonths(t, this.rng.int(6, 24));
      case 'H1B':
      case 'L1':
      case 'O1':
        return addMonths(t, 12 * this.rng.int(1, 3)) + 10;
    }
  }

  /** Days the person means to stay when admitted. */
  private intendedStay(cls: AdmissionClass): number {
    switch (cls) {
      case 'B2':
        return this.rng.chance(0.8) ? this.rng.int(4, 30) : this.rng.int(30, 170);
      case 'WT':
        return this.rng.chance(0.8) ? this.rng.int(4, 30) : this.rng.int(30, 85);
      case 'B1':
      case 'WB':
        return this.rng.int(2, 21);
      case 'F1':
        return (
          this.rng.weighted([
            [1, 2],
            [2, 4],
            [4, 3],
            [5, 1],
          ] as const) *
            365 +
          this.rng.int(-30, 90)
        );
      case 'J1':
        return this.rng.int(60, 730);
      case 'H1B':
      case 'L1':
      case 'O1':
        return this.rng.int(180, 6 * 365);
      case 'K1':
        return 40 * 365;
    }
  }

  private port(identity: Identity): { port: string; land: boolean } {
    const landPorts = LAND_PORTS[identity.country];
    if (landPorts && this.rng.chance(LAND_SHARE[identity.country] ?? 0)) {
      return { port: this.rng.pick(landPorts), land: true };
    }
    return { port: this.rng.pick(AIR_PORTS[REGION[identity.origin.id]]!), land: false };
  }

  private departure(identity: Identity, on: number, land: boolean): Departure {
    if (this.rng.chance(0.03)) {
      return {
        on,
        port: this.rng.chance(0.5) ? this.port(identity).port : '',
        carrier: '',
        manifest: '',
        selfReported: true,
      };
    }
    if (land && this.rng.chance(0.7)) {
      return {
        on,
        port: this.rng.pick(LAND_PORTS[identity.country] ?? ['BUF']),
        carrier: '',
        manifest: '',
        selfReported: false,
      };
    }
    const carrier = this.rng.chance(0.45)
      ? this.rng.pick(US_CARRIERS)
      : this.rng.pick(identity.origin.carriers);
    const flight = String(this.rng.int(1, 2999)).padStart(4, '0');
    return {
      on,
      port: this.rng.pick(AIR_PORTS[REGION[identity.origin.id]]!),
      carrier,
      manifest: `${carrier}${flight}-${isoOf(on).replaceAll('-', '')}`,
      selfReported: false,
    };
  }

  /** What a person holding `cls` applies for; undefined when nothing plausible (a teenage student). */
  private applicationFor(
    cls: AdmissionClass,
    age: number,
  ): { kind: ApplicationKind; requested: string } | undefined {
    const rng = this.rng;
    const lpr = (): string =>
      rng.weighted([
        ['IR6', 1],
        ['CR6', 1],
      ] as const);
    const employment = (): string =>
      rng.weighted([
        ['E21', 3],
        ['E31', 2],
      ] as const);
    switch (cls) {
      case 'B1':
      case 'B2': {
        const kind = rng.weighted([
          ['extension', 55],
          ['change_of_status', 30],
          ['adjustment_of_status', 15],
        ] as const);
        if (kind === 'extension') return { kind, requested: cls };
        if (kind === 'change_of_status') return { kind, requested: rng.chance(0.75) ? 'F1' : 'H1B' };
        return { kind, requested: lpr() };
      }
      case 'WT':
      case 'WB':
        return { kind: 'adjustment_of_status', requested: lpr() };
      case 'F1':
      case 'J1':
        if (age < 21) return undefined;
        return rng.chance(0.72)
          ? { kind: 'change_of_status', requested: rng.chance(0.9) ? 'H1B' : 'O1' }
          : { kind: 'adjustment_of_status', requested: rng.chance(0.5) ? employment() : lpr() };
      case 'H1B':
        return rng.chance(0.55)
          ? { kind: 'extension', requested: 'H1B' }
          : { kind: 'adjustment_of_status', requested: employment() };
      case 'L1':
        return rng.chance(0.5)
          ? { kind: 'extension', requested: 'L1' }
          : { kind: 'adjustment_of_status', requested: 'E13' };
      case 'O1':
        return rng.chance(0.4)
          ? { kind: 'extension', requested: 'O1' }
          : { kind: 'adjustment_of_status', requested: 'E11' };
      case 'K1':
        return { kind: 'adjustment_of_status', requested: rng.chance(0.7) ? 'CR6' : 'IR6' };
    }
  }

  /**
   * One trip: admission, any USCIS applications while in the country, and how it ended.
   * Applications change the stay: an approved extension or change of status lengthens it, an
   * approved adjustment makes the person a permanent resident (no departure), a pending one keeps
   * them here, a denial sends most of them home.
   */
  private stay(identity: Identity, t: number, k: number, passportIdx: number): Stay {
    const rng = this.rng;
    const age = ageAt(identity.dob, t);
    let cls = this.classFor(identity, k, age);
    const admittedClass = cls;
    const { port, land } = this.port(identity);
    const admittedUntil = this.untilFor(cls, t);
    let until = admittedUntil;
    let end = t + this.intendedStay(cls);
    const applications: Application[] = [];
    let state: 'normal' | 'resident' | 'pending' | 'denied' = 'normal';
    let decisionFloor = t;

    for (let n = 0; n < 2 && state === 'normal'; n++) {
      if (!rng.chance(APPLICATION_RATE[cls] * (n === 0 ? 1 : 0.5))) break;
      const from = n === 0 ? t : decisionFloor;
      const application = this.applicationFor(cls, ageAt(identity.dob, from + 180));
      if (!application) break;
      const { kind, requested } = application;
      let filedOn: number;
      let late = false;
      if (until === 'D/S') {
        filedOn = rng.int(from + 120, Math.max(from + 121, end));
      } else if (rng.chance(0.12)) {
        late = true;
        filedOn = until + rng.int(1, 120);
      } else if (kind === 'extension') {
        filedOn = rng.int(Math.max(from + 7, until - 120), Math.max(from + 7, until - 1));
      } else {
        filedOn = rng.int(from + 14, Math.max(from + 14, until - 1));
      }
      filedOn = Math.max(filedOn, from + 1);
      if (filedOn > this.asOf) break;
      const processing = kind === 'adjustment_of_status' ? rng.int(150, 720) : rng.int(40, 400);
      let outcome: Outcome = 'pending';
      let decidedOn: number | undefined;
      if (filedOn + processing <= this.asOf) {
        outcome = late
          ? rng.weighted([
              ['approved', 35],
              ['denied', 55],
              ['withdrawn', 10],
            ] as const)
          : rng.weighted([
              ['approved', 74],
              ['denied', 16],
              ['withdrawn', 5],
              ['pending', 5],
            ] as const);
        // Applications stuck for years do not exist: old ones were decided.
        if (outcome === 'pending' && filedOn < this.asOf - 3 * 365) outcome = 'approved';
        if (outcome !== 'pending') decidedOn = filedOn + processing;
      }
      let approvedUntil: number | undefined;
      if (outcome === 'approved' && decidedOn !== undefined) {
        if (kind === 'extension') {
          const base = Math.max(until === 'D/S' ? decidedOn : until, decidedOn - 60);
          approvedUntil = VISITOR_CLASSES.has(cls) ? addMonths(base, 6) : addMonths(base, 12 * rng.int(1, 3));
        } else if (kind === 'change_of_status') {
          approvedUntil = requested === 'F1' ? undefined : addMonths(decidedOn, 12 * rng.int(1, 3));
        } else {
          approvedUntil = requested === 'CR6' ? addMonths(decidedOn, 24) : undefined;
        }
      }
      applications.push({ kind, filedOn, decidedOn, outcome, requestedClass: requested, approvedUntil });

      if (outcome === 'pending' || decidedOn === undefined) {
        state = 'pending';
      } else if (outcome !== 'approved') {
        state = 'denied';
        decisionFloor = decidedOn;
      } else if (kind === 'adjustment_of_status') {
        state = 'resident';
      } else {
        decisionFloor = decidedOn;
        if (kind === 'change_of_status') {
          cls = requested as AdmissionClass;
          until = approvedUntil ?? 'D/S';
          end = decidedOn + this.intendedStay(cls);
        } else {
          const previousUntil = until === 'D/S' ? decidedOn : until;
          until = approvedUntil ?? until;
          const extendedTo = until === 'D/S' ? end : rng.int(Math.min(previousUntil, until), until);
          end = Math.max(end, decidedOn + rng.int(7, 60), extendedTo);
        }
      }
    }

    // How the stay ended.
    let leftOn: number | undefined;
    let recorded = true;
    if (state === 'resident' || state === 'pending') {
      leftOn = undefined;
    } else if (state === 'denied') {
      leftOn = rng.chance(0.7) ? decisionFloor + rng.int(7, 120) : undefined;
    } else {
      const r = rng.next();
      if (r < 0.07) {
        // Overstayed, or left without an exit record.
        leftOn = until === 'D/S' ? end : Math.min(end, until);
        recorded = false;
        if (rng.chance(0.5)) leftOn = undefined;
      } else if (r < 0.13 && until !== 'D/S') {
        leftOn = Math.max(until, decisionFloor) + rng.int(1, 400);
      } else {
        leftOn = Math.max(decisionFloor + 1, until === 'D/S' ? end : Math.min(end, until));
      }
    }
    if (leftOn !== undefined && leftOn > this.asOf) leftOn = undefined;
    // Land exits are often not captured at all.
    if (leftOn !== undefined && land && recorded && rng.chance(0.25)) recorded = false;
    const departure = leftOn !== undefined && recorded ? this.departure(identity, leftOn, land) : undefined;
    return {
      admittedOn: t,
      cls: admittedClass,
      port,
      until: admittedUntil,
      admissionNumber: this.admissionNumbers.next(),
      passportIdx,
      departure,
      applications,
      terminal: leftOn === undefined,
      leftOn,
    };
  }

  private stays(identity: Identity, companion: Stay | undefined): Stay[] {
    const rng = this.rng;
    const planned = rng.weighted([
      [1, 58],
      [2, 27],
      [3, 15],
    ] as const);
    const stays: Stay[] = [];
    const latestStart = Math.max(FIRST_ADMISSION, this.latestAdmission - 300 * (planned - 1));
    let t = rng.int(FIRST_ADMISSION, latestStart);
    let passportIdx = 0;
    for (let k = 0; k < planned && t <= this.latestAdmission; k++) {
      if (k > 0 && rng.chance(0.2)) {
        identity.passports.push(this.passports.next());
        passportIdx = identity.passports.length - 1;
      }
      let s: Stay;
      if (k === 0 && companion) {
        s = {
          ...companion,
          admissionNumber: this.admissionNumbers.next(),
          passportIdx,
          applications: [],
          departure: companion.departure && { ...companion.departure },
        };
      } else {
        s = this.stay(identity, t, k, passportIdx);
      }
      stays.push(s);
      if (s.terminal || s.leftOn === undefined) break;
      t = s.leftOn + rng.int(30, 1000);
    }
    return stays;
  }

  // --- records -----------------------------------------------------------------------------

  private view(identity: Identity, passportIdx: number): PersonView {
    return {
      given: identity.given,
      middle: identity.middle,
      family: identity.family,
      dob: isoOf(identity.dob),
      sex: identity.sex,
      country: identity.country,
      passport: identity.passports[passportIdx] ?? '',
      passportCountry: identity.country,
    };
  }

  private aNumberText(identity: Identity, source: DemoSource): string {
    const a = identity.aNumber;
    if (a === '') return '';
    if (source !== 'USCIS') return this.rng.chance(source === 'I94' ? 0.65 : 0.35) ? a : '';
    if (!this.rng.chance(0.97)) return '';
    const style = this.rng.next();
    return style < 0.7 ? `A${a}` : style < 0.9 ? a : `A-${a.slice(0, 3)}-${a.slice(3, 6)}-${a.slice(6)}`;
  }

  private record(
    source: DemoSource,
    identity: Identity,
    passportIdx: number,
    day: number,
    fields: Record<string, string>,
  ): void {
    const view = this.view(identity, passportIdx);
    const variations: VariationKind[] = passportIdx > 0 ? ['passport_renewed'] : [];
    if (this.rng.chance(VARIATION_RATE)) {
      const count = this.rng.chance(SECOND_VARIATION_RATE) ? 2 : 1;
      const ctx = { rng: this.rng, familyStyle: identity.origin.familyStyle, variants: identity.variants };
      variations.push(...applyRandomVariations(source, count, view, ctx));
    }
    const row: Record<string, string> = {
      record_id: '',
      source,
      given_name: view.given,
      middle_name: view.middle,
      family_name: view.family,
      date_of_birth: view.dob,
      sex: view.sex,
      country_of_citizenship: view.country,
      passport_number: view.passport,
      passport_country: view.passportCountry,
      a_number: this.aNumberText(identity, source),
      ...fields,
    };
    this.records[source].push({ day, seq: this.seq++, row, personKey: identity.key, variations });
  }

  private emit(identity: Identity, stays: Stay[]): void {
    for (const s of stays) {
      this.record('I94', identity, s.passportIdx, s.admittedOn, {
        admission_number: s.admissionNumber,
        class_of_admission: s.cls,
        port_of_entry: s.port,
        admitted_on: isoOf(s.admittedOn),
        admit_until: s.until === 'D/S' ? 'D/S' : isoOf(s.until),
      });
      for (const a of s.applications) {
        this.record('USCIS', identity, s.passportIdx, a.filedOn, {
          receipt_number: this.receiptNumber(a.filedOn),
          application_kind: a.kind,
          filed_on: isoOf(a.filedOn),
          decided_on: a.decidedOn === undefined ? '' : isoOf(a.decidedOn),
          outcome: a.outcome,
          requested_class: a.requestedClass,
          approved_until: a.approvedUntil === undefined ? '' : isoOf(a.approvedUntil),
        });
      }
      const d = s.departure;
      if (d) {
        this.record('EXIT', identity, s.passportIdx, d.on, {
          departed_on: isoOf(d.on),
          port_of_departure: d.port,
          carrier: d.carrier,
          manifest_ref: d.manifest,
          self_reported: d.selfReported ? 'true' : 'false',
        });
      }
    }
  }

  /** "SYN" + two-digit fiscal year + eight digits, e.g. SYN2412345678. */
  private receiptNumber(filedOn: number): string {
    const date = new Date(filedOn * MS_PER_DAY);
    const fiscalYear = (date.getUTCFullYear() + (date.getUTCMonth() >= 9 ? 1 : 0)) % 100;
    for (;;) {
      const n = fiscalYear * 100_000_000 + this.rng.int(0, 99_999_999);
      if (this.receipts.claim(n)) return this.receipts.format(n);
    }
  }

  private finish(): DemoData {
    const files: DemoFile[] = [];
    const truth: DemoTruth[] = [];
    for (const source of ['I94', 'EXIT', 'USCIS'] as const) {
      const pending = this.records[source];
      pending.sort((a, b) => a.day - b.day || a.seq - b.seq);
      const rows = pending.map((p, i) => {
        const id = `${source}-${String(i + 1).padStart(7, '0')}`;
        p.row.record_id = id;
        truth.push({ record: `${source}:${id}`, personKey: p.personKey, variations: p.variations });
        return p.row;
      });
      files.push({ source, fileName: DEMO_FILE_NAMES[source], columns: [...COLUMNS[source]], rows });
    }
    return { files, truth };
  }
}

function checkOptions(opts: DemoOptions): { people: number; seed: number; asOf: string } {
  const { people } = opts;
  const seed = opts.seed ?? DEFAULT_DEMO_SEED;
  const asOf = opts.asOf ?? DEFAULT_DEMO_AS_OF;
  if (!Number.isInteger(people) || people < 0) {
    throw new RangeError(`people must be a whole number ≥ 0, got ${people}`);
  }
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || isoOf(dayOf(asOf)) !== asOf) {
    throw new RangeError(`asOf must be a real date in YYYY-MM-DD form, got "${asOf}"`);
  }
  if (asOf < '2015-03-01' || asOf > '2099-12-31') {
    throw new RangeError(`asOf must be between 2015-03-01 and 2099-12-31, got ${asOf}`);
  }
  return { people, seed, asOf };
}

/** Invents `people` people and their I-94, exit and USCIS records. Deterministic in the options. */
export function generateDemoData(opts: DemoOptions): DemoData {
  const { people, seed, asOf } = checkOptions(opts);
  return new Generator(seed, asOf).run(people);
}

const CHUNK_ROWS = 20_000;

async function writeCsv(
  filePath: string,
  columns: readonly string[],
  rows: readonly Record<string, string>[],
): Promise<void> {
  const handle = await open(filePath, 'w');
  try {
    await handle.write(stringify([columns], { record_delimiter: 'unix' }));
    for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
      // Rows as arrays in column order: much faster for csv-stringify than objects plus `columns`.
      const chunk = rows.slice(i, i + CHUNK_ROWS).map((row) => columns.map((c) => row[c] ?? ''));
      await handle.write(stringify(chunk, { record_delimiter: 'unix' }));
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes the three source CSVs (UTF-8, header row, LF line ends) into outDir and the ground
 * truth into outDir/ground-truth/truth.csv (columns record, person_key, variations — variation
 * kinds joined with ';'). The truth file is for tests and benchmarks only; ingest must never
 * read it, which is why it lives in its own directory.
 */
export async function writeDemoData(
  outDir: string,
  opts: DemoOptions,
): Promise<{ files: { source: string; path: string; rows: number }[]; truthPath: string }> {
  const data = generateDemoData(opts);
  await mkdir(outDir, { recursive: true });
  const files: { source: string; path: string; rows: number }[] = [];
  for (const f of data.files) {
    const filePath = path.join(outDir, f.fileName);
    await writeCsv(filePath, f.columns, f.rows);
    files.push({ source: f.source, path: filePath, rows: f.rows.length });
  }
  const truthPath = path.join(outDir, DEMO_TRUTH_FILE);
  await mkdir(path.dirname(truthPath), { recursive: true });
  await writeCsv(
    truthPath,
    ['record', 'person_key', 'variations'],
    data.truth.map((t) => ({
      record: t.record,
      person_key: t.personKey,
      variations: t.variations.join(';'),
    })),
  );
  return { files, truthPath };
}

import { grow } from './typed-arrays.js';
import { phoneticKey, phoneticWord } from './phonetic.rules.js';
import {
  normalizeDocument,
  normalizeSex,
  normalizeText,
  parseANumber,
  parseDate,
  tokens,
} from './normalize.rules.js';

/** One person record as the engine sees it (raw text; the store normalizes it). */
export interface MatchRecord {
  /** Unique within its side. */
  id: string;
  /** Which input it came from (0 or 1); when linking two inputs only pairs across sides count. */
  side?: number;
  givenName?: string | null;
  middleName?: string | null;
  familyName?: string | null;
  /** YYYY-MM-DD, YYYYMMDD or YYYY. */
  dateOfBirth?: string | null;
  sex?: string | null;
  country?: string | null;
  passportNumber?: string | null;
  aNumber?: string | null;
  /** Further comparison fields by name (FEBRL's soc_sec_id, postcode, suburb...). */
  extra?: Readonly<Record<string, string | null | undefined>>;
}

/** Strings interned to dense integer ids, with a use count per id (for term frequencies). */
export class Dictionary {
  private readonly ids = new Map<string, number>();
  readonly values: string[];
  counts = new Int32Array(256);

  /** A dictionary of known values (a copy sent to a worker: read-only, `find` unsupported). */
  constructor(values: string[] = []) {
    this.values = values;
  }

  /** The id of s, adding it when new; counts one use when `count` is true. */
  intern(s: string, count = true): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(s, id);
      this.values.push(s);
      if (id >= this.counts.length) {
        const grown = new Int32Array(this.counts.length * 2);
        grown.set(this.counts);
        this.counts = grown;
      }
    }
    if (count) this.counts[id]!++;
    return id;
  }

  /** The id of s, or -1 when s was never interned. */
  find(s: string): number {
    return this.ids.get(s) ?? -1;
  }

  get size(): number {
    return this.values.length;
  }
}

/** Surname particles skipped when picking a family name's main word for blocking. */
const PARTICLES = new Set([
  'de',
  'da',
  'del',
  'della',
  'di',
  'do',
  'dos',
  'das',
  'la',
  'le',
  'van',
  'von',
  'der',
  'den',
  'al',
  'el',
  'bin',
  'ben',
  'ibn',
  'abu',
  'mc',
  'mac',
  'st',
]);

/** Distinct raw texts remembered per parse cache. */
const PARSE_CACHE_LIMIT = 2_000_000;

/** The Int32Array columns of a store (grown together, copied together to workers). */
export const STORE_INT_COLUMNS = [
  'given',
  'givenJoined',
  'middle',
  'family',
  'familyJoined',
  'familyMain',
  'familyLast',
  'dob',
  'country',
  'passport',
  'aNumber',
] as const;

/**
 * Records in columns of integer codes: names and other text interned to ids, dates as YYYYMMDD,
 * A-numbers as numbers. Comparison and blocking read only these columns. Missing values are -1
 * (ids) or 0 (dates, sex, A-numbers).
 */
export class RecordStore {
  size = 0;
  readonly ids: string[] = [];
  side = new Uint8Array(1024);
  /** First given name word (the middle name's words follow it when merged). */
  given = new Int32Array(1024);
  /** All given and middle words run together ("Xiao Ming" and "Xiaoming" agree). */
  givenJoined = new Int32Array(1024);
  /** Given and middle words after the first. */
  middle = new Int32Array(1024);
  family = new Int32Array(1024);
  familyJoined = new Int32Array(1024);
  /** First family word that is not a particle, and the last word (-1 when it is the same). */
  familyMain = new Int32Array(1024);
  familyLast = new Int32Array(1024);
  dob = new Int32Array(1024);
  sex = new Uint8Array(1024);
  country = new Int32Array(1024);
  passport = new Int32Array(1024);
  aNumber = new Int32Array(1024);
  extras: Int32Array[];

  /** All name text (given, middle, family, their words), shared so crossed comparisons work. */
  readonly names = new Dictionary();
  /** Phonetic key id per name id. */
  namePhonetic = new Int32Array(1024);
  readonly phonetics = new Dictionary();
  /** Uses of each name id as a first given name and as a full family name (term frequencies). */
  givenCount = new Int32Array(1024);
  familyCount = new Int32Array(1024);
  readonly dobCount = new Map<number, number>();
  readonly countries = new Dictionary();
  readonly documents = new Dictionary();
  readonly extraValues: Dictionary[];

  /** @param extraNames the extra comparison columns, in field order. */
  constructor(readonly extraNames: readonly string[] = []) {
    this.extras = extraNames.map(() => new Int32Array(1024));
    this.extraValues = extraNames.map(() => new Dictionary());
  }

  private nameId(s: string): number {
    if (s === '') return -1;
    const id = this.names.intern(s, false);
    if (id >= this.namePhonetic.length) {
      this.namePhonetic = grow(this.namePhonetic, id + 1);
      this.givenCount = grow(this.givenCount, id + 1);
      this.familyCount = grow(this.familyCount, id + 1);
    }
    if (id === this.names.size - 1) {
      this.namePhonetic[id] = this.phonetics.intern(
        s.includes(' ') ? phoneticKey(s) : phoneticWord(s),
        false,
      );
    }
    return id;
  }

  private ensure(n: number): void {
    if (n <= this.given.length) return;
    for (const column of STORE_INT_COLUMNS) this[column] = grow(this[column], n);
    this.side = grow(this.side, n);
    this.sex = grow(this.sex, n);
    this.extras = this.extras.map((e) => grow(e, n));
  }

  /** Parsed given names [first, joined, rest] and family names [full, joined, main, last] by raw text. */
  private readonly givenParsed = new Map<string, Int32Array>();
  private readonly familyParsed = new Map<string, Int32Array>();
  private readonly dateParsed = new Map<string, number>();

  private parseGiven(givenName: string, middleName: string): Int32Array {
    const key = middleName === '' ? givenName : `${givenName}\u0001${middleName}`;
    let ids = this.givenParsed.get(key);
    if (ids) return ids;
    const given = [...tokens(normalizeText(givenName)), ...tokens(normalizeText(middleName))];
    const g = this.nameId(given[0] ?? '');
    ids = Int32Array.of(
      g,
      given.length > 1 ? this.nameId(given.join('')) : g,
      this.nameId(given.slice(1).join(' ')),
    );
    if (this.givenParsed.size < PARSE_CACHE_LIMIT) this.givenParsed.set(key, ids);
    return ids;
  }

  private parseFamily(familyName: string): Int32Array {
    let ids = this.familyParsed.get(familyName);
    if (ids) return ids;
    const fam = tokens(normalizeText(familyName));
    const f = this.nameId(fam.join(' '));
    const main = fam.find((w) => !PARTICLES.has(w)) ?? fam[0] ?? '';
    const last = fam.length > 1 ? fam[fam.length - 1]! : '';
    ids = Int32Array.of(
      f,
      fam.length > 1 ? this.nameId(fam.join('')) : f,
      this.nameId(main),
      last === main ? -1 : this.nameId(last),
    );
    if (this.familyParsed.size < PARSE_CACHE_LIMIT) this.familyParsed.set(familyName, ids);
    return ids;
  }

  private parseDob(text: string): number {
    let dob = this.dateParsed.get(text);
    if (dob === undefined) {
      dob = Math.max(0, parseDate(text));
      if (this.dateParsed.size < PARSE_CACHE_LIMIT) this.dateParsed.set(text, dob);
    }
    return dob;
  }

  /** Normalizes and appends one record; returns its index. Unparseable dates count as missing. */
  add(r: MatchRecord): number {
    const i = this.size;
    this.ensure(i + 1);
    this.ids.push(r.id);
    this.side[i] = r.side ?? 0;
    // Names repeat far more than records: each distinct raw text is parsed once.
    const given = this.parseGiven(r.givenName ?? '', r.middleName ?? '');
    const g = given[0]!;
    this.given[i] = g;
    this.givenJoined[i] = given[1]!;
    this.middle[i] = given[2]!;
    if (g >= 0) this.givenCount[g]!++;
    const family = this.parseFamily(r.familyName ?? '');
    const f = family[0]!;
    this.family[i] = f;
    this.familyJoined[i] = family[1]!;
    this.familyMain[i] = family[2]!;
    this.familyLast[i] = family[3]!;
    if (f >= 0) this.familyCount[f]!++;
    const dob = this.parseDob(r.dateOfBirth ?? '');
    this.dob[i] = dob;
    if (dob > 0) this.dobCount.set(dob, (this.dobCount.get(dob) ?? 0) + 1);
    const sex = normalizeSex(r.sex);
    this.sex[i] = sex === 'M' ? 1 : sex === 'F' ? 2 : sex === 'X' ? 3 : 0;
    const country = (r.country ?? '').trim().toUpperCase();
    this.country[i] = country === '' ? -1 : this.countries.intern(country);
    const passport = normalizeDocument(r.passportNumber);
    this.passport[i] = passport === '' ? -1 : this.documents.intern(passport);
    this.aNumber[i] = parseANumber(r.aNumber);
    for (let e = 0; e < this.extraNames.length; e++) {
      const v = normalizeText(r.extra?.[this.extraNames[e]!]);
      this.extras[e]![i] = v === '' ? -1 : this.extraValues[e]!.intern(v);
    }
    this.size = i + 1;
    return i;
  }

  /**
   * Removes the last record (a query compared and not kept), undoing its use counts. Interned
   * text stays in the dictionaries; it is only text.
   */
  removeLast(): void {
    const i = this.size - 1;
    if (i < 0) return;
    if (this.given[i]! >= 0) this.givenCount[this.given[i]!]!--;
    if (this.family[i]! >= 0) this.familyCount[this.family[i]!]!--;
    const dob = this.dob[i]!;
    if (dob > 0) this.dobCount.set(dob, (this.dobCount.get(dob) ?? 1) - 1);
    if (this.country[i]! >= 0) this.countries.counts[this.country[i]!]!--;
    if (this.passport[i]! >= 0) this.documents.counts[this.passport[i]!]!--;
    this.extras.forEach((col, e) => {
      if (col[i]! >= 0) this.extraValues[e]!.counts[col[i]!]!--;
    });
    this.ids.pop();
    this.size = i;
  }

  /** The name text of a name id ('' for -1). */
  name(id: number): string {
    return id < 0 ? '' : this.names.values[id]!;
  }
}

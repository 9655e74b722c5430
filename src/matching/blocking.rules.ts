import { averageLength, deletionKeys, halves, hashKey } from './block-keys.rules.js';
import { dateLevel, documentLevel } from './compare.rules.js';
import type { FieldSpec } from './fields.rules.js';
import { jaroWinkler } from './jaro-winkler.js';
import type { RecordStore } from './record-store.js';

/**
 * Blocking: which pairs are compared at all. Each rule turns a record into a few 32-bit keys;
 * records sharing a key are candidates. The union of several loose rules keeps nearly every
 * true pair while the number of candidates grows about linearly with the records, because each
 * rule also has a largest block it will expand: a bigger block (a very common name) is skipped
 * and its records are still found through the other rules (name with birth year, date of birth
 * with a name, documents).
 */
export interface BlockingRule {
  name: string;
  /** Blocks with more records than this are not expanded. */
  maxBlock: number;
  /** Appends this record's keys for the rule to `out`. */
  keys(store: RecordStore, i: number, out: number[]): void;
  /** When set, a pair met in this rule's blocks is compared only if this holds. */
  pairFilter?: (store: RecordStore, i: number, j: number) => boolean;
  /**
   * When set, this rule's blocks are only searched from records for which it holds (probes),
   * against every record of the block: pairs of two non-probes are never made from them.
   */
  probe?: (store: RecordStore, i: number) => boolean;
}

const phon = (s: RecordStore, nameId: number): number => (nameId < 0 ? -1 : s.namePhonetic[nameId]!);

/**
 * The phonetic key of the family name's main word (k = 0) or last word (k = 1; -1 when it is
 * absent or sounds the same as the main word). No array per call: this runs for every record.
 */
function familyPhonetic(s: RecordStore, i: number, k: 0 | 1): number {
  const main = phon(s, s.familyMain[i]!);
  if (k === 0) return main;
  const last = phon(s, s.familyLast[i]!);
  return last === main ? -1 : last;
}

/**
 * Given and family name sounds, order-free (survives swapped names and a dropped surname),
 * with a part of the date of birth: the year (survives a day/month swap and year-only dates), or
 * the month and day (survives a slip in the year), or nothing.
 */
const namePair =
  (salt: number, datePart: (dob: number) => number): BlockingRule['keys'] =>
  (s, i, out) => {
    const g = phon(s, s.given[i]!);
    if (g < 0) return;
    const dob = s.dob[i]!;
    const part = datePart(dob);
    if (part < 0) return;
    for (let k = 0 as 0 | 1; k <= 1; k++) {
      const f = familyPhonetic(s, i, k);
      if (f >= 0) out.push(hashKey(salt, Math.min(g, f), Math.max(g, f), part));
    }
  };
/**
 * Same-name pairs are many (common names) and, when their birth dates differ beyond a recording
 * slip, nearly all two people (a parent and a child, namesakes): name blocks compare a pair only
 * when its dates could be one date written differently (exact, day and month swapped, year-only,
 * one digit) or one is missing.
 */
const sameDate = (s: RecordStore, i: number, j: number): boolean => dateLevel(s.dob[i]!, s.dob[j]!) <= 3;
const birthYear = (dob: number) => (dob === 0 ? -1 : Math.floor(dob / 10000));
const monthDay = (dob: number) => (dob === 0 ? -1 : dob % 10000);

/**
 * The first n letters of a name as a non-negative number, or -1 when the name is absent or
 * shorter: a typo further on changes the name's sound, not these.
 */
function namePrefix(s: RecordStore, nameId: number, n: number): number {
  if (nameId < 0) return -1;
  const text = s.name(nameId);
  if (text.length < n) return -1;
  let h = 0;
  for (let k = 0; k < n; k++) h = (Math.imul(h, 65599) + text.charCodeAt(k)) | 0;
  return h >>> 1;
}

/** Date of birth with the sound of any one name word (survives a typo in the other name). */
const dobName: BlockingRule['keys'] = (s, i, out) => {
  const dob = s.dob[i]!;
  if (dob === 0) return;
  const g = phon(s, s.given[i]!);
  if (g >= 0) out.push(hashKey(3, dob, g));
  for (let k = 0 as 0 | 1; k <= 1; k++) {
    const f = familyPhonetic(s, i, k);
    if (f >= 0 && f !== g) out.push(hashKey(3, dob, f));
  }
};

/**
 * Date of birth with the first two letters of any one name word: finds a typo that changed a
 * name's sound. Two letters are shared by many people born the same day, so a pair is compared
 * only if some name of one is close to some name of the other (Jaro–Winkler ≥ 0.85).
 */
const dobPrefix: BlockingRule['keys'] = (s, i, out) => {
  const dob = s.dob[i]!;
  if (dob === 0) return;
  const pg = namePrefix(s, s.given[i]!, 2);
  const pf = namePrefix(s, s.familyMain[i]!, 2);
  if (pg >= 0) out.push(hashKey(8, dob, pg));
  if (pf >= 0 && pf !== pg) out.push(hashKey(8, dob, pf));
};

/**
 * The sound of one name with the first three letters of the other, whatever the dates: finds a
 * date of birth keyed wrongly beyond a slip (two digits, a digit swap across year and month,
 * another date entirely), also when a typo changed one name's sound. (Keying the two sounds
 * together as well found no further pair in FEBRL or the synthetic population, for 1.2 more keys
 * a record.)
 */
export const nameSoundPrefix: BlockingRule['keys'] = (s, i, out) => {
  const g = s.given[i]!;
  const f = s.familyMain[i]!;
  if (g < 0 || f < 0) return;
  // Both readings share a salt, so swapped given and family names still meet.
  const fp = namePrefix(s, f, 3);
  if (fp >= 0) out.push(hashKey(9, phon(s, g), fp));
  const gp = namePrefix(s, g, 3);
  if (gp >= 0) out.push(hashKey(9, phon(s, f), gp));
};

/** Passport numbers at most one edit apart (not numbers differing only in the last character). */
function passportsClose(s: RecordStore, i: number, j: number): boolean {
  const pi = s.passport[i]!;
  const pj = s.passport[j]!;
  return pi >= 0 && pj >= 0 && documentLevel(s.documents.values[pi]!, s.documents.values[pj]!, true) < 2;
}

/**
 * Whether something outside names and dates ties two records: an equal value of one of the given
 * extra columns, passports one edit apart, or the same A-number.
 */
export function agreesElsewhere(extras: readonly number[]): NonNullable<BlockingRule['pairFilter']> {
  return (s, i, j) => {
    for (const e of extras) {
      const col = s.extras[e]!;
      if (col[i]! >= 0 && col[i] === col[j]) return true;
    }
    return passportsClose(s, i, j) || (s.aNumber[i]! > 0 && s.aNumber[i] === s.aNumber[j]);
  };
}

/** The extra columns that can tie two records (identifying numbers and free text, not categories). */
function tyingExtras(fields: readonly FieldSpec[]): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if ((f.kind === 'id' || f.kind === 'text') && f.extra !== undefined) out.push(f.extra);
  }
  return out;
}

function someNameClose(s: RecordStore, i: number, j: number): boolean {
  const gi = s.given[i]!;
  const fi = s.family[i]!;
  const gj = s.given[j]!;
  const fj = s.family[j]!;
  return close(s, gi, gj) || close(s, fi, fj) || close(s, gi, fj) || close(s, fi, gj);
}

function close(s: RecordStore, a: number, b: number): boolean {
  return a >= 0 && b >= 0 && (a === b || jaroWinkler(s.name(a), s.name(b)) >= 0.85);
}

/** The default rules for person records; `fields` adds one rule per identifying extra column. */
export function defaultBlockingRules(fields: readonly FieldSpec[], store: RecordStore): BlockingRule[] {
  const extras = tyingExtras(fields);
  const agrees = agreesElsewhere(extras);
  const rules: BlockingRule[] = [
    {
      name: 'given+family sound, a date of birth missing',
      maxBlock: 400,
      keys: namePair(1, () => 0),
      probe: (s, i) => s.dob[i] === 0,
    },
    {
      name: 'given+family sound+birth year',
      maxBlock: 200,
      keys: namePair(2, birthYear),
      pairFilter: sameDate,
    },
    {
      name: 'given+family sound+birth month and day',
      maxBlock: 200,
      keys: namePair(6, monthDay),
      pairFilter: sameDate,
    },
    { name: 'date of birth+name sound', maxBlock: 200, keys: dobName },
    {
      name: 'date of birth+first two letters of a name, names close',
      maxBlock: 200,
      keys: dobPrefix,
      pairFilter: someNameClose,
    },
    {
      // Same-name blocks are mostly namesakes, so beyond a date slip something else must agree.
      name: 'name sound+first three letters of the other name, any date; dates close or another field agreeing',
      maxBlock: 50,
      keys: nameSoundPrefix,
      pairFilter: (s, i, j) => s.dob[i] === 0 || s.dob[j] === 0 || sameDate(s, i, j) || agrees(s, i, j),
    },
    {
      // The exact number, and either half with the birth year: a mistyped digit leaves one half
      // intact, and the year keeps halves from pairing strangers once there are millions.
      name: 'passport number, or either half with birth year',
      maxBlock: 50,
      keys: (s, i, out) => {
        const p = s.passport[i]!;
        if (p < 0) return;
        out.push(hashKey(4, p));
        const year = birthYear(s.dob[i]!);
        if (year > 0) halves(s.documents.values[p]!, 7, year, out);
      },
      // Half a number and a year are shared by strangers once there are millions of records:
      // compare only numbers at most one edit apart.
      // (A 32-bit key can collide with another rule's: records without a passport may meet here.)
      pairFilter: passportsClose,
    },
    {
      name: 'A-number',
      maxBlock: 50,
      keys: (s, i, out) => {
        if (s.aNumber[i]! > 0) out.push(hashKey(5, s.aNumber[i]!));
      },
    },
  ];
  for (const f of fields) {
    if (f.kind !== 'id' || f.extra === undefined) continue;
    const dict = store.extraValues[f.extra]!;
    // Only identifying numbers: long, and mostly distinct (not a postcode or a street number).
    if (dict.size < store.size * 0.3 || averageLength(dict.values) < 5) continue;
    const e = f.extra;
    rules.push({
      name: `${f.name} (up to one digit wrong)`,
      maxBlock: 50,
      keys: (s, i, out) => {
        const v = s.extras[e]![i]!;
        if (v >= 0) deletionKeys(s.extraValues[e]!.values[v]!, 16 + e, out);
      },
    });
  }
  return rules;
}

/**
 * The comparison fields of the model and the levels each comparison can produce. A comparison
 * vector holds one level per field; level names are what evidence shows a person.
 */

/** How a field is compared. */
export type FieldKind =
  /** First given name (the middle name may be merged into it or split out). */
  | 'given'
  /** Family name, possibly of two surnames of which records drop one. */
  | 'family'
  /** The given names after the first (middle names), initials allowed. */
  | 'middle'
  /** Date of birth. */
  | 'date'
  /** Small set of values, equal or not (sex, country, state). */
  | 'category'
  /** Passport-like document that is renewed over a life: a different number is weak evidence. */
  | 'document'
  /** A-number: one per person for life; two different ones are two people. */
  | 'anumber'
  /** Other identifying numbers (social security number, postcode, street number). */
  | 'id'
  /** Other free text (street, suburb). */
  | 'text';

/** Level names per kind, best first. `missing` is never listed: it is level MISSING. */
export const LEVELS: Readonly<Record<FieldKind, readonly string[]>> = {
  given: ['exact', 'jaro_winkler_0.92', 'jaro_winkler_0.85', 'phonetic', 'different'],
  family: ['exact', 'one_surname_dropped', 'jaro_winkler_0.92', 'jaro_winkler_0.85', 'phonetic', 'different'],
  middle: ['exact', 'initial', 'similar', 'different'],
  date: ['exact', 'day_month_swapped', 'year_only', 'one_digit', 'within_a_year', 'different'],
  category: ['equal', 'different'],
  document: ['exact', 'one_edit', 'different'],
  anumber: ['exact', 'different'],
  id: ['exact', 'one_edit', 'different'],
  text: ['exact', 'jaro_winkler_0.92', 'jaro_winkler_0.85', 'jaro_winkler_0.70', 'different'],
};

/** The level of a comparison where either side has no value; it weighs nothing. */
export const MISSING = 7;
/** Levels are packed in base 8, one digit per field. */
export const LEVEL_BASE = 8;
/** At most this many fields (8^17 < 2^53, so a pattern is an exact JavaScript number). */
export const MAX_FIELDS = 17;

/** Kinds whose exact agreement is weighed by how rare the agreed value is. */
export const TERM_FREQUENCY_KINDS: ReadonlySet<FieldKind> = new Set(['given', 'family', 'date', 'text']);

/** One field of a comparison vector. */
export interface FieldSpec {
  /** 'given_name', 'family_name', ... or the name of an extra column. */
  name: string;
  kind: FieldKind;
  /** Index of the extra column in the record store, for kinds id, text and extra categories. */
  extra?: number;
}

/** The core person fields, in comparison-vector order. */
export const PERSON_FIELDS: readonly FieldSpec[] = [
  { name: 'given_name', kind: 'given' },
  { name: 'family_name', kind: 'family' },
  { name: 'middle_name', kind: 'middle' },
  { name: 'date_of_birth', kind: 'date' },
  { name: 'sex', kind: 'category' },
  { name: 'country_of_citizenship', kind: 'category' },
  { name: 'passport_number', kind: 'document' },
  { name: 'a_number', kind: 'anumber' },
];

/** Powers of the level base, for packing and unpacking patterns. */
export const POW: readonly number[] = Array.from({ length: MAX_FIELDS + 1 }, (_, i) => LEVEL_BASE ** i);

/** The level of field f in a packed pattern. */
export function levelOf(pattern: number, f: number): number {
  return Math.floor(pattern / POW[f]!) % LEVEL_BASE;
}

/** Unpacks a pattern into one level per field. */
export function unpack(pattern: number, fieldCount: number): number[] {
  const out: number[] = [];
  for (let f = 0; f < fieldCount; f++) out.push(levelOf(pattern, f));
  return out;
}

/** Packs one level per field into a pattern. */
export function pack(levels: readonly number[]): number {
  let p = 0;
  for (let f = 0; f < levels.length; f++) p += levels[f]! * POW[f]!;
  return p;
}

/** The display name of a level. */
export function levelName(kind: FieldKind, level: number): string {
  return level === MISSING ? 'missing' : (LEVELS[kind][level] ?? `level_${level}`);
}

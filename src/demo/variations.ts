import type { FamilyStyle, VariantMap } from './names.js';
import type { Rng } from './rng.js';

/**
 * The ways a record's person fields can disagree with the person's true identity, as they do
 * between real sources. `passport_renewed` is not an error: the person holds a newer passport.
 */
export const VARIATION_KINDS = [
  'typo',
  'transliteration',
  'name_order_swapped',
  'second_surname_dropped',
  'middle_merged_into_given',
  'middle_dropped',
  'middle_initial',
  'diacritics_stripped',
  'uppercase',
  'dob_day_month_swapped',
  'dob_year_only',
  'sex_missing',
  'country_missing',
  'passport_missing',
  'passport_typo',
  'passport_renewed',
] as const;
export type VariationKind = (typeof VARIATION_KINDS)[number];

/** The person fields of one record, as text ('' when absent). */
export interface PersonView {
  given: string;
  middle: string;
  family: string;
  dob: string;
  sex: string;
  country: string;
  passport: string;
  passportCountry: string;
}

export interface VariationContext {
  rng: Rng;
  familyStyle: FamilyStyle;
  variants: VariantMap;
}

const NEIGHBOURS: Record<string, string> = {
  a: 'qsze',
  b: 'vghn',
  c: 'xdfv',
  d: 'serfcx',
  e: 'wsdr',
  f: 'drtgvc',
  g: 'ftyhbv',
  h: 'gyujnb',
  i: 'ujko',
  j: 'huikmn',
  k: 'jiolm',
  l: 'kop',
  m: 'njk',
  n: 'bhjm',
  o: 'iklp',
  p: 'ol',
  q: 'wa',
  r: 'edft',
  s: 'awedxz',
  t: 'rfgy',
  u: 'yhji',
  v: 'cfgb',
  w: 'qase',
  x: 'zsdc',
  y: 'tghu',
  z: 'asx',
};
const SOUND_ALIKE: Record<string, string> = {
  a: 'e',
  e: 'a',
  i: 'y',
  y: 'i',
  o: 'u',
  u: 'o',
  c: 'k',
  k: 'c',
  s: 'z',
  z: 's',
};

const isLetter = (ch: string | undefined): boolean => ch !== undefined && /\p{L}/u.test(ch);

function withCaseOf(original: string, replacement: string): string {
  return original === original.toUpperCase() && original !== original.toLowerCase()
    ? replacement.toUpperCase()
    : replacement;
}

/** One keying error: an adjacent transposition, a substitution, or a deletion. Null when impossible. */
export function typo(s: string, rng: Rng): string | null {
  const chars = Array.from(s);
  for (let attempt = 0; attempt < 6; attempt++) {
    const op = rng.int(0, 2);
    if (op === 0) {
      const spots: number[] = [];
      for (let i = 1; i < chars.length - 1; i++) {
        if (
          isLetter(chars[i]) &&
          isLetter(chars[i + 1]) &&
          chars[i]!.toLowerCase() !== chars[i + 1]!.toLowerCase()
        ) {
          spots.push(i);
        }
      }
      if (spots.length === 0) continue;
      const i = rng.pick(spots);
      const out = [...chars];
      out[i] = withCaseOf(chars[i]!, chars[i + 1]!.toLowerCase());
      out[i + 1] = withCaseOf(chars[i + 1]!, chars[i]!.toLowerCase());
      return out.join('');
    }
    if (op === 1) {
      const spots = chars.map((c, i) => (i > 0 && /[a-z]/i.test(c) ? i : -1)).filter((i) => i >= 0);
      if (spots.length === 0) continue;
      const i = rng.pick(spots);
      const lower = chars[i]!.toLowerCase();
      const pool = rng.chance(0.5)
        ? (SOUND_ALIKE[lower] ?? NEIGHBOURS[lower] ?? '')
        : (NEIGHBOURS[lower] ?? '');
      if (pool === '') continue;
      const out = [...chars];
      out[i] = withCaseOf(chars[i]!, pool[rng.int(0, pool.length - 1)]!);
      return out.join('');
    }
    const letters = chars.map((c, i) => (i > 0 && isLetter(c) ? i : -1)).filter((i) => i >= 0);
    if (letters.length < 4) continue;
    const i = rng.pick(letters);
    return [...chars.slice(0, i), ...chars.slice(i + 1)].join('');
  }
  return null;
}

const SPECIAL_FOLDS: Record<string, string> = {
  ł: 'l',
  Ł: 'L',
  ø: 'o',
  Ø: 'O',
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  đ: 'd',
  Đ: 'D',
  ı: 'i',
};

/** Removes accents the way many systems do ("José" → "Jose", "Łukasz" → "Lukasz"). */
export function stripDiacritics(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[łŁøØßæÆđĐı]/g, (c) => SPECIAL_FOLDS[c] ?? c);
}

type NameField = 'given' | 'middle' | 'family';

/** Every alternative spelling available for the view's name fields (in upper case when the name is). */
function spellingOptions(v: PersonView, variants: VariantMap): { field: NameField; value: string }[] {
  const options: { field: NameField; value: string }[] = [];
  for (const field of ['given', 'middle', 'family'] as const) {
    const value = v[field];
    if (value === '') continue;
    const upper = value === value.toUpperCase();
    const cased = (alt: string): string => (upper ? alt.toUpperCase() : alt);
    const whole = variants.get(value.toLowerCase());
    if (whole) for (const alt of whole) options.push({ field, value: cased(alt) });
    const tokens = value.split(' ');
    if (tokens.length > 1) {
      tokens.forEach((token, i) => {
        for (const alt of variants.get(token.toLowerCase()) ?? []) {
          const next = [...tokens];
          next[i] = cased(alt);
          options.push({ field, value: next.join(' ') });
        }
      });
    }
    if (/[-']/.test(value)) {
      options.push({ field, value: value.replace(/[-']/g, '') });
      options.push({ field, value: value.replace(/[-']/g, ' ') });
    }
  }
  return options.filter((o) => o.value !== v[o.field] && o.value.trim() !== '');
}

function parseDob(dob: string): [string, string, string] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dob);
  return m ? [m[1]!, m[2]!, m[3]!] : null;
}

/**
 * Applies one variation to the view in place. Returns false, leaving the view untouched, when the
 * variation cannot change this record (no middle name, no diacritics, day above 12...).
 */
export function applyVariation(
  kind: Exclude<VariationKind, 'passport_renewed'>,
  v: PersonView,
  ctx: VariationContext,
): boolean {
  const { rng } = ctx;
  switch (kind) {
    case 'typo': {
      const fields = (['family', 'given'] as const).filter((f) => v[f].length >= 3);
      if (fields.length === 0) return false;
      const field = fields.length === 2 ? (rng.chance(0.55) ? 'family' : 'given') : fields[0]!;
      const out = typo(v[field], rng);
      if (out === null || out === v[field]) return false;
      v[field] = out;
      return true;
    }
    case 'transliteration': {
      const options = spellingOptions(v, ctx.variants);
      if (options.length === 0) return false;
      const choice = rng.pick(options);
      v[choice.field] = choice.value;
      return true;
    }
    case 'name_order_swapped': {
      if (v.given === '' || v.family === '' || v.given === v.family) return false;
      [v.given, v.family] = [v.family, v.given];
      return true;
    }
    case 'second_surname_dropped': {
      if (ctx.familyStyle !== 'two_surnames_keep_first' && ctx.familyStyle !== 'two_surnames_keep_last') {
        return false;
      }
      const parts = v.family.split(' ');
      if (parts.length < 2) return false;
      v.family = ctx.familyStyle === 'two_surnames_keep_first' ? parts[0]! : parts[parts.length - 1]!;
      return true;
    }
    case 'middle_merged_into_given': {
      if (v.middle === '' || v.given === '') return false;
      v.given = `${v.given} ${v.middle}`;
      v.middle = '';
      return true;
    }
    case 'middle_dropped': {
      if (v.middle === '') return false;
      v.middle = '';
      return true;
    }
    case 'middle_initial': {
      if (v.middle.length < 2) return false;
      v.middle = Array.from(v.middle)[0]!;
      return true;
    }
    case 'diacritics_stripped': {
      const given = stripDiacritics(v.given);
      const middle = stripDiacritics(v.middle);
      const family = stripDiacritics(v.family);
      if (given === v.given && middle === v.middle && family === v.family) return false;
      Object.assign(v, { given, middle, family });
      return true;
    }
    case 'uppercase': {
      const given = v.given.toUpperCase();
      const middle = v.middle.toUpperCase();
      const family = v.family.toUpperCase();
      if (given === v.given && middle === v.middle && family === v.family) return false;
      Object.assign(v, { given, middle, family });
      return true;
    }
    case 'dob_day_month_swapped': {
      const parts = parseDob(v.dob);
      if (!parts) return false;
      const [y, m, d] = parts;
      if (d === m || Number(d) > 12) return false;
      v.dob = `${y}-${d}-${m}`;
      return true;
    }
    case 'dob_year_only': {
      const parts = parseDob(v.dob);
      if (!parts || (parts[1] === '01' && parts[2] === '01')) return false;
      v.dob = `${parts[0]}-01-01`;
      return true;
    }
    case 'sex_missing': {
      if (v.sex === '' || v.sex === 'U') return false;
      v.sex = rng.chance(0.6) ? '' : 'U';
      return true;
    }
    case 'country_missing': {
      if (v.country === '') return false;
      v.country = '';
      return true;
    }
    case 'passport_missing': {
      if (v.passport === '') return false;
      v.passport = '';
      v.passportCountry = '';
      return true;
    }
    case 'passport_typo': {
      if (v.passport.length < 3) return false;
      const chars = Array.from(v.passport);
      const i = rng.int(1, chars.length - 1);
      const c = chars[i]!;
      if (!/\d/.test(c)) return false;
      const swapped = c === '0' && rng.chance(0.5) ? 'O' : String((Number(c) + rng.int(1, 9)) % 10);
      chars[i] = swapped;
      v.passport = chars.join('');
      return true;
    }
  }
}

type ChoosableKind = Exclude<VariationKind, 'passport_renewed'>;

/** How often each variation is chosen, per source: exit manifests are machine-read passports (upper case, no accents). */
export const VARIATION_WEIGHTS: Record<
  'I94' | 'EXIT' | 'USCIS',
  readonly (readonly [ChoosableKind, number])[]
> = {
  I94: [
    ['typo', 14],
    ['transliteration', 14],
    ['name_order_swapped', 7],
    ['second_surname_dropped', 10],
    ['middle_merged_into_given', 5],
    ['middle_dropped', 5],
    ['middle_initial', 2],
    ['diacritics_stripped', 10],
    ['uppercase', 6],
    ['dob_day_month_swapped', 6],
    ['dob_year_only', 4],
    ['sex_missing', 4],
    ['country_missing', 4],
    ['passport_missing', 3],
    ['passport_typo', 3],
  ],
  EXIT: [
    ['typo', 12],
    ['transliteration', 10],
    ['name_order_swapped', 6],
    ['second_surname_dropped', 8],
    ['middle_merged_into_given', 6],
    ['middle_dropped', 6],
    ['middle_initial', 1],
    ['diacritics_stripped', 16],
    ['uppercase', 20],
    ['dob_day_month_swapped', 4],
    ['dob_year_only', 2],
    ['sex_missing', 4],
    ['country_missing', 4],
    ['passport_missing', 2],
    ['passport_typo', 3],
  ],
  USCIS: [
    ['typo', 12],
    ['transliteration', 12],
    ['name_order_swapped', 6],
    ['second_surname_dropped', 8],
    ['middle_merged_into_given', 5],
    ['middle_dropped', 4],
    ['middle_initial', 3],
    ['diacritics_stripped', 8],
    ['uppercase', 4],
    ['dob_day_month_swapped', 8],
    ['dob_year_only', 6],
    ['sex_missing', 4],
    ['country_missing', 4],
    ['passport_missing', 10],
    ['passport_typo', 2],
  ],
};

/**
 * Applies `count` distinct applicable variations chosen by the source's weights; returns the
 * kinds applied (possibly fewer than asked when few apply to this record).
 */
export function applyRandomVariations(
  source: 'I94' | 'EXIT' | 'USCIS',
  count: number,
  v: PersonView,
  ctx: VariationContext,
): ChoosableKind[] {
  const applied: ChoosableKind[] = [];
  const weights = VARIATION_WEIGHTS[source];
  const tried = new Array<boolean>(weights.length).fill(false);
  for (let attempts = 0; applied.length < count && attempts < weights.length; attempts++) {
    let total = 0;
    for (let i = 0; i < weights.length; i++) if (!tried[i]) total += weights[i]![1];
    let r = ctx.rng.next() * total;
    let pick = -1;
    for (let i = 0; i < weights.length && pick < 0; i++) {
      if (tried[i]) continue;
      r -= weights[i]![1];
      if (r < 0) pick = i;
    }
    if (pick < 0) break;
    tried[pick] = true;
    const kind = weights[pick]![0];
    if (applyVariation(kind, v, ctx)) applied.push(kind);
  }
  return applied;
}

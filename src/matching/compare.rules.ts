import { MISSING, POW, type FieldSpec } from './fields.rules.js';
import { jaroWinkler, withinOneEdit } from './jaro-winkler.js';
import type { RecordStore } from './record-store.js';

// Level indices, matching LEVELS in fields.rules.ts.
const EXACT = 0;
const G_JW92 = 1;
const G_JW85 = 2;
const G_PHONETIC = 3;
const G_DIFFERENT = 4;
const F_SUBSET = 1;
const F_JW92 = 2;
const F_JW85 = 3;
const F_PHONETIC = 4;
const F_DIFFERENT = 5;

/**
 * Level of two first given names (normalized words), from exact to different. `joinedA/B` are
 * all given words run together, so "Xiao Ming" meets "Xiaoming" as exact.
 */
export function givenLevel(
  a: string,
  b: string,
  joinedA: string,
  joinedB: string,
  phonA: number,
  phonB: number,
): number {
  if (a === '' || b === '') return MISSING;
  if (a === b || joinedA === joinedB) return EXACT;
  const jw = jaroWinkler(a, b);
  if (jw >= 0.92) return G_JW92;
  if (jw >= 0.85) return G_JW85;
  return phonA === phonB ? G_PHONETIC : G_DIFFERENT;
}

function wordsLevel(a: string, b: string): number {
  if (a === b) return EXACT;
  const jw = jaroWinkler(a, b);
  return jw >= 0.92 ? F_JW92 : jw >= 0.85 ? F_JW85 : F_DIFFERENT;
}

/**
 * Level of two family names (normalized, words separated by spaces). One record keeping only one
 * of two surnames ("garcia lopez" / "garcia") is its own level; two double surnames are compared
 * word by word, so "garcia lopez" / "garcia perez" (cousins, not a typo) is different.
 */
export function familyLevel(a: string, b: string, phonA: number, phonB: number): number {
  if (a === '' || b === '') return MISSING;
  if (a === b) return EXACT;
  const spacedA = a.includes(' ');
  const spacedB = b.includes(' ');
  if (spacedA || spacedB) {
    const wa = a.split(' ');
    const wb = b.split(' ');
    if (wa.join('') === wb.join('')) return EXACT;
    const [short, long] = wa.length <= wb.length ? [wa, wb] : [wb, wa];
    if (short.every((w) => long.includes(w))) return F_SUBSET;
    if (wa.length === wb.length) {
      let worst = EXACT;
      for (let k = 0; k < wa.length; k++) worst = Math.max(worst, wordsLevel(wa[k]!, wb[k]!));
      if (worst < F_DIFFERENT) return worst;
      return phonA === phonB ? F_PHONETIC : F_DIFFERENT;
    }
  }
  const jw = jaroWinkler(a, b);
  if (jw >= 0.92) return F_JW92;
  if (jw >= 0.85) return F_JW85;
  return phonA === phonB ? F_PHONETIC : F_DIFFERENT;
}

/** Level of the given words after the first (middle names): exact, initial, similar, different. */
export function middleLevel(a: string, b: string): number {
  if (a === '' || b === '') return MISSING;
  if (a === b) return EXACT;
  if ((a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b))) return 1;
  if (jaroWinkler(a, b) >= 0.88) return 2;
  const wa = a.split(' ');
  const wb = b.split(' ');
  const [short, long] = wa.length <= wb.length ? [wa, wb] : [wb, wa];
  return short.every((w) => long.includes(w)) ? 2 : 3;
}

const dayNumber = (d: number): number =>
  Math.floor(d / 10000) * 365.25 + ((Math.floor(d / 100) % 100) - 1) * 30.44 + (d % 100);

/**
 * Level of two dates of birth as YYYYMMDD integers (0 = missing): exact, day and month swapped,
 * one recorded as 1 January of the right year (year-only), one digit slipped (or two adjacent
 * digits transposed), within a year, different.
 */
export function dateLevel(a: number, b: number): number {
  if (a === 0 || b === 0) return MISSING;
  if (a === b) return EXACT;
  const ya = Math.floor(a / 10000);
  const yb = Math.floor(b / 10000);
  const ma = Math.floor(a / 100) % 100;
  const mb = Math.floor(b / 100) % 100;
  const da = a % 100;
  const db = b % 100;
  if (ya === yb && ma === db && da === mb) return 1;
  if (ya === yb && ((ma === 1 && da === 1) || (mb === 1 && db === 1))) return 2;
  // Digits from the right: count differing positions, remember the first two.
  let diffs = 0;
  let x = a;
  let y = b;
  let firstA = 0;
  let firstB = 0;
  let secondA = 0;
  let secondB = 0;
  let firstAt = -1;
  let secondAt = -1;
  for (let k = 0; k < 8; k++) {
    const cx = x % 10;
    const cy = y % 10;
    if (cx !== cy) {
      diffs++;
      if (diffs === 1) {
        firstAt = k;
        firstA = cx;
        firstB = cy;
      } else if (diffs === 2) {
        secondAt = k;
        secondA = cx;
        secondB = cy;
      }
    }
    x = Math.floor(x / 10);
    y = Math.floor(y / 10);
  }
  if (diffs === 1) return 3;
  if (diffs === 2 && secondAt === firstAt + 1 && firstA === secondB && firstB === secondA) return 3;
  return Math.abs(dayNumber(a) - dayNumber(b)) <= 366 ? 4 : 5;
}

/**
 * Passport and id numbers: exact, one edit apart (or O/0, I/1 read wrongly), different. For
 * passports (`sequential` set) numbers that differ only in the last character count as different:
 * families applying together get consecutive numbers, so twins would otherwise look like a typo.
 */
export function documentLevel(a: string, b: string, sequential = false): number {
  if (a === '' || b === '') return MISSING;
  if (a === b) return EXACT;
  if (sequential && a.length === b.length && samePrefix(a, b, a.length - 1)) return 2;
  if (withinOneEdit(a, b)) return 1;
  return sameUpToLookalikes(a, b) ? 1 : 2;
}

/** Whether the first n characters of a and b are equal (no substring allocated). */
function samePrefix(a: string, b: string, n: number): boolean {
  for (let k = 0; k < n; k++) if (a.charCodeAt(k) !== b.charCodeAt(k)) return false;
  return true;
}

/** Equal once O/0 and I/L/1 (misread characters) are folded together. */
function sameUpToLookalikes(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    if (lookalike(a.charCodeAt(k)) !== lookalike(b.charCodeAt(k))) return false;
  }
  return true;
}

function lookalike(c: number): number {
  if (c === 79) return 48; // O → 0
  if (c === 73 || c === 76) return 49; // I, L → 1
  return c;
}

/** Free text: exact, Jaro–Winkler ≥ 0.92, ≥ 0.85, ≥ 0.70, different. */
export function textLevel(a: string, b: string): number {
  if (a === '' || b === '') return MISSING;
  if (a === b) return EXACT;
  const jw = jaroWinkler(a, b);
  return jw >= 0.92 ? 1 : jw >= 0.85 ? 2 : jw >= 0.7 ? 3 : 4;
}

/** One number for an ordered pair of ids below 2^26. */
function orderedKey(a: number, b: number): number {
  return a * 67108864 + b;
}

/** One number for an unordered pair of ids below 2^26. */
function pairKey(a: number, b: number): number {
  return a < b ? a * 67108864 + b : b * 67108864 + a;
}

const CACHE_LIMIT = 4_000_000;

function remember(cache: Map<number, number>, key: number, level: number): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, level);
}

function sum2(a: number, b: number): number {
  return (a === MISSING ? 3 : a) + (b === MISSING ? 3 : b);
}

/**
 * Compares two records of a store field by field, producing the packed comparison vector. Given
 * and family names are also compared crossed (given against family); the crossed reading wins
 * when it agrees better, and `swapped` says so.
 */
export class PairComparator {
  /** Whether the last compare() read the names crossed. */
  swapped = false;
  /** Levels of name-id pairs already compared (names repeat across pairs far more than records). */
  private readonly givenCache = new Map<number, number>();
  private readonly familyCache = new Map<number, number>();

  constructor(
    private readonly store: RecordStore,
    readonly fields: readonly FieldSpec[],
  ) {}

  private g = MISSING;
  private f = MISSING;

  /** Sets this.g and this.f to the straight name levels (cached by name-id pair). */
  private namesStraight(i: number, j: number): void {
    const s = this.store;
    const gi = s.given[i]!;
    const gj = s.given[j]!;
    const fi = s.family[i]!;
    const fj = s.family[j]!;
    if (gi < 0 || gj < 0) this.g = MISSING;
    else if (gi === gj || s.givenJoined[i] === s.givenJoined[j]) this.g = EXACT;
    else this.g = this.nameLevel(false, gi, gj);
    if (fi < 0 || fj < 0) this.f = MISSING;
    else if (fi === fj || s.familyJoined[i] === s.familyJoined[j]) this.f = EXACT;
    else this.f = this.nameLevel(true, fi, fj);
  }

  /** The level of two different name ids as given or family names, cached by id pair. */
  private nameLevel(family: boolean, a: number, b: number): number {
    const s = this.store;
    const cache = family ? this.familyCache : this.givenCache;
    const key = pairKey(a, b);
    let level = cache.get(key);
    if (level === undefined) {
      level = family
        ? familyLevel(s.name(a), s.name(b), s.namePhonetic[a]!, s.namePhonetic[b]!)
        : givenLevel(s.name(a), s.name(b), '', ' ', s.namePhonetic[a]!, s.namePhonetic[b]!);
      remember(cache, key, level);
    }
    return level;
  }

  private readonly crossedCache = new Map<number, number>();

  /**
   * The crossed reading (i's given name against j's family name, i's family name against j's
   * given names), packed as given level * 8 + family level; cached by the ids involved.
   */
  private namesCrossed(i: number, j: number): number {
    const s = this.store;
    const gi = s.given[i]!;
    const fi = s.family[i]!;
    const gj = s.given[j]!;
    const fj = s.family[j]!;
    const mj = s.middle[j]!;
    const key = mj < 0 ? orderedKey(gi, fj) * 2 + 1 : -1;
    const key2 = mj < 0 ? orderedKey(fi, gj) : -1;
    if (key >= 0) {
      const a = this.crossedCache.get(key);
      const b = this.crossedCache.get(key2 * 2);
      if (a !== undefined && b !== undefined) return a * 8 + b;
    }
    const giText = s.name(gi);
    const fjText = s.name(fj);
    const g = givenLevel(
      giText,
      fjText,
      giText,
      fjText.replaceAll(' ', ''),
      s.namePhonetic[gi]!,
      s.namePhonetic[fj]!,
    );
    const givenJ = mj >= 0 ? `${s.name(gj)} ${s.name(mj)}` : s.name(gj);
    const f = familyLevel(s.name(fi), givenJ, s.namePhonetic[fi]!, -1);
    if (key >= 0) {
      remember(this.crossedCache, key, g);
      remember(this.crossedCache, key2 * 2, f);
    }
    return g * 8 + f;
  }

  /** The packed comparison vector of records i and j. */
  compare(i: number, j: number): number {
    const s = this.store;
    let pattern = 0;
    this.namesStraight(i, j);
    let g = this.g;
    let f = this.f;
    this.swapped = false;
    // Read crossed only when a straight name is poor: a swap leaves both far apart.
    if ((g >= G_PHONETIC || f >= F_PHONETIC) && g !== MISSING && f !== MISSING && s.given[j]! >= 0) {
      const crossed = this.namesCrossed(i, j);
      const gx = crossed >> 3;
      const fx = crossed & 7;
      // A swap makes both names agree; one name matching the other's opposite is a coincidence.
      if (gx < G_DIFFERENT && fx < F_DIFFERENT && sum2(gx, fx) < sum2(g, f)) {
        g = gx;
        f = fx;
        this.swapped = true;
      }
    }
    const fields = this.fields;
    for (let k = 0; k < fields.length; k++) {
      const spec = fields[k]!;
      let level: number;
      switch (spec.kind) {
        case 'given':
          level = g;
          break;
        case 'family':
          level = f;
          break;
        case 'middle':
          level = this.swapped ? MISSING : middleLevel(s.name(s.middle[i]!), s.name(s.middle[j]!));
          break;
        case 'date':
          level = dateLevel(s.dob[i]!, s.dob[j]!);
          break;
        case 'category':
          level = this.category(spec, i, j);
          break;
        case 'document': {
          const a = s.passport[i]!;
          const b = s.passport[j]!;
          level =
            a < 0 || b < 0
              ? MISSING
              : a === b
                ? EXACT
                : documentLevel(s.documents.values[a]!, s.documents.values[b]!, true);
          break;
        }
        case 'anumber': {
          const a = s.aNumber[i]!;
          const b = s.aNumber[j]!;
          level = a === 0 || b === 0 ? MISSING : a === b ? EXACT : 1;
          break;
        }
        case 'id':
        case 'text': {
          const col = s.extras[spec.extra!]!;
          const a = col[i]!;
          const b = col[j]!;
          if (a < 0 || b < 0) level = MISSING;
          else if (a === b) level = EXACT;
          else {
            const values = s.extraValues[spec.extra!]!.values;
            level =
              spec.kind === 'id' ? documentLevel(values[a]!, values[b]!) : textLevel(values[a]!, values[b]!);
          }
          break;
        }
      }
      pattern += level * POW[k]!;
    }
    return pattern;
  }

  private category(spec: FieldSpec, i: number, j: number): number {
    const s = this.store;
    let a: number;
    let b: number;
    if (spec.extra !== undefined) {
      a = s.extras[spec.extra]![i]!;
      b = s.extras[spec.extra]![j]!;
    } else if (spec.name === 'sex') {
      a = s.sex[i]! - 1;
      b = s.sex[j]! - 1;
    } else {
      a = s.country[i]!;
      b = s.country[j]!;
    }
    return a < 0 || b < 0 ? MISSING : a === b ? EXACT : 1;
  }
}

import { MISSING, POW, type FieldSpec } from './fields.rules.js';
import {
  dateLevel,
  documentLevel,
  EXACT,
  F_DIFFERENT,
  F_PHONETIC,
  familyLevel,
  G_DIFFERENT,
  G_PHONETIC,
  givenLevel,
  middleLevel,
  textLevel,
} from './levels.rules.js';
import type { RecordStore } from './record-store.js';

export { dateLevel, documentLevel, familyLevel, givenLevel, middleLevel, textLevel } from './levels.rules.js';
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

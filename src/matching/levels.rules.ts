import { MISSING } from './fields.rules.js';
import { jaroWinkler, withinOneEdit } from './jaro-winkler.js';

/**
 * The comparison level functions, one per kind of field: pure functions of two normalized values
 * (names as text, dates as YYYYMMDD numbers). Level numbers follow LEVELS in fields.rules.ts.
 */

// Level indices, matching LEVELS in fields.rules.ts.
export const EXACT = 0;
const G_JW92 = 1;
const G_JW85 = 2;
export const G_PHONETIC = 3;
export const G_DIFFERENT = 4;
const F_SUBSET = 1;
const F_JW92 = 2;
const F_JW85 = 3;
export const F_PHONETIC = 4;
export const F_DIFFERENT = 5;

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

import type { FieldSpec } from './fields.rules.js';
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
}

function mixIn(h: number, v: number): number {
  const x = h ^ Math.imul(v, 0xcc9e2d51);
  return (Math.imul((x << 13) | (x >>> 19), 5) + 0xe6546b64) | 0;
}

/** 32-bit mix of up to three integers and a rule salt (murmur3 finalizer); never 0. */
export function hashKey(salt: number, a: number, b = 0, c = 0): number {
  let h = Math.imul(salt ^ 0x9e3779b9, 0x85ebca6b);
  h = mixIn(h, a);
  h = mixIn(h, b);
  h = mixIn(h, c);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h === 0 ? 1 : h;
}

const phon = (s: RecordStore, nameId: number): number => (nameId < 0 ? -1 : s.namePhonetic[nameId]!);

/** The phonetic keys of the family name's main and last words (last only when different). */
function familyPhonetics(s: RecordStore, i: number): number[] {
  const out: number[] = [];
  const main = phon(s, s.familyMain[i]!);
  const last = phon(s, s.familyLast[i]!);
  if (main >= 0) out.push(main);
  if (last >= 0 && last !== main) out.push(last);
  return out;
}

/** Given and family name sounds, order-free (survives swapped names and a dropped surname). */
const namePair =
  (salt: number, withYear: boolean): BlockingRule['keys'] =>
  (s, i, out) => {
    const g = phon(s, s.given[i]!);
    if (g < 0) return;
    const year = withYear ? Math.floor(s.dob[i]! / 10000) : 0;
    if (withYear && year === 0) return;
    for (const f of familyPhonetics(s, i)) out.push(hashKey(salt, Math.min(g, f), Math.max(g, f), year));
  };

/** Date of birth with the sound of any one name word (survives a typo in the other name). */
const dobName: BlockingRule['keys'] = (s, i, out) => {
  const dob = s.dob[i]!;
  if (dob === 0) return;
  const g = phon(s, s.given[i]!);
  if (g >= 0) out.push(hashKey(3, dob, g));
  for (const f of familyPhonetics(s, i)) if (f !== g) out.push(hashKey(3, dob, f));
};

/** The default rules for person records; `fields` adds one rule per identifying extra column. */
export function defaultBlockingRules(fields: readonly FieldSpec[], store: RecordStore): BlockingRule[] {
  const rules: BlockingRule[] = [
    { name: 'given+family sound', maxBlock: 400, keys: namePair(1, false) },
    { name: 'given+family sound+birth year', maxBlock: 400, keys: namePair(2, true) },
    { name: 'date of birth+name sound', maxBlock: 400, keys: dobName },
    {
      name: 'passport number',
      maxBlock: 50,
      keys: (s, i, out) => {
        if (s.passport[i]! >= 0) out.push(hashKey(4, s.passport[i]!));
      },
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
    // Only identifying numbers: a column where most values are distinct (not a postcode).
    if (dict.size < store.size * 0.3) continue;
    const e = f.extra;
    rules.push({
      name: f.name,
      maxBlock: 50,
      keys: (s, i, out) => {
        const v = s.extras[e]![i]!;
        if (v >= 0) out.push(hashKey(16 + e, v));
      },
    });
  }
  return rules;
}

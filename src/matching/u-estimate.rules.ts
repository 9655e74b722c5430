import { randomPairPatterns } from './candidates.js';
import type { PairComparator } from './compare.rules.js';
import { levelFrequencies } from './em.rules.js';
import { LEVELS, type FieldSpec } from './fields.rules.js';
import type { RecordStore } from './record-store.js';

/**
 * Value frequencies are taken over at least this many records: in a tiny file three records
 * sharing a birth date says little about how common that date is, so chance agreement is not
 * allowed to look likely just because the file is small.
 */
export const MIN_POPULATION = 1000;

/**
 * Total of value counts (at least MIN_POPULATION) and Σ p(v)²: the chance two random records
 * hold the same value.
 */
export function valueAgreement(counts: ArrayLike<number>, length: number): { total: number; sumSq: number } {
  let total = 0;
  let sq = 0;
  for (let k = 0; k < length; k++) {
    const c = counts[k]!;
    total += c;
    sq += c * c;
  }
  if (total === 0) return { total, sumSq: 0 };
  const n = Math.max(total, MIN_POPULATION);
  return { total: n, sumSq: sq / (n * n) };
}

function agreement(counts: ArrayLike<number>, length: number): number {
  return valueAgreement(counts, length).sumSq;
}

function columnAgreement(column: ArrayLike<number>, n: number, missing: number): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = column[i]!;
    if (v !== missing) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return agreement([...counts.values()], counts.size);
}

/**
 * The chance that two records picked at random hold the same value of a field: Σ p(v)², from
 * the value counts. Exact for the exact level, where random sampling would see too few
 * agreements to estimate it. Null for fields where exact agreement is not one value's equality.
 */
export function exactAgreement(store: RecordStore, spec: FieldSpec): number | null {
  const n = store.size;
  switch (spec.kind) {
    case 'given':
      return agreement(store.givenCount, store.names.size);
    case 'family':
      return agreement(store.familyCount, store.names.size);
    case 'date':
      return agreement([...store.dobCount.values()], store.dobCount.size);
    case 'document':
      return agreement(store.documents.counts, store.documents.size);
    case 'anumber':
      return columnAgreement(store.aNumber, n, 0);
    case 'category':
      if (spec.extra !== undefined) break;
      return spec.name === 'sex'
        ? columnAgreement(store.sex, n, 0)
        : agreement(store.countries.counts, store.countries.size);
    case 'middle':
      return null;
    case 'id':
    case 'text':
      break;
  }
  const dict = store.extraValues[spec.extra!]!;
  return agreement(dict.counts, dict.size);
}

/**
 * u probabilities over all pairs (not only the compared ones): level frequencies among random
 * pairs, with the exact level replaced by the value-count agreement and the other levels scaled
 * to fill the rest. Random pairs are almost all non-matches, so this is P(level | non-match).
 */
export function estimateU(
  store: RecordStore,
  fields: readonly FieldSpec[],
  comparator: PairComparator,
  link: boolean,
  samples: number,
): number[][] {
  const levelCounts = fields.map((f) => LEVELS[f.kind].length);
  const random = randomPairPatterns(store, comparator, link, samples);
  const sampled = levelFrequencies(random, levelCounts);
  return fields.map((spec, f) => {
    const u = sampled[f]!;
    const exact = exactAgreement(store, spec);
    if (exact === null || exact <= 0) return u;
    const rest = 1 - u[0]!;
    const scale = rest > 0 ? (1 - exact) / rest : 0;
    return u.map((p, l) => (l === 0 ? Math.max(exact, 1e-9) : p * scale));
  });
}

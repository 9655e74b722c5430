import { levelName, levelOf, MISSING, POW } from './fields.rules.js';
import type { MatchModel } from './model.rules.js';
import type { RecordStore } from './record-store.js';
import { dateText } from './normalize.rules.js';
import { valueAgreement } from './u-estimate.rules.js';
import { guardOf, GUARD_WEIGHT, type Guard } from './guards.rules.js';

/** One field's part of the evidence for a pair. */
export interface FieldEvidence {
  field: string;
  level: string;
  /** Bits of evidence (log2 Bayes factor) this field adds, term-frequency adjustment included. */
  weight: number;
  /** The part of `weight` due to how common the agreed value is (exact agreement only). */
  termFrequency?: number;
  /** The normalized values compared, when asked for. */
  values?: [string, string];
}

/** Why a pair scored as it did: serializable for the UI, the API and --pairs files. */
export interface PairEvidence {
  records: [string, string];
  /** Posterior probability that both records are the same person. */
  probability: number;
  /** Total match weight in bits: prior plus the sum of field weights. */
  weight: number;
  priorWeight: number;
  /** The given and family names agreed only when read crossed. */
  namesSwapped: boolean;
  /** A rule that held the pair below the link threshold whatever its weight (see guards). */
  guard?: Guard;
  fields: FieldEvidence[];
}

/** Probability from a match weight in bits. */
export const probabilityOf = (weight: number): number => 1 / (1 + 2 ** -weight);
/** Match weight in bits from a probability. */
export const weightOf = (probability: number): number => Math.log2(probability / (1 - probability));

/** Largest term-frequency adjustment, either way, in bits. */
const TF_CLAMP = 8;
/** Weight of the model's own chance agreement against a store's observed frequencies (records). */
const TF_PSEUDO_RECORDS = 500;

/**
 * Turns comparison vectors into match weights with a trained model: prior weight plus each
 * field's level weight, plus a term-frequency adjustment for exact agreement on names and dates
 * (agreeing on a rare surname weighs more than on a common one). Weights of whole vectors are
 * cached; the adjustment reads use counts from the store.
 */
export class PairScorer {
  private readonly cache = new Map<number, number>();
  private readonly tfFields: { f: number; kind: string; extra?: number }[] = [];
  private sums = new Map<'date' | 'given' | 'family' | number, { n: number; sumSq: number; total: number }>();

  constructor(
    readonly model: MatchModel,
    private readonly store: RecordStore,
  ) {
    model.fields.forEach((fm, f) => {
      if (fm.termFrequency) {
        this.tfFields.push({ f, kind: fm.kind, ...(fm.extra === undefined ? {} : { extra: fm.extra }) });
      }
    });
  }

  private readonly guards = new Map<number, Guard | null>();

  /** The guard a vector falls under (cached per vector), or null. */
  guard(pattern: number): Guard | null {
    let g = this.guards.get(pattern);
    if (g === undefined) this.guards.set(pattern, (g = guardOf(this.model, pattern)));
    return g;
  }

  /** Prior plus the level weights of a vector, without term-frequency adjustment. */
  baseWeight(pattern: number): number {
    let w = this.cache.get(pattern);
    if (w !== undefined) return w;
    w = this.model.priorWeight;
    const fields = this.model.fields;
    for (let f = 0; f < fields.length; f++) {
      const l = levelOf(pattern, f);
      if (l !== MISSING) w += fields[f]!.weights[l]!;
    }
    this.cache.set(pattern, w);
    return w;
  }

  // No closures below: this runs for every compared pair, and a function created per call costs
  // an allocation (and, under tsx, a keepNames helper call) each time.
  /** Chance agreement of a name, date or extra field over the store (cached; refreshed as it grows 5%). */
  private stats(key: 'date' | 'given' | 'family' | number): { sumSq: number; total: number } {
    const cached = this.sums.get(key);
    if (cached && this.store.size <= cached.n * 1.05) return cached;
    const s = this.store;
    let values: ArrayLike<number>;
    let distinct: number;
    if (key === 'date') [values, distinct] = [[...s.dobCount.values()], s.dobCount.size];
    else if (key === 'family') [values, distinct] = [s.familyCount, s.names.size];
    else if (key === 'given') [values, distinct] = [s.givenCount, s.names.size];
    else [values, distinct] = [s.extraValues[key]!.counts, s.extraValues[key]!.size];
    const computed = { n: s.size, ...valueAgreement(values, distinct) };
    this.sums.set(key, computed);
    return computed;
  }

  /** The term-frequency adjustment of field f (at exact level) for the value held by record j. */
  termFrequency(f: number, j: number, swapped: boolean): number {
    const s = this.store;
    const kind = this.model.fields[f]!.kind;
    let count: number;
    let st: { sumSq: number; total: number };
    if (kind === 'date') {
      count = s.dobCount.get(s.dob[j]!) ?? 1;
      st = this.stats('date');
    } else if (kind === 'given' || kind === 'family') {
      const useFamily = (kind === 'family') !== swapped;
      const id = useFamily ? s.family[j]! : s.given[j]!;
      const counts = useFamily ? s.familyCount : s.givenCount;
      count = id >= 0 ? counts[id]! : 1;
      st = this.stats(useFamily ? 'family' : 'given');
    } else {
      const e = this.model.fields[f]!.extra!;
      const id = s.extras[e]![j]!;
      count = id >= 0 ? s.extraValues[e]!.counts[id]! : 1;
      st = this.stats(e);
    }
    if (st.total === 0 || st.sumSq === 0) return 0;
    // Frequencies from a small store say little (in a store of two records every name is
    // "common"): both the value's frequency and the chance agreement it is compared with are
    // shrunk towards the model's chance agreement u(exact), by TF_PSEUDO_RECORDS pseudo-records.
    const u0 = this.model.fields[f]!.u[0]!;
    const shrunkChance = (st.sumSq * st.total + TF_PSEUDO_RECORDS * u0) / (st.total + TF_PSEUDO_RECORDS);
    const shrunkValue = (Math.max(1, count) + TF_PSEUDO_RECORDS * u0) / (st.total + TF_PSEUDO_RECORDS);
    const adj = Math.log2(shrunkChance / shrunkValue);
    return Math.max(-TF_CLAMP, Math.min(TF_CLAMP, adj));
  }

  /**
   * Total match weight of records i and j with comparison vector `pattern`: prior, field weights,
   * term-frequency adjustments, then held at GUARD_WEIGHT when a guard applies.
   */
  weight(pattern: number, j: number, swapped: boolean): number {
    let w = this.baseWeight(pattern);
    for (const t of this.tfFields) {
      if (Math.floor(pattern / POW[t.f]!) % 8 === 0) w += this.termFrequency(t.f, j, swapped);
    }
    if (w > GUARD_WEIGHT && this.guard(pattern) !== null) return GUARD_WEIGHT;
    return w;
  }

  /** The evidence for a scored pair, field by field. */
  evidence(i: number, j: number, pattern: number, swapped: boolean, withValues = false): PairEvidence {
    const fields: FieldEvidence[] = this.model.fields.map((fm, f) => {
      const l = levelOf(pattern, f);
      const tf = l === 0 && fm.termFrequency ? this.termFrequency(f, j, swapped) : 0;
      const e: FieldEvidence = {
        field: fm.name,
        level: levelName(fm.kind, l),
        weight: round((l === MISSING ? 0 : fm.weights[l]!) + tf),
      };
      if (tf !== 0) e.termFrequency = round(tf);
      if (withValues) e.values = [this.valueText(f, i), this.valueText(f, j)];
      return e;
    });
    const weight = this.weight(pattern, j, swapped);
    const guard = this.guard(pattern);
    return {
      records: [this.store.ids[i]!, this.store.ids[j]!],
      probability: probabilityOf(weight),
      weight: round(weight),
      priorWeight: round(this.model.priorWeight),
      namesSwapped: swapped,
      ...(guard === null ? {} : { guard }),
      fields,
    };
  }

  private valueText(f: number, i: number): string {
    const s = this.store;
    const fm = this.model.fields[f]!;
    switch (fm.kind) {
      case 'given':
        return s.name(s.given[i]!);
      case 'family':
        return s.name(s.family[i]!);
      case 'middle':
        return s.name(s.middle[i]!);
      case 'date':
        return dateText(s.dob[i]!);
      case 'document':
        return s.passport[i]! >= 0 ? s.documents.values[s.passport[i]!]! : '';
      case 'anumber':
        return s.aNumber[i]! > 0 ? String(s.aNumber[i]).padStart(9, '0') : '';
      case 'category':
        if (fm.extra !== undefined) break;
        return fm.name === 'sex'
          ? (['', 'M', 'F', 'X'][s.sex[i]!] ?? '')
          : s.country[i]! >= 0
            ? s.countries.values[s.country[i]!]!
            : '';
      case 'id':
      case 'text':
        break;
    }
    const id = s.extras[fm.extra!]![i]!;
    return id >= 0 ? s.extraValues[fm.extra!]!.values[id]! : '';
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

import { BlockIndex } from './block-index.js';
import { defaultBlockingRules } from './blocking.rules.js';
import { PairComparator } from './compare.rules.js';
import type { ResolveResult } from './engine.js';
import type { Guard } from './guards.rules.js';
import { specsOf, type MatchModel } from './model.rules.js';
import { RecordStore, type MatchRecord } from './record-store.js';
import { PairScorer, probabilityOf, weightOf, type PairEvidence } from './score.rules.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.rules.js';
import { grow } from './typed-arrays.js';

/** Cluster of a record taken out of matching. */
const RETIRED = -1;

/** One indexed record compared with the record being resolved. */
export interface CandidateMatch {
  recordId: string;
  clusterId: string;
  probability: number;
  weight: number;
  /** The packed comparison vector (a review decision on it becomes a label for refineModel). */
  pattern: number;
  evidence: PairEvidence;
}

/** What to do with a new record: link it to a person (cluster), ask a person, or start a new one. */
export interface Resolution {
  outcome: 'link' | 'review' | 'new';
  /** The person to link to (link), or the likeliest one (review); null for new. */
  clusterId: string | null;
  /** Match probability of the best pair with that cluster. */
  probability: number;
  /** Why a strong candidate was not linked. */
  reason?: 'a_number_conflict' | 'conflicting_evidence' | 'weak_cluster_link' | 'shared_a_number' | Guard;
  /** The best-scoring indexed records, strongest first, with their evidence. */
  candidates: CandidateMatch[];
}

/**
 * The incremental index the application keeps: records already resolved, their clusters and
 * blocks, and a trained model. `resolve` compares one new record only with the records sharing
 * one of its blocks, so its cost follows the block sizes, not the number of records.
 */
export class MatchIndex {
  private readonly comparator: PairComparator;
  private readonly scorer: PairScorer;
  private clusterOf: Int32Array;
  private readonly clusterNames: string[] = [];
  private readonly clusterByName = new Map<string, number>();
  /** A-number of each cluster (0 = none). */
  private clusterANumber = new Int32Array(1024);
  private stamp: Int32Array;
  private query = 0;
  private readonly keys: number[] = [];
  private readonly keyRules: number[] = [];

  private constructor(
    readonly model: MatchModel,
    readonly store: RecordStore,
    readonly blocks: BlockIndex,
    readonly thresholds: Thresholds,
  ) {
    const fields = specsOf(model);
    this.comparator = new PairComparator(store, fields);
    this.scorer = new PairScorer(model, store);
    this.clusterOf = new Int32Array(Math.max(1024, store.size));
    this.stamp = new Int32Array(Math.max(1024, store.size + 1)).fill(-1);
  }

  /** An empty index for a trained model (records are then added with `add`). */
  static create(model: MatchModel, thresholds: Partial<Thresholds> = {}): MatchIndex {
    const store = new RecordStore(model.extraColumns);
    const blocks = new BlockIndex(defaultBlockingRules(specsOf(model), store));
    return new MatchIndex(model, store, blocks, { ...DEFAULT_THRESHOLDS, ...thresholds });
  }

  /** The index of a batch run, sharing its records, blocks and model; clusters named by `name`. */
  static fromResult(
    result: ResolveResult,
    name: (cluster: number) => string = (k) => `C${k + 1}`,
  ): MatchIndex {
    const index = new MatchIndex(result.model, result.store, result.index, result.thresholds);
    for (let i = 0; i < result.store.size; i++) index.assign(i, name(result.clustering.cluster[i]!));
    return index;
  }

  get size(): number {
    return this.store.size;
  }

  /**
   * The same records, blocks and clusters scored by another model over the same fields (a model
   * refined with review decisions). This index must not be used afterwards: they share arrays.
   */
  withModel(model: MatchModel): MatchIndex {
    const same = (a: MatchModel) => a.fields.map((f) => `${f.name}:${f.kind}`).join();
    if (same(model) !== same(this.model) || model.extraColumns.join() !== this.model.extraColumns.join()) {
      throw new Error('withModel needs a model over the same fields');
    }
    const next = new MatchIndex(model, this.store, this.blocks, this.thresholds);
    next.clusterOf = this.clusterOf;
    next.clusterANumber = this.clusterANumber;
    next.clusterNames.push(...this.clusterNames);
    for (const [name, c] of this.clusterByName) next.clusterByName.set(name, c);
    return next;
  }

  private assign(i: number, clusterId: string): void {
    let c = this.clusterByName.get(clusterId);
    if (c === undefined) {
      c = this.clusterNames.length;
      this.clusterNames.push(clusterId);
      this.clusterByName.set(clusterId, c);
      this.clusterANumber = grow(this.clusterANumber, c + 1);
    }
    this.clusterOf = grow(this.clusterOf, i + 1);
    this.clusterOf[i] = c;
    const a = this.store.aNumber[i]!;
    if (a !== 0 && this.clusterANumber[c] === 0) this.clusterANumber[c] = a;
  }

  /** Adds a resolved record under a cluster (person) id; returns its position in the index. */
  add(record: MatchRecord, clusterId: string): number {
    const i = this.store.add(record);
    this.blocks.add(this.store, i);
    this.assign(i, clusterId);
    return i;
  }

  /** Moves an indexed record to another cluster (a merge, a split, a reviewer's decision). */
  reassign(i: number, clusterId: string): void {
    this.assign(i, clusterId);
  }

  /**
   * Takes a record out of matching (superseded by a newer version, or never committed). It stays
   * in the store and its blocks, so positions do not move, but is never a candidate again.
   */
  retire(i: number): void {
    this.clusterOf[i] = RETIRED;
  }

  /** Gives a cluster another id (a provisional id that became a stored person's id). */
  renameCluster(from: string, to: string): void {
    const c = this.clusterByName.get(from);
    if (c === undefined) return;
    const existing = this.clusterByName.get(to);
    if (existing !== undefined && existing !== c) {
      throw new Error(`cluster ${to} already exists; reassign its records instead`);
    }
    this.clusterByName.delete(from);
    this.clusterByName.set(to, c);
    this.clusterNames[c] = to;
  }

  /** The cluster id of an indexed record, or null once retired. */
  clusterIdOf(i: number): string | null {
    const c = this.clusterOf[i]!;
    return c === RETIRED ? null : this.clusterNames[c]!;
  }

  /** Compares one new record with its block neighbours and decides; the index is unchanged. */
  resolve(record: MatchRecord, maxCandidates = 5, withValues = false): Resolution {
    const store = this.store;
    const q = store.add(record);
    try {
      return this.decide(q, this.compareWithBlocks(q), maxCandidates, withValues);
    } finally {
      store.removeLast();
    }
  }

  private compareWithBlocks(q: number): { j: number; pattern: number; swapped: boolean; weight: number }[] {
    const { store, blocks } = this;
    if (this.stamp.length <= q) this.stamp = grow(this.stamp, q + 1).fill(-1, this.stamp.length);
    const stamp = ++this.query;
    blocks.keysOf(store, q, this.keys, this.keyRules);
    const found: { j: number; pattern: number; swapped: boolean; weight: number }[] = [];
    for (let k = 0; k < this.keys.length; k++) {
      const slot = blocks.find(this.keys[k]!);
      if (slot < 0 || !blocks.usable(slot)) continue;
      const rule = blocks.rules[blocks.slotRule[slot]!]!;
      const filter = rule.pairFilter;
      // A probe rule's block pairs the new record only with probes, unless it is one.
      const probe = rule.probe && !rule.probe(store, q) ? rule.probe : undefined;
      for (let e = blocks.slotHead[slot]!; e >= 0; e = blocks.entryNext[e]!) {
        const j = blocks.entryRecord[e]!;
        if (
          this.stamp[j] === stamp ||
          this.clusterOf[j] === RETIRED ||
          (filter && !filter(store, q, j)) ||
          (probe && !probe(store, j))
        ) {
          continue;
        }
        this.stamp[j] = stamp;
        const pattern = this.comparator.compare(j, q);
        const swapped = this.comparator.swapped;
        found.push({ j, pattern, swapped, weight: this.scorer.weight(pattern, j, swapped) });
      }
    }
    return found.sort((a, b) => b.weight - a.weight);
  }

  private decide(
    q: number,
    found: ReturnType<MatchIndex['compareWithBlocks']>,
    maxCandidates: number,
    withValues: boolean,
  ): Resolution {
    const t = this.thresholds;
    const link = weightOf(t.linkProbability);
    const review = weightOf(t.reviewProbability);
    const cannotLink = weightOf(t.cannotLinkProbability);
    const candidates = found.slice(0, maxCandidates).map((f) => ({
      recordId: this.store.ids[f.j]!,
      clusterId: this.clusterNames[this.clusterOf[f.j]!]!,
      probability: probabilityOf(f.weight),
      weight: f.weight,
      pattern: f.pattern,
      evidence: this.scorer.evidence(q, f.j, f.pattern, f.swapped, withValues),
    }));
    const best = found[0];
    if (!best || best.weight < review) {
      return {
        outcome: 'new',
        clusterId: null,
        probability: best ? probabilityOf(best.weight) : 0,
        candidates,
      };
    }
    const c = this.clusterOf[best.j]!;
    const base = { clusterId: this.clusterNames[c]!, probability: probabilityOf(best.weight), candidates };
    const guard = this.scorer.guard(best.pattern);
    if (guard) return { outcome: 'review', ...base, reason: guard };
    const a = this.store.aNumber[q]!;
    if (a !== 0 && this.clusterANumber[c] !== 0 && this.clusterANumber[c] !== a) {
      return { outcome: 'review', ...base, reason: 'a_number_conflict' };
    }
    // The same checks as clustering: every scored record of the cluster must agree.
    let sum = 0;
    let count = 0;
    for (const f of found) {
      if (this.clusterOf[f.j] !== c) continue;
      if (f.weight < cannotLink || this.scorer.guard(f.pattern) === 'name_conflict') {
        return { outcome: 'review', ...base, reason: 'conflicting_evidence' };
      }
      sum += f.weight;
      count++;
    }
    if (best.weight < link) return { outcome: 'review', ...base };
    if (sum / count < link) return { outcome: 'review', ...base, reason: 'weak_cluster_link' };
    return { outcome: 'link', ...base };
  }
}

import { BlockIndex } from './block-index.js';
import { defaultBlockingRules, type BlockingRule } from './blocking.rules.js';
import { compareCandidates, PairBuffer } from './candidates.js';
import { clusterPairs, type ClusterResult, type ReviewPair } from './clustering.rules.js';
import { PairComparator } from './compare.rules.js';
import { compareInParallel, PARALLEL_MIN_RECORDS } from './parallel-compare.js';
import { defaultM, expectationMaximization, type LabelledPattern } from './em.rules.js';
import { LEVELS } from './fields.rules.js';
import { modelFrom, specsOf, type MatchModel } from './model.rules.js';
import { RecordStore, type MatchRecord } from './record-store.js';
import { inferFields, type ExtraKind } from './schema.rules.js';
import { PairScorer, probabilityOf, weightOf } from './score.rules.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.rules.js';
import { estimateU } from './u-estimate.rules.js';

export interface ResolveOptions {
  /** Extra comparison columns read from MatchRecord.extra, in order. */
  extraColumns?: readonly string[];
  /** Kinds for extra columns (default: inferred from their values). */
  extraKinds?: Readonly<Record<string, ExtraKind>>;
  /** A trained model to use as it is (no EM). */
  model?: MatchModel;
  /** Confirmed decisions to anchor EM (comparison vectors with a known answer). */
  labels?: readonly LabelledPattern[];
  thresholds?: Partial<Thresholds>;
  /** Random pairs sampled for EM's starting u probabilities (default 10,000). */
  randomPairs?: number;
  /** Blocking rules (default: defaultBlockingRules). */
  rules?: (fields: ReturnType<typeof inferFields>, store: RecordStore) => BlockingRule[];
  onProgress?: (message: string) => void;
  /** Compare on two threads when there are many records (default true). */
  parallel?: boolean;
}

/** Everything a batch run produced; `pairs` holds every compared pair with its vector and weight. */
export interface ResolveResult {
  store: RecordStore;
  index: BlockIndex;
  model: MatchModel;
  scorer: PairScorer;
  thresholds: Thresholds;
  /** All compared pairs; pairs.weight is filled (bits). */
  pairs: PairBuffer;
  clustering: ClusterResult;
  link: boolean;
  stats: {
    records: number;
    candidatePairs: number;
    blockingRules: { name: string; maxBlock: number }[];
    oversizedBlocks: number;
    linkPairs: number;
    reviewPairs: number;
    /** From the EM posterior: expected true pairs among the candidates and the link set's precision. */
    estimatedMatches: number;
    estimatedLinkPrecision: number;
    estimatedLinkRecall: number;
    millis: Record<string, number>;
  };
}

export type { ReviewPair };

/**
 * Resolves a batch of records end to end: normalize, block, compare, estimate the model with EM
 * (unless one is given), score, and cluster. Records with side 1 make it a linkage of two inputs
 * (only pairs across sides are compared). Pure: no I/O.
 */
export function resolveRecords(records: Iterable<MatchRecord>, opts: ResolveOptions = {}): ResolveResult {
  const millis: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    millis[name] = Math.round(now - t);
    t = now;
  };
  const progress = opts.onProgress ?? (() => undefined);
  const store = new RecordStore(opts.model?.extraColumns ?? opts.extraColumns ?? []);
  let link = false;
  for (const r of records) {
    store.add(r);
    if ((r.side ?? 0) !== 0) link = true;
  }
  lap('prepare');
  const fields = opts.model ? specsOf(opts.model) : inferFields(store, opts.extraKinds);
  const rules = (opts.rules ?? defaultBlockingRules)(fields, store);
  const index = new BlockIndex(rules, store.size);
  for (let i = 0; i < store.size; i++) index.add(store, i);
  lap('block');
  progress(`${store.size} records in ${index.slots} blocks; comparing candidate pairs`);
  const comparator = new PairComparator(store, fields);
  const onCompared = (i: number) => {
    progress(`compared candidates of ${i} of ${store.size} records`);
  };
  // Two threads for large inputs with the default rules (a worker rebuilds them itself).
  const parallel =
    opts.parallel !== false && !opts.rules && store.size >= PARALLEL_MIN_RECORDS
      ? compareInParallel(store, index, comparator, fields, link, onCompared)
      : null;
  const pairs =
    parallel ??
    compareCandidates(store, index, comparator, link, new PairBuffer(), 0, store.size, onCompared);
  lap('compare');
  progress(`${pairs.count} candidate pairs; estimating the model`);
  const model = opts.model ?? trainModel(store, comparator, fields, pairs, link, opts);
  lap('em');
  const scorer = new PairScorer(model, store);
  pairs.weight = new Float32Array(pairs.count);
  pairs.guarded = new Uint8Array(pairs.count);
  for (let p = 0; p < pairs.count; p++) {
    const pattern = pairs.pattern[p]!;
    pairs.weight[p] = scorer.weight(pattern, pairs.b[p]!, pairs.swapped[p] === 1);
    // Conflicting names veto merges; a pair merely lacking corroboration does not.
    if (scorer.guard(pattern) === 'name_conflict') pairs.guarded[p] = 1;
  }
  lap('score');
  const thresholds = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
  const clustering = clusterPairs(
    store.size,
    pairs,
    {
      link: weightOf(thresholds.linkProbability),
      review: weightOf(thresholds.reviewProbability),
      cannotLink: weightOf(thresholds.cannotLinkProbability),
    },
    store.aNumber,
  );
  lap('cluster');
  return {
    store,
    index,
    model,
    scorer,
    thresholds,
    pairs,
    clustering,
    link,
    stats: {
      ...summarize(pairs, thresholds),
      records: store.size,
      candidatePairs: pairs.count,
      blockingRules: rules.map((r) => ({ name: r.name, maxBlock: r.maxBlock })),
      oversizedBlocks: index.oversized().blocks,
      reviewPairs: clustering.review.length,
      millis,
    },
  };
}

function summarize(pairs: PairBuffer, thresholds: Thresholds) {
  const linkW = weightOf(thresholds.linkProbability);
  let expected = 0;
  let linkExpected = 0;
  let links = 0;
  for (let p = 0; p < pairs.count; p++) {
    const w = pairs.weight[p]!;
    const prob = probabilityOf(w);
    expected += prob;
    if (w >= linkW) {
      links++;
      linkExpected += prob;
    }
  }
  return {
    linkPairs: links,
    estimatedMatches: Math.round(expected),
    estimatedLinkPrecision: links ? linkExpected / links : 1,
    estimatedLinkRecall: expected ? linkExpected / expected : 1,
  };
}

/** EM on the candidate pairs' comparison vectors, u started from random pairs. */
function trainModel(
  store: RecordStore,
  comparator: PairComparator,
  fields: ReturnType<typeof inferFields>,
  pairs: PairBuffer,
  link: boolean,
  opts: ResolveOptions,
): MatchModel {
  const counts = new Map<number, number>();
  for (let p = 0; p < pairs.count; p++) {
    const k = pairs.pattern[p]!;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const levelCounts = fields.map((f) => LEVELS[f.kind].length);
  const u = estimateU(store, fields, comparator, link, opts.randomPairs ?? 10_000);
  const patternCounts = [...counts.entries()];
  const result = expectationMaximization({
    levelCounts,
    patterns: patternCounts.map(([p]) => p),
    counts: patternCounts.map(([, c]) => c),
    start: { m: levelCounts.map(defaultM), u, lambda: 0.1 },
    labels: opts.labels ?? [],
  });
  return modelFrom(
    fields,
    store.extraNames,
    result,
    u,
    { pairs: pairs.count, allPairs: allPairs(store, link), patternCounts },
    { iterations: result.iterations, converged: result.converged, labels: opts.labels?.length ?? 0 },
  );
}

/** The number of pairs a full comparison would make (across sides when linking). */
function allPairs(store: RecordStore, link: boolean): number {
  const n = store.size;
  if (!link) return (n * (n - 1)) / 2;
  let side1 = 0;
  for (let i = 0; i < n; i++) side1 += store.side[i]!;
  return (n - side1) * side1;
}

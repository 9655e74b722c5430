import { demoMatchData } from '../../src/demo/demo-match-records.js';
import {
  connectedComponents,
  resolveRecords,
  weightOf,
  type MatchRecord,
  type ResolveResult,
} from '../../src/matching/index.js';
import { clusterMetrics, type PairMetrics } from './metrics.js';

/** The demo population's person records as MatchRecords, with the true person of each. */
export function syntheticRecords(
  people: number,
  seed: number,
): { records: MatchRecord[]; truth: Map<string, { person: string; variations: string[] }> } {
  const { records, truth } = demoMatchData(people, seed);
  return {
    records,
    truth: new Map(truth.map((t) => [t.record, { person: t.personKey, variations: t.variations }])),
  };
}

export interface SyntheticResult {
  task: string;
  records: number;
  candidatePairs: number;
  blockingRecall: number;
  clusters: PairMetrics;
  connectedComponents: PairMetrics;
  /** Recall of true pairs by the variation kind one of the two records carries. */
  recallByVariation: Record<string, { pairs: number; recall: number }>;
  reviewPairs: number;
  estimatedLinkPrecision: number;
  seconds: number;
  millis: Record<string, number>;
}

export function scoreSynthetic(
  task: string,
  result: ResolveResult,
  truth: Map<string, { person: string; variations: string[] }>,
  seconds: number,
  components: Int32Array,
): SyntheticResult {
  const ids = result.store.ids;
  const personIds = new Map<string, number>();
  const entity = Int32Array.from(ids, (id) => {
    const p = truth.get(id)!.person;
    let k = personIds.get(p);
    if (k === undefined) personIds.set(p, (k = personIds.size));
    return k;
  });
  const side = new Uint8Array(ids.length);
  const members = new Map<number, number[]>();
  entity.forEach((e, i) => {
    let m = members.get(e);
    if (!m) members.set(e, (m = []));
    m.push(i);
  });
  const compared = new Set<number>();
  const n = ids.length;
  for (let p = 0; p < result.pairs.count; p++) {
    const a = result.pairs.a[p]!;
    const b = result.pairs.b[p]!;
    if (entity[a] === entity[b]) compared.add(Math.min(a, b) * n + Math.max(a, b));
  }
  const byKind = new Map<string, [number, number]>();
  let truePairs = 0;
  for (const m of members.values()) {
    for (let x = 0; x < m.length; x++) {
      for (let y = x + 1; y < m.length; y++) {
        truePairs++;
        const a = m[x]!;
        const b = m[y]!;
        const found = result.clustering.cluster[a] === result.clustering.cluster[b];
        const kinds = new Set([...truth.get(ids[a]!)!.variations, ...truth.get(ids[b]!)!.variations]);
        if (kinds.size === 0) kinds.add('none');
        for (const k of kinds) {
          const v = byKind.get(k) ?? [0, 0];
          v[0]++;
          if (found) v[1]++;
          byKind.set(k, v);
        }
      }
    }
  }
  const recallByVariation: SyntheticResult['recallByVariation'] = {};
  for (const [k, [pairs, found]] of [...byKind.entries()].sort()) {
    recallByVariation[k] = { pairs, recall: found / pairs };
  }
  return {
    task,
    records: n,
    candidatePairs: result.pairs.count,
    blockingRecall: compared.size / truePairs,
    clusters: clusterMetrics(result.clustering.cluster, entity, side, false),
    connectedComponents: clusterMetrics(components, entity, side, false),
    recallByVariation,
    reviewPairs: result.clustering.review.length,
    estimatedLinkPrecision: result.stats.estimatedLinkPrecision,
    seconds,
    millis: result.stats.millis,
  };
}

/** Generates the demo population, deduplicates all its person records, and scores the clusters. */
export function runSynthetic(people: number, seed: number): SyntheticResult {
  const { records, truth } = syntheticRecords(people, seed);
  const start = performance.now();
  const result = resolveRecords(records);
  const seconds = (performance.now() - start) / 1000;
  const components = connectedComponents(
    result.store.size,
    result.pairs,
    weightOf(result.thresholds.linkProbability),
  );
  return scoreSynthetic(
    `synthetic ${people} people seed ${seed}`,
    result,
    truth,
    seconds,
    components.cluster,
  );
}

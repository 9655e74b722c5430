/**
 * Pairwise accuracy of a clustering against ground truth, counted without listing pairs: for
 * deduplication the pairs inside clusters; for linkage only the pairs across the two sides.
 */
export interface PairMetrics {
  truePairs: number;
  predictedPairs: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

export function metricsFrom(truePairs: number, predictedPairs: number, truePositives: number): PairMetrics {
  const precision = predictedPairs ? truePositives / predictedPairs : 1;
  const recall = truePairs ? truePositives / truePairs : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePairs, predictedPairs, truePositives, precision, recall, f1 };
}

/**
 * `cluster[i]` the predicted cluster and `entity[i]` the true person of record i; `side[i]` its
 * input when `link` (only cross-side pairs count).
 */
export function clusterMetrics(
  cluster: ArrayLike<number>,
  entity: ArrayLike<number>,
  side: ArrayLike<number>,
  link: boolean,
): PairMetrics {
  const pairsIn = (groups: Map<string | number, [number, number]>) => {
    let total = 0;
    for (const [a, b] of groups.values()) total += link ? a * b : ((a + b) * (a + b - 1)) / 2;
    return total;
  };
  const byCluster = new Map<number, [number, number]>();
  const byEntity = new Map<number, [number, number]>();
  const byBoth = new Map<string, [number, number]>();
  const add = <K>(m: Map<K, [number, number]>, k: K, s: number) => {
    let v = m.get(k);
    if (!v) m.set(k, (v = [0, 0]));
    v[s === 0 ? 0 : 1]++;
  };
  for (let i = 0; i < cluster.length; i++) {
    const s = link ? side[i]! : 0;
    add(byCluster, cluster[i]!, s);
    add(byEntity, entity[i]!, s);
    add(byBoth, `${cluster[i]!}:${entity[i]!}`, s);
  }
  return metricsFrom(pairsIn(byEntity), pairsIn(byCluster), pairsIn(byBoth));
}

/**
 * Accuracy of pair classification: the pairs at or above a weight count as predicted matches.
 * `a`, `b` are record indices; truth is per record entity. truePairs is passed in (all true
 * pairs, compared or not), so blocking losses count against recall.
 */
export function pairMetrics(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  weight: ArrayLike<number>,
  count: number,
  min: number,
  entity: ArrayLike<number>,
  truePairs: number,
): PairMetrics & { comparedTruePairs: number } {
  let predicted = 0;
  let tp = 0;
  let comparedTrue = 0;
  for (let p = 0; p < count; p++) {
    const same = entity[a[p]!] === entity[b[p]!];
    if (same) comparedTrue++;
    if (weight[p]! >= min) {
      predicted++;
      if (same) tp++;
    }
  }
  return { ...metricsFrom(truePairs, predicted, tp), comparedTruePairs: comparedTrue };
}

/** Number of true pairs given an entity per record (cross-side only when linking). */
export function countTruePairs(entity: ArrayLike<number>, side: ArrayLike<number>, link: boolean): number {
  const groups = new Map<number, [number, number]>();
  for (let i = 0; i < entity.length; i++) {
    let v = groups.get(entity[i]!);
    if (!v) groups.set(entity[i]!, (v = [0, 0]));
    v[link && side[i] !== 0 ? 1 : 0]++;
  }
  let total = 0;
  for (const [x, y] of groups.values()) total += link ? x * y : ((x + y) * (x + y - 1)) / 2;
  return total;
}

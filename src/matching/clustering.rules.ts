/**
 * From scored pairs to clusters (one cluster = one person).
 *
 * Plain connected components over the pairs above the link threshold chain distinct people
 * through single weak links: a parent and a child sharing a full name each link to a record with
 * a blurred date, and become one person. Here clusters grow greedily, strongest pair first, and two
 * clusters merge only when all the scored pairs between them agree: their mean weight reaches the
 * link threshold and none of them is clear evidence of two people. A merge that would put two
 * different A-numbers in one cluster is never made. Refused merges go to review, with the reason.
 */

/** Scored pairs in parallel arrays (record indices and match weight in bits). */
export interface ScoredPairs {
  a: Int32Array;
  b: Int32Array;
  weight: Float32Array;
  /** 1 where a guard held the pair (see guards.rules.ts): it vetoes merging, like cannotLink. */
  guarded?: Uint8Array;
  count: number;
}

/** Thresholds as match weights in bits (see score.rules.ts weightOf). */
export interface ClusterThresholds {
  link: number;
  review: number;
  /** A pair below this is clear evidence of two people: it vetoes merging their clusters. */
  cannotLink: number;
}

export type ReviewReason = 'uncertain' | 'a_number_conflict' | 'conflicting_evidence' | 'weak_cluster_link';

export interface ReviewPair {
  /** Index into the scored pairs. */
  pair: number;
  reason: ReviewReason;
}

export interface ClusterResult {
  /** Cluster number per record, 0 .. clusters - 1, numbered in order of first record. */
  cluster: Int32Array;
  clusters: number;
  review: ReviewPair[];
}

class DisjointSets {
  readonly parent: Int32Array;
  readonly size: Int32Array;
  /** Members as circular linked lists, so a merge is O(1) and members can be walked. */
  readonly next: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    this.next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.parent[i] = i;
      this.next[i] = i;
    }
  }
  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[x] !== r) {
      const up = this.parent[x]!;
      this.parent[x] = r;
      x = up;
    }
    return r;
  }
  union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return ra;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    const t = this.next[ra]!;
    this.next[ra] = this.next[rb]!;
    this.next[rb] = t;
    return ra;
  }
}

function numberClusters(n: number, sets: DisjointSets): { cluster: Int32Array; clusters: number } {
  const cluster = new Int32Array(n).fill(-1);
  const byRoot = new Int32Array(n).fill(-1);
  let clusters = 0;
  for (let i = 0; i < n; i++) {
    const r = sets.find(i);
    if (byRoot[r] === -1) byRoot[r] = clusters++;
    cluster[i] = byRoot[r]!;
  }
  return { cluster, clusters };
}

/** Adjacency of the scored pairs in compressed rows: neighbours and weights of each record. */
function adjacency(
  n: number,
  pairs: ScoredPairs,
): { start: Int32Array; other: Int32Array; weight: Float32Array } {
  const veto = pairs.guarded;
  const start = new Int32Array(n + 1);
  for (let p = 0; p < pairs.count; p++) {
    start[pairs.a[p]! + 1]!++;
    start[pairs.b[p]! + 1]!++;
  }
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const other = new Int32Array(pairs.count * 2);
  const weight = new Float32Array(pairs.count * 2);
  for (let p = 0; p < pairs.count; p++) {
    const a = pairs.a[p]!;
    const b = pairs.b[p]!;
    // A guarded pair weighs as a veto in the cross-cluster check.
    const w = veto?.[p] === 1 ? -Infinity : pairs.weight[p]!;
    other[fill[a]!] = b;
    weight[fill[a]!++] = w;
    other[fill[b]!] = a;
    weight[fill[b]!++] = w;
  }
  return { start, other, weight };
}

/** Pairs at or above `min`, strongest first. */
function strongestFirst(pairs: ScoredPairs, min: number): Int32Array {
  const picked: number[] = [];
  for (let p = 0; p < pairs.count; p++) if (pairs.weight[p]! >= min) picked.push(p);
  const order = Int32Array.from(picked);
  order.sort((x, y) => pairs.weight[y]! - pairs.weight[x]! || x - y);
  return order;
}

/**
 * Constrained clustering (see the module comment). `aNumbers[i]` is record i's A-number as a
 * number, 0 when it has none.
 */
export function clusterPairs(
  n: number,
  pairs: ScoredPairs,
  t: ClusterThresholds,
  aNumbers?: Int32Array,
): ClusterResult {
  const sets = new DisjointSets(n);
  const aOf = new Int32Array(n);
  if (aNumbers) aOf.set(aNumbers.subarray(0, n));
  const adj = adjacency(n, pairs);
  const review: ReviewPair[] = [];
  const order = strongestFirst(pairs, t.link);
  for (const p of order) {
    const ra = sets.find(pairs.a[p]!);
    const rb = sets.find(pairs.b[p]!);
    if (ra === rb) continue;
    if (aOf[ra] !== 0 && aOf[rb] !== 0 && aOf[ra] !== aOf[rb]) {
      review.push({ pair: p, reason: 'a_number_conflict' });
      continue;
    }
    // Walk the smaller cluster's pairs into the other one.
    const [small, big] = sets.size[ra]! <= sets.size[rb]! ? [ra, rb] : [rb, ra];
    let sum = 0;
    let count = 0;
    let min = Infinity;
    let x = small;
    do {
      for (let k = adj.start[x]!; k < adj.start[x + 1]!; k++) {
        if (sets.find(adj.other[k]!) !== big) continue;
        const w = adj.weight[k]!;
        sum += w;
        count++;
        if (w < min) min = w;
      }
      x = sets.next[x]!;
    } while (x !== small);
    if (min < t.cannotLink) {
      review.push({ pair: p, reason: 'conflicting_evidence' });
      continue;
    }
    if (sum / count < t.link) {
      review.push({ pair: p, reason: 'weak_cluster_link' });
      continue;
    }
    const a = aOf[ra] || aOf[rb]!;
    const root = sets.union(ra, rb);
    aOf[root] = a;
  }
  for (let p = 0; p < pairs.count; p++) {
    const w = pairs.weight[p]!;
    if (w >= t.review && w < t.link && sets.find(pairs.a[p]!) !== sets.find(pairs.b[p]!)) {
      review.push({ pair: p, reason: 'uncertain' });
    }
  }
  return { ...numberClusters(n, sets), review };
}

/** Connected components of the pairs at or above the link weight: the baseline, for comparison. */
export function connectedComponents(n: number, pairs: ScoredPairs, link: number): ClusterResult {
  const sets = new DisjointSets(n);
  for (let p = 0; p < pairs.count; p++) if (pairs.weight[p]! >= link) sets.union(pairs.a[p]!, pairs.b[p]!);
  return { ...numberClusters(n, sets), review: [] };
}

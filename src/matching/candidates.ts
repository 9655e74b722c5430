import type { BlockIndex } from './block-index.js';
import type { PairComparator } from './compare.rules.js';
import type { RecordStore } from './record-store.js';
import { grow } from './typed-arrays.js';

/** Compared pairs in growable parallel typed arrays (record indices, vector, crossed names). */
export class PairBuffer {
  a = new Int32Array(4096);
  b = new Int32Array(4096);
  pattern = new Float64Array(4096);
  swapped = new Uint8Array(4096);
  weight = new Float32Array(0);
  guarded = new Uint8Array(0);
  count = 0;

  push(a: number, b: number, pattern: number, swapped: boolean): void {
    if (this.count === this.a.length) this.grow();
    const k = this.count++;
    this.a[k] = a;
    this.b[k] = b;
    this.pattern[k] = pattern;
    this.swapped[k] = swapped ? 1 : 0;
  }

  private grow(): void {
    const n = this.a.length * 2;
    this.a = grow(this.a, n);
    this.b = grow(this.b, n);
    this.pattern = grow(this.pattern, n);
    this.swapped = grow(this.swapped, n);
  }
}

/**
 * Compares every candidate pair once: for each record, the older records sharing one of its
 * usable blocks (a stamp array skips a pair met through a second block). When `link` is set only
 * pairs from different sides are compared. `from`/`to` select a range of records (for workers).
 */
export function compareCandidates(
  store: RecordStore,
  index: BlockIndex,
  comparator: PairComparator,
  link: boolean,
  out: PairBuffer,
  from = 0,
  to = store.size,
  onProgress?: (done: number) => void,
  withProbes = true,
): PairBuffer {
  const stamp = new Int32Array(store.size).fill(-1);
  const side = store.side;
  const { entryStart, entrySlot, entryNext, entryRecord } = index;
  const probes = index.rules.map((r) => r.probe);
  const anyProbe = probes.some(Boolean);
  // Pairs already made that involve a probe record, so the probe pass does not repeat them.
  const probePairs = new Set<number>();
  const probeRules = probes.filter((p) => p !== undefined);
  const isProbe = (k: number): boolean => {
    for (const p of probeRules) if (p(store, k)) return true;
    return false;
  };
  for (let i = from; i < to; i++) {
    const si = side[i]!;
    const iProbe = anyProbe && isProbe(i);
    for (let e = entryStart[i]!; e < entryStart[i + 1]!; e++) {
      const slot = entrySlot[e]!;
      const rule = index.slotRule[slot]!;
      if (probes[rule] || !index.usable(slot)) continue;
      const filter = index.rules[rule]!.pairFilter;
      for (let k = entryNext[e]!; k >= 0; k = entryNext[k]!) {
        const j = entryRecord[k]!;
        if (stamp[j] === i) continue;
        if (filter && !filter(store, i, j)) continue;
        stamp[j] = i;
        if (link && side[j] === si) continue;
        const pattern = comparator.compare(j, i);
        out.push(j, i, pattern, comparator.swapped);
        if (anyProbe && (iProbe || isProbe(j))) probePairs.add(j * store.size + i);
      }
    }
    if (onProgress && (i & 0xffff) === 0) onProgress(i);
  }
  if (anyProbe && withProbes) probePass(store, index, comparator, link, out, from, to, probePairs);
  return out;
}

/**
 * The probe rules' blocks, searched from each probe record against the whole block (newer
 * records included). Two probes meet once, from the newer one.
 */
export function probePass(
  store: RecordStore,
  index: BlockIndex,
  comparator: PairComparator,
  link: boolean,
  out: PairBuffer,
  from: number,
  to: number,
  done: ReadonlySet<number>,
): void {
  const stamp = new Int32Array(store.size).fill(-1);
  const n = store.size;
  for (let i = from; i < to; i++) {
    for (let e = index.entryStart[i]!; e < index.entryStart[i + 1]!; e++) {
      const slot = index.entrySlot[e]!;
      const probe = index.rules[index.slotRule[slot]!]!.probe;
      if (!probe?.(store, i) || !index.usable(slot)) continue;
      for (let k = index.slotHead[slot]!; k >= 0; k = index.entryNext[k]!) {
        const j = index.entryRecord[k]!;
        if (j === i || stamp[j] === i || (j > i && probe(store, j))) continue;
        stamp[j] = i;
        if (link && store.side[j] === store.side[i]) continue;
        const [a, b] = j < i ? [j, i] : [i, j];
        if (done.has(a * n + b)) continue;
        out.push(a, b, comparator.compare(a, b), comparator.swapped);
      }
    }
  }
}

/** Random pairs (across sides when linking), for the u probabilities of EM's start. */
export function randomPairPatterns(
  store: RecordStore,
  comparator: PairComparator,
  link: boolean,
  count: number,
  seed = 1,
): number[] {
  let s = seed >>> 0 || 1;
  const next = (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
  const n = store.size;
  const out: number[] = [];
  if (n < 2) return out;
  for (let tries = 0; out.length < count && tries < count * 20; tries++) {
    const i = next(n);
    const j = next(n);
    if (i === j || (link && store.side[i] === store.side[j])) continue;
    out.push(comparator.compare(i, j));
  }
  return out;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterPairs, connectedComponents, type ScoredPairs } from './clustering.rules.js';

const T = { link: 6.6, review: 0, cannotLink: -13 };

function pairsOf(list: readonly (readonly [number, number, number])[]): ScoredPairs {
  return {
    a: Int32Array.from(list, (p) => p[0]),
    b: Int32Array.from(list, (p) => p[1]),
    weight: Float32Array.from(list, (p) => p[2]),
    count: list.length,
  };
}

describe('clustering', () => {
  it('does not chain two people through one record that links weakly to both', () => {
    // 0,1 are a parent; 3,4 the child with the same name; 2 is a record with a blurred birth date
    // that links (just) to both. Parent and child records score clearly apart.
    const pairs = pairsOf([
      [0, 1, 30],
      [3, 4, 30],
      [1, 2, 8],
      [2, 3, 8],
      [0, 3, -20],
      [1, 4, -20],
      [0, 4, -20],
      [1, 3, -20],
    ]);
    const result = clusterPairs(5, pairs, T);
    expect(result.cluster[0]).toBe(result.cluster[1]);
    expect(result.cluster[3]).toBe(result.cluster[4]);
    expect(result.cluster[0]).not.toBe(result.cluster[4]);
    expect(result.review.map((r) => r.reason)).toContain('conflicting_evidence');
    // Connected components on the same pairs chain everyone together.
    const cc = connectedComponents(5, pairs, T.link);
    expect(cc.clusters).toBe(1);
  });

  it('does not merge two clusters joined by one link when their other pairs disagree', () => {
    const pairs = pairsOf([
      [0, 1, 30],
      [2, 3, 30],
      [1, 2, 7],
      [0, 2, -5],
      [1, 3, -5],
      [0, 3, -5],
    ]);
    const result = clusterPairs(4, pairs, T);
    expect(result.clusters).toBe(2);
    expect(result.review).toContainEqual({ pair: 2, reason: 'weak_cluster_link' });
  });

  it('never puts two different A-numbers in one cluster and sends the merge to review', () => {
    const pairs = pairsOf([
      [0, 1, 40],
      [1, 2, 40],
    ]);
    const result = clusterPairs(3, pairs, T, Int32Array.from([990000001, 0, 990000002]));
    expect(result.cluster[0]).not.toBe(result.cluster[2]);
    expect(result.review.map((r) => r.reason)).toContain('a_number_conflict');
  });

  it('lets a guarded pair veto a merge that other pairs support', () => {
    const pairs = {
      ...pairsOf([
        [0, 1, 30],
        [1, 2, 30],
        [0, 2, 0],
      ]),
      guarded: Uint8Array.from([0, 0, 1]),
    };
    const result = clusterPairs(3, pairs, T);
    expect(result.cluster[0]).not.toBe(result.cluster[2]);
  });

  it('never joins two different A-numbers, whatever the pairs (property)', () => {
    const n = 12;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
        fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.double({ min: -30, max: 40, noNaN: true })), {
          maxLength: 60,
        }),
        (aCodes, raw) => {
          const list = raw.filter(([a, b]) => a !== b);
          const aNumbers = Int32Array.from(aCodes, (c) => (c === 0 ? 0 : 990000000 + c));
          const result = clusterPairs(n, pairsOf(list), T, aNumbers);
          const seen = new Map<number, number>();
          for (let i = 0; i < n; i++) {
            if (aNumbers[i] === 0) continue;
            const c = result.cluster[i]!;
            const known = seen.get(c);
            if (known !== undefined && known !== aNumbers[i]) return false;
            seen.set(c, aNumbers[i]!);
          }
          return true;
        },
      ),
      { numRuns: 500 },
    );
  });
});

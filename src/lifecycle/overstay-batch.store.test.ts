import { describe, expect, it } from 'vitest';
import { sliceRange } from './overstay-batch.store.js';

describe('sliceRange', () => {
  const MIN = String(-(2n ** 63n));
  const MAX = String(2n ** 63n - 1n);

  it.each([
    [{ lo: 1n, hi: 900n }, 1],
    [{ lo: 1n, hi: 900n }, 2],
    [{ lo: 17n, hi: 9_000_017n }, 7],
    [{ lo: 5n, hi: 6n }, 4],
    [{ lo: 0n, hi: 0n }, 3],
  ])('cuts %o into %i contiguous ranges that together hold every bigint once', (bounds, slices) => {
    const ranges = Array.from({ length: slices }, (_, k) => sliceRange(bounds, slices, k).map(BigInt));
    expect(String(ranges[0]?.[0])).toBe(MIN);
    expect(String(ranges.at(-1)?.[1])).toBe(MAX);
    for (let k = 1; k < slices; k++) {
      expect(ranges[k]?.[0]).toBe((ranges[k - 1]?.[1] ?? 0n) + 1n);
    }
    for (const [from, to] of ranges) expect(to! >= from! - 1n).toBe(true);
  });

  it('gives slices of about equal width between the bounds', () => {
    const widths = [1, 2].map((k) => {
      const [from, to] = sliceRange({ lo: 1n, hi: 1_000_000n }, 4, k).map(BigInt);
      return to! - from! + 1n;
    });
    expect(widths).toEqual([250_000n, 250_000n]);
  });
});

import { describe, expect, it } from 'vitest';
import { GroupCommitter, type GroupCommitOptions } from './group-commit.js';

const fulfilled = <O>(value: O): PromiseSettledResult<O> => ({ status: 'fulfilled', value });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A committer that doubles numbers and records the groups it ran. */
function doubling(options: Partial<GroupCommitOptions<number, number>> = {}) {
  const groups: number[][] = [];
  const committer = new GroupCommitter<number, number>({
    maxWaitMs: 5,
    maxSize: 100,
    run: async (items) => {
      groups.push([...items]);
      return items.map((n) => fulfilled(n * 2));
    },
    ...options,
  });
  return { committer, groups };
}

describe('group commit', () => {
  it('answers requests arriving together from one run, each with its own answer', async () => {
    const { committer, groups } = doubling();
    await expect(Promise.all([1, 2, 3].map((n) => committer.submit(n)))).resolves.toEqual([2, 4, 6]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it('waits at most maxWaitMs for company before running a lone request', async () => {
    const { committer, groups } = doubling({ maxWaitMs: 20 });
    const started = performance.now();
    await expect(committer.submit(7)).resolves.toBe(14);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(15);
    expect(waited).toBeLessThan(1000);
    expect(groups).toEqual([[7]]);
  });

  it('runs a full group at once without waiting, and splits what exceeds maxSize', async () => {
    const { committer, groups } = doubling({ maxWaitMs: 60_000, maxSize: 2 });
    await Promise.all([committer.submit(1), committer.submit(2), committer.submit(3), committer.submit(4)]);
    expect(groups).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('runs an item larger than maxSize alone', async () => {
    const { committer, groups } = doubling({ maxSize: 10, sizeOf: (n) => n });
    await Promise.all([committer.submit(3), committer.submit(50), committer.submit(4)]);
    expect(groups).toEqual([[3], [50], [4]]);
  });

  it('starts a new group at an item the group refuses, keeping arrival order', async () => {
    const { committer, groups } = doubling({ canJoin: (group, n) => !group.includes(n) });
    await Promise.all([1, 2, 1, 3].map((n) => committer.submit(n)));
    expect(groups).toEqual([
      [1, 2],
      [1, 3],
    ]);
  });

  it('rejects only the item its run answered with an error', async () => {
    const committer = new GroupCommitter<number, number>({
      maxWaitMs: 5,
      maxSize: 100,
      run: async (items) =>
        items.map((n) => (n < 0 ? { status: 'rejected', reason: new Error(`bad ${n}`) } : fulfilled(n))),
    });
    const answers = await Promise.allSettled([1, -2, 3].map((n) => committer.submit(n)));
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('answers every request of a failed group with the error, and a retry afterwards works', async () => {
    let fail = true;
    const stored: number[] = [];
    const committer = new GroupCommitter<number, number>({
      maxWaitMs: 5,
      maxSize: 100,
      run: async (items) => {
        // Like a transaction: nothing is kept unless the whole group succeeds.
        if (fail) throw new Error('the transaction failed');
        stored.push(...items);
        return items.map((n) => fulfilled(n));
      },
    });
    const first = await Promise.allSettled([1, 2, 3].map((n) => committer.submit(n)));
    expect(first.map((a) => (a.status === 'rejected' ? (a.reason as Error).message : a.value))).toEqual([
      'the transaction failed',
      'the transaction failed',
      'the transaction failed',
    ]);
    expect(stored).toEqual([]);
    fail = false;
    await expect(Promise.all([1, 2, 3].map((n) => committer.submit(n)))).resolves.toEqual([1, 2, 3]);
    expect(stored).toEqual([1, 2, 3]);
  });

  it('rejects every item when the run answers the wrong number of items', async () => {
    const committer = new GroupCommitter<number, number>({
      maxWaitMs: 5,
      maxSize: 100,
      run: async () => [fulfilled(1)],
    });
    const answers = await Promise.allSettled([1, 2].map((n) => committer.submit(n)));
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
  });

  it('runs one group at a time by default while the next one fills', async () => {
    let running = 0;
    let most = 0;
    const groups: number[][] = [];
    const committer = new GroupCommitter<number, number>({
      maxWaitMs: 1,
      maxSize: 100,
      run: async (items) => {
        running++;
        most = Math.max(most, running);
        groups.push([...items]);
        await sleep(30);
        running--;
        return items.map((n) => fulfilled(n));
      },
    });
    const first = committer.submit(1);
    await sleep(10);
    const rest = [2, 3, 4].map((n) => committer.submit(n));
    await Promise.all([first, ...rest]);
    expect(most).toBe(1);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('drains the queue at once and resolves when nothing is left', async () => {
    const { committer, groups } = doubling({ maxWaitMs: 60_000 });
    const answers = Promise.all([committer.submit(1), committer.submit(2)]);
    await committer.drain();
    expect(groups).toEqual([[1, 2]]);
    await expect(answers).resolves.toEqual([2, 4]);
    await committer.drain();
  });
});

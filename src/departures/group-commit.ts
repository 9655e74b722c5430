/**
 * Group commit: requests arriving within a few milliseconds of each other are answered by one
 * run (one database transaction) instead of one each. Every commit costs a WAL flush and every
 * transaction that links records takes the linking lock, so fewer, bigger transactions are what
 * raises throughput; each request still gets its own answer.
 *
 * Items queue in arrival order. A group is taken from the front of the queue when the oldest item
 * has waited `maxWaitMs` or the queue holds `maxSize` (in `sizeOf` units), and only while fewer
 * than `concurrency` groups are running; while a group runs, the next one fills. A group ends at
 * the first item that would exceed `maxSize` (a larger item runs alone) or that `canJoin` refuses,
 * so items never overtake each other.
 */

export interface GroupCommitOptions<I, O> {
  /**
   * Runs one group and answers each item, in order: fulfilled with its value or rejected with an
   * error for that item alone. A throw (a failed transaction) rejects every item of the group.
   */
  run: (items: readonly I[]) => Promise<PromiseSettledResult<O>[]>;
  maxWaitMs: number;
  maxSize: number;
  sizeOf?: (item: I) => number;
  /** Whether `item` may join a group already holding `group` (e.g. no record in common). */
  canJoin?: (group: readonly I[], item: I) => boolean;
  /** Groups running at once (default 1: the next group fills while one commits). */
  concurrency?: number;
}

interface Queued<I, O> {
  item: I;
  size: number;
  arrived: number;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter<I, O> {
  private readonly queue: Queued<I, O>[] = [];
  private queuedSize = 0;
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Callers of `drain` waiting: while any, groups run without waiting out `maxWaitMs`. */
  private draining = 0;
  private readonly idle = new Set<() => void>();

  constructor(private readonly options: GroupCommitOptions<I, O>) {}

  /** Queues an item; settles with its own answer once its group has run. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const size = this.options.sizeOf?.(item) ?? 1;
      this.queue.push({ item, size, arrived: performance.now(), resolve, reject });
      this.queuedSize += size;
      this.pump();
    });
  }

  /** Runs everything queued without waiting out `maxWaitMs`; resolves when nothing is queued or running. */
  async drain(): Promise<void> {
    this.draining++;
    try {
      while (this.queue.length || this.running) {
        await new Promise<void>((resolve) => {
          this.idle.add(resolve);
          this.pump();
        });
      }
    } finally {
      this.draining--;
    }
  }

  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const { maxWaitMs, maxSize, concurrency = 1 } = this.options;
    while (this.running < concurrency && this.queue.length) {
      const waited = performance.now() - (this.queue[0]?.arrived ?? 0);
      if (this.draining === 0 && this.queuedSize < maxSize && waited < maxWaitMs) {
        this.timer = setTimeout(() => {
          this.pump();
        }, maxWaitMs - waited);
        return;
      }
      void this.runGroup(this.takeGroup());
    }
  }

  private takeGroup(): Queued<I, O>[] {
    const group: Queued<I, O>[] = [];
    const items: I[] = [];
    let size = 0;
    for (const next of this.queue) {
      const fits =
        !group.length ||
        (size + next.size <= this.options.maxSize && (this.options.canJoin?.(items, next.item) ?? true));
      if (!fits) break;
      group.push(next);
      items.push(next.item);
      size += next.size;
    }
    this.queue.splice(0, group.length);
    this.queuedSize -= size;
    return group;
  }

  private async runGroup(group: Queued<I, O>[]): Promise<void> {
    this.running++;
    try {
      const answers = await this.options.run(group.map((g) => g.item));
      if (answers.length !== group.length) {
        throw new Error(`group commit: ${answers.length} answers for ${group.length} items`);
      }
      group.forEach((g, i) => {
        const answer = answers[i];
        if (answer?.status === 'fulfilled') g.resolve(answer.value);
        else g.reject(answer?.reason);
      });
    } catch (err) {
      for (const g of group) g.reject(err);
    } finally {
      this.running--;
      if (!this.queue.length && !this.running) {
        for (const done of this.idle) done();
        this.idle.clear();
      }
      this.pump();
    }
  }
}

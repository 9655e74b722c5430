/**
 * Worker thread half of the compare stage (see parallel-compare.ts): rebuilds the store and
 * blocks from a snapshot, compares the candidates of its record range, and posts the pairs back
 * on the given port, then wakes the main thread.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { defaultBlockingRules } from './blocking.rules.js';
import { compareCandidates, PairBuffer } from './candidates.js';
import { PairComparator } from './compare.rules.js';
import type { FieldSpec } from './fields.rules.js';
import { indexFromSnapshot, storeFromSnapshot, type IndexSnapshot, type StoreSnapshot } from './snapshot.js';

interface Job {
  store: StoreSnapshot;
  index: IndexSnapshot;
  fields: FieldSpec[];
  link: boolean;
  from: number;
  to: number;
  port: MessagePort;
  done: Int32Array;
}

const job = workerData as Job;
try {
  const store = storeFromSnapshot(job.store);
  const index = indexFromSnapshot(job.index, defaultBlockingRules(job.fields, store));
  const out = compareCandidates(
    store,
    index,
    new PairComparator(store, job.fields),
    job.link,
    new PairBuffer(),
    job.from,
    job.to,
    undefined,
    false,
  );
  const n = out.count;
  const result = {
    a: out.a.slice(0, n),
    b: out.b.slice(0, n),
    pattern: out.pattern.slice(0, n),
    swapped: out.swapped.slice(0, n),
  };
  job.port.postMessage(result, [
    result.a.buffer,
    result.b.buffer,
    result.pattern.buffer,
    result.swapped.buffer,
  ]);
} catch (err) {
  job.port.postMessage({ error: (err as Error).stack ?? String(err) });
} finally {
  Atomics.store(job.done, 0, 1);
  Atomics.notify(job.done, 0);
}

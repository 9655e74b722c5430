import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { BlockIndex } from './block-index.js';
import { compareCandidates, PairBuffer, probePass } from './candidates.js';
import type { PairComparator } from './compare.rules.js';
import type { FieldSpec } from './fields.rules.js';
import type { RecordStore } from './record-store.js';
import { snapshotIndex, snapshotStore } from './snapshot.js';

/** Below this many records one thread is faster than starting a worker. */
export const PARALLEL_MIN_RECORDS = 150_000;

interface WorkerPairs {
  a: Int32Array;
  b: Int32Array;
  pattern: Float64Array;
  swapped: Uint8Array;
  error?: string;
}

/**
 * Worker code that registers tsx (the sources are TypeScript, run without a build step, like
 * bin/passage.js does) and then loads the worker module. A plain `--import tsx` in the worker's
 * execArgv does not take effect in worker threads on Node 20.
 */
function workerSource(): string {
  const api = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./compare.worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); });`;
}

/**
 * The compare stage on two threads: a worker compares the candidates of the newer half of the
 * records while this thread compares the older half, then the pairs are joined (older half first,
 * so the result is the same whatever finishes first) and the probe pass runs here. Synchronous:
 * the main thread waits on an Atomics flag and reads the worker's message with
 * receiveMessageOnPort. Returns null when a worker cannot be started (the caller then compares
 * on one thread). Only the default blocking rules can be rebuilt in a worker.
 */
export function compareInParallel(
  store: RecordStore,
  index: BlockIndex,
  comparator: PairComparator,
  fields: readonly FieldSpec[],
  link: boolean,
  onProgress?: (done: number) => void,
): PairBuffer | null {
  const n = store.size;
  // The newer half has more older records to walk: give the worker a bit less than half.
  const split = Math.floor(n * 0.55);
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker;
  try {
    worker = new Worker(workerSource(), {
      eval: true,
      workerData: {
        store: snapshotStore(store),
        index: snapshotIndex(index),
        fields,
        link,
        from: split,
        to: n,
        port: port2,
        done,
      },
      transferList: [port2],
    });
  } catch {
    return null;
  }
  const out = compareCandidates(
    store,
    index,
    comparator,
    link,
    new PairBuffer(),
    0,
    split,
    onProgress,
    false,
  );
  Atomics.wait(done, 0, 0);
  const message = receiveMessageOnPort(port1)?.message as WorkerPairs | undefined;
  port1.close();
  void worker.terminate();
  if (!message || message.error) throw new Error(`compare worker failed: ${message?.error ?? 'no result'}`);
  for (let k = 0; k < message.a.length; k++) {
    out.push(message.a[k]!, message.b[k]!, message.pattern[k]!, message.swapped[k] === 1);
  }
  const probes = index.rules.filter((r) => r.probe);
  if (probes.length > 0) {
    const isProbe = (k: number) => probes.some((r) => r.probe!(store, k));
    const seen = new Set<number>();
    for (let p = 0; p < out.count; p++) {
      if (isProbe(out.a[p]!) || isProbe(out.b[p]!)) seen.add(out.a[p]! * n + out.b[p]!);
    }
    probePass(store, index, comparator, link, out, 0, n, seen);
  }
  return out;
}

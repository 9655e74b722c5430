import fs from 'node:fs';
import path from 'node:path';
import { MatchIndex, readPersonCsv, resolveRecords, type MatchRecord } from '../../src/matching/index.js';
import { writeClusters } from '../../src/matching/resolve-output.js';
import { clusterMetrics } from './metrics.js';

/**
 * Child process of the scale benchmark: read CSV → resolve → write clusters, timed end to end,
 * then incremental resolution of held-out variants against the full index.
 */
const [csv, truthFile] = process.argv.slice(2) as [string, string];
const log = (s: string) => process.stderr.write(`[scale] ${s}\n`);
const start = performance.now();
const read = await readPersonCsv(csv, {
  side: 0,
  onReject: (r) => {
    log(`rejected line ${r.line}: ${r.reason}`);
  },
});
log(`read ${read.records.length} records in ${((performance.now() - start) / 1000).toFixed(1)} s`);
const result = resolveRecords(read.records, { onProgress: log });
await writeClusters(path.join(path.dirname(csv), 'matching-scale-clusters.csv'), result, [
  path.basename(csv),
]);
const seconds = (performance.now() - start) / 1000;
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
log(`resolved in ${seconds.toFixed(1)} s, peak RSS ${maxRssMiB.toFixed(0)} MiB`);

const truth = fs.readFileSync(truthFile, 'utf8').trim().split('\n');
const ids = new Map<string, number>();
const entity = Int32Array.from(truth, (p) => {
  let k = ids.get(p);
  if (k === undefined) ids.set(p, (k = ids.size));
  return k;
});
const metrics = clusterMetrics(result.clustering.cluster, entity, new Uint8Array(entity.length), false);

// Incremental: variants of random indexed records (new id, passport dropped, name upper-cased).
const index = MatchIndex.fromResult(result);
const times: number[] = [];
let s = 12345;
const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) % read.records.length;
for (let q = 0; q < 2000; q++) {
  const base: MatchRecord = read.records[next()]!;
  const query: MatchRecord = {
    ...base,
    id: `Q${q}`,
    passportNumber: q % 2 ? '' : base.passportNumber,
    familyName: q % 3 ? base.familyName : (base.familyName ?? '').toUpperCase(),
  };
  const t = performance.now();
  index.resolve(query);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
console.log(
  JSON.stringify({
    records: result.store.size,
    seconds,
    maxRssMiB,
    candidatePairs: result.pairs.count,
    clusters: { precision: metrics.precision, recall: metrics.recall, f1: metrics.f1 },
    millis: result.stats.millis,
    incremental: {
      queries: times.length,
      p50Ms: pct(0.5),
      p99Ms: pct(0.99),
      maxMs: times[times.length - 1]!,
      indexed: index.size,
    },
  }),
);

/**
 * Matching benchmarks: FEBRL linkage and deduplication, the synthetic immigration population,
 * Jaro–Winkler, and (with --scale) one million records end to end plus incremental resolution.
 * Prints one JSON line, then a table. Results and commands: docs/benchmarks-matching.md.
 *
 *   npm run bench:matching                       FEBRL + synthetic (20,000 people, two seeds) + JW
 *   npm run bench:matching -- --only febrl       one part: febrl | synthetic | jw | scale
 *   npm run bench:matching -- --scale            everything, plus 1,000,000 records
 *   npm run bench:matching -- --only scale --records 200000
 */
import { FEBRL_TASKS, runFebrl, type FebrlResult } from './matching/febrl.js';
import { benchJaroWinkler } from './matching/jw.js';
import { runScale, type ScaleResult } from './matching/scale.js';
import { runSynthetic, type SyntheticResult } from './matching/synthetic.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const k = args.indexOf(name);
  return k >= 0 ? args[k + 1] : undefined;
};
const only = value('--only');
const want = (part: string) => (only ? only === part : part !== 'scale' || flag('--scale'));
const people = Number(value('--people') ?? 20_000);
const records = Number(value('--records') ?? 1_000_000);

const out: {
  febrl?: FebrlResult[];
  synthetic?: SyntheticResult[];
  jaroWinkler?: ReturnType<typeof benchJaroWinkler>;
  scale?: ScaleResult;
} = {};
if (want('febrl')) {
  out.febrl = [];
  for (const [task, files] of FEBRL_TASKS) out.febrl.push(await runFebrl(task, files));
}
if (want('synthetic')) out.synthetic = [runSynthetic(people, 20261123), runSynthetic(people, 7)];
if (want('jw')) out.jaroWinkler = benchJaroWinkler();
if (want('scale')) out.scale = runScale(records, 20261123);

console.log(JSON.stringify(out));

const f = (x: number, d = 4) => x.toFixed(d);
const rows: string[][] = [
  ['task', 'records', 'candidates', 'blocking recall', 'precision', 'recall', 'F1', 'seconds'],
];
const row = (r: FebrlResult | SyntheticResult) => [
  r.task,
  String(r.records),
  String(r.candidatePairs),
  f(r.blockingRecall),
  f(r.clusters.precision),
  f(r.clusters.recall),
  f(r.clusters.f1),
  f(r.seconds, 2),
];
for (const r of out.febrl ?? []) rows.push(row(r));
for (const r of out.synthetic ?? []) {
  rows.push(row(r));
  const c = r.connectedComponents;
  rows.push(['  same pairs, connected components', '', '', '', f(c.precision), f(c.recall), f(c.f1), '']);
}
if (out.scale) {
  const s = out.scale;
  rows.push([
    `scale dedupe (CSV in, clusters out)`,
    String(s.records),
    String(s.candidatePairs),
    '',
    f(s.clusters.precision),
    f(s.clusters.recall),
    f(s.clusters.f1),
    f(s.seconds, 1),
  ]);
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows) {
  console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}
if (out.jaroWinkler) {
  const j = out.jaroWinkler;
  console.log(
    `Jaro–Winkler: hand-written ${(j.handWrittenPerSecond / 1e6).toFixed(2)} M/s, naive ${(j.naivePerSecond / 1e6).toFixed(2)} M/s (×${j.speedup.toFixed(1)})`,
  );
}
if (out.scale) {
  const s = out.scale;
  console.log(`scale: peak RSS ${s.maxRssMiB.toFixed(0)} MiB; stages ${JSON.stringify(s.millis)}`);
  console.log(
    `incremental: ${s.incremental.queries} records against ${s.incremental.indexed}: p50 ${f(s.incremental.p50Ms, 2)} ms, p99 ${f(s.incremental.p99Ms, 2)} ms, max ${f(s.incremental.maxMs, 1)} ms`,
  );
}

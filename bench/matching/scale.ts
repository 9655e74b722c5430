import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { generateDemoData } from '../../src/demo/demo-data.js';
import { RESOLVE_COLUMNS } from '../../src/matching/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = path.resolve(HERE, '../out');

/**
 * Writes (once) a CSV of at least `records` person records from the demo generator, all three
 * sources in one file, plus the true person of each record in a sidecar file for scoring.
 */
export function ensureScaleData(records: number, seed: number): { csv: string; truth: string } {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const csv = path.join(OUT_DIR, `matching-${records}-${seed}.csv`);
  const truth = `${csv}.truth`;
  if (fs.existsSync(csv) && fs.existsSync(truth)) return { csv, truth };
  // About 2.84 records per person in the demo population.
  const data = generateDemoData({ people: Math.ceil(records / 2.8), seed });
  const person = new Map(data.truth.map((t) => [t.record, t.personKey]));
  const fd = fs.openSync(csv, 'w');
  const truthFd = fs.openSync(truth, 'w');
  fs.writeSync(fd, stringify([[...RESOLVE_COLUMNS]]));
  let written = 0;
  for (const f of data.files) {
    for (let k = 0; k < f.rows.length && written < records; k += 20_000) {
      const chunk = f.rows.slice(k, Math.min(k + 20_000, k + records - written));
      fs.writeSync(
        fd,
        stringify(
          chunk.map((r) =>
            RESOLVE_COLUMNS.map((c) => (c === 'record_id' ? `${f.source}:${r.record_id!}` : (r[c] ?? ''))),
          ),
        ),
      );
      fs.writeSync(truthFd, chunk.map((r) => person.get(`${f.source}:${r.record_id!}`)!).join('\n') + '\n');
      written += chunk.length;
    }
  }
  fs.closeSync(fd);
  fs.closeSync(truthFd);
  return { csv, truth };
}

export interface ScaleResult {
  records: number;
  seconds: number;
  maxRssMiB: number;
  candidatePairs: number;
  clusters: { precision: number; recall: number; f1: number };
  millis: Record<string, number>;
  incremental: { queries: number; p50Ms: number; p99Ms: number; maxMs: number; indexed: number };
}

/** Runs the end-to-end deduplication in a child process (so its peak memory is its own). */
export function runScale(records: number, seed: number): ScaleResult {
  const { csv, truth } = ensureScaleData(records, seed);
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(HERE, 'scale-run.ts'), csv, truth],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    },
  );
  if (child.status !== 0) throw new Error(`scale run failed with status ${String(child.status)}`);
  const last = child.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as ScaleResult;
}

import fs from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import type { RejectedRow } from './csv-input.js';
import type { ResolveResult } from './engine.js';
import { weightOf } from './score.rules.js';

/** Writes rows to a CSV file through csv-stringify, respecting back-pressure. */
async function writeCsv(file: string, header: string[], rows: Iterable<unknown[]>): Promise<void> {
  const out = fs.createWriteStream(file);
  const csv = stringify({ record_delimiter: 'unix' });
  csv.pipe(out);
  const write = async (row: unknown[]) => {
    if (!csv.write(row)) await once(csv, 'drain');
  };
  await write(header);
  for (const row of rows) await write(row);
  csv.end();
  await once(out, 'finish');
}

/** The cluster id written for cluster number k. */
export const clusterId = (k: number): string => `C${String(k + 1).padStart(7, '0')}`;

/** record_id,cluster_id for every record, in input order; a file column when linking. */
export async function writeClusters(
  file: string,
  result: ResolveResult,
  inputs: readonly string[],
): Promise<void> {
  const { store, clustering, link } = result;
  function* rows() {
    for (let i = 0; i < store.size; i++) {
      const row = [store.ids[i]!, clusterId(clustering.cluster[i]!)];
      yield link ? [...row, inputs[store.side[i]!]!] : row;
    }
  }
  await writeCsv(file, link ? ['record_id', 'cluster_id', 'file'] : ['record_id', 'cluster_id'], rows());
}

/**
 * The scored pairs with their outcome and evidence (JSON): the link and review pairs, or every
 * compared pair when `all` is set.
 */
export async function writePairs(
  file: string,
  result: ResolveResult,
  inputs: readonly string[],
  all: boolean,
): Promise<number> {
  const { store, pairs, scorer, clustering, thresholds } = result;
  const reasons = new Map(clustering.review.map((r) => [r.pair, r.reason]));
  const link = weightOf(thresholds.linkProbability);
  const review = weightOf(thresholds.reviewProbability);
  let written = 0;
  function* rows() {
    for (let p = 0; p < pairs.count; p++) {
      const w = pairs.weight[p]!;
      const a = pairs.a[p]!;
      const b = pairs.b[p]!;
      const sameCluster = clustering.cluster[a] === clustering.cluster[b];
      const reason = reasons.get(p);
      const outcome = reason
        ? 'review'
        : w >= link && sameCluster
          ? 'link'
          : w >= review
            ? 'review'
            : 'no_link';
      if (!all && outcome === 'no_link') continue;
      written++;
      const evidence = scorer.evidence(a, b, pairs.pattern[p]!, pairs.swapped[p] === 1);
      yield [
        store.ids[a]!,
        inputs[store.side[a]!]!,
        store.ids[b]!,
        inputs[store.side[b]!]!,
        evidence.probability.toPrecision(6),
        evidence.weight,
        outcome,
        reason ?? evidence.guard ?? '',
        clusterId(clustering.cluster[a]!),
        clusterId(clustering.cluster[b]!),
        JSON.stringify(evidence),
      ];
    }
  }
  await writeCsv(
    file,
    [
      'record_id_a',
      'file_a',
      'record_id_b',
      'file_b',
      'probability',
      'weight',
      'outcome',
      'reason',
      'cluster_a',
      'cluster_b',
      'evidence',
    ],
    rows(),
  );
  return written;
}

/** The rejected rows: file, line, reason, raw text. */
export async function writeRejects(file: string, rejects: readonly RejectedRow[]): Promise<void> {
  await writeCsv(
    file,
    ['file', 'line', 'reason', 'raw'],
    rejects.map((r) => [r.file, r.line, r.reason, r.raw]),
  );
}

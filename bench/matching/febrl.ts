import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPersonCsv, resolveRecords, weightOf, type MatchRecord } from '../../src/matching/index.js';
import { clusterMetrics, countTruePairs, pairMetrics, type PairMetrics } from './metrics.js';

export const FEBRL_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/data/febrl',
);
/** FEBRL's columns mapped onto the person columns; the rest (address, postcode, soc_sec_id) are extra fields. */
export const FEBRL_COLUMNS = {
  record_id: 'rec_id',
  family_name: 'surname',
  given_name: 'given_name',
  date_of_birth: 'date_of_birth',
} as const;

export interface FebrlResult {
  task: string;
  records: number;
  candidatePairs: number;
  blockingRecall: number;
  clusters: PairMetrics;
  pairs: PairMetrics;
  estimatedLinkPrecision: number;
  seconds: number;
  millis: Record<string, number>;
}

/** The true person of a FEBRL record: the number in rec-NNN-org / rec-NNN-dup-K. */
const entityOf = (id: string): number => Number(/^rec-(\d+)-/.exec(id)?.[1] ?? -1);

/** Reads, resolves and scores one FEBRL task end to end; the timing covers reading the files. */
export async function runFebrl(task: string, files: readonly string[]): Promise<FebrlResult> {
  const start = performance.now();
  const records: MatchRecord[] = [];
  for (const [side, f] of files.entries()) {
    const read = await readPersonCsv(path.join(FEBRL_DIR, f), {
      side,
      columns: FEBRL_COLUMNS,
      onReject: (r) => {
        throw new Error(`unexpected reject in ${f}:${r.line}: ${r.reason}`);
      },
    });
    records.push(...read.records);
  }
  const result = resolveRecords(records, { extraColumns: Object.keys(records[0]?.extra ?? {}) });
  const seconds = (performance.now() - start) / 1000;
  const entity = Int32Array.from(result.store.ids, entityOf);
  const side = result.store.side.subarray(0, result.store.size);
  const truePairs = countTruePairs(entity, side, result.link);
  const pairs = pairMetrics(
    result.pairs.a,
    result.pairs.b,
    result.pairs.weight,
    result.pairs.count,
    weightOf(result.thresholds.linkProbability),
    entity,
    truePairs,
  );
  return {
    task,
    records: result.store.size,
    candidatePairs: result.pairs.count,
    blockingRecall: pairs.comparedTruePairs / truePairs,
    clusters: clusterMetrics(result.clustering.cluster, entity, side, result.link),
    pairs,
    estimatedLinkPrecision: result.stats.estimatedLinkPrecision,
    seconds,
    millis: result.stats.millis,
  };
}

export const FEBRL_TASKS: readonly [string, string[]][] = [
  ['febrl4 link 4a+4b', ['dataset4a.csv', 'dataset4b.csv']],
  ['febrl1 dedupe', ['dataset1.csv']],
  ['febrl2 dedupe', ['dataset2.csv']],
  ['febrl3 dedupe', ['dataset3.csv']],
];

import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { readPersonCsv, RESOLVE_COLUMNS, type RejectedRow, type ResolveColumn } from './csv-input.js';
import type { MatchRecord } from './record-store.js';
import { DEFAULT_THRESHOLDS, thresholdProblem, type Thresholds } from './thresholds.rules.js';

export interface ResolveCommandOptions {
  out: string;
  pairs?: string;
  allPairs?: boolean;
  rejects?: string;
  columns?: Partial<Record<ResolveColumn, string>>;
  compare?: string[];
  linkProbability?: number;
  reviewProbability?: number;
  model?: string;
  saveModel?: string;
}

function parseColumns(value: string): Partial<Record<ResolveColumn, string>> {
  const map: Partial<Record<ResolveColumn, string>> = {};
  for (const part of value.split(',')) {
    const [target, source] = part.split('=').map((s) => s.trim());
    if (!target || !source) throw new InvalidArgumentError(`"${part}" is not target=source`);
    if (!(RESOLVE_COLUMNS as readonly string[]).includes(target)) {
      throw new InvalidArgumentError(`"${target}" is not one of ${RESOLVE_COLUMNS.join(', ')}`);
    }
    map[target as ResolveColumn] = source;
  }
  return map;
}

const probability = (v: string): number => {
  const p = Number(v);
  if (!(p > 0 && p < 1)) throw new InvalidArgumentError('must be a probability between 0 and 1');
  return p;
};
const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const log = (s: string) => {
  process.stderr.write(`${s}\n`);
};

/**
 * Deduplicates one CSV of person records, or links two, and writes the clusters (and optionally
 * the scored pairs with their evidence). Never reads truth labels. Progress goes to stderr.
 */
export async function runResolve(inputs: readonly string[], opts: ResolveCommandOptions): Promise<void> {
  // The engine loads only when resolve runs: every other CLI command starts without it (~0.5 s).
  const [{ resolveRecords }, { writeClusters, writePairs, writeRejects }] = await Promise.all([
    import('./engine.js'),
    import('./resolve-output.js'),
  ]);
  if (inputs.length < 1 || inputs.length > 2) throw new Error('give one file to deduplicate or two to link');
  const thresholds: Thresholds = {
    ...DEFAULT_THRESHOLDS,
    ...(opts.linkProbability === undefined ? {} : { linkProbability: opts.linkProbability }),
    ...(opts.reviewProbability === undefined ? {} : { reviewProbability: opts.reviewProbability }),
  };
  const problem = thresholdProblem(thresholds);
  if (problem) throw new Error(problem);
  const started = performance.now();
  const records: MatchRecord[] = [];
  const rejects: RejectedRow[] = [];
  let extraColumns: string[] | undefined;
  for (const [side, file] of inputs.entries()) {
    const read = await readPersonCsv(file, {
      side,
      ...(opts.columns ? { columns: opts.columns } : {}),
      ...(opts.compare ? { compare: opts.compare } : {}),
      onReject: (r) => {
        rejects.push(r);
        log(`${r.file}:${r.line}: rejected: ${r.reason}`);
      },
      onProgress: (rows) => {
        log(`${file}: ${rows} rows read`);
      },
    });
    if (extraColumns && extraColumns.join() !== read.extraColumns.join()) {
      throw new Error(
        `the two files compare different columns (${extraColumns.join(', ')} / ${read.extraColumns.join(', ')})`,
      );
    }
    extraColumns = read.extraColumns;
    records.push(...read.records);
    log(
      `${file}: ${read.rows} rows, ${read.records.length} records, ${read.rejected} rejected` +
        (read.impossibleDates
          ? `, ${read.impossibleDates} impossible birth dates compared digit by digit`
          : ''),
    );
  }
  const model = opts.model ? await readModel(opts.model) : undefined;
  const result = resolveRecords(records, {
    extraColumns: extraColumns ?? [],
    thresholds,
    ...(model ? { model } : {}),
    onProgress: log,
  });
  if (opts.saveModel) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(opts.saveModel, JSON.stringify(result.model));
    log(`model → ${opts.saveModel}`);
  }
  const names = inputs.map((f) => path.basename(f));
  await writeClusters(opts.out, result, names);
  const rejectsFile = opts.rejects ?? opts.out.replace(/(\.csv)?$/i, '.rejects.csv');
  await writeRejects(rejectsFile, rejects);
  if (opts.pairs) {
    const written = await writePairs(opts.pairs, result, names, opts.allPairs ?? false);
    log(`${written} scored pairs with evidence → ${opts.pairs}`);
  }
  const s = result.stats;
  log(
    `${s.records} records, ${s.candidatePairs} candidate pairs, ${result.clustering.clusters} clusters, ` +
      `${s.linkPairs} pairs linked, ${s.reviewPairs} for review (estimated link precision ${s.estimatedLinkPrecision.toFixed(4)}) ` +
      `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  log(`clusters → ${opts.out}; ${rejects.length} rejected rows → ${rejectsFile}`);
}

async function readModel(file: string) {
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(file, 'utf8')) as import('./model.rules.js').MatchModel;
}

/** Registers `passage resolve` on the CLI program. */
export function registerResolveCommand(program: Command): void {
  program
    .command('resolve')
    .description(
      'Deduplicate a CSV of person records, or link two, into clusters of the same person (Fellegi–Sunter with EM; never reads truth labels)',
    )
    .argument('<inputs...>', 'one CSV to deduplicate, or two CSVs to link')
    .requiredOption('--out <file>', 'clusters CSV: record_id,cluster_id (plus file when linking two)')
    .option('--pairs <file>', 'scored pairs (link and review) with outcome, reason and evidence JSON')
    .option('--all-pairs', 'with --pairs: every compared pair, no-link ones included')
    .option('--rejects <file>', 'rejected rows with line and reason (default: OUT.rejects.csv)')
    .addOption(
      new Option(
        '--columns <map>',
        `person column = file column, comma-separated (e.g. record_id=rec_id,family_name=surname); the file's other columns then become extra comparison fields. Person columns: ${RESOLVE_COLUMNS.join(', ')}`,
      ).argParser(parseColumns),
    )
    .addOption(
      new Option('--compare <columns>', 'extra columns to compare (comma-separated)').argParser(list),
    )
    .addOption(
      new Option('--link-probability <p>', 'link pairs at or above this match probability')
        .argParser(probability)
        .default(DEFAULT_THRESHOLDS.linkProbability),
    )
    .addOption(
      new Option('--review-probability <p>', 'send pairs at or above this (below link) to review')
        .argParser(probability)
        .default(DEFAULT_THRESHOLDS.reviewProbability),
    )
    .option('--model <file>', 'use a trained model (JSON) instead of estimating one with EM')
    .option('--save-model <file>', 'write the trained model (JSON: m, u, weights per level) for reuse')
    .addHelpText(
      'after',
      '\nDates may be YYYY-MM-DD, YYYYMMDD or YYYY. Example (FEBRL):\n  passage resolve dataset4a.csv dataset4b.csv --out clusters.csv \\\n    --columns record_id=rec_id,family_name=surname --pairs pairs.csv',
    )
    .action(async (inputs: string[], opts: ResolveCommandOptions) => {
      await runResolve(inputs, opts);
    });
}

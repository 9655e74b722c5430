import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Config } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import {
  ensureDefaultSources,
  ingestFile,
  markInterruptedJobs,
  type IngestSummary,
} from '../ingest/index.js';
import { refreshOverstays } from '../lifecycle/index.js';

/** Opens the configured database (PostgreSQL when DATABASE_URL is set, else PGlite) and migrates it. */
export async function openAndMigrate(
  config: Config,
  log: (s: string) => void = () => undefined,
): Promise<Database> {
  const database = await openDatabase(
    config.databaseUrl
      ? { kind: 'postgres', url: config.databaseUrl }
      : { kind: 'pglite', dataDir: config.dataDir },
  );
  try {
    const applied = await migrate(database.db);
    if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
    await ensureDefaultSources(database.db);
    // On PGlite the data-dir lock proves no other process is ingesting; on a server, wait for a
    // missed heartbeat window before calling a job interrupted.
    const interrupted = await markInterruptedJobs(
      database.db,
      database.engine === 'pglite' ? 0 : config.staleJobSeconds,
    );
    if (interrupted) {
      log(
        `Marked ${interrupted} unfinished ingest job(s) as interrupted; re-run their files to complete them.`,
      );
    }
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** Ingests one file with a progress bar on a terminal, or a line per 10% otherwise. */
export async function ingestWithProgress(
  database: Database,
  sourceCode: string,
  filePath: string,
  opts: { format?: 'csv' | 'ndjson'; startedBy?: string; quiet?: boolean } = {},
): Promise<IngestSummary> {
  const size = fs.statSync(filePath).size;
  const interactive = process.stderr.isTTY && !opts.quiet;
  const bar = interactive
    ? new cliProgress.SingleBar(
        {
          format: `${sourceCode} ${path.basename(filePath)} [{bar}] {percentage}% | {rows} rows | {eta_formatted} left`,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(size, 0, { rows: 0 });
  let lastDecile = 0;
  try {
    return await ingestFile(database.db, {
      sourceCode,
      filePath,
      format: opts.format,
      startedBy: opts.startedBy ?? 'cli',
      // Overstay determinations of the people a batch touched change in the same transaction.
      onLinked: (tx, linked) =>
        refreshOverstays(
          tx,
          linked.flatMap((l) => (l.personId ? [l.personId] : [])),
          new Date().toISOString().slice(0, 10),
        ).then(() => undefined),
      onProgress: (counts, fileSize) => {
        bar?.update(Math.min(counts.bytesRead, fileSize), { rows: counts.rowsRead });
        const decile = fileSize ? Math.floor((counts.bytesRead / fileSize) * 10) : 10;
        if (!interactive && !opts.quiet && decile > lastDecile) {
          lastDecile = decile;
          process.stderr.write(
            `  ${sourceCode} ${path.basename(filePath)}: ${decile * 10}% (${counts.rowsRead} rows)\n`,
          );
        }
      },
    });
  } finally {
    bar?.stop();
  }
}

export function formatSummary(s: IngestSummary): string {
  const dupDetail = s.alreadyQuarantined
    ? ` (${s.duplicates - s.alreadyQuarantined} records already stored, ${s.alreadyQuarantined} rows already in quarantine)`
    : '';
  return [
    `Ingest job ${s.jobId}: ${s.source} ${s.fileName}`,
    `  read:        ${s.rowsRead}`,
    `  accepted:    ${s.accepted}${s.newVersions ? ` (${s.newVersions} new versions of changed records)` : ''}`,
    `  quarantined: ${s.quarantined}${s.quarantined ? '  (see them with the job in the web UI or GET /api/ingest/jobs/' + s.jobId + '/quarantine)' : ''}`,
    `  duplicates:  ${s.duplicates}${dupDetail}`,
  ].join('\n');
}

/**
 * After a load: re-estimates the match model when it no longer fits the data (it was estimated
 * on synthetic people and there are now enough real records, or the records grew fourfold).
 * Links already made stay; the new model scores the records that arrive next.
 */
export async function retrainAfterLoad(database: Database, log: (s: string) => void): Promise<void> {
  const { retrainIfOutgrown } = await import('../people/index.js');
  const started = performance.now();
  const id = await database.db.transaction().execute((tx) => retrainIfOutgrown(tx, 'ingest'));
  if (id !== null) {
    log(
      `Match model re-estimated on the stored records (model ${id}, ${((performance.now() - started) / 1000).toFixed(1)} s).`,
    );
  }
}

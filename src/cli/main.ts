import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig, type Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { createAccount, resetPassword, ROLES } from '../access/index.js';
import { ensureSource, UnknownSourceError } from '../ingest/index.js';
import type { Role } from '../db/schema.js';
import { formatSummary, ingestWithProgress, openAndMigrate, retrainAfterLoad } from './runtime.js';
import { ensureWebBuilt, initialize, serve } from './server.js';
import { registerResolveCommand } from '../matching/resolve.command.js';

const log = (s: string) => {
  console.log(s);
};
const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return n;
};
function config(): Config {
  return loadConfig();
}

const program = new Command('passage')
  .description('Passage — accurate, explainable, accountable immigration case work (synthetic data only).')
  .showHelpAfterError()
  .addHelpText(
    'after',
    '\nEnvironment: DATABASE_URL (PostgreSQL; default embedded PGlite), PASSAGE_DATA_DIR (default ./data),\nPORT (8080), HOST (127.0.0.1), PASSAGE_DEMO_PEOPLE (3000), PASSAGE_SESSION_HOURS (8), PASSAGE_LOG_LEVEL (info).',
  );

program
  .command('start')
  .description('init + build the web UI if needed + serve: what `npm start` runs')
  .action(async () => {
    const cfg = config();
    const database = await openAndMigrate(cfg, log);
    await initialize(database, cfg, cfg.demoPeople);
    await ensureWebBuilt(log);
    await serve(database, cfg);
  });

program
  .command('init')
  .description(
    'Migrate the database, create the first admin (one-time password printed) and load demo data on an empty database',
  )
  .addOption(
    new Option(
      '--demo-people <n>',
      'synthetic people to load when the database is empty (0: none)',
    ).argParser(positiveInt),
  )
  .action(async (opts: { demoPeople?: number }) => {
    const cfg = config();
    const database = await openAndMigrate(cfg, log);
    try {
      await initialize(database, cfg, opts.demoPeople ?? cfg.demoPeople);
      log(`Ready on ${database.engine} (${database.location}).`);
    } finally {
      await database.close();
    }
  });

program
  .command('serve')
  .description('Serve the API and the built web UI on HOST:PORT (default 127.0.0.1:8080)')
  .action(async () => {
    const cfg = config();
    await serve(await openAndMigrate(cfg, log), cfg);
  });

program
  .command('db:migrate')
  .description('Apply pending SQL migrations (PGlite data dir, or DATABASE_URL)')
  .action(async () => {
    const cfg = config();
    const database = await openDatabase(
      cfg.databaseUrl ? { kind: 'postgres', url: cfg.databaseUrl } : { kind: 'pglite', dataDir: cfg.dataDir },
    );
    try {
      const applied = await migrate(database.db);
      log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    } finally {
      await database.close();
    }
  });

program
  .command('ingest')
  .description(
    'Load CSV or NDJSON files from a source system; bad rows are quarantined with line and reasons',
  )
  .requiredOption('--source <code>', 'source system code, e.g. I94, EXIT, USCIS')
  .addOption(
    new Option('--format <format>', 'file format (default: from the file extension)').choices([
      'csv',
      'ndjson',
    ]),
  )
  .addOption(
    new Option(
      '--record-type <type>',
      'create the source if it is new, with this default record type',
    ).choices(['person', 'admission', 'departure', 'application']),
  )
  .option('--source-name <name>', 'display name for a new source')
  .argument('<files...>', 'CSV (.csv) or NDJSON (.ndjson, .jsonl) files')
  .action(
    async (
      files: string[],
      opts: { source: string; format?: 'csv' | 'ndjson'; recordType?: 'person'; sourceName?: string },
    ) => {
      const cfg = config();
      const database = await openAndMigrate(cfg, log);
      try {
        const code = opts.source.toUpperCase();
        if (opts.recordType) {
          await ensureSource(database.db, {
            code,
            name: opts.sourceName ?? code,
            defaultRecordType: opts.recordType,
          });
        }
        for (const file of files) {
          log(
            formatSummary(
              await ingestWithProgress(database, code, path.resolve(file), { format: opts.format }),
            ),
          );
        }
        await retrainAfterLoad(database, log);
      } catch (err) {
        if (err instanceof UnknownSourceError) {
          throw new Error(`${err.message} Add --record-type to create it.`);
        }
        throw err;
      } finally {
        await database.close();
      }
    },
  );

program
  .command('demo-data')
  .description(
    'Write a synthetic data set as CSV files per source system (plus truth.csv for tests; never ingest it)',
  )
  .requiredOption('--people <n>', 'number of synthetic people', positiveInt)
  .requiredOption('--out <dir>', 'output folder')
  .option('--seed <n>', 'random seed (same seed, same files)', positiveInt)
  .action(async (opts: { people: number; out: string; seed?: number }) => {
    const result = await (
      await import('../demo/demo-data.js')
    ).writeDemoData(path.resolve(opts.out), { people: opts.people, seed: opts.seed });
    for (const f of result.files) log(`${f.source}: ${f.rows} rows → ${f.path}`);
    log(`ground truth (for tests and benchmarks only): ${result.truthPath}`);
  });

const overstays = program
  .command('overstays')
  .description('Overstay determinations (DHS Entry/Exit Overstay Report method)');
overstays
  .command('recompute')
  .description('Recompute every admission’s overstay determination as of a date (default today)')
  .option('--as-of <date>', 'YYYY-MM-DD', new Date().toISOString().slice(0, 10))
  .action(async (opts: { asOf: string }) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.asOf)) {
      throw new InvalidArgumentError('--as-of must be YYYY-MM-DD');
    }
    const database = await openAndMigrate(config());
    try {
      const { recomputeAllOverstays } = await import('../lifecycle/index.js');
      const started = performance.now();
      // On PostgreSQL the slices go by binary COPY through the pool (overstay-slice.store.ts).
      const r = await recomputeAllOverstays(
        database.db,
        opts.asOf,
        (people, n) => {
          process.stderr.write(`  ${people} people, ${n} determinations\r`);
        },
        { pgPool: database.pgPool },
      );
      log(
        `\nRecomputed ${r.determinations} determinations for ${r.people} people as of ${opts.asOf} in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
      );
    } finally {
      await database.close();
    }
  });

const match = program
  .command('match')
  .description('The entity-resolution model that links records to people');
match
  .command('train')
  .description(
    'Estimate the match model by EM on the stored records (refined with review decisions) and make it active',
  )
  .option('--synthetic', 'estimate on the synthetic population instead (for an empty or tiny database)')
  .action(async (opts: { synthetic?: boolean }) => {
    const database = await openAndMigrate(config());
    try {
      const { trainModel } = await import('../people/index.js');
      const started = performance.now();
      const id = await database.db
        .transaction()
        .execute((tx) => trainModel(tx, 'cli', { synthetic: opts.synthetic === true }));
      const { activeModelSummary } = await import('../people/match-model.service.js');
      const summary = await activeModelSummary(database.db);
      log(
        `Model ${id} (${summary?.kind}) is active: ${summary?.note}. ${((performance.now() - started) / 1000).toFixed(1)} s.`,
      );
    } finally {
      await database.close();
    }
  });
match
  .command('status')
  .description('Show the active match model: origin, prior and the weight of each comparison level')
  .action(async () => {
    const database = await openAndMigrate(config());
    try {
      const { activeModelSummary } = await import('../people/match-model.service.js');
      const summary = await activeModelSummary(database.db);
      if (!summary) {
        log(
          'No model yet: one is estimated when the first records are linked (or run `passage match train`).',
        );
        return;
      }
      log(
        `Model ${summary.id} (${summary.kind}), ${summary.note}; created ${summary.createdAt} by ${summary.createdBy}.`,
      );
      log(
        `Prior weight ${summary.priorWeight.toFixed(2)} bits; link at ≥ ${summary.thresholds.link}, review at ≥ ${summary.thresholds.review}.`,
      );
      for (const f of summary.fields) {
        log(
          `  ${f.name.padEnd(24)} ${f.levels.map((l) => `${l.level} ${l.weight >= 0 ? '+' : ''}${l.weight.toFixed(1)}`).join('  ')}`,
        );
      }
    } finally {
      await database.close();
    }
  });

program
  .command('sources:token')
  .description(
    'Create an API token for a source system (e.g. exit manifests posting to /api/departures); shown once',
  )
  .requiredOption('--source <code>', 'source system code, e.g. EXIT')
  .option('--label <text>', 'what the token is for', 'api')
  .action(async (opts: { source: string; label: string }) => {
    const database = await openAndMigrate(config());
    try {
      const { createSourceToken } = await import('../departures/index.js');
      log(
        `Token for ${opts.source.toUpperCase()} (shown once): ${await createSourceToken(database.db, opts.source.toUpperCase(), opts.label)}`,
      );
    } finally {
      await database.close();
    }
  });

program
  .command('accounts:create')
  .description('Create an account; prints a one-time password')
  .requiredOption('--username <name>', 'sign-in name')
  .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
  .option('--display-name <name>', 'name shown in the UI')
  .action(async (opts: { username: string; role: Role; displayName?: string }) => {
    const database = await openAndMigrate(config());
    try {
      const { oneTimePassword } = await createAccount(database.db, opts);
      log(`Created ${opts.username} (${opts.role}). One-time password: ${oneTimePassword ?? ''}`);
    } finally {
      await database.close();
    }
  });

program
  .command('accounts:reset-password')
  .description('Give an account a new one-time password (and end its sessions)')
  .requiredOption('--username <name>', 'sign-in name')
  .action(async (opts: { username: string }) => {
    const database = await openAndMigrate(config());
    try {
      log(`New one-time password for ${opts.username}: ${await resetPassword(database.db, opts.username)}`);
    } finally {
      await database.close();
    }
  });

registerResolveCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`passage: ${(err as Error).message}`);
  process.exitCode = 1;
}

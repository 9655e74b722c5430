import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { ensureAdmin } from '../access/index.js';
import { buildApp, WEB_DIST } from '../http/app.js';
import { warmMatcher } from '../people/index.js';
import { formatSummary, ingestWithProgress, retrainAfterLoad } from './runtime.js';

const DEMO_FLAG = 'demo_data_loaded';

/**
 * First-run setup: an admin with a one-time password (printed once) and, on an empty database,
 * the synthetic demo data set loaded through the normal ingest path.
 */
export async function initialize(database: Database, config: Config, demoPeople: number): Promise<void> {
  const admin = await ensureAdmin(database.db);
  if (admin) {
    console.log(
      [
        '',
        '  An administrator account was created. This password is shown only once:',
        `    username: ${admin.username}`,
        `    password: ${admin.password}`,
        '  You will be asked to change it. Lost it? Run: npx passage accounts:reset-password --username admin',
        '',
      ].join('\n'),
    );
  }
  const loaded = await database.db
    .selectFrom('app_meta')
    .select('value')
    .where('key', '=', DEMO_FLAG)
    .executeTakeFirst();
  const records = await sql<{ n: string }>`SELECT count(*) AS n FROM source_records`.execute(database.db);
  if (loaded || Number(records.rows[0]?.n ?? 0) > 0 || demoPeople <= 0) return;
  const outDir = path.join(config.dataDir, 'demo');
  console.log(`Generating a synthetic demo data set (${demoPeople} people) in ${outDir} …`);
  const written = await (await import('../demo/demo-data.js')).writeDemoData(outDir, { people: demoPeople });
  const { writeLegacySample } = await import('../demo/legacy-sample.js');
  const files = [...written.files, { source: 'I94', path: writeLegacySample(outDir) }];
  for (const f of files) {
    const summary = await ingestWithProgress(database, f.source, f.path, { startedBy: 'demo-data' });
    console.log(formatSummary(summary));
  }
  await retrainAfterLoad(database, (line) => {
    console.log(line);
  });
  await database.db
    .insertInto('app_meta')
    .values({ key: DEMO_FLAG, value: JSON.stringify({ people: demoPeople, at: new Date().toISOString() }) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

/** Builds the web UI with Vite when no build exists (the first `npm start`). */
export async function ensureWebBuilt(log: (s: string) => void): Promise<void> {
  if (fs.existsSync(path.join(WEB_DIST, 'index.html'))) return;
  log('Building the web UI (first start only) …');
  const vite = await import('vite');
  await vite.build({ configFile: path.resolve(WEB_DIST, '../vite.config.ts'), logLevel: 'warn' });
}

/** Serves API and UI until SIGINT/SIGTERM, then closes the server and the database cleanly. */
export async function serve(database: Database, config: Config): Promise<void> {
  const app = await buildApp({
    db: database.db,
    engine: database.engine,
    config,
    today: () => new Date().toISOString().slice(0, 10),
    logger: { level: config.logLevel },
  });
  await app.listen({ port: config.port, host: config.host });
  // The match index is built in the background; the first departure would otherwise wait for it.
  const warming = performance.now();
  warmMatcher(database.db).then(
    (records) => {
      if (records) {
        app.log.info(
          `match index ready: ${records} records in ${Math.round(performance.now() - warming)} ms`,
        );
      }
    },
    (err: unknown) => {
      app.log.error({ err }, 'could not build the match index; it is built on first use');
    },
  );
  const shown = config.host.includes(':') ? `[${config.host}]` : config.host;
  console.log(
    `Passage is running on ${database.engine} (${database.location}): http://${shown}:${config.port}/  (API docs: /api/docs)`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('Stopping …');
  await app.close();
  await database.close();
}

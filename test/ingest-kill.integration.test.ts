import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import { generateDemoData } from '../src/demo/demo-data.js';
import { csvLine, tempDir, writeFile } from './support/factories.js';
import { createPgDatabase, ENGINES } from './support/test-db.js';

// The synthetic demo population's I-94 file: realistic names, so linking costs what it would.
const I94 = generateDemoData({ people: 2_500, seed: 11 }).files.find((f) => f.source === 'I94')!;
const ROWS = I94.rows.length;
const BIN = path.resolve('bin/passage.js');

function bigFile(dir: string): string {
  const lines = [I94.columns, ...I94.rows.map((r) => I94.columns.map((c) => r[c] ?? ''))].map(csvLine);
  return writeFile(dir, 'big.csv', lines.join('\n') + '\n');
}

/** Runs `passage ingest`; with killAtPercent, SIGKILLs it once its progress passes that mark. */
function runIngest(
  env: NodeJS.ProcessEnv,
  file: string,
  killAtPercent?: number,
): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'ingest', '--source', 'I94', file], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (b: Buffer): void => {
      output += b.toString();
      const m = [...output.matchAll(/: (\d+)% \(/g)].map((x) => Number(x[1]));
      if (killAtPercent !== undefined && m.some((p) => p >= killAtPercent) && child.exitCode === null) {
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, output });
    });
  });
}

describe.each(ENGINES)('an ingest killed with SIGKILL on %s', (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('leaves every row exactly once after a re-run', async () => {
    const dir = tempDir();
    const file = bigFile(dir);
    let env: NodeJS.ProcessEnv;
    let open: () => ReturnType<typeof openDatabase>;
    if (engine === 'pglite') {
      const dataDir = path.join(dir, 'data');
      env = { PASSAGE_DATA_DIR: dataDir, DATABASE_URL: '' };
      open = () => openDatabase({ kind: 'pglite', dataDir });
    } else {
      const pgDb = await createPgDatabase();
      cleanups.push(pgDb.drop);
      // A server cannot tell a dead ingest from a slow one until its heartbeat is stale.
      env = { DATABASE_URL: pgDb.url, PASSAGE_STALE_JOB_SECONDS: '0' };
      open = () => openDatabase({ kind: 'postgres', url: pgDb.url });
    }
    delete env.TEST_DATABASE_URL;
    if (env.DATABASE_URL === '') delete env.DATABASE_URL;

    const killed = await runIngest(env, file, 20);
    expect(killed.signal, killed.output).toBe('SIGKILL');

    const mid = await open();
    const partial = await sql<{ n: string }>`SELECT count(*) AS n FROM source_records`.execute(mid.db);
    await mid.close();
    const stored = Number(partial.rows[0]?.n);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(ROWS);

    const rerun = await runIngest(env, file);
    expect(rerun.code, rerun.output).toBe(0);
    expect(rerun.output).toMatch(/accepted: +(\d+)/);

    const after = await open();
    const counts = await sql<{ records: string; ids: string; admissions: string; links: string }>`
      SELECT (SELECT count(*) FROM source_records) AS records,
             (SELECT count(DISTINCT source_record_id) FROM source_records) AS ids,
             (SELECT count(*) FROM admissions) AS admissions,
             (SELECT count(*) FROM person_links WHERE unlinked_at IS NULL) AS links`.execute(after.db);
    const jobs = await after.db.selectFrom('ingest_jobs').select('status').orderBy('id').execute();
    await after.close();
    expect(counts.rows[0]).toEqual({
      records: String(ROWS),
      ids: String(ROWS),
      admissions: String(ROWS),
      links: String(ROWS),
    });
    expect(jobs.map((j) => j.status)).toEqual(['interrupted', 'completed']);
  }, 180_000);
});

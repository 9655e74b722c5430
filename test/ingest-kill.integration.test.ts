import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import { admissionsCsv, buildAdmissionRow, tempDir, writeFile } from './support/factories.js';
import { createPgDatabase, ENGINES } from './support/test-db.js';

const ROWS = 8_000;
const BIN = path.resolve('bin/passage.js');

function bigFile(dir: string): string {
  const rows = Array.from({ length: ROWS }, (_, i) =>
    buildAdmissionRow({
      record_id: `I94-K-${String(i).padStart(6, '0')}`,
      given_name: `Given${i % 997}`,
      family_name: `Family${i}`,
      passport_number: `XK${String(i).padStart(7, '0')}`,
      date_of_birth: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
    }),
  );
  return writeFile(dir, 'big.csv', admissionsCsv(rows));
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
  });
});

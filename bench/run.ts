/**
 * Foundation benchmark: ingest throughput and read latency on each available engine.
 *   npm run bench -- --people 2000
 * PostgreSQL is included when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set; a fresh database
 * is created and dropped. Prints JSON (one line) and a table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createScratchDatabase } from '../src/db/scratch-database.js';
import { writeDemoData } from '../src/demo/demo-data.js';
import { ensureDefaultSources, ingestFile } from '../src/ingest/index.js';
import { buildTimeline, loadPersonFacts } from '../src/lifecycle/index.js';
import { searchPeople } from '../src/people/index.js';
import { percentile } from './stats.js';

const { values } = parseArgs({ options: { people: { type: 'string', default: '2000' } } });
const people = Number(values.people);
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

async function benchEngine(
  engine: 'pglite' | 'postgres',
  dir: string,
  files: { source: string; path: string }[],
) {
  let database: Database;
  let drop = async () => {};
  if (engine === 'pglite') {
    database = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pglite-bench') });
  } else {
    const scratch = await createScratchDatabase(pgUrl ?? '', 'passage_bench');
    database = await openDatabase({ kind: 'postgres', url: scratch.url });
    drop = scratch.drop;
  }
  await migrate(database.db);
  await ensureDefaultSources(database.db);
  let rows = 0;
  const t0 = performance.now();
  for (const f of files) {
    rows += (await ingestFile(database.db, { sourceCode: f.source, filePath: f.path })).rowsRead;
  }
  const ingestSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  for (const f of files) await ingestFile(database.db, { sourceCode: f.source, filePath: f.path });
  const reingestSeconds = (performance.now() - t1) / 1000;

  const names = await database.db
    .selectFrom('record_identities')
    .select(['family_name', 'person_id'])
    .where('family_name', 'is not', null)
    .limit(100)
    .execute();
  const actor = { accountId: '0', username: 'bench', role: 'officer' as const };
  const searchMs: number[] = [];
  const timelineMs: number[] = [];
  for (const n of names) {
    const s = performance.now();
    await searchPeople(database.db, actor, n.family_name ?? '', 25, { requestId: null, clientIp: null });
    searchMs.push(performance.now() - s);
    const t = performance.now();
    buildTimeline(await loadPersonFacts(database.db, n.person_id ?? '0'), '2026-11-23');
    timelineMs.push(performance.now() - t);
  }
  const peopleCount = Number(
    (await sql<{ n: string }>`SELECT count(*) AS n FROM people`.execute(database.db)).rows[0]?.n,
  );
  await database.close();
  await drop();
  return {
    engine,
    rows,
    people: peopleCount,
    ingestSeconds: +ingestSeconds.toFixed(2),
    rowsPerSecond: Math.round(rows / ingestSeconds),
    reingestSeconds: +reingestSeconds.toFixed(2),
    searchP50Ms: +percentile(searchMs, 50).toFixed(1),
    searchP95Ms: +percentile(searchMs, 95).toFixed(1),
    timelineP50Ms: +percentile(timelineMs, 50).toFixed(1),
    timelineP95Ms: +percentile(timelineMs, 95).toFixed(1),
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passage-bench-'));
const demo = await writeDemoData(path.join(dir, 'demo'), { people });
const results = [];
for (const engine of pgUrl ? (['pglite', 'postgres'] as const) : (['pglite'] as const)) {
  results.push(await benchEngine(engine, dir, demo.files));
}
fs.rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    benchmark: 'foundation',
    demoPeople: people,
    node: process.version,
    cpus: os.cpus().length,
    results,
  }),
);
console.table(results);

/**
 * Lifecycle benchmarks (npm run bench:lifecycle). Prints one JSON line and a table.
 *
 *   --part stream   departure stream: a bounded loader posts --rate events/s for --seconds against
 *                   a `passage serve` child process on 127.0.0.1, retrying a share of requests with
 *                   the same Idempotency-Key; reports request→status-updated latency p50/p99 (the
 *                   person's status, voluntary departure and overstay determinations are updated in
 *                   the request's transaction), errors, and checks every event is stored once.
 *   --part batch    overstay determination batch: --admissions synthetic admissions with departures
 *                   and applications generated in SQL, then `recomputeAllOverstays`; time and RSS.
 * The database is PostgreSQL when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set (a fresh
 * database is created and dropped), else PGlite in a temp dir.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { createAccount } from '../src/access/index.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createScratchDatabase } from '../src/db/scratch-database.js';
import { createSourceToken } from '../src/departures/index.js';
import { writeDemoData } from '../src/demo/demo-data.js';
import { ensureDefaultSources, ingestFile } from '../src/ingest/index.js';
import { recomputeAllOverstays } from '../src/lifecycle/index.js';
import { percentile } from './stats.js';

const { values } = parseArgs({
  options: {
    part: { type: 'string', default: 'stream' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '60' },
    people: { type: 'string', default: '2000' },
    admissions: { type: 'string', default: '100000' },
    retry: { type: 'string', default: '0.05' },
  },
});
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passage-bench-life-'));

async function freshDatabase(): Promise<{
  database: Database;
  env: NodeJS.ProcessEnv;
  drop: () => Promise<void>;
}> {
  if (!pgUrl) {
    const dataDir = path.join(dir, 'data');
    return {
      database: await openDatabase({ kind: 'pglite', dataDir }),
      env: { PASSAGE_DATA_DIR: dataDir },
      drop: async () => {},
    };
  }
  const scratch = await createScratchDatabase(pgUrl, 'passage_bench');
  return {
    database: await openDatabase({ kind: 'postgres', url: scratch.url }),
    env: { DATABASE_URL: scratch.url },
    drop: scratch.drop,
  };
}

async function streamPart() {
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const { database, env, drop } = await freshDatabase();
  await migrate(database.db);
  await ensureDefaultSources(database.db);
  const demo = await writeDemoData(path.join(dir, 'demo'), { people: Number(values.people) });
  for (const f of demo.files.filter((x) => x.source === 'I94')) {
    await ingestFile(database.db, { sourceCode: f.source, filePath: f.path });
  }
  const token = await createSourceToken(database.db, 'EXIT', 'bench');
  await createAccount(database.db, { username: 'bench', role: 'admin', password: 'bench password 123' });
  // Departure events for admitted people (identity as the I-94 recorded it).
  const people = await database.db
    .selectFrom('record_identities')
    .select(['given_name', 'family_name', 'date_of_birth', 'passport_number', 'passport_country'])
    .where('passport_number', 'is not', null)
    .execute();
  const engine = database.engine;
  await database.close();

  const port = 18_000 + (process.pid % 1000);
  const server = spawn(process.execPath, ['bin/passage.js', 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', PASSAGE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (b: Buffer) => {
      if (b.toString().includes('Passage is running')) {
        resolve();
      }
    });
    server.on('exit', (code) => {
      reject(new Error(`server exited ${code}`));
    });
  });

  const total = rate * seconds;
  const loadBefore = os.loadavg()[0];
  const serverCpu0 = processCpuMs(server.pid);
  const postgresCpu0 = await postgresCpuMs(env.DATABASE_URL);
  const loaderCpu0 = process.cpuUsage();
  const latencies: number[] = [];
  let errors = 0;
  let retries = 0;
  const statuses = new Map<string, number>();
  const send = async (i: number, isRetry: boolean) => {
    const p = people[i % people.length];
    const body = JSON.stringify({
      record_id: `EXIT-BENCH-${i}`,
      given_name: p?.given_name,
      family_name: p?.family_name,
      date_of_birth: p?.date_of_birth,
      passport_number: p?.passport_number,
      passport_country: p?.passport_country,
      departed_on: '2026-11-20',
      port_of_departure: 'JFK',
    });
    const t = performance.now();
    try {
      const res = await post(port, '/api/departures', body, {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `bench-${i}`,
      });
      const json = JSON.parse(res.body) as { results?: { status: string }[] };
      if (res.status !== 200) {
        errors++;
        return;
      }
      if (!isRetry) {
        latencies.push(performance.now() - t);
        const st = json.results?.[0]?.status ?? 'none';
        statuses.set(st, (statuses.get(st) ?? 0) + 1);
      }
    } catch {
      errors++;
    }
  };
  const inflight = new Set<Promise<void>>();
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) {
      await new Promise((r) => setTimeout(r, wait));
    }
    // Bounded: never more than 200 requests in flight; when the server falls behind, the loader
    // slows down (the achieved rate then shows it) instead of queueing without limit.
    while (inflight.size >= 200) {
      await Promise.race(inflight);
    }
    const p = send(i, false).then(async () => {
      if (Math.random() < Number(values.retry)) {
        retries++;
        await send(i, true);
      }
    });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }
  await Promise.all(inflight);
  const wall = (performance.now() - started) / 1000;
  const serverCpuMs = processCpuMs(server.pid) - serverCpu0;
  const postgresCpuAfter = await postgresCpuMs(env.DATABASE_URL);
  const loaderCpu = process.cpuUsage(loaderCpu0);
  const loadAfter = os.loadavg()[0];
  agent.destroy();
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));

  const check = await openDatabase(
    pgUrl
      ? { kind: 'postgres', url: env.DATABASE_URL ?? '' }
      : { kind: 'pglite', dataDir: env.PASSAGE_DATA_DIR ?? '' },
  );
  const stored = await sql<{
    n: string;
    d: string;
  }>`SELECT count(*) AS n, count(DISTINCT source_record_id) AS d FROM source_records WHERE source_record_id LIKE 'EXIT-BENCH-%'`.execute(
    check.db,
  );
  await check.close();
  await drop();
  return {
    part: 'stream',
    engine,
    targetRate: rate,
    seconds,
    sent: total,
    achievedRate: Math.round(total / wall),
    retries,
    errors,
    p50Ms: +percentile(latencies, 50).toFixed(1),
    p99Ms: +percentile(latencies, 99).toFixed(1),
    maxMs: +Math.max(...latencies).toFixed(1),
    stored: Number(stored.rows[0]?.n),
    storedDistinct: Number(stored.rows[0]?.d),
    exactlyOnce: Number(stored.rows[0]?.n) === total && Number(stored.rows[0]?.d) === total,
    outcomes: Object.fromEntries(statuses),
    // Where the CPU went, per event: the server process (with PGlite, the database is inside it),
    // the PostgreSQL backends serving the benchmark's database, and this loader.
    serverCpuMsPerEvent: +(serverCpuMs / total).toFixed(2),
    postgresCpuMsPerEvent: +(cpuSince(postgresCpu0, postgresCpuAfter) / total).toFixed(2),
    loaderCpuMsPerEvent: +((loaderCpu.user + loaderCpu.system) / 1000 / total).toFixed(2),
    loadAverage1m: `${loadBefore?.toFixed(1)} → ${loadAfter?.toFixed(1)}`,
  };
}

/**
 * A POST over a keep-alive connection. node:http rather than fetch: fetch cost the loader as much
 * CPU per request as the server spent handling it, on the same two cores.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
function post(
  port: number,
  urlPath: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: urlPath, method: 'POST', agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU used by each PostgreSQL backend connected to the database (local server, Linux), by pid. */
async function postgresCpuMs(url: string | undefined): Promise<Map<number, number>> {
  const used = new Map<number, number>();
  if (!url) return used;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    for (const { pid } of rows) used.set(pid, processCpuMs(pid));
  } finally {
    await client.end();
  }
  return used;
}

/** CPU used between two snapshots (backends that started in between count from zero). */
function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, cpu] of after) ms += cpu - (before.get(pid) ?? 0);
  return ms;
}

/** CPU time (user + system) a process has used, from /proc (Linux); NaN elsewhere. */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

async function batchPart() {
  const n = Number(values.admissions);
  const { database, drop } = await freshDatabase();
  await migrate(database.db);
  await ensureDefaultSources(database.db);
  const t0 = performance.now();
  // One person per admission; ~80% depart (some late), ~5% file an extension. Generated in SQL.
  await sql`
    WITH s AS (SELECT id FROM source_systems WHERE code = 'I94'),
    p AS (INSERT INTO people (created_at) SELECT now() FROM generate_series(1, ${n}) RETURNING id),
    r AS (INSERT INTO source_records (source_id, source_record_id, version, checksum, record_type, data, raw, file_name, line_number)
          SELECT (SELECT id FROM s), 'B' || p.id, 1, md5(p.id::text), 'admission', '{}', '', 'bench', p.id FROM p RETURNING id, source_record_id)
    INSERT INTO admissions (source_id, source_record_id, source_record_pk, person_id, class_of_admission, admitted_on, admit_until, duration_of_status)
    SELECT (SELECT id FROM s), r.source_record_id, r.id, substr(r.source_record_id, 2)::bigint,
           (ARRAY['B1','B2','H1B','F1','WT'])[1 + (r.id % 5)],
           DATE '2023-01-01' + (r.id % 900)::int,
           CASE WHEN r.id % 5 = 3 THEN NULL ELSE DATE '2023-01-01' + (r.id % 900)::int + 180 END,
           r.id % 5 = 3
    FROM r`.execute(database.db);
  await sql`
    WITH s AS (SELECT id FROM source_systems WHERE code = 'EXIT'),
    a AS (SELECT * FROM admissions WHERE person_id % 5 <> 0),
    r AS (INSERT INTO source_records (source_id, source_record_id, version, checksum, record_type, data, raw, file_name, line_number)
          SELECT (SELECT id FROM s), 'D' || a.person_id, 1, md5(a.person_id::text), 'departure', '{}', '', 'bench', a.person_id FROM a
          RETURNING id, source_record_id)
    INSERT INTO departures (source_id, source_record_id, source_record_pk, person_id, departed_on)
    SELECT (SELECT id FROM s), r.source_record_id, r.id, substr(r.source_record_id, 2)::bigint,
           DATE '2023-01-01' + (substr(r.source_record_id, 2)::bigint % 900)::int + 150 + (substr(r.source_record_id, 2)::bigint % 60)::int
    FROM r`.execute(database.db);
  const loadSeconds = (performance.now() - t0) / 1000;
  const rss0 = process.memoryUsage().rss;
  let peakRss = rss0;
  const t1 = performance.now();
  const result = await recomputeAllOverstays(database.db, '2026-11-23', () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  });
  const seconds = (performance.now() - t1) / 1000;
  const engine = database.engine;
  await database.close();
  await drop();
  return {
    part: 'batch',
    engine,
    admissions: n,
    loadSeconds: +loadSeconds.toFixed(1),
    determinations: result.determinations,
    seconds: +seconds.toFixed(1),
    admissionsPerSecond: Math.round(n / seconds),
    peakRssMiB: Math.round(peakRss / 1048576),
  };
}

const result = values.part === 'batch' ? await batchPart() : await streamPart();
fs.rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({ benchmark: 'lifecycle', node: process.version, cpus: os.cpus().length, ...result }),
);
console.table([result]);

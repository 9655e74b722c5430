/**
 * Lifecycle benchmarks (npm run bench:lifecycle). Prints one JSON line and a table.
 *
 *   --part stream   departure stream: a bounded loader posts --rate events/s for --seconds against
 *                   a `passage serve` child process on 127.0.0.1, retrying a share of requests with
 *                   the same Idempotency-Key; reports request→status-updated latency p50/p99 (the
 *                   person's status, voluntary departure and overstay determinations are updated in
 *                   the request's transaction), errors, and checks every event is stored once.
 *   --part batch    overstay determination batch: --admissions synthetic admissions with departures,
 *                   applications and identities generated in SQL (lifecycle-data.ts, not timed),
 *                   then `recomputeAllOverstays` alone in a child process (lifecycle-batch-run.ts):
 *                   seconds, admissions/s, the child's peak RSS (on PGlite the database's too) and,
 *                   on a local PostgreSQL, the peak RSS / private memory of the database's server
 *                   processes (sampled from /proc every 200 ms) and temp files written. --runs
 *                   (default 2): the first fills the empty table, the next ones overwrite it;
 *                   --work-mem: work_mem per slice on PostgreSQL (default 256MB); --slices N:
 *                   slices of the people by person-id range, two at a time (default: one per
 *                   500,000 admissions, at least 2); --method copy|sql: on PostgreSQL, slices read
 *                   and written by binary COPY and decided in Node (default) or by the set-based
 *                   statement; --concurrency N: slices decided at the same time (default 2);
 *                   --reuse-db NAME:
 *                   on the PostgreSQL server, time an existing database generated earlier (its
 *                   determinations are emptied first; it is migrated, not dropped).
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
import { generateBatchFacts } from './lifecycle-data.js';
import { percentile } from './stats.js';

const { values } = parseArgs({
  options: {
    part: { type: 'string', default: 'stream' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '60' },
    people: { type: 'string', default: '2000' },
    admissions: { type: 'string', default: '100000' },
    retry: { type: 'string', default: '0.05' },
    runs: { type: 'string', default: '2' },
    'work-mem': { type: 'string' },
    /** Batch part, PostgreSQL: slices of the people (decided two at a time); default by size. */
    slices: { type: 'string' },
    /** Batch part, PostgreSQL: slices decided at the same time (default 2). */
    concurrency: { type: 'string' },
    /** Batch part, PostgreSQL: 'copy' (default: binary COPY, decided in Node) or 'sql' (the statement). */
    method: { type: 'string', default: 'copy' },
    /** Batch part, PostgreSQL: use this existing database (facts already generated) and keep it. */
    'reuse-db': { type: 'string' },
    /** Stream part: write a V8 CPU profile of the server process into this directory. */
    'profile-server': { type: 'string' },
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
  const profile = values['profile-server'];
  const server = spawn(
    process.execPath,
    [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), 'bin/passage.js', 'serve'],
    {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', PASSAGE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
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

  // One untimed departure first: the server builds its match index on the first link after it starts.
  const warmup = await post(port, '/api/departures', departureBody('EXIT-WARMUP', people[0]), {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
  });
  if (warmup.status !== 200) throw new Error(`warm-up departure refused: ${warmup.status} ${warmup.body}`);

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
    const body = departureBody(`EXIT-BENCH-${i}`, people[i % people.length]);
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
    jobs: string;
  }>`SELECT count(*) AS n, count(DISTINCT source_record_id) AS d, count(DISTINCT ingest_job_id) AS jobs
     FROM source_records WHERE source_record_id LIKE 'EXIT-BENCH-%'`.execute(check.db);
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
    // Group commit: the transactions (one ingest job each) the events were stored in.
    transactions: Number(stored.rows[0]?.jobs),
    outcomes: Object.fromEntries(statuses),
    // Where the CPU went, per event: the server process (with PGlite, the database is inside it),
    // the PostgreSQL backends serving the benchmark's database, and this loader.
    serverCpuMsPerEvent: +(serverCpuMs / total).toFixed(2),
    postgresCpuMsPerEvent: +(cpuSince(postgresCpu0, postgresCpuAfter) / total).toFixed(2),
    loaderCpuMsPerEvent: +((loaderCpu.user + loaderCpu.system) / 1000 / total).toFixed(2),
    loadAverage1m: `${loadBefore?.toFixed(1)} → ${loadAfter?.toFixed(1)}`,
  };
}

/** Peak memory of this database's server processes, sampled from /proc (local server only). */
function sampleServerMemory(url: string) {
  const client = new pg.Client({ connectionString: url });
  const peak = { rssMiB: 0, anonMiB: 0, backends: 0, readable: true };
  const kib = (status: string, field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  let timer: NodeJS.Timeout | undefined;
  const sample = async () => {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    let rss = 0;
    let anon = 0;
    for (const { pid } of rows) {
      try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        rss += kib(status, 'VmRSS');
        anon += kib(status, 'RssAnon');
      } catch {
        peak.readable = false; // another host, or the process just ended
      }
    }
    peak.rssMiB = Math.max(peak.rssMiB, Math.round(rss / 1024));
    peak.anonMiB = Math.max(peak.anonMiB, Math.round(anon / 1024));
    peak.backends = Math.max(peak.backends, rows.length);
  };
  const tempBytes = async () =>
    Number(
      (
        await client.query<{ t: string }>(
          'SELECT temp_bytes AS t FROM pg_stat_database WHERE datname = current_database()',
        )
      ).rows[0]?.t ?? 0,
    );
  let temp0 = 0;
  return {
    async start() {
      await client.connect();
      temp0 = await tempBytes();
      timer = setInterval(() => void sample().catch(() => undefined), 200);
    },
    async stop() {
      clearInterval(timer);
      // Statistics reach pg_stat_database a moment after the backend reports them.
      await new Promise((r) => setTimeout(r, 1000));
      const tempMiB = Math.round(((await tempBytes()) - temp0) / 1048576);
      await client.end();
      return { ...peak, tempFilesMiB: tempMiB };
    },
  };
}

/** A departure of an admitted person, with the identity the I-94 recorded. */
function departureBody(
  recordId: string,
  p:
    | {
        given_name: string | null;
        family_name: string | null;
        date_of_birth: string | null;
        passport_number: string | null;
        passport_country: string | null;
      }
    | undefined,
): string {
  return JSON.stringify({
    record_id: recordId,
    given_name: p?.given_name,
    family_name: p?.family_name,
    date_of_birth: p?.date_of_birth,
    passport_number: p?.passport_number,
    passport_country: p?.passport_country,
    departed_on: '2026-11-20',
    port_of_departure: 'JFK',
  });
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
  const asOf = '2026-11-23';
  const reuse = values['reuse-db'];
  let opened: Awaited<ReturnType<typeof freshDatabase>>;
  let loadSeconds: number | null = null;
  if (reuse) {
    if (!pgUrl) throw new Error('--reuse-db needs BENCH_DATABASE_URL or TEST_DATABASE_URL');
    const url = new URL(pgUrl);
    url.pathname = `/${reuse}`;
    opened = {
      database: await openDatabase({ kind: 'postgres', url: url.toString() }),
      env: { DATABASE_URL: url.toString() },
      drop: async () => {},
    };
    await migrate(opened.database.db);
    // The first run is timed into an empty table, as on a fresh database.
    await sql`TRUNCATE overstay_determinations`.execute(opened.database.db);
  } else {
    opened = await freshDatabase();
    await migrate(opened.database.db);
    await ensureDefaultSources(opened.database.db);
    loadSeconds = (await generateBatchFacts(opened.database.db, n)).seconds;
  }
  const { database, env, drop } = opened;
  const counts = await sql<{ admissions: string; departures: string; applications: string; people: string }>`
    SELECT (SELECT count(*) FROM admissions) AS admissions, (SELECT count(*) FROM departures) AS departures,
           (SELECT count(*) FROM applications) AS applications, (SELECT count(*) FROM people) AS people`.execute(
    database.db,
  );
  const admissions = Number(counts.rows[0]?.admissions);
  const engine = database.engine;
  await database.close();

  // The determination alone, in a child process so its peak memory is its own.
  const loadAverageBefore = os.loadavg().map((x) => +x.toFixed(2));
  const server = engine === 'postgres' ? sampleServerMemory(env.DATABASE_URL ?? '') : undefined;
  await server?.start();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'lifecycle-batch-run.ts'),
      engine,
      env.DATABASE_URL ?? env.PASSAGE_DATA_DIR ?? '',
      asOf,
      values.runs,
      values['work-mem'] ?? '',
      values.slices ?? '',
      values.method,
      values.concurrency ?? '',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const serverMemory = await server?.stop();
  if (code !== 0) throw new Error(`batch run exited ${String(code)}`);
  const run = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
    people: number;
    determinations: number;
    hybridPeople: number;
    recomputedDirty: number;
    slices: number;
    phases: Record<string, number>[];
    seconds: number[];
    maxRssMiB: number;
  };
  await drop();
  const c = counts.rows[0];
  return {
    part: 'batch',
    engine,
    admissions,
    ...(reuse && { reusedDatabase: reuse }),
    workMem: engine === 'postgres' ? (values['work-mem'] ?? '256MB') : null,
    slices: run.slices,
    method: engine === 'postgres' ? values.method : 'sql',
    concurrency: engine === 'postgres' ? Number(values.concurrency ?? 2) : 1,
    people: Number(c?.people),
    departures: Number(c?.departures),
    applications: Number(c?.applications),
    loadSeconds: loadSeconds === null ? null : +loadSeconds.toFixed(1),
    determinations: run.determinations,
    hybridPeople: run.hybridPeople,
    recomputedDirty: run.recomputedDirty,
    // Seconds of each phase of every run: SQL slices, pure rules for the hybrid people, indexes, swap.
    phases: run.phases,
    // First run into an empty table, then re-runs over a full one.
    seconds: run.seconds.map((x) => +x.toFixed(1)),
    admissionsPerSecond: run.seconds.map((x) => Math.round(admissions / x)),
    clientPeakRssMiB: run.maxRssMiB,
    ...(serverMemory && {
      serverPeakRssMiB: serverMemory.readable ? serverMemory.rssMiB : null,
      serverPeakPrivateMiB: serverMemory.readable ? serverMemory.anonMiB : null,
      serverBackends: serverMemory.backends,
      serverTempFilesMiB: serverMemory.tempFilesMiB,
    }),
    loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
    loadAverageBefore,
  };
}

const result = values.part === 'batch' ? await batchPart() : await streamPart();
fs.rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({ benchmark: 'lifecycle', node: process.version, cpus: os.cpus().length, ...result }),
);
console.table([result]);

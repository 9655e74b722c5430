/**
 * Linking in the application (npm run bench:linking): the synthetic population's three source
 * files are ingested through the normal pipeline — validation, the entity-resolution engine's
 * incremental index, projections — and the people Passage made are compared with the generator's
 * ground truth (read only here, never by ingest). Prints one JSON line and a table.
 *
 *   --people N   synthetic people per run (default 3000)
 *   --seeds a,b  generator seeds, one run each (default 7,8: not the seed the synthetic model uses)
 *
 * Reports pairwise precision / recall / F1 of records grouped into people, records left unlinked in
 * review, possible-match reviews opened, people made vs true people, and ingest seconds. PGlite in a
 * temp dir, or PostgreSQL when BENCH_DATABASE_URL / TEST_DATABASE_URL is set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createScratchDatabase } from '../src/db/scratch-database.js';
import { writeDemoData } from '../src/demo/demo-data.js';
import { ensureDefaultSources, ingestFile } from '../src/ingest/index.js';
import { clusterMetrics } from './matching/metrics.js';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '3000' },
    seeds: { type: 'string', default: '7,8' },
  },
});
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

async function open(dir: string): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (!pgUrl) {
    return {
      database: await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'data') }),
      drop: async () => {},
    };
  }
  const scratch = await createScratchDatabase(pgUrl, 'passage_bench_link');
  return { database: await openDatabase({ kind: 'postgres', url: scratch.url }), drop: scratch.drop };
}

async function run(people: number, seed: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passage-bench-link-'));
  const written = await writeDemoData(path.join(dir, 'demo'), { people, seed });
  const { database, drop } = await open(dir);
  try {
    await migrate(database.db);
    await ensureDefaultSources(database.db);
    const started = performance.now();
    let rows = 0;
    for (const f of written.files) {
      const s = await ingestFile(database.db, { sourceCode: f.source, filePath: f.path, startedBy: 'bench' });
      rows += s.accepted;
    }
    const seconds = (performance.now() - started) / 1000;
    const linked = await database.db
      .selectFrom('record_identities as ri')
      .innerJoin('source_systems as s', 's.id', 'ri.source_id')
      .select(['s.code', 'ri.source_record_id', 'ri.person_id'])
      .execute();
    const reviews = await database.db
      .selectFrom('match_reviews')
      .select(['kind', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('kind')
      .execute();
    const truth = parse<{ record: string; person_key: string }>(fs.readFileSync(written.truthPath), {
      columns: true,
    });
    const personOf = new Map(truth.map((t) => [t.record, t.person_key]));
    const entityIds = new Map<string, number>();
    const clusterIds = new Map<string, number>();
    const cluster: number[] = [];
    const entity: number[] = [];
    let unlinked = 0;
    for (const r of linked) {
      const key = `${r.code}:${r.source_record_id}`;
      const person = personOf.get(key);
      if (person === undefined) continue;
      // A record waiting in review is a cluster of its own (it joins nobody).
      const c = r.person_id ?? `review:${key}`;
      if (r.person_id === null) unlinked++;
      if (!clusterIds.has(c)) clusterIds.set(c, clusterIds.size);
      if (!entityIds.has(person)) entityIds.set(person, entityIds.size);
      cluster.push(clusterIds.get(c)!);
      entity.push(entityIds.get(person)!);
    }
    const m = clusterMetrics(cluster, entity, new Uint8Array(cluster.length), false);
    const count = (kind: string) => Number(reviews.find((r) => r.kind === kind)?.n ?? 0);
    return {
      engine: database.engine,
      seed,
      people,
      records: cluster.length,
      truePeople: entityIds.size,
      peopleMade: new Set(linked.flatMap((r) => (r.person_id ? [r.person_id] : []))).size,
      precision: m.precision,
      recall: m.recall,
      f1: m.f1,
      unlinkedInReview: unlinked,
      possibleMatchReviews: count('possible_match'),
      ingestSeconds: Math.round(seconds * 10) / 10,
      rowsPerSecond: Math.round(rows / seconds),
    };
  } finally {
    await database.close();
    await drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const seed of values.seeds.split(',').map(Number)) results.push(await run(Number(values.people), seed));
console.log(JSON.stringify({ bench: 'linking', results }));
console.table(
  results.map((r) => ({
    ...r,
    precision: r.precision.toFixed(4),
    recall: r.recall.toFixed(4),
    f1: r.f1.toFixed(4),
  })),
);

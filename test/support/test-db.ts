import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { createScratchDatabase } from '../../src/db/scratch-database.js';
import { ensureDefaultSources } from '../../src/ingest/index.js';

/**
 * The PostgreSQL half of the suite runs when TEST_DATABASE_URL (or DATABASE_URL) points at a
 * server; each suite gets a fresh database there and drops it afterwards.
 */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
export type TestEngine = 'pglite' | 'postgres';
export const ENGINES: TestEngine[] = TEST_PG_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase extends Database {
  /** A URL for child processes (postgres only). */
  url: string | undefined;
}

export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_PG_URL) throw new Error('no TEST_DATABASE_URL');
  return createScratchDatabase(TEST_PG_URL, 'passage_test');
}

/** A migrated database with the default sources, on the engine asked for. */
export async function openTestDatabase(engine: TestEngine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const d = await openDatabase({ kind: 'pglite-memory' });
    await migrate(d.db);
    await ensureDefaultSources(d.db);
    return { ...d, url: undefined };
  }
  const created = await createPgDatabase();
  const d = await openDatabase({ kind: 'postgres', url: created.url });
  await migrate(d.db);
  await ensureDefaultSources(d.db);
  return {
    ...d,
    url: created.url,
    close: async () => {
      await d.close();
      await created.drop();
    },
  };
}

/**
 * A database migrated up to, not including, migration `version` (from a copy of the earlier
 * files: same names, same checksums), with the default sources: to test that migration on data
 * written before it. `migrate(d.db)` then applies the rest.
 */
export async function openDatabaseBefore(engine: TestEngine, version: string): Promise<Database> {
  let d: Database;
  let drop = async () => {};
  if (engine === 'pglite') {
    d = await openDatabase({ kind: 'pglite-memory' });
  } else {
    const created = await createPgDatabase();
    d = await openDatabase({ kind: 'postgres', url: created.url });
    drop = created.drop;
  }
  const before = fs.mkdtempSync(path.join(os.tmpdir(), `passage-before-${version}-`));
  try {
    for (const m of listMigrations().filter((m) => m.version < version)) {
      fs.writeFileSync(path.join(before, `${m.name}.sql`), m.sql);
    }
    await migrate(d.db, before);
    await ensureDefaultSources(d.db);
  } finally {
    fs.rmSync(before, { recursive: true, force: true });
  }
  return {
    ...d,
    close: async () => {
      await d.close();
      await drop();
    },
  };
}

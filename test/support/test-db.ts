import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
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

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant works; it only keeps two processes from migrating at once on PostgreSQL.
const MIGRATION_LOCK_KEY = 7_215_001;

export interface MigrationFile {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

/** The SQL migrations in order: NNNN_name.sql. */
export function listMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        version: file.slice(0, 4),
        name: file.replace(/\.sql$/, ''),
        sql: text,
        checksum: crypto.createHash('sha256').update(text).digest('hex'),
      };
    });
}

/**
 * Applies every migration not yet applied, each in its own transaction, and refuses to run
 * if an applied migration's file has since been edited (write a new migration instead).
 */
export async function migrate(db: Kysely<DB>, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = listMigrations(dir);
  const applied: string[] = [];
  await db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
        version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`.execute(conn);
      const done = await sql<{ version: string; checksum: string }>`
        SELECT version, checksum FROM schema_migrations`.execute(conn);
      const byVersion = new Map(done.rows.map((r) => [r.version, r.checksum]));
      for (const m of files) {
        const prior = byVersion.get(m.version);
        if (prior !== undefined) {
          if (prior !== m.checksum) {
            throw new Error(
              `Migration ${m.name} was changed after it was applied; add a new migration instead.`,
            );
          }
          continue;
        }
        await conn.transaction().execute(async (tx) => {
          await sql.raw(m.sql).execute(tx);
          await sql`INSERT INTO schema_migrations (version, name, checksum)
            VALUES (${m.version}, ${m.name}, ${m.checksum})`.execute(tx);
        });
        applied.push(m.name);
      }
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
  return applied;
}

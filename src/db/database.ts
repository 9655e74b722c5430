import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';

// Calendar dates stay 'YYYY-MM-DD' strings: a JS Date would shift them by the process time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

export type Engine = 'pglite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  engine: Engine;
  /** Human-readable location (data dir or URL without password). */
  location: string;
  /** PostgreSQL's connection pool behind `db` (none on PGlite): for COPY streams. */
  pgPool?: pg.Pool;
  close(): Promise<void>;
}

export type DatabaseTarget =
  { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string } | { kind: 'pglite-memory' };

/** Opens PostgreSQL when a URL is given, otherwise the embedded PGlite data dir. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  switch (target.kind) {
    case 'postgres':
      return openPostgres(target.url);
    case 'pglite':
      return openPglite(target.dataDir);
    case 'pglite-memory':
      return openPgliteInstance(await PGlite.create(), 'memory', () => undefined);
  }
}

function openPostgres(url: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const location = redactUrl(url);
  return { db, engine: 'postgres', location, pgPool: pool, close: () => db.destroy() };
}

async function openPglite(dataDir: string): Promise<Database> {
  fs.mkdirSync(dataDir, { recursive: true });
  const releaseLock = acquireDirLock(path.join(dataDir, 'passage.lock'));
  try {
    const pglite = await PGlite.create(path.join(dataDir, 'pglite'));
    return openPgliteInstance(pglite, dataDir, releaseLock);
  } catch (err) {
    releaseLock();
    throw err;
  }
}

function openPgliteInstance(pglite: PGlite, location: string, releaseLock: () => void): Database {
  // PGlite is one session: a pool of one keeps each transaction's statements together.
  const pool = new pg.Pool(Object.assign(createPgConfig(pglite), { max: 1 }));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: 'pglite',
    location,
    close: async () => {
      await db.destroy();
      await pglite.close();
      releaseLock();
    },
  };
}

/**
 * PGlite does not stop two processes opening one data dir (and both would corrupt it),
 * so Passage holds a pid lock file and refuses a second start with a clear message.
 */
export function acquireDirLock(lockPath: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(lockPath, holder);
      }
      fs.rmSync(lockPath, { force: true }); // stale lock from a process that died
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}

export class DataDirLockedError extends Error {
  constructor(lockPath: string, pid: number) {
    super(
      `The data dir is in use by another Passage process (pid ${pid}, lock ${lockPath}). ` +
        'Stop that process first, or set PASSAGE_DATA_DIR to another folder.',
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

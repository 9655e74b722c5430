import path from 'node:path';
import { z } from 'zod';

/** Every setting Passage reads from the environment, validated once at start-up. */
const EnvSchema = z.object({
  /** PostgreSQL server URL. When absent, Passage runs on an embedded PGlite data dir. */
  DATABASE_URL: z.url().optional(),
  /** Where the embedded PGlite database lives. */
  PASSAGE_DATA_DIR: z.string().min(1).default('./data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Loopback by default: Passage never listens on every interface unless told to. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** How many synthetic people the first start loads. */
  PASSAGE_DEMO_PEOPLE: z.coerce.number().int().min(0).max(1_000_000).default(3000),
  /** Hours a session stays valid without use. */
  PASSAGE_SESSION_HOURS: z.coerce.number().positive().default(8),
  /** Set to "true" behind TLS so cookies carry the Secure flag. */
  PASSAGE_SECURE_COOKIES: z.enum(['true', 'false']).default('false'),
  /** On PostgreSQL, an ingest job silent this long is taken to have died (PGlite knows at once). */
  PASSAGE_STALE_JOB_SECONDS: z.coerce.number().int().min(0).default(120),
  PASSAGE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  demoPeople: number;
  sessionHours: number;
  secureCookies: boolean;
  logLevel: string;
  staleJobSeconds: number;
}

/** Reads and validates configuration; throws with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.PASSAGE_DATA_DIR),
    port: e.PORT,
    host: e.HOST,
    demoPeople: e.PASSAGE_DEMO_PEOPLE,
    sessionHours: e.PASSAGE_SESSION_HOURS,
    secureCookies: e.PASSAGE_SECURE_COOKIES === 'true',
    logLevel: e.PASSAGE_LOG_LEVEL,
    staleJobSeconds: e.PASSAGE_STALE_JOB_SECONDS,
  };
}

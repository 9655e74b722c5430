/**
 * Child process of `bench:lifecycle --part batch`: opens the database the parent generated and
 * times `recomputeAllOverstays` alone (what `passage overstays recompute` runs). Its peak RSS is
 * its own: the client's on PostgreSQL, client and database together on PGlite (in-process).
 * Prints one JSON line.
 */
import { openDatabase } from '../src/db/database.js';
import { recomputeAllOverstays } from '../src/lifecycle/index.js';

const [kind, target, asOf] = process.argv.slice(2) as ['pglite' | 'postgres', string, string];
const database = await openDatabase(kind === 'pglite' ? { kind, dataDir: target } : { kind, url: target });
const before = process.resourceUsage().maxRSS;
const started = performance.now();
const result = await recomputeAllOverstays(database.db, asOf);
const seconds = (performance.now() - started) / 1000;
await database.close();
console.log(
  JSON.stringify({
    ...result,
    seconds,
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    rssBeforeMiB: Math.round(before / 1024),
  }),
);

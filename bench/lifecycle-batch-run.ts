/**
 * Child process of `bench:lifecycle --part batch`: opens the database the parent generated and
 * times `recomputeAllOverstays` alone (what `passage overstays recompute` runs), `runs` times, with
 * `workMem` and `slices` if given ('' for the default), by `method` ('copy' or 'sql'). Its peak RSS is its own: the client's on
 * PostgreSQL, client and database together on PGlite (in-process).
 * Prints one JSON line.
 */
import { openDatabase } from '../src/db/database.js';
import { recomputeAllOverstays } from '../src/lifecycle/index.js';

const [kind, target, asOf, runs = '1', workMem = '', slices = '', method = 'copy', concurrency = ''] =
  process.argv.slice(2) as [
    'pglite' | 'postgres',
    string,
    string,
    string?,
    string?,
    string?,
    string?,
    string?,
  ];
const database = await openDatabase(kind === 'pglite' ? { kind, dataDir: target } : { kind, url: target });
// The first run fills an empty table; later ones overwrite every row (a daily recompute).
const seconds: number[] = [];
const phases: Record<string, number>[] = [];
let result = { people: 0, determinations: 0, hybridPeople: 0, recomputedDirty: 0, slices: 0 };
for (let i = 0; i < Number(runs); i++) {
  const started = performance.now();
  let last = started;
  const run: Record<string, number> = {};
  const onPhase = (phase: string) => {
    const now = performance.now();
    run[phase] = +((now - last) / 1000).toFixed(1);
    last = now;
  };
  result = await recomputeAllOverstays(database.db, asOf, undefined, {
    onPhase,
    ...(workMem && { workMem }),
    ...(slices && { slices: Number(slices) }),
    ...(concurrency && { concurrency: Number(concurrency) }),
    ...(method === 'copy' && database.pgPool && { pgPool: database.pgPool }),
  });
  seconds.push((performance.now() - started) / 1000);
  phases.push(run);
}
await database.close();
console.log(
  JSON.stringify({
    ...result,
    seconds,
    phases,
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);

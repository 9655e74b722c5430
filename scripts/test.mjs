#!/usr/bin/env node
// `npm test`: type check, lint, the unit and integration suite (PGlite always; PostgreSQL when
// TEST_DATABASE_URL or DATABASE_URL names a server), then the browser e2e when Chromium exists.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const CHROMIUM = process.env.PASSAGE_CHROMIUM ?? '/usr/bin/chromium';
const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const notes = [];

function run(label, cmd, args) {
  console.log(`\n▶ ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    console.error(`\n✖ ${label} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

if (!pgUrl) {
  notes.push(
    'SKIPPED the PostgreSQL half: set TEST_DATABASE_URL=postgres://… (or DATABASE_URL) to run the suite on a server too (.ci/run does).',
  );
}
run('type check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
run('type check (web)', 'npx', ['tsc', '--noEmit', '-p', 'web/tsconfig.json']);
run('lint', 'npx', ['eslint', '.', '--max-warnings', '0']);
console.log(`\nEngines under test: PGlite${pgUrl ? ' and PostgreSQL' : ' only'}`);
run('unit and integration tests', 'npx', ['vitest', 'run', '--project', 'unit']);
if (fs.existsSync(CHROMIUM)) {
  run('build web UI', 'npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
  run('end-to-end tests (Chromium)', 'npx', ['vitest', 'run', '--project', 'e2e']);
} else {
  notes.push(`SKIPPED the browser e2e: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does).`);
}
console.log('\n✔ npm test passed.');
for (const n of notes) console.log(`⚠ ${n}`);

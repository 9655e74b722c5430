import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/access/index.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { writeDemoData } from '../src/demo/demo-data.js';
import { buildApp, WEB_DIST } from '../src/http/app.js';
import { ensureDefaultSources, ingestFile } from '../src/ingest/index.js';
import { recomputeAllOverstays } from '../src/lifecycle/index.js';

const CHROMIUM = process.env.PASSAGE_CHROMIUM ?? '/usr/bin/chromium';
const hasBrowser = fs.existsSync(CHROMIUM) && fs.existsSync(path.join(WEB_DIST, 'index.html'));
if (!hasBrowser) {
  console.warn(`SKIPPED e2e: needs ${CHROMIUM} and a web build (npm run build:web); npm test builds it.`);
}
const PASSWORD = 'e2e officer passphrase';

async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`);
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

describe.skipIf(!hasBrowser)('Passage in Chromium', () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let familyName: string;

  beforeAll(async () => {
    database = await openDatabase({ kind: 'pglite-memory' });
    await migrate(database.db);
    await ensureDefaultSources(database.db);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passage-e2e-'));
    const demo = await writeDemoData(dir, { people: 80 });
    for (const f of demo.files) await ingestFile(database.db, { sourceCode: f.source, filePath: f.path });
    await recomputeAllOverstays(database.db, '2026-11-23');
    await createAccount(database.db, { username: 'e2e-officer', role: 'officer', password: PASSWORD });
    await createAccount(database.db, { username: 'e2e-analyst', role: 'analyst', password: PASSWORD });
    const admitted = await database.db
      .selectFrom('record_identities')
      .select('family_name')
      .where('record_type', '=', 'admission')
      .where('family_name', 'is not', null)
      .orderBy('source_record_id')
      .executeTakeFirstOrThrow();
    familyName = admitted.family_name ?? '';
    app = await buildApp({
      db: database.db,
      engine: database.engine,
      config: { sessionHours: 8, secureCookies: false },
      today: () => '2026-11-23',
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext();
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  it('signs in, searches, declares a purpose, opens a person and shows the timeline, with no axe violations', async () => {
    await page.goto(`${baseUrl}/sign-in`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/sign in/i);
    await expectNoAxeViolations(page, 'sign-in');

    await page.getByTestId('username').fill('e2e-officer');
    await page.getByTestId('password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('search-input').waitFor();
    await expectNoAxeViolations(page, 'search');

    await page.getByTestId('search-input').fill(familyName);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByTestId('search-result-row').first().waitFor();
    await expectNoAxeViolations(page, 'search results');

    await page.getByTestId('select-person').first().click();
    await page.getByTestId('purpose-form').waitFor();
    await expectNoAxeViolations(page, 'purpose step');
    await page.getByTestId('purpose-kind-case').check({ force: true });
    await page.getByTestId('purpose-input').fill('CASE-E2E-0001');
    await page.getByRole('button', { name: 'View record' }).click();

    await page.getByTestId('timeline').waitFor();
    await page.getByTestId('status').waitFor();
    expect(await page.getByTestId('timeline-event').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('audit-note').textContent()).toMatch(/CASE-E2E-0001/);
    await expectNoAxeViolations(page, 'person');

    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'purpose'])
      .where('actor_username', '=', 'e2e-officer')
      .where('outcome', '=', 'allowed')
      .where('object_type', '=', 'person')
      .where('object_id', 'is not', null)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['person.timeline', 'person.view']);
    expect(audit.every((a) => a.purpose === 'CASE-E2E-0001')).toBe(true);
  });

  it('shows ingest jobs with their counts and a job’s quarantine page, with no axe violations', async () => {
    await page.getByTestId('nav-ingest').click();
    await page.getByTestId('ingest-job-row').first().waitFor();
    expect(await page.getByTestId('ingest-job-row').count()).toBe(3);
    await expectNoAxeViolations(page, 'ingest jobs');
    await page.getByTestId('ingest-job-link').first().click();
    await page.getByTestId('job-counts').waitFor();
    await expectNoAxeViolations(page, 'ingest job');
  });

  it('shows the departures feed and the review queue with no axe violations', async () => {
    await page.getByTestId('nav-departures').click();
    await page.getByTestId('departures-feed').waitFor();
    await expectNoAxeViolations(page, 'departures feed');
    await page.getByTestId('nav-reviews').click();
    await page.getByTestId('review-queue').waitFor();
    await expectNoAxeViolations(page, 'review queue');
  });

  it('gives an analyst the overstay report with its chart, and no person search', async () => {
    const context = await browser.newContext();
    const analystPage = await context.newPage();
    await analystPage.goto(`${baseUrl}/sign-in`);
    await analystPage.getByTestId('username').fill('e2e-analyst');
    await analystPage.getByTestId('password').fill(PASSWORD);
    await analystPage.getByRole('button', { name: 'Sign in' }).click();
    await analystPage.getByTestId('nav-overstay-report').click();
    await analystPage.getByTestId('overstay-chart').waitFor();
    expect(await analystPage.getByTestId('report-table-total').count()).toBe(1);
    await expectNoAxeViolations(analystPage, 'overstay report');
    expect(await analystPage.getByTestId('nav-search').count()).toBe(0);
    await context.close();
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/access/index.js';
import { createSourceToken } from '../src/departures/index.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { writeDemoData } from '../src/demo/demo-data.js';
import { buildApp, WEB_DIST } from '../src/http/app.js';
import { ensureDefaultSources, ingestFile } from '../src/ingest/index.js';
import { recomputeAllOverstays } from '../src/lifecycle/index.js';
import { openPendingReview, reviewAsAdmin } from './review-flow.js';

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
  let exitToken: string;

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
    await createAccount(database.db, { username: 'e2e-supervisor', role: 'supervisor', password: PASSWORD });
    exitToken = await createSourceToken(database.db, 'EXIT', 'e2e exit manifests');
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

  /** A fresh browser context signed in as this account. */
  async function signedInPage(username: string) {
    const context = await browser.newContext();
    const signedIn = await context.newPage();
    await signedIn.goto(`${baseUrl}/sign-in`);
    await signedIn.getByTestId('username').fill(username);
    await signedIn.getByTestId('password').fill(PASSWORD);
    await signedIn.getByRole('button', { name: 'Sign in' }).click();
    return { context, page: signedIn };
  }

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
    // Every read the page made carries the declared purpose: the person, the timeline, the identity history.
    expect(audit.map((a) => a.action).sort()).toEqual([
      'person.identity_events',
      'person.timeline',
      'person.view',
    ]);
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

  it('lets an admin open a review, read the evidence, decide it, and see the link’s evidence on the person', async () => {
    await openPendingReview(database, app);
    await reviewAsAdmin({ browser, baseUrl, database, password: PASSWORD, expectNoAxeViolations });
  });

  it('gives an analyst the overstay report with its chart, and no person search', async () => {
    const { context, page: analystPage } = await signedInPage('e2e-analyst');
    await analystPage.getByTestId('nav-overstay-report').click();
    await analystPage.getByTestId('overstay-chart').waitFor();
    expect(await analystPage.getByTestId('report-table-total').count()).toBe(1);
    await expectNoAxeViolations(analystPage, 'overstay report');
    expect(await analystPage.getByTestId('nav-search').count()).toBe(0);
    await context.close();
  });

  it('lets a supervisor record a voluntary departure grant, and updates the open person page when the person departs', async () => {
    const admitted = await database.db
      .selectFrom('record_identities')
      .select([
        'person_id',
        'given_name',
        'family_name',
        'date_of_birth',
        'passport_number',
        'passport_country',
      ])
      .where('record_type', '=', 'admission')
      .where('passport_number', 'is not', null)
      .orderBy('source_record_id')
      .executeTakeFirstOrThrow();
    const personId = admitted.person_id ?? '';
    const { context, page: supervisorPage } = await signedInPage('e2e-supervisor');
    await supervisorPage.getByTestId('search-input').waitFor();
    await supervisorPage.goto(`${baseUrl}/people/${personId}`);
    await supervisorPage.getByTestId('purpose-kind-case').check({ force: true });
    await supervisorPage.getByTestId('purpose-input').fill('EOIR-E2E-0002');
    await supervisorPage.getByRole('button', { name: 'View record' }).click();
    await supervisorPage.getByTestId('voluntary-departures').waitFor();

    await supervisorPage.getByTestId('grant-grantedOn').fill('2026-11-01');
    await supervisorPage.getByTestId('grant-departBy').fill('2026-12-31');
    await supervisorPage.getByTestId('grant-grantedBy').fill('IJ E2E-Judge, Arlington');
    await supervisorPage.getByTestId('grant-submit').click();
    await supervisorPage.getByTestId('grant-recorded').waitFor();
    await supervisorPage.getByTestId('voluntary-departure-row').waitFor();
    expect(await supervisorPage.getByTestId('voluntary-departure-status').textContent()).toMatch(/^Pending/);
    await expectNoAxeViolations(supervisorPage, 'person with a voluntary departure grant');

    // A departure for this person arrives from an exit manifest while the page is open.
    await supervisorPage.getByTestId('live-updates').waitFor({ state: 'attached' });
    const res = await fetch(`${baseUrl}/api/departures`, {
      method: 'POST',
      headers: { authorization: `Bearer ${exitToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        record_id: 'EXIT-E2E-1',
        given_name: admitted.given_name,
        family_name: admitted.family_name,
        date_of_birth: admitted.date_of_birth,
        passport_number: admitted.passport_number,
        passport_country: admitted.passport_country,
        departed_on: '2026-11-20',
      }),
    });
    expect(await res.json()).toMatchObject({ results: [{ status: 'linked', personId }] });
    await supervisorPage.getByTestId('new-departure-alert').waitFor();
    expect(await supervisorPage.getByTestId('new-departure-alert').textContent()).toMatch(/EXIT-E2E-1/);
    await expect
      .poll(() => supervisorPage.getByTestId('voluntary-departure-status').textContent())
      .toMatch(/^Complied on/);
    expect(await supervisorPage.getByTestId('source-record-row').allTextContents()).toContainEqual(
      expect.stringContaining('EXIT-E2E-1'),
    );
    await expectNoAxeViolations(supervisorPage, 'person page after a live update');
    await context.close();
  });
});

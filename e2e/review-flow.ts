/**
 * The entity-resolution UI in the browser: the review queue, a review's evidence and decision, and
 * a record's link evidence on the person page. Called from app.e2e.test.ts, which owns the server.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { createAccount } from '../src/access/index.js';
import type { Database } from '../src/db/database.js';
import { createSourceToken } from '../src/departures/index.js';

export const REVIEW_RECORD_ID = 'EXIT-E2E-REVIEW-1';

/**
 * Opens a review the engine cannot decide alone: a departure with the names, sex and citizenship
 * of a person who has two or more records, but no birth date or document. Names alone never
 * link (the "uncorroborated" guard), so it waits for a reviewer with that person as a candidate.
 */
export async function openPendingReview(database: Database, app: FastifyInstance): Promise<string> {
  const identities = await database.db
    .selectFrom('record_identities')
    .select(['person_id', 'given_name', 'family_name', 'sex', 'country_of_citizenship'])
    .where('person_id', 'is not', null)
    .where('given_name', 'is not', null)
    .where('family_name', 'is not', null)
    .where('sex', 'is not', null)
    .where('country_of_citizenship', 'is not', null)
    .orderBy('source_record_id')
    .execute();
  const count = new Map<string, number>();
  for (const i of identities) count.set(i.person_id!, (count.get(i.person_id!) ?? 0) + 1);
  const base = identities.find((i) => (count.get(i.person_id!) ?? 0) >= 2);
  if (!base) throw new Error('the demo data has no person with two records');
  const token = await createSourceToken(database.db, 'EXIT', 'e2e review queue');
  const res = await app.inject({
    method: 'POST',
    url: '/api/departures',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      record_id: REVIEW_RECORD_ID,
      given_name: base.given_name,
      family_name: base.family_name,
      sex: base.sex,
      country_of_citizenship: base.country_of_citizenship,
      departed_on: '2026-10-01',
    },
  });
  expect(res.json<{ results: { status: string }[] }>().results[0]?.status).toBe('review');
  return base.person_id!;
}

/** The data-testid of the focused element (a string: this file is type-checked without the DOM lib). */
const focusedTestId = (page: Page) =>
  page.evaluate<string | null>(
    "document.activeElement && document.activeElement.getAttribute('data-testid')",
  );

interface Flow {
  browser: Browser;
  baseUrl: string;
  database: Database;
  password: string;
  expectNoAxeViolations: (page: Page, label: string) => Promise<void>;
}

/** An administrator works the review queue, decides the review, and reads the link's evidence. */
export async function reviewAsAdmin({
  browser,
  baseUrl,
  database,
  password,
  expectNoAxeViolations,
}: Flow): Promise<void> {
  await createAccount(database.db, { username: 'e2e-admin', role: 'admin', password });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByTestId('username').fill('e2e-admin');
  await page.getByTestId('password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('nav-reviews').click();

  const row = page.locator('[data-testid=review-row]', { hasText: REVIEW_RECORD_ID });
  await row.waitFor();
  expect(await page.getByTestId('pending-count').textContent()).toMatch(/waiting for a decision/);
  await expectNoAxeViolations(page, 'review queue (admin)');
  await row.getByTestId('open-review').click();

  await page.getByTestId('record-comparison').waitFor();
  expect(await page.getByTestId('candidate-column').count()).toBeGreaterThan(0);
  const evidence = page.getByTestId('candidate-evidence').first();
  expect(await evidence.getByTestId('evidence-field').count()).toBe(8);
  expect(await evidence.getByTestId('evidence-guard').textContent()).toMatch(/only names, sex and country/i);
  await expectNoAxeViolations(page, 'review');
  await page.getByTestId('weights-explained').getByRole('link', { name: 'match model' }).click();
  await page.getByTestId('model-field').first().waitFor();
  await expectNoAxeViolations(page, 'match model');
  await page.goBack();
  await page.getByTestId('decision-form').waitFor();

  // "Not sure" needs a note: the form says so and keeps the review open.
  await page.locator('label[for=decision-not_sure]').click();
  await page.getByTestId('decision-submit').click();
  expect(await focusedTestId(page)).toBe('decision-note');

  const confirm = page.locator('label[for^=decision-confirm-]').first();
  await confirm.click();
  await page.getByTestId('decision-note').fill('Same traveller: names, sex and citizenship agree.');
  await page.getByTestId('decision-submit').click();
  const outcome = page.locator('[data-testid=decision-outcome][data-status=linked]');
  await outcome.waitFor();
  expect(await focusedTestId(page)).toBe('decision-outcome');
  await expectNoAxeViolations(page, 'review decided');
  const decided = await database.db
    .selectFrom('audit_log')
    .select('action')
    .where('actor_username', '=', 'e2e-admin')
    .where('object_type', '=', 'match_review')
    .execute();
  // Each opening of the review is an audited read (twice here: before and after the model page).
  expect(new Set(decided.map((a) => a.action))).toEqual(new Set(['review.decide', 'review.view']));

  // The person the record now belongs to: after a purpose, each record shows how it was linked.
  await outcome.getByTestId('person-link').click();
  await page.getByTestId('purpose-input').fill('CASE-E2E-0002');
  await page.getByRole('button', { name: 'View record' }).click();
  await page.getByTestId('link-disclosures').waitFor();
  await page.getByRole('button', { name: `How this record was linked: EXIT:${REVIEW_RECORD_ID}` }).click();
  const reviewed = page.locator('[data-testid=link-evidence][data-rule=review_confirmed]');
  expect(await reviewed.getByTestId('link-rule-words').textContent()).toMatch(/reviewer’s decision/);
  const matched = page.locator('[data-testid=link-disclosures] button', {
    hasText: 'How this record was linked',
  });
  for (let i = 0; i < (await matched.count()); i++) {
    if ((await matched.nth(i).getAttribute('aria-expanded')) === 'false') await matched.nth(i).click();
  }
  expect(await page.locator('[data-rule=match] [data-testid=evidence-field]').count()).toBeGreaterThan(0);
  await page.getByTestId('identity-history').waitFor();
  await expectNoAxeViolations(page, 'person with link evidence');
  await context.close();
}

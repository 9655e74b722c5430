import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { determineOverstaysInSql } from './overstay-batch.store.js';
import { determineOverstays } from './overstay.rules.js';
import { createReportAccumulator, type OverstayReport } from './overstay-report.rules.js';
import {
  countriesOf,
  determinationCounts,
  loadFactsForPeople,
  saveDeterminations,
  type DeterminationRow,
} from './lifecycle.store.js';
import { isIsoDate } from './stay.rules.js';

/**
 * Recomputes the overstay determinations of these people inside the caller's transaction, so a
 * record and the determinations it changes commit together (the incremental path).
 */
export async function refreshOverstays(
  tx: Kysely<DB> | Transaction<DB>,
  personIds: string[],
  asOf: string,
): Promise<number> {
  const ids = [...new Set(personIds)];
  if (!ids.length) {
    return 0;
  }
  const [{ facts, admissionIds }, countries] = await Promise.all([
    loadFactsForPeople(tx, ids),
    countriesOf(tx, ids),
  ]);
  const rows: DeterminationRow[] = [];
  for (const [personId, personFacts] of facts) {
    for (const determination of determineOverstays(personFacts, asOf)) {
      const admissionId = admissionIds.get(determination.admission.recordPk);
      if (admissionId) {
        rows.push({ admissionId, personId, determination, country: countries.get(personId) ?? null, asOf });
      }
    }
  }
  await saveDeterminations(tx, rows);
  return rows.length;
}

/**
 * `passage overstays recompute`: every linked admission, decided in set-based SQL
 * (overstay-batch.store.ts) in one transaction; the few people the SQL leaves to the pure rules
 * are then recomputed a page per transaction.
 *
 * @throws {RangeError} when `asOf` is not a real 'YYYY-MM-DD' date.
 */
export async function recomputeAllOverstays(
  db: Kysely<DB>,
  asOf: string,
  onProgress?: (people: number, determinations: number) => void,
  pageSize = 1000,
): Promise<{ people: number; determinations: number; hybridPeople: number }> {
  if (!isIsoDate(asOf)) throw new RangeError(`asOf must be a YYYY-MM-DD date, got "${asOf}"`);
  const batch = await db.transaction().execute((tx) => determineOverstaysInSql(tx, asOf));
  const hybrid = batch.hybridPersonIds;
  let determinations = batch.determinations;
  onProgress?.(batch.people - hybrid.length, determinations);
  for (let i = 0; i < hybrid.length; i += pageSize) {
    const ids = hybrid.slice(i, i + pageSize);
    determinations += await db.transaction().execute((tx) => refreshOverstays(tx, ids, asOf));
    onProgress?.(batch.people - hybrid.length + i + ids.length, determinations);
  }
  return { people: batch.people, determinations, hybridPeople: hybrid.length };
}

export interface OverstayReportResponse extends OverstayReport {
  asOf: string | null;
  generatedAt: string;
  admissionsDetermined: number;
}

/** The DHS-style report tables from the stored determinations, small cells suppressed. */
export async function overstayReport(db: Kysely<DB>): Promise<OverstayReportResponse> {
  const { rows, asOf, total } = await determinationCounts(db);
  const acc = createReportAccumulator();
  for (const r of rows) {
    acc.add(r, r.count);
  }
  return { ...acc.finish(), asOf, generatedAt: new Date().toISOString(), admissionsDetermined: total };
}

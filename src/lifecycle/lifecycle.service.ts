import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { determineOverstaysInSql, isEmbedded } from './overstay-batch.store.js';
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

export interface RecomputeOptions {
  /** People per transaction for those left to the pure rules; default 1000. */
  pageSize?: number;
  /**
   * Slices of the people decided side by side, one transaction (and connection) each; default 2
   * on PostgreSQL (one per core of the reference machine), 1 on PGlite (a single session).
   */
  slices?: number;
  /** `work_mem` per slice on PostgreSQL; default '512MB'. PGlite keeps its own setting. */
  workMem?: string;
}

/**
 * `passage overstays recompute`: every linked admission, decided in set-based SQL
 * (overstay-batch.store.ts), a transaction per slice of the people; the few people the SQL leaves
 * to the pure rules are then recomputed a page per transaction.
 *
 * @throws {RangeError} when `asOf` is not a real 'YYYY-MM-DD' date.
 */
export async function recomputeAllOverstays(
  db: Kysely<DB>,
  asOf: string,
  onProgress?: (people: number, determinations: number) => void,
  options: RecomputeOptions = {},
): Promise<{ people: number; determinations: number; hybridPeople: number }> {
  if (!isIsoDate(asOf)) throw new RangeError(`asOf must be a YYYY-MM-DD date, got "${asOf}"`);
  const embedded = await isEmbedded(db);
  const slices = options.slices ?? (embedded ? 1 : 2);
  const workMem = embedded ? undefined : (options.workMem ?? '512MB');
  const batches = await Promise.all(
    Array.from({ length: slices }, (_, slice) =>
      db.transaction().execute((tx) => determineOverstaysInSql(tx, asOf, { slices, slice, workMem })),
    ),
  );
  const hybrid = batches.flatMap((b) => b.hybridPersonIds);
  const people = batches.reduce((n, b) => n + b.people, 0);
  let determinations = batches.reduce((n, b) => n + b.determinations, 0);
  onProgress?.(people - hybrid.length, determinations);
  const pageSize = options.pageSize ?? 1000;
  for (let i = 0; i < hybrid.length; i += pageSize) {
    const ids = hybrid.slice(i, i + pageSize);
    determinations += await db.transaction().execute((tx) => refreshOverstays(tx, ids, asOf));
    onProgress?.(people - hybrid.length + i + ids.length, determinations);
  }
  return { people, determinations, hybridPeople: hybrid.length };
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

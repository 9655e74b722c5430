import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { determineOverstays } from './overstay.rules.js';
import { createReportAccumulator, type OverstayReport } from './overstay-report.rules.js';
import {
  countriesOf,
  determinationCounts,
  loadFactsForPeople,
  personIdsAfter,
  saveDeterminations,
  type DeterminationRow,
} from './lifecycle.store.js';

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

/** `passage overstays recompute`: every person with an admission, a page per transaction. */
export async function recomputeAllOverstays(
  db: Kysely<DB>,
  asOf: string,
  onProgress?: (people: number, determinations: number) => void,
  pageSize = 1000,
): Promise<{ people: number; determinations: number }> {
  let after = '0';
  let people = 0;
  let determinations = 0;
  for (;;) {
    const ids = await personIdsAfter(db, after, pageSize);
    const last = ids.at(-1);
    if (last === undefined) {
      break;
    }
    determinations += await db.transaction().execute((tx) => refreshOverstays(tx, ids, asOf));
    people += ids.length;
    after = last;
    onProgress?.(people, determinations);
  }
  return { people, determinations };
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

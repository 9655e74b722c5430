import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { DEFAULT_THRESHOLDS } from '../matching/index.js';
import { activeModelId, loadModel } from './matching.store.js';

/** The active model as people read it: where it came from and what each comparison level weighs. */
export async function activeModelSummary(db: Kysely<DB>) {
  const id = await activeModelId(db);
  const stored = id === null ? null : await loadModel(db, id);
  if (!stored) return null;
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    id: stored.id,
    kind: stored.kind,
    note: stored.note,
    records: stored.records,
    labels: stored.labels,
    createdBy: stored.createdBy,
    createdAt: stored.createdAt,
    priorWeight: round(stored.model.priorWeight),
    thresholds: { link: DEFAULT_THRESHOLDS.linkProbability, review: DEFAULT_THRESHOLDS.reviewProbability },
    fields: stored.model.fields.map((f) => ({
      name: f.name,
      levels: f.levels.map((level, l) => ({
        level,
        m: round(f.m[l]!),
        u: round(f.u[l]!),
        weight: round(f.weights[l]!),
      })),
    })),
  };
}

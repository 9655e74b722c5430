import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { refineModel, resolveRecords, type MatchModel, type MatchRecord } from '../matching/index.js';
import { allIdentityRecords, allLabels, countIdentityRecords, saveActiveModel } from './matching.store.js';

/**
 * Where the application's match model comes from. EM needs enough records to see both matches and
 * non-matches: below MIN_RECORDS the model is estimated on a synthetic population instead (the
 * demo generator, fixed seed: names, transliterations, typos and hard negatives like the ones
 * immigration records have), and it is re-estimated on the real records once they are many.
 * Confirmed review decisions refine every estimate (labels fixed in EM).
 */
export const MIN_RECORDS = 2_000;
const SYNTHETIC_PEOPLE = 4_000;
const SYNTHETIC_SEED = 1_376;
/** How many unlabelled pairs one review decision counts for. */
const LABEL_WEIGHT = 20;

let syntheticModel: MatchModel | null = null;

async function estimateSynthetic(): Promise<MatchModel> {
  if (syntheticModel) return syntheticModel;
  // Loaded only when needed: the generator is large and most processes never train.
  const { demoMatchRecords } = await import('../demo/demo-match-records.js');
  syntheticModel = resolveRecords(demoMatchRecords(SYNTHETIC_PEOPLE, SYNTHETIC_SEED), {
    parallel: false,
  }).model;
  return syntheticModel;
}

export interface TrainOptions {
  /** Estimate on the synthetic population even when the database has enough records. */
  synthetic?: boolean;
  note?: string;
}

/** Estimates a model, stores it as the active one (inside the caller's transaction) and returns its id. */
export async function trainModel(
  tx: Transaction<DB>,
  actor: string,
  opts: TrainOptions = {},
): Promise<string> {
  const count = await countIdentityRecords(tx);
  const useSynthetic = opts.synthetic === true || count < MIN_RECORDS;
  let records: MatchRecord[] | null = null;
  let model: MatchModel;
  if (useSynthetic) {
    model = await estimateSynthetic();
  } else {
    records = await allIdentityRecords(tx);
    model = resolveRecords(records, { parallel: records.length > 200_000 }).model;
  }
  const labels = await allLabels(tx);
  if (labels.length) model = refineModel(model, labels, LABEL_WEIGHT);
  return saveActiveModel(tx, {
    kind: labels.length ? 'refined' : useSynthetic ? 'synthetic' : 'em',
    model,
    records: useSynthetic ? 0 : (records?.length ?? count),
    labels: labels.length,
    note:
      opts.note ??
      (useSynthetic
        ? `estimated on ${SYNTHETIC_PEOPLE.toLocaleString('en-US')} synthetic people (${count} records stored, fewer than ${MIN_RECORDS})`
        : `estimated by EM on ${count.toLocaleString('en-US')} stored records`),
    createdBy: actor,
  });
}

/**
 * Re-estimates when the active model no longer fits the data: it was synthetic and there are now
 * enough real records, or the records have grown fourfold since. Returns the new model id or null.
 */
export async function retrainIfOutgrown(tx: Transaction<DB>, actor: string): Promise<string | null> {
  const active = await tx
    .selectFrom('match_models')
    .select(['kind', 'records'])
    .where('active', '=', true)
    .executeTakeFirst();
  const count = await countIdentityRecords(tx);
  if (count < MIN_RECORDS) return null;
  if (active && active.records > 0 && count < 4 * active.records) return null;
  return trainModel(tx, actor);
}

/** Review decisions a model is refined with at a time (fewer wait for the next ones). */
export const REFINE_EVERY = 10;

/**
 * Refines the active model with review decisions it has not seen, once there are REFINE_EVERY of
 * them: EM is run again on the model's comparison vectors with the labelled ones fixed. Cheap (no
 * records are compared), so it runs in the decision's transaction. Returns the new model id or null.
 */
export async function refineWithNewLabels(tx: Transaction<DB>, actor: string): Promise<string | null> {
  const active = await tx
    .selectFrom('match_models')
    .select(['id', 'kind', 'model', 'records', 'labels'])
    .where('active', '=', true)
    .executeTakeFirst();
  if (!active) return null;
  const labels = await allLabels(tx);
  const fresh = labels.slice(active.labels);
  if (fresh.length < REFINE_EVERY) return null;
  return saveActiveModel(tx, {
    kind: 'refined',
    model: refineModel(active.model as unknown as MatchModel, fresh, LABEL_WEIGHT),
    records: active.records,
    labels: labels.length,
    note: `model ${active.id} refined with ${fresh.length} review decisions (${labels.length} in all)`,
    createdBy: actor,
  });
}

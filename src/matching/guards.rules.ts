import { levelOf, type FieldKind } from './fields.rules.js';
import type { MatchModel } from './model.rules.js';

/**
 * Patterns the Fellegi–Sunter model weighs wrongly because it treats fields as independent,
 * while relatives and namesakes share several fields at once. A guarded pair is held at
 * GUARD_WEIGHT (probability 0.5, the review band under the default thresholds): a person looks
 * at it instead of the engine linking it.
 *
 * - `name_conflict`: the given or the family name is different (not a spelling variant) and no
 *   document or identifying number agrees exactly. Twins share family name, birth date, country
 *   and often consecutive passport numbers; siblings and cousins share a surname; a married
 *   name replaces one. Four agreeing fields must not outvote one conflicting name.
 * - `uncorroborated`: nothing outside names, sex and country agrees: no exact date of birth (or
 *   the same date with day and month swapped), no document, number or address equal. A date
 *   recorded as 1 January of the right year does not corroborate on its own: it agrees with
 *   every namesake born that year, and at national scale there are many. Names and the country that goes with them are correlated
 *   (a Korean name implies a Korean passport), so their weights add up to more than they are
 *   worth; a namesake born in another year must not link on the name alone.
 *
 * Clustering also treats a `name_conflict` pair as a veto, so a chain of other pairs cannot join
 * what the guard held apart; an uncorroborated pair only lacks evidence, so it vetoes nothing.
 */
export type Guard = 'name_conflict' | 'uncorroborated';

/** Bits a guarded pair is held at (probability 0.5). */
export const GUARD_WEIGHT = 0;

const IDENTITY_KINDS: ReadonlySet<FieldKind> = new Set(['date', 'document', 'anumber', 'id', 'text']);
const DOCUMENT_KINDS: ReadonlySet<FieldKind> = new Set(['document', 'anumber', 'id']);

interface GuardPlan {
  date: number;
  /** Date levels that corroborate a pair on their own. */
  sameDate: number[];
  given: number;
  givenDifferent: number;
  family: number;
  familyDifferent: number;
  identity: number[];
  documents: number[];
}

const plans = new WeakMap<MatchModel, GuardPlan>();

function planOf(model: MatchModel): GuardPlan {
  let plan = plans.get(model);
  if (!plan) {
    const find = (kind: FieldKind) => model.fields.findIndex((f) => f.kind === kind);
    const given = find('given');
    const family = find('family');
    const indicesOf = (kinds: ReadonlySet<FieldKind>) =>
      model.fields.flatMap((f, k) => (kinds.has(f.kind) ? [k] : []));
    const date = find('date');
    const dateLevels = date < 0 ? [] : model.fields[date]!.levels;
    plan = {
      date,
      sameDate: ['exact', 'day_month_swapped'].map((l) => dateLevels.indexOf(l)).filter((l) => l >= 0),
      given,
      givenDifferent: given < 0 ? -1 : model.fields[given]!.levels.indexOf('different'),
      family,
      familyDifferent: family < 0 ? -1 : model.fields[family]!.levels.indexOf('different'),
      identity: indicesOf(IDENTITY_KINDS),
      documents: indicesOf(DOCUMENT_KINDS),
    };
    plans.set(model, plan);
  }
  return plan;
}

/** The guard a comparison vector falls under, or null. Depends only on the vector and model. */
export function guardOf(model: MatchModel, pattern: number): Guard | null {
  const plan = planOf(model);
  const conflict =
    (plan.given >= 0 && levelOf(pattern, plan.given) === plan.givenDifferent) ||
    (plan.family >= 0 && levelOf(pattern, plan.family) === plan.familyDifferent);
  if (conflict && !plan.documents.some((f) => levelOf(pattern, f) === 0)) return 'name_conflict';
  for (const f of plan.identity) if (levelOf(pattern, f) === 0) return null;
  if (plan.date >= 0 && plan.sameDate.includes(levelOf(pattern, plan.date))) return null;
  return 'uncorroborated';
}

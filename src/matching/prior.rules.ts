import type { MatchModel } from './model.rules.js';

/** Number of records a model was estimated on, from its count of all record pairs. */
export function trainedRecords(model: MatchModel): number {
  return Math.round((1 + Math.sqrt(1 + 8 * model.compared.allPairs)) / 2);
}

/**
 * The model with its prior scaled to a population of `records`. A model's prior is the chance that
 * two records picked at random are the same person; what stays constant as a population grows is
 * the expected number of matches per record, so the per-pair prior falls as 1 / (records − 1).
 * The prior is never raised above the trained one (a small index is not evidence of matches), so
 * scaling can only make linking more cautious.
 */
export function modelForPopulation(model: MatchModel, records: number): MatchModel {
  const trained = trainedRecords(model);
  if (records <= trained) return model;
  const lambda = Math.max(1e-15, (model.lambda * (trained - 1)) / (records - 1));
  return { ...model, lambda, priorWeight: Math.log2(lambda / (1 - lambda)) };
}

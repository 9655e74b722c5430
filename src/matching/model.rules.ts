import {
  expectationMaximization,
  type EmResult,
  type FsParameters,
  type LabelledPattern,
} from './em.rules.js';
import { LEVELS, TERM_FREQUENCY_KINDS, type FieldKind, type FieldSpec } from './fields.rules.js';

/** One field of a trained model: its levels and their m, u and weight (log2 m/u). */
export interface FieldModel {
  name: string;
  kind: FieldKind;
  /** Index of the extra column in the record store (extra fields only). */
  extra?: number;
  levels: string[];
  /** P(level | same person), estimated by EM on the compared pairs. */
  m: number[];
  /** P(level | different people) over all pairs: random pairs and value counts. */
  u: number[];
  /** P(level | different people) among the compared pairs, from EM (used to refine with labels). */
  uCompared: number[];
  /** Bits of evidence per level; a missing value weighs 0. */
  weights: number[];
  /** Exact agreement is adjusted by how common the agreed value is. */
  termFrequency: boolean;
}

/** A trained Fellegi–Sunter model; plain JSON, so it can be stored and shown. */
export interface MatchModel {
  version: 1;
  fields: FieldModel[];
  /** Extra comparison columns the model expects, in store order. */
  extraColumns: string[];
  /** Prior chance that two records picked at random are the same person. */
  lambda: number;
  /** log2(lambda / (1 - lambda)): the weight of a pair before any evidence. */
  priorWeight: number;
  /** EM's share of matches among the compared pairs, their number, and the number of all pairs. */
  compared: { lambda: number; pairs: number; allPairs: number };
  /** The comparison vectors EM was trained on, [pattern, count]; refinement reuses them. */
  patternCounts: [number, number][];
  em: { iterations: number; converged: boolean; labels: number };
}

/**
 * Weight bounds that encode what the data cannot teach reliably: a renewed passport has a new
 * number, so a different passport number is weak evidence at most; two A-numbers are two people
 * (USCIS issues one per person for life), so a different A-number is strong evidence whatever EM
 * found. Bounds are [min, max] per kind and level.
 */
const WEIGHT_BOUNDS: Partial<Record<FieldKind, Record<string, readonly [number, number]>>> = {
  document: { different: [-4, 0] },
  anumber: { different: [-30, -12], exact: [8, 30] },
};
const MAX_WEIGHT = 30;

function weightsOf(kind: FieldKind, m: readonly number[], u: readonly number[]): number[] {
  return m.map((mp, l) => {
    const bounds = WEIGHT_BOUNDS[kind]?.[LEVELS[kind][l]!];
    const w = Math.max(-MAX_WEIGHT, Math.min(MAX_WEIGHT, Math.log2(mp / u[l]!)));
    return bounds ? Math.max(bounds[0], Math.min(bounds[1], w)) : w;
  });
}

/**
 * Builds a model. `em` is EM's fit on the compared pairs (m, u among them, and their match
 * share); `u` is over all pairs. Weights are log2(m / u): Bayes factors against a random pair,
 * so blocking choices do not leak into them, and the prior is the expected number of matches
 * over all pairs.
 */
export function modelFrom(
  specs: readonly FieldSpec[],
  extraColumns: readonly string[],
  em: FsParameters,
  u: readonly (readonly number[])[],
  counts: { pairs: number; allPairs: number; patternCounts: [number, number][] },
  info: MatchModel['em'],
): MatchModel {
  const lambda = Math.min(0.5, Math.max(1e-12, (em.lambda * counts.pairs) / Math.max(1, counts.allPairs)));
  return {
    version: 1,
    fields: specs.map((s, f) => ({
      name: s.name,
      kind: s.kind,
      ...(s.extra === undefined ? {} : { extra: s.extra }),
      levels: [...LEVELS[s.kind]],
      m: em.m[f]!,
      u: [...u[f]!],
      uCompared: em.u[f]!,
      weights: weightsOf(s.kind, em.m[f]!, u[f]!),
      termFrequency: TERM_FREQUENCY_KINDS.has(s.kind),
    })),
    extraColumns: [...extraColumns],
    lambda,
    priorWeight: Math.log2(lambda / (1 - lambda)),
    compared: { lambda: em.lambda, pairs: counts.pairs, allPairs: counts.allPairs },
    patternCounts: counts.patternCounts,
    em: info,
  };
}

/** The field specs a model was built from. */
export function specsOf(model: MatchModel): FieldSpec[] {
  return model.fields.map((f) => ({
    name: f.name,
    kind: f.kind,
    ...(f.extra === undefined ? {} : { extra: f.extra }),
  }));
}

/**
 * Refines a model with confirmed review decisions: EM is run again on the model's own comparison
 * vectors plus the labelled ones, whose match posterior is fixed at 1 (same person) or 0. Each
 * label counts as `labelWeight` pairs (default 1; raise it to trust a few decisions more).
 */
export function refineModel(
  model: MatchModel,
  labels: readonly LabelledPattern[],
  labelWeight = 1,
): MatchModel {
  const result: EmResult = expectationMaximization({
    levelCounts: model.fields.map((f) => f.levels.length),
    patterns: model.patternCounts.map(([p]) => p),
    counts: model.patternCounts.map(([, c]) => c),
    start: {
      m: model.fields.map((f) => f.m),
      u: model.fields.map((f) => f.uCompared),
      lambda: model.compared.lambda,
    },
    labels,
    labelWeight,
  });
  return modelFrom(
    specsOf(model),
    model.extraColumns,
    result,
    model.fields.map((f) => f.u),
    { pairs: model.compared.pairs, allPairs: model.compared.allPairs, patternCounts: model.patternCounts },
    { iterations: result.iterations, converged: result.converged, labels: model.em.labels + labels.length },
  );
}

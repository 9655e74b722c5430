import { MISSING, unpack } from './fields.rules.js';

/** Fellegi–Sunter parameters: per field and level, P(level | match) and P(level | non-match). */
export interface FsParameters {
  /** m[f][l] = P(field f at level l | same person), missing excluded. */
  m: number[][];
  /** u[f][l] = P(field f at level l | different people), missing excluded. */
  u: number[][];
  /** Share of the compared pairs that are matches. */
  lambda: number;
}

/** A comparison vector with a confirmed answer (a review decision). */
export interface LabelledPattern {
  pattern: number;
  match: boolean;
}

export interface EmOptions {
  /** Number of levels of each field (missing excluded). */
  levelCounts: readonly number[];
  /** Unique comparison vectors and how many pairs had each. */
  patterns: readonly number[];
  counts: readonly number[];
  start: FsParameters;
  /** Confirmed pairs: their posterior is fixed at 1 or 0 instead of estimated. */
  labels?: readonly LabelledPattern[];
  /** How many unlabelled pairs one label counts for (default 1). */
  labelWeight?: number;
  maxIterations?: number;
  /** Stop when no parameter moves more than this. */
  tolerance?: number;
  /** Parameters whose u is held at its start value (estimated from random pairs). */
  fixU?: boolean;
  /**
   * Pseudo-pairs of prior belief added to every M step: m from defaultM, u from the start.
   * They decide nothing on a large file and keep a tiny one sensible (default 10).
   */
  priorPairs?: number;
}

export interface EmResult extends FsParameters {
  iterations: number;
  converged: boolean;
}

/** Probabilities never reach 0 or 1, so every level keeps a finite weight. */
const FLOOR = 1e-6;

function normalize(counts: Float64Array, levels: number): number[] {
  let total = 0;
  for (let l = 0; l < levels; l++) total += counts[l]!;
  const out: number[] = [];
  for (let l = 0; l < levels; l++) out.push(Math.max(FLOOR, total > 0 ? counts[l]! / total : 1 / levels));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((p) => p / sum);
}

/**
 * Expectation–maximization for the Fellegi–Sunter model on counted comparison vectors
 * (Winkler 1988): alternately the posterior match probability of each vector from m, u and
 * lambda, then m, u and lambda from the posteriors. Missing levels are left out of both, so they
 * weigh nothing. Labelled vectors keep their known posterior, which anchors the estimates.
 */
export function expectationMaximization(opts: EmOptions): EmResult {
  const F = opts.levelCounts.length;
  const K = opts.patterns.length;
  const labels = opts.labels ?? [];
  const labelWeight = opts.labelWeight ?? 1;
  const total = K + labels.length;
  const levels = new Uint8Array(total * F);
  const weight = new Float64Array(total);
  const fixed = new Float64Array(total).fill(-1);
  for (let k = 0; k < total; k++) {
    const isLabel = k >= K;
    const pattern = isLabel ? labels[k - K]!.pattern : opts.patterns[k]!;
    levels.set(unpack(pattern, F), k * F);
    weight[k] = isLabel ? labelWeight : opts.counts[k]!;
    if (isLabel) fixed[k] = labels[k - K]!.match ? 1 : 0;
  }
  let m = opts.start.m.map((r) => [...r]);
  let u = opts.start.u.map((r) => [...r]);
  let lambda = opts.start.lambda;
  const maxIterations = opts.maxIterations ?? 200;
  const tolerance = opts.tolerance ?? 1e-6;
  const posterior = new Float64Array(total);
  const prior = opts.priorPairs ?? 10;
  const priorM = opts.levelCounts.map(defaultM);
  const priorU = opts.start.u.map((r) => [...r]);
  const mCounts = opts.levelCounts.map((n) => new Float64Array(n));
  const uCounts = opts.levelCounts.map((n) => new Float64Array(n));
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    // E step
    for (let k = 0; k < total; k++) {
      if (fixed[k]! >= 0) {
        posterior[k] = fixed[k]!;
        continue;
      }
      let pm = lambda;
      let pu = 1 - lambda;
      for (let f = 0; f < F; f++) {
        const l = levels[k * F + f]!;
        if (l === MISSING) continue;
        pm *= m[f]![l]!;
        pu *= u[f]![l]!;
      }
      posterior[k] = pm / (pm + pu);
    }
    // M step
    for (let f = 0; f < F; f++) {
      for (let l = 0; l < opts.levelCounts[f]!; l++) {
        mCounts[f]![l] = prior * priorM[f]![l]!;
        uCounts[f]![l] = prior * priorU[f]![l]!;
      }
    }
    let matched = 0;
    let all = 0;
    for (let k = 0; k < total; k++) {
      const w = weight[k]!;
      const p = posterior[k]!;
      matched += w * p;
      all += w;
      for (let f = 0; f < F; f++) {
        const l = levels[k * F + f]!;
        if (l === MISSING) continue;
        mCounts[f]![l]! += w * p;
        uCounts[f]![l]! += w * (1 - p);
      }
    }
    const nextM = opts.levelCounts.map((n, f) => normalize(mCounts[f]!, n));
    const nextU = opts.fixU ? u : opts.levelCounts.map((n, f) => normalize(uCounts[f]!, n));
    const nextLambda = Math.min(1 - FLOOR, Math.max(FLOOR, matched / all));
    let delta = Math.abs(nextLambda - lambda);
    for (let f = 0; f < F; f++) {
      for (let l = 0; l < opts.levelCounts[f]!; l++) {
        delta = Math.max(delta, Math.abs(nextM[f]![l]! - m[f]![l]!), Math.abs(nextU[f]![l]! - u[f]![l]!));
      }
    }
    m = nextM;
    u = nextU;
    lambda = nextLambda;
    converged = delta < tolerance;
  }
  return { m, u, lambda, iterations, converged };
}

/**
 * Starting m probabilities: most weight on the best level, falling off geometrically, so EM
 * begins from "matches mostly agree" whatever the field.
 */
export function defaultM(levelCount: number): number[] {
  const raw = Array.from({ length: levelCount }, (_, l) => (l === levelCount - 1 ? 0.02 : 0.9 * 0.15 ** l));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((p) => p / sum);
}

/** Per-field level frequencies of a sample of comparison vectors (random pairs → u). */
export function levelFrequencies(patterns: Iterable<number>, levelCounts: readonly number[]): number[][] {
  const counts = levelCounts.map((n) => new Float64Array(n));
  for (const p of patterns) {
    const levels = unpack(p, levelCounts.length);
    for (let f = 0; f < levels.length; f++) {
      const l = levels[f]!;
      if (l !== MISSING) counts[f]![l]! += 1;
    }
  }
  // Half a pair per level, so a level never seen among random pairs is rare, not impossible.
  return counts.map((c, f) =>
    normalize(
      c.map((x) => x + 0.5),
      levelCounts[f]!,
    ),
  );
}

/**
 * The three outcomes of a pair: link (same person), review (a person decides), no link.
 * Thresholds are posterior match probabilities from the EM model, so a threshold is directly an
 * estimated precision: every linked pair is estimated at least `linkProbability` likely to be
 * the same person. The defaults favour precision: wrongly merging two people's immigration
 * histories is worse than leaving a duplicate for review.
 */
export interface Thresholds {
  /** Link at or above this posterior probability. */
  linkProbability: number;
  /** Review at or above this (and below link); no link below it. */
  reviewProbability: number;
  /** A pair this unlikely is evidence of two people: it vetoes merging their clusters. */
  cannotLinkProbability: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  linkProbability: 0.99,
  reviewProbability: 0.5,
  cannotLinkProbability: 1e-4,
};

/** Checks thresholds are probabilities in the right order; returns a message or null. */
export function thresholdProblem(t: Thresholds): string | null {
  const inRange = (p: number) => p > 0 && p < 1;
  if (!inRange(t.linkProbability) || !inRange(t.reviewProbability) || !inRange(t.cannotLinkProbability)) {
    return 'thresholds must be probabilities strictly between 0 and 1';
  }
  if (!(t.cannotLinkProbability < t.reviewProbability && t.reviewProbability <= t.linkProbability)) {
    return 'thresholds must satisfy cannot-link < review ≤ link';
  }
  return null;
}

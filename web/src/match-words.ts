/** The entity-resolution engine's terms in plain words, for reviewers and case officers. */
import type { IdentityEventKind, ReviewKind, ReviewStatus } from './identity-types';

const FIELD_LABELS: Record<string, string> = {
  given_name: 'Given name',
  family_name: 'Family name',
  middle_name: 'Middle name',
  date_of_birth: 'Date of birth',
  sex: 'Sex',
  country_of_citizenship: 'Country of citizenship',
  passport_number: 'Passport number',
  a_number: 'A-number',
};

export function fieldLabel(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  const words = field.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const LEVEL_WORDS: Record<string, string> = {
  exact: 'the same',
  equal: 'the same',
  'jaro_winkler_0.92': 'spelled almost the same',
  'jaro_winkler_0.85': 'spelled similarly',
  'jaro_winkler_0.70': 'spelled somewhat alike',
  phonetic: 'sound alike',
  one_surname_dropped: 'one of two surnames left out',
  initial: 'an initial that fits',
  similar: 'similar',
  day_month_swapped: 'day and month swapped',
  year_only: 'same year, one recorded as 1 January',
  one_digit: 'one digit different',
  within_a_year: 'within a year of each other',
  one_edit: 'one character different',
  different: 'different',
  missing: 'missing on one side',
};

/** A comparison level in words ("spelled almost the same"), the engine's name kept for reference. */
export function levelWords(level: string): string {
  return LEVEL_WORDS[level] ?? level.replace(/_/g, ' ');
}

/** A share 0..1 (m or u) with four decimals, or two significant digits when smaller. */
export function formatShare(x: number): string {
  return x >= 0.001 || x === 0 ? x.toFixed(4) : x.toPrecision(2);
}

export type Agreement = 'agrees' | 'disagrees' | 'neutral';

/** Whether a field's weight speaks for the match, against it, or not at all. */
export function agreementOf(weight: number): Agreement {
  if (weight > 0.0005) return 'agrees';
  if (weight < -0.0005) return 'disagrees';
  return 'neutral';
}

export const AGREEMENT_WORDS: Record<Agreement, string> = {
  agrees: 'Agrees',
  disagrees: 'Disagrees',
  neutral: 'No evidence',
};

/** A weight in bits with its sign: "+7.01", "−7.87" (a true minus sign), "0". */
export function formatBits(weight: number): string {
  const rounded = Math.round(weight * 100) / 100;
  if (rounded === 0) return '0';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(2)}`;
}

/** A probability in words that never rounds a near-certainty up to 100%. */
export function formatProbability(p: number): string {
  if (p >= 0.9995) return 'over 99.9%';
  if (p < 0.0005) return 'under 0.1%';
  return `${(p * 100).toFixed(1)}%`;
}

const GUARD_WORDS: Record<string, string> = {
  name_conflict:
    'A given or family name is different (not a spelling variant) and no document agrees. Relatives such as twins share everything else, so a person decides instead of the engine.',
  uncorroborated:
    'Only names, sex and country agree: no exact date of birth or document corroborates them. Namesakes share these, so a person decides instead of the engine.',
};

export function guardWords(guard: string): string {
  return GUARD_WORDS[guard] ?? `The engine’s rule “${guard}” held this pair for review whatever its weight.`;
}

const RULE_WORDS: Record<string, string> = {
  match: 'Matched by the entity-resolution engine',
  new_person: 'Started a new person: no existing person matched with confidence',
  new_person_pending_review: 'Started a new person, and sent to review as a possible duplicate',
  review: 'Waiting in the review queue, linked to nobody',
  review_confirmed: 'Linked by a reviewer’s decision',
  merge: 'Moved here when another person was merged into this one',
  split: 'Moved here when records were split off another person',
  undo_merge: 'Moved back when a merge was undone',
  undo_split: 'Moved back when a split was undone',
};

export function ruleWords(rule: string): string {
  return RULE_WORDS[rule] ?? `Linked by rule “${rule}”`;
}

export const REVIEW_KIND_WORDS: Record<ReviewKind, string> = {
  unlinked: 'Unlinked record',
  possible_match: 'Possible duplicate',
};

export const REVIEW_STATUS_WORDS: Record<ReviewStatus, string> = {
  pending: 'Waiting for a decision',
  linked: 'Linked to a candidate',
  merged: 'Merged with a candidate',
  kept_separate: 'Kept apart',
  new_person: 'Made a person of its own',
  dismissed: 'Dismissed',
};

export const EVENT_KIND_WORDS: Record<IdentityEventKind, string> = {
  merge: 'Merge',
  split: 'Split',
  undo_merge: 'Merge undone',
  undo_split: 'Split undone',
};

/** How long something has waited, in the largest whole unit: "3 days", "5 hours". */
export function formatAge(since: string, now: number = Date.now()): string {
  const ms = now - new Date(since).getTime();
  if (!Number.isFinite(ms) || ms < 60_000) return 'under a minute';
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, unit] of units) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  return 'under a minute';
}

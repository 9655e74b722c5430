/**
 * Voluntary departure grants (a minimal record for now: when granted, the date to leave by, and by
 * whom). A person granted voluntary departure must leave by the date set (8 CFR 240.25 for DHS,
 * 8 CFR 1240.26 for an immigration judge); a departure on or after the grant and on or before that
 * date complies with it.
 */

export interface GrantDates {
  grantedOn: string;
  departBy: string;
}

/** What is wrong with a grant as entered, in words (empty: acceptable). Dates are YYYY-MM-DD. */
export function grantProblems(grant: GrantDates, today: string): string[] {
  const problems: string[] = [];
  if (grant.departBy < grant.grantedOn) {
    problems.push('The date to depart by must be on or after the date of the grant.');
  }
  if (grant.grantedOn > today) {
    problems.push('The grant date is in the future: record a grant once it has been made.');
  }
  return problems;
}

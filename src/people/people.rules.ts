/** Pure rules for reading people: purposes, search queries, display names. */

export type PurposeKind = 'case' | 'reason';
export interface Purpose {
  kind: PurposeKind;
  text: string;
}

const CASE_NUMBER = /^[A-Za-z0-9][A-Za-z0-9\-/.]{2,39}$/;

/**
 * A declared purpose is required to view a person: a case number, or a reason in words long
 * enough to mean something to an auditor. Returns the problem, or null when acceptable.
 */
export function purposeProblem(kind: string | undefined, text: string | undefined): string | null {
  const t = text?.trim() ?? '';
  if (!kind && !t) return 'Declare a purpose: purposeKind (case or reason) and purpose.';
  if (kind !== 'case' && kind !== 'reason') return 'purposeKind must be "case" or "reason".';
  if (kind === 'case' && !CASE_NUMBER.test(t)) {
    return 'purpose must be a case number: 3–40 letters, digits, dashes, dots or slashes.';
  }
  if (kind === 'reason' && (t.length < 10 || t.length > 500)) {
    return 'purpose must state the reason in 10 to 500 characters.';
  }
  return null;
}

export type SearchQuery = { doc: { aNumber: string | null; passport: string } } | { words: string[] };

/**
 * A query with a digit is a document number (A-number or passport); otherwise it is name words,
 * each matched as a word prefix. Returns null for a query too short to search.
 */
export function parseSearchQuery(q: string, normalize: (s: string) => string): SearchQuery | null {
  const trimmed = q.trim();
  if (/\d/.test(trimmed)) {
    const compact = trimmed.replace(/[\s-]/g, '').toUpperCase();
    if (compact.length < 5) return null;
    const digits = compact.replace(/^A/, '');
    const aNumber = /^\d{7,9}$/.test(digits) ? digits.padStart(9, '0') : null;
    return { doc: { aNumber, passport: compact } };
  }
  const words = normalize(trimmed).split(' ').filter(Boolean).slice(0, 6);
  if (!words.length || words.join('').length < 2) return null;
  return { words };
}

export function displayName(n: {
  givenName: string | null;
  middleName?: string | null;
  familyName: string | null;
}): string {
  const family = n.familyName?.toUpperCase() ?? '';
  const given = [n.givenName, n.middleName].filter(Boolean).join(' ');
  return family && given ? `${family}, ${given}` : family || given || '(no name recorded)';
}

/** The most frequent value, ties broken by first seen. */
export function mostCommon<T>(values: T[], key: (v: T) => string): T | undefined {
  const counts = new Map<string, { v: T; n: number }>();
  for (const v of values) {
    const k = key(v);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { v, n: 1 });
  }
  let best: { v: T; n: number } | undefined;
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  return best?.v;
}

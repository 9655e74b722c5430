/**
 * The purpose declared before viewing a person, kept per person id in sessionStorage (this tab
 * only) and sent with every read of that person; the server records it in the audit log.
 */
import type { Purpose, PurposeKind } from './types';

const PREFIX = 'passage.purpose.';
const CASE_NUMBER = /^[A-Za-z0-9][A-Za-z0-9\-/.]{2,39}$/;

export function loadPurpose(personId: string): Purpose | null {
  try {
    const raw = window.sessionStorage.getItem(PREFIX + personId);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Purpose>;
    if ((parsed.kind === 'case' || parsed.kind === 'reason') && typeof parsed.text === 'string') {
      return { kind: parsed.kind, text: parsed.text };
    }
  } catch {
    // unreadable storage: ask again
  }
  return null;
}

export function savePurpose(personId: string, purpose: Purpose): void {
  try {
    window.sessionStorage.setItem(PREFIX + personId, JSON.stringify(purpose));
  } catch {
    // storage full or blocked: the person page asks again
  }
}

export function forgetPurpose(personId: string): void {
  window.sessionStorage.removeItem(PREFIX + personId);
}

export function forgetAllPurposes(): void {
  const keys: string[] = [];
  for (let i = 0; i < window.sessionStorage.length; i++) {
    const key = window.sessionStorage.key(i);
    if (key?.startsWith(PREFIX)) keys.push(key);
  }
  for (const key of keys) window.sessionStorage.removeItem(key);
}

/** The same rules the server applies; returns the problem, or null when acceptable. */
export function purposeProblem(kind: PurposeKind, text: string): string | null {
  const t = text.trim();
  if (kind === 'case') {
    if (!t) return 'Enter the case number you are working on.';
    if (!CASE_NUMBER.test(t)) {
      return 'Enter a case number of 3 to 40 letters, digits, dashes, dots or slashes.';
    }
    return null;
  }
  if (t.length < 10) return 'State the reason in at least 10 characters.';
  if (t.length > 500) return 'State the reason in at most 500 characters.';
  return null;
}

export function describePurpose(purpose: Purpose): string {
  return purpose.kind === 'case' ? `case number ${purpose.text}` : `reason “${purpose.text}”`;
}

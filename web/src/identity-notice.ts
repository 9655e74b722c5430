/**
 * The last merge, split or undo done on a person page, kept until that page shows it. The page
 * reloads the person after a change (and may remount while it does), so the result would be lost
 * with the component that made it.
 */
import type { IdentityEvent } from './identity-types';

let last: { personId: string; event: IdentityEvent } | null = null;

export function leaveNotice(personId: string, event: IdentityEvent): void {
  last = { personId, event };
}

export function peekNotice(personId: string): IdentityEvent | null {
  return last?.personId === personId ? last.event : null;
}

export function clearNotice(personId: string): void {
  if (last?.personId === personId) last = null;
}

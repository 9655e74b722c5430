/** The signed-in session, shared through context, and what its role may do. */
import { createContext, useContext } from 'react';
import type { Role, Session } from './types';

export const Permission = {
  PersonSearch: 'person.search',
  PersonView: 'person.view',
  IngestView: 'ingest.view',
  IngestQuarantineView: 'ingest.quarantine.view',
  ReportView: 'report.view',
  DepartureFeed: 'departure.feed',
  ReviewView: 'review.view',
  ReviewDecide: 'review.decide',
  IdentityChange: 'identity.change',
  MatchModelView: 'match_model.view',
  VoluntaryDepartureGrant: 'voluntary_departure.grant',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

/** Used only when the server's session response carries no permissions list; mirrors the server's grants. */
const CASE_WORK: readonly Permission[] = [
  Permission.PersonSearch,
  Permission.PersonView,
  Permission.IngestView,
  Permission.IngestQuarantineView,
  Permission.ReportView,
  Permission.DepartureFeed,
  Permission.ReviewView,
  Permission.ReviewDecide,
  Permission.MatchModelView,
];
const SUPERVISION: readonly Permission[] = [
  ...CASE_WORK,
  Permission.IdentityChange,
  Permission.VoluntaryDepartureGrant,
];
const ROLE_GRANTS: Record<Role, readonly Permission[]> = {
  admin: SUPERVISION,
  supervisor: SUPERVISION,
  officer: CASE_WORK,
  analyst: [Permission.IngestView, Permission.ReportView],
  auditor: [Permission.IngestView, Permission.ReportView, Permission.MatchModelView],
};

export function can(session: Session, permission: Permission): boolean {
  const granted: readonly string[] = session.permissions ?? ROLE_GRANTS[session.account.role] ?? [];
  return granted.includes(permission);
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  officer: 'Officer',
  supervisor: 'Supervisor',
  analyst: 'Analyst',
  auditor: 'Auditor',
};

export interface SessionContextValue {
  session: Session;
  /** Re-read the session from the server (after a password change). */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in page');
  return value;
}

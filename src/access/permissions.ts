import type { Role } from '../db/schema.js';

/** Everything a role may do, named once. Checks go through `can`, never through role names. */
export const Permission = {
  PersonSearch: 'person.search',
  PersonView: 'person.view',
  IngestView: 'ingest.view',
  IngestQuarantineView: 'ingest.quarantine.view',
  IngestRun: 'ingest.run',
  AuditView: 'audit.view',
  AccountsManage: 'accounts.manage',
  ReportView: 'report.view',
  DepartureRecord: 'departure.record',
  DepartureFeed: 'departure.feed',
  ReviewView: 'review.view',
  ReviewDecide: 'review.decide',
  IdentityChange: 'identity.change',
  MatchModelView: 'match_model.view',
  MatchModelTrain: 'match_model.train',
  VoluntaryDepartureGrant: 'voluntary_departure.grant',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

const P = Permission;
/**
 * Analysts work on aggregates and never see a person; auditors read the audit trail, not
 * people; quarantined rows hold raw personal data, so only staff who fix data see them.
 */
const OFFICER: readonly Permission[] = [
  P.ReportView,
  P.PersonSearch,
  P.PersonView,
  P.IngestView,
  P.IngestQuarantineView,
  P.DepartureRecord,
  P.DepartureFeed,
  P.ReviewView,
  P.ReviewDecide,
  P.MatchModelView,
];
/** Supervisors also merge, split and undo those by hand (a review decision is an officer's). */
const SUPERVISOR: readonly Permission[] = [...OFFICER, P.VoluntaryDepartureGrant, P.IdentityChange];
const GRANTS: Record<Role, readonly Permission[]> = {
  admin: [...SUPERVISOR, P.IngestRun, P.AuditView, P.AccountsManage, P.MatchModelTrain],
  supervisor: SUPERVISOR,
  officer: OFFICER,
  analyst: [P.ReportView, P.IngestView],
  auditor: [P.ReportView, P.IngestView, P.AuditView, P.MatchModelView],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function permissionsOf(role: Role): Permission[] {
  return [...GRANTS[role]];
}

export const ROLES = [
  'admin',
  'officer',
  'supervisor',
  'analyst',
  'auditor',
] as const satisfies readonly Role[];

import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { can, Permission, type RequestContext } from '../access/index.js';
import { appendAudit } from '../audit/index.js';
// The purpose rule is the one every person read is held to.
import { personState, purposeProblem, type Actor } from '../people/index.js';
import { conflict, forbidden, invalid, notFound, purposeRequired } from '../shared/errors.js';
import { grantVoluntaryDeparture, type StoredGrant } from './departures.store.js';
import { grantProblems } from './voluntary-departure.rules.js';

export interface GrantInput {
  grantedOn: string;
  departBy: string;
  grantedBy: string;
}

const ACTION = 'voluntary_departure.grant';

/**
 * Records a voluntary departure grant for a person. Like a person read, it needs the permission
 * and a declared purpose, and the grant and its audit entry commit together; refusals are audited
 * too. A departure already on record within the grant's dates complies with it at once.
 */
export async function recordVoluntaryDepartureGrant(
  db: Kysely<DB>,
  actor: Actor,
  personId: string,
  grant: GrantInput,
  purpose: { kind?: string; text?: string },
  ctx: RequestContext,
  today: string,
): Promise<{ grant: StoredGrant; auditSeq: string }> {
  const entry = {
    actorAccountId: actor.accountId,
    actorUsername: actor.username,
    actorRole: actor.role,
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
    action: ACTION,
    objectType: 'person',
    objectId: personId,
  };
  const refuse = async (reason: string, error: Error): Promise<never> => {
    await appendAudit(db, {
      ...entry,
      purposeKind: null,
      purpose: null,
      outcome: 'denied',
      details: { reason },
    });
    throw error;
  };
  if (!can(actor.role, Permission.VoluntaryDepartureGrant)) {
    return refuse(
      'role may not record voluntary departure grants',
      forbidden('Your role cannot record voluntary departure grants.'),
    );
  }
  const problem = purposeProblem(purpose.kind, purpose.text);
  if (problem) {
    return refuse(`purpose missing or invalid: ${problem}`, purposeRequired(problem));
  }
  const problems = grantProblems(grant, today);
  if (problems.length) {
    throw invalid(
      problems.join(' '),
      problems.map((message) => ({ message })),
    );
  }
  return db.transaction().execute(async (tx) => {
    // A person merged into another has no records of their own any more: the grant belongs to
    // the person they were merged into (a merge moves existing grants there too).
    const state = await personState(tx, personId);
    if (state?.mergedInto) {
      throw conflict(
        `Person ${personId} was merged into person ${state.mergedInto}; record the grant on that person.`,
      );
    }
    const stored = await grantVoluntaryDeparture(tx, { personId, ...grant });
    if (!stored) throw notFound('No such person, or you may not see them.');
    const auditSeq = await appendAudit(tx, {
      ...entry,
      purposeKind: purpose.kind === 'case' ? 'case' : 'reason',
      purpose: (purpose.text ?? '').trim(),
      outcome: 'success',
      details: { grant: stored },
    });
    return { grant: stored, auditSeq };
  });
}

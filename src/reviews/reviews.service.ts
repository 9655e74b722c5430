import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { can, Permission, type RequestContext } from '../access/index.js';
import { appendAudit } from '../audit/index.js';
import { decideVoluntaryDepartures } from '../departures/departures.store.js';
import { refreshOverstays } from '../lifecycle/index.js';
import type { PairEvidence } from '../matching/index.js';
import {
  createPeople,
  lockLinking,
  mergeInTx,
  moveRecords,
  refineWithNewLabels,
  type Actor,
  type ReviewCandidate,
} from '../people/index.js';
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import {
  closeReview,
  countPending,
  currentPerson,
  findReview,
  identitiesByKey,
  insertLabels,
  listReviews,
  markNotSure,
  type RecordIdentity,
  type ReviewRow,
} from './reviews.store.js';

/**
 * The match review queue: records the engine would not decide alone. A reviewer sees the record
 * beside each candidate with the engine's field-by-field evidence and confirms one, rejects them
 * all, or says they are not sure. Decisions are audited, become labels that refine the model, and
 * act on the data: a confirmed unlinked record is linked; a confirmed possible match is merged
 * (an undoable identity event).
 */

const REVIEW_PURPOSE = 'match review: deciding whether records belong to the same person';

export interface ReviewCandidateView {
  personId: string;
  /** The person that id stands for now (after merges). */
  currentPersonId: string | null;
  probability: number;
  weight: number;
  record: RecordIdentity | null;
  recordKey: string;
  evidence: PairEvidence;
}

export interface ReviewDetail extends Omit<ReviewRow, 'candidates' | 'sourceId'> {
  record: RecordIdentity | null;
  candidates: ReviewCandidateView[];
}

export type Decision = 'confirm' | 'reject' | 'not_sure';

function requireReview(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) throw forbidden('Your role cannot work the match review queue.');
}

const auditReview = (
  db: Kysely<DB> | Transaction<DB>,
  actor: Actor,
  ctx: RequestContext,
  action: string,
  reviewId: string,
  details: Record<string, unknown>,
) =>
  appendAudit(db, {
    actorAccountId: actor.accountId,
    actorUsername: actor.username,
    actorRole: actor.role,
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
    action,
    objectType: 'match_review',
    objectId: reviewId,
    purposeKind: 'reason',
    purpose: REVIEW_PURPOSE,
    outcome: 'success',
    details,
  });

export async function reviewQueue(
  db: Kysely<DB>,
  actor: Actor,
  status: 'pending' | 'decided',
  limit: number,
): Promise<{ reviews: Omit<ReviewRow, 'candidates' | 'sourceId'>[]; pending: number }> {
  requireReview(actor, Permission.ReviewView);
  const rows = await listReviews(db, status, limit);
  // The list shows no personal data beyond record ids; opening one is the audited read.
  return {
    reviews: rows.map(({ candidates: _c, sourceId: _s, ...r }) => r),
    pending: await countPending(db),
  };
}

/** One review with the record and each candidate side by side; the read is audited. */
export async function reviewDetail(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  ctx: RequestContext,
): Promise<{ review: ReviewDetail; auditSeq: string }> {
  requireReview(actor, Permission.ReviewView);
  return db.transaction().execute(async (tx) => {
    const review = await findReview(tx, id);
    if (!review) throw notFound(`No review ${id}.`);
    const recordKey = `${review.sourceCode}:${review.sourceRecordId}`;
    const identities = await identitiesByKey(tx, [recordKey, ...review.candidates.map((c) => c.record)]);
    const candidates: ReviewCandidateView[] = [];
    for (const c of review.candidates) {
      candidates.push({
        personId: c.personId,
        currentPersonId: await currentPerson(tx, c.personId),
        probability: c.probability,
        weight: c.weight,
        record: identities.get(c.record) ?? null,
        recordKey: c.record,
        evidence: c.evidence,
      });
    }
    const auditSeq = await auditReview(tx, actor, ctx, 'review.view', id, {
      people: [...new Set(candidates.map((c) => c.currentPersonId))],
    });
    const { candidates: _c, sourceId: _s, ...rest } = review;
    // The record's own person may have been merged since: show whom it stands for now.
    const recordPersonId = rest.recordPersonId ? await currentPerson(tx, rest.recordPersonId) : null;
    return {
      review: { ...rest, recordPersonId, record: identities.get(recordKey) ?? null, candidates },
      auditSeq,
    };
  });
}

/** Labels for the model: the chosen person's candidate pairs are matches, every other pair is not. */
function labelsOf(
  candidates: ReviewCandidate[],
  chosen: string | null,
): { pattern: number; match: boolean }[] {
  return candidates.map((c) => ({ pattern: c.pattern, match: c.personId === chosen }));
}

export interface DecisionInput {
  decision: Decision;
  /** For confirm: which candidate person (as listed in the review). */
  personId?: string | undefined;
  note?: string | undefined;
}

export interface DecisionResult {
  review: { id: string; status: string; decidedPersonId: string | null; notSureCount: number };
  identityEvent: string | null;
  modelRefined: string | null;
  auditSeq: string;
}

/** Acts on a reviewer's decision inside one transaction. */
export async function decideReview(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  input: DecisionInput,
  ctx: RequestContext,
  asOf: string,
): Promise<DecisionResult> {
  requireReview(actor, Permission.ReviewDecide);
  const note = input.note?.trim() || null;
  if (input.decision === 'not_sure' && (!note || note.length < 5)) {
    throw invalid('Say in a few words what makes you unsure, so the next reviewer can pick it up.');
  }
  if (input.decision === 'confirm' && !input.personId) {
    throw invalid('Confirm needs the candidate person the record belongs to (personId).');
  }
  return db.transaction().execute(async (tx) => {
    await lockLinking(tx);
    const review = await findReview(tx, id, true);
    if (!review) throw notFound(`No review ${id}.`);
    if (review.status !== 'pending') throw conflict(`Review ${id} was already decided (${review.status}).`);
    const finish = async (
      status: DecisionResult['review']['status'],
      personId: string | null,
      event: string | null,
    ) => {
      if (status === 'pending') await markNotSure(tx, id, note ?? '');
      else await closeReview(tx, id, { status: status as 'linked', personId, by: actor.username, note });
      const labels = status === 'pending' ? [] : labelsOf(review.candidates, input.personId ?? null);
      await insertLabels(tx, id, null, actor.username, labels);
      const modelRefined = labels.length ? await refineWithNewLabels(tx, actor.username) : null;
      const auditSeq = await auditReview(tx, actor, ctx, 'review.decide', id, {
        decision: input.decision,
        personId,
        identityEvent: event,
        labels: labels.length,
        note,
      });
      return {
        review: {
          id,
          status,
          decidedPersonId: personId,
          notSureCount: review.notSureCount + (status === 'pending' ? 1 : 0),
        },
        identityEvent: event,
        modelRefined,
        auditSeq,
      };
    };

    if (input.decision === 'not_sure') return finish('pending', null, null);

    if (input.decision === 'confirm') {
      const listed = review.candidates.some((c) => c.personId === input.personId);
      if (!listed) throw invalid(`Person ${input.personId} is not a candidate of review ${id}.`);
      const target = await currentPerson(tx, input.personId!);
      if (!target) throw notFound(`No person ${input.personId}.`);
      if (review.kind === 'possible_match') {
        const own = review.recordPersonId ? await currentPerson(tx, review.recordPersonId) : null;
        if (!own) throw conflict('The record of this review is no longer on a person of its own.');
        if (own === target) return finish('merged', target, null);
        const change = await mergeInTx(
          tx,
          { actor, ctx, asOf, reason: note ?? `confirmed match review ${id}` },
          own,
          target,
          id,
          { reviewId: id },
        );
        return finish('merged', target, change.event.id);
      }
      await linkReviewedRecord(tx, review, target, actor, asOf, {
        reviewId: id,
        confirmedCandidate: input.personId,
        note,
      });
      return finish('linked', target, null);
    }

    // Reject: none of the candidates. A waiting record becomes a person of its own; a possible
    // match simply stays apart.
    if (review.kind === 'possible_match') {
      const own = review.recordPersonId ? await currentPerson(tx, review.recordPersonId) : null;
      return finish('kept_separate', own, null);
    }
    const [person] = await createPeople(tx, 1);
    await linkReviewedRecord(tx, review, person!, actor, asOf, {
      reviewId: id,
      rejectedCandidates: true,
      note,
    });
    return finish('new_person', person!, null);
  });
}

/** Links a record that waited in review and brings the person's lifecycle up to date. */
async function linkReviewedRecord(
  tx: Transaction<DB>,
  review: ReviewRow,
  personId: string,
  actor: Actor,
  asOf: string,
  evidence: Record<string, unknown>,
): Promise<void> {
  await moveRecords(tx, [{ sourceId: review.sourceId, sourceRecordId: review.sourceRecordId }], personId, {
    rule: 'review_confirmed',
    evidence: {
      ...evidence,
      candidates: review.candidates.map((c) => ({ personId: c.personId, probability: c.probability })),
    },
    actor: actor.username,
    reason: `decided in review ${review.id}`,
  });
  await decideVoluntaryDepartures(tx, [personId]);
  await refreshOverstays(tx, [personId], asOf);
}

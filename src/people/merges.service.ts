import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { can, Permission, type RequestContext } from '../access/index.js';
import { appendAudit } from '../audit/index.js';
import { decideVoluntaryDepartures } from '../departures/departures.store.js';
import { refreshOverstays } from '../lifecycle/index.js';
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { lockLinking } from './matching.store.js';
import {
  aNumbersOfPerson,
  currentRecordsOf,
  eventsOfPerson,
  findEvent,
  insertEvent,
  linkedTo,
  moveGrants,
  moveRecords,
  personState,
  reopenReview,
  setMergedInto,
  type IdentityEvent,
  type RecordRef,
} from './merges.store.js';
import { createPeople } from './people.store.js';
import type { Actor } from './people.service.js';

/**
 * Merges and splits of people. Each is an event naming exactly what moved, so it can be undone
 * and the history read; links are closed, never deleted. A merge never joins two A-numbers.
 * Every change holds the linking lock, so the match index sees it in order.
 */

export interface IdentityChange {
  event: IdentityEvent;
  auditSeq: string;
}

interface ChangeContext {
  actor: Actor;
  ctx: RequestContext;
  asOf: string;
  reason: string;
}

const audit = (tx: Transaction<DB>, c: ChangeContext, action: string, personId: string, details: object) =>
  appendAudit(tx, {
    actorAccountId: c.actor.accountId,
    actorUsername: c.actor.username,
    actorRole: c.actor.role,
    requestId: c.ctx.requestId,
    clientIp: c.ctx.clientIp,
    action,
    objectType: 'person',
    objectId: personId,
    purposeKind: 'reason',
    purpose: c.reason,
    outcome: 'success',
    details: { ...details },
  });

async function activePerson(tx: Transaction<DB>, personId: string): Promise<void> {
  const state = await personState(tx, personId);
  if (!state) throw notFound(`No person ${personId}.`);
  if (state.mergedInto) throw conflict(`Person ${personId} was merged into person ${state.mergedInto}.`);
}

/**
 * Moves every record of `fromPersonId` onto `intoPersonId` and marks the first merged into the
 * second (inside the caller's transaction). Refused when the two hold different A-numbers.
 */
export async function mergeInTx(
  tx: Transaction<DB>,
  c: ChangeContext,
  fromPersonId: string,
  intoPersonId: string,
  reviewId: string | null = null,
  evidence: Record<string, unknown> = {},
): Promise<IdentityChange> {
  if (fromPersonId === intoPersonId) throw invalid('A person cannot be merged into themselves.');
  await lockLinking(tx);
  await activePerson(tx, fromPersonId);
  await activePerson(tx, intoPersonId);
  const [a, b] = await Promise.all([aNumbersOfPerson(tx, fromPersonId), aNumbersOfPerson(tx, intoPersonId)]);
  if (a.length && b.length && a.some((x) => !b.includes(x))) {
    throw conflict(
      `Person ${fromPersonId} has A-number ${a.join(', ')} and person ${intoPersonId} has ${b.join(', ')}: two A-numbers are two people.`,
    );
  }
  const records = (await currentRecordsOf(tx, fromPersonId)).map(({ sourceId, sourceRecordId }) => ({
    sourceId,
    sourceRecordId,
  }));
  const voluntaryDepartureIds = await moveGrants(tx, fromPersonId, intoPersonId);
  const eventId = await insertEvent(tx, {
    kind: 'merge',
    fromPersonId,
    toPersonId: intoPersonId,
    moved: { records, voluntaryDepartureIds },
    reason: c.reason,
    actor: c.actor.username,
    reviewId,
    undoes: null,
  });
  await moveRecords(tx, records, intoPersonId, {
    rule: 'merge',
    evidence: { identityEvent: eventId, mergedFrom: fromPersonId, reviewId, ...evidence },
    actor: c.actor.username,
    reason: `merged into person ${intoPersonId} (identity event ${eventId})`,
  });
  await setMergedInto(tx, fromPersonId, intoPersonId);
  await decideVoluntaryDepartures(tx, [fromPersonId, intoPersonId]);
  await refreshOverstays(tx, [fromPersonId, intoPersonId], c.asOf);
  const event = (await findEvent(tx, eventId))!;
  const auditSeq = await audit(tx, c, 'person.merge', intoPersonId, {
    event: eventId,
    from: fromPersonId,
    records: records.length,
  });
  return { event, auditSeq };
}

/** Moves some records of a person onto a new person. */
export async function splitInTx(
  tx: Transaction<DB>,
  c: ChangeContext,
  personId: string,
  records: RecordRef[],
): Promise<IdentityChange> {
  await lockLinking(tx);
  await activePerson(tx, personId);
  const all = await currentRecordsOf(tx, personId);
  const wanted = await linkedTo(tx, personId, records);
  if (wanted.length !== records.length) {
    throw conflict('Some of these records are not linked to this person (any more).');
  }
  if (!wanted.length || wanted.length >= all.length) {
    throw invalid('A split moves at least one record and leaves at least one on the person.');
  }
  const [newPerson] = await createPeople(tx, 1);
  const eventId = await insertEvent(tx, {
    kind: 'split',
    fromPersonId: personId,
    toPersonId: newPerson!,
    moved: { records: wanted, voluntaryDepartureIds: [] },
    reason: c.reason,
    actor: c.actor.username,
    reviewId: null,
    undoes: null,
  });
  await moveRecords(tx, wanted, newPerson!, {
    rule: 'split',
    evidence: { identityEvent: eventId, splitFrom: personId },
    actor: c.actor.username,
    reason: `split onto person ${newPerson} (identity event ${eventId})`,
  });
  await decideVoluntaryDepartures(tx, [personId, newPerson!]);
  await refreshOverstays(tx, [personId, newPerson!], c.asOf);
  const event = (await findEvent(tx, eventId))!;
  const auditSeq = await audit(tx, c, 'person.split', personId, {
    event: eventId,
    to: newPerson,
    records: wanted.length,
  });
  return { event, auditSeq };
}

/** Undoes a merge or split: moves exactly its records (and grants) back, as a new event. */
export async function undoInTx(
  tx: Transaction<DB>,
  c: ChangeContext,
  eventId: string,
): Promise<IdentityChange> {
  await lockLinking(tx);
  const original = await findEvent(tx, eventId);
  if (!original) throw notFound(`No identity event ${eventId}.`);
  if (original.kind !== 'merge' && original.kind !== 'split') {
    throw invalid('Only a merge or a split can be undone; undo it again by merging or splitting.');
  }
  if (original.undoneBy) throw conflict(`Event ${eventId} was already undone by event ${original.undoneBy}.`);
  const { records, voluntaryDepartureIds } = original.moved;
  const still = await linkedTo(tx, original.toPersonId, records);
  if (still.length !== records.length) {
    throw conflict('Some records of this event have moved since; undo the later changes first.');
  }
  const back = original.fromPersonId;
  if (original.kind === 'merge') await setMergedInto(tx, back, null);
  if (original.kind === 'merge' && original.reviewId) {
    await reopenReview(tx, original.reviewId, `merge undone by ${c.actor.username}: ${c.reason}`);
  }
  const grants = await moveGrants(tx, original.toPersonId, back, voluntaryDepartureIds);
  const kind = original.kind === 'merge' ? 'undo_merge' : 'undo_split';
  const undoId = await insertEvent(tx, {
    kind,
    fromPersonId: original.toPersonId,
    toPersonId: back,
    moved: { records, voluntaryDepartureIds: grants },
    reason: c.reason,
    actor: c.actor.username,
    reviewId: null,
    undoes: eventId,
  });
  await moveRecords(tx, records, back, {
    rule: kind,
    evidence: { identityEvent: undoId, undoes: eventId },
    actor: c.actor.username,
    reason: `${kind.replace('_', ' ')} (identity event ${undoId})`,
  });
  await decideVoluntaryDepartures(tx, [back, original.toPersonId]);
  await refreshOverstays(tx, [back, original.toPersonId], c.asOf);
  const event = (await findEvent(tx, undoId))!;
  const auditSeq = await audit(tx, c, 'identity_event.undo', back, { event: undoId, undoes: eventId });
  return { event, auditSeq };
}

function requireChange(actor: Actor): void {
  if (!can(actor.role, Permission.IdentityChange)) {
    throw forbidden('Merging, splitting and undoing are for supervisors.');
  }
}

export const mergePeople = (db: Kysely<DB>, c: ChangeContext, from: string, into: string) => {
  requireChange(c.actor);
  return db.transaction().execute((tx) => mergeInTx(tx, c, from, into));
};

export const splitPerson = (db: Kysely<DB>, c: ChangeContext, personId: string, records: RecordRef[]) => {
  requireChange(c.actor);
  return db.transaction().execute((tx) => splitInTx(tx, c, personId, records));
};

export const undoIdentityEvent = (db: Kysely<DB>, c: ChangeContext, eventId: string) => {
  requireChange(c.actor);
  return db.transaction().execute((tx) => undoInTx(tx, c, eventId));
};

export { eventsOfPerson, type IdentityEvent, type RecordRef };

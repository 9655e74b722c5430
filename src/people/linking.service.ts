import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ValidRecord } from '../ingest/record.schema.js';
import type { MatchRecord, Resolution } from '../matching/index.js';
import { nameKey, searchText, type Identity } from './identity.rules.js';
import { lockedMatcher } from './matcher.js';
import { recordKey } from './matching.store.js';
import {
  createPeople,
  openReviews,
  saveLinks,
  type LinkedRecord,
  type LinkRule,
  type ReviewCandidate,
  type ReviewInput,
} from './people.store.js';

export interface IncomingRecord {
  sourceId: number;
  sourceCode: string;
  sourceRecordId: string;
  sourceRecordPk: string;
  /** The record's version: 1 when no earlier version of it exists (nothing to supersede). */
  version: number;
  record: ValidRecord;
}

export interface LinkOptions {
  /** What to do with a record no rule links: make a new person (file ingest) or send it to review (departures). */
  unmatched: 'new_person' | 'review';
}

export type LinkOutcome = { personId: string; rule: string } | { personId: null; rule: 'review' };

export function identityOf(record: ValidRecord): Identity {
  const d = record.data;
  return {
    givenName: d.given_name ?? null,
    middleName: d.middle_name ?? null,
    familyName: d.family_name ?? null,
    dateOfBirth: d.date_of_birth ?? null,
    passportNumber: d.passport_number ?? null,
    passportCountry: d.passport_country ?? d.country_of_citizenship ?? null,
    aNumber: d.a_number ?? null,
  };
}

/** Why a record was not linked on its own, in words for the review queue. */
const REVIEW_REASONS: Record<string, string> = {
  a_number_conflict: 'the likeliest person has a different A-number',
  conflicting_evidence: "another of the likeliest person's records contradicts this one",
  weak_cluster_link: "the record matches one of the person's records but not the others well enough",
  name_conflict:
    'a given or family name differs (not a spelling variant) and no document agrees: relatives such as twins share the rest',
  shared_a_number: 'the A-number is the same but other fields disagree: one record has an error',
  uncorroborated: 'only names, sex and country agree: no exact birth date or document corroborates them',
};

function reviewReason(r: Resolution): string {
  if (r.outcome === 'new') {
    return r.candidates.length
      ? `no person matches with confidence (best ${percent(r.probability)})`
      : 'no existing person shares a blocking key with this record';
  }
  const why = r.reason
    ? (REVIEW_REASONS[r.reason] ?? r.reason)
    : 'the match is likely but below the link threshold';
  return `possible match at ${percent(r.probability)}: ${why}`;
}

const percent = (p: number) => `${(p * 100).toFixed(p > 0.999 || p < 0.001 ? 3 : 1)}%`;

/** A review's candidates: the likeliest records with their people, probability and field evidence. */
function reviewCandidates(r: Resolution): ReviewCandidate[] {
  return r.candidates.map((c) => ({
    personId: c.clusterId,
    record: c.recordId,
    probability: c.probability,
    weight: c.weight,
    pattern: c.pattern,
    evidence: c.evidence,
  }));
}

/**
 * Links a batch of new record versions to people inside the caller's transaction, with the
 * entity-resolution engine's incremental index: each record is compared with the indexed records
 * sharing a blocking key (and with earlier records of the same batch, which join the index as they
 * are linked, so a batch links exactly as the same records would one by one). Link above the upper
 * threshold; between the thresholds, a person decides (review); below, a new person — or, for
 * departures (`unmatched: 'review'`), review too: a departure is never guessed onto someone.
 * Returns the outcome per record pk.
 */
export async function linkRecords(
  tx: Transaction<DB>,
  incoming: IncomingRecord[],
  options: LinkOptions = { unmatched: 'new_person' },
): Promise<Map<string, LinkOutcome>> {
  if (!incoming.length) return new Map();
  const matcher = await lockedMatcher(tx);
  const decisions: { personId: string | null; rule: LinkRule; evidence: Record<string, unknown> }[] = [];
  const reviews: ReviewInput[] = [];
  const pendingNew: string[] = [];
  for (const [i, rec] of incoming.entries()) {
    const key = recordKey(rec.sourceCode, rec.sourceRecordId);
    const record = matchRecordOf(key, rec.record);
    matcher.retireKey(key);
    const r = sharedANumberToReview(matcher.index.resolve(record, 5, true));
    const best = r.candidates[0];
    const modelId = matcher.stored.id;
    if (r.outcome === 'link' && r.clusterId !== null && best) {
      decisions.push({
        personId: r.clusterId,
        rule: 'match',
        evidence: { modelId, probability: r.probability, matchedRecord: best.recordId, pair: best.evidence },
      });
      matcher.add(record, r.clusterId, rec.sourceRecordPk);
      continue;
    }
    const review: ReviewInput = {
      sourceId: rec.sourceId,
      sourceRecordId: rec.sourceRecordId,
      sourceRecordPk: rec.sourceRecordPk,
      reason: reviewReason(r),
      candidates: reviewCandidates(r),
      kind: 'unlinked',
      recordPersonId: null,
    };
    if (options.unmatched === 'review') {
      // Never guess: the record waits, linked to nobody, for a person to decide.
      reviews.push(review);
      decisions.push({ personId: null, rule: 'review', evidence: { modelId, reason: review.reason } });
      continue;
    }
    const provisional = `new:${i}`;
    pendingNew.push(provisional);
    matcher.add(record, provisional, rec.sourceRecordPk);
    if (r.outcome === 'review') {
      // Nothing waits: the record starts a person of its own and a reviewer may merge it.
      reviews.push({ ...review, kind: 'possible_match', recordPersonId: provisional });
      decisions.push({
        personId: provisional,
        rule: 'new_person_pending_review',
        evidence: {
          modelId,
          probability: r.probability,
          reason: review.reason,
          candidates: review.candidates,
        },
      });
    } else {
      decisions.push({
        personId: provisional,
        rule: 'new_person',
        evidence: {
          modelId,
          reason: review.reason,
          bestProbability: r.probability,
          ...(best ? { bestCandidate: { record: best.recordId, personId: best.clusterId } } : {}),
        },
      });
    }
  }

  const newIds = await createPeople(tx, pendingNew.length);
  const realId = new Map(pendingNew.map((p, n) => [p, newIds[n]!]));
  matcher.renamePeople(realId);
  const real = (id: string | null) => (id === null ? null : (realId.get(id) ?? id));

  const linked: LinkedRecord[] = incoming.map((rec, i) => {
    const decision = decisions[i];
    if (!decision) throw new Error('linking lost a record');
    const identity = identityOf(rec.record);
    return {
      sourceId: rec.sourceId,
      sourceRecordId: rec.sourceRecordId,
      sourceRecordPk: rec.sourceRecordPk,
      firstVersion: rec.version === 1,
      recordType: rec.record.type,
      personId: real(decision.personId),
      identity,
      nameKey: nameKey(identity),
      searchText: searchText(identity),
      sex: rec.record.data.sex ?? null,
      countryOfCitizenship: rec.record.data.country_of_citizenship ?? null,
      rule: decision.rule,
      evidence: decision.evidence,
    };
  });
  // Every link written here is already in the index (added above), and no one else writes links
  // while this transaction holds the linking lock: the next sync need not read them back.
  matcher.skipOwnLinks(await saveLinks(tx, linked));
  await openReviews(
    tx,
    reviews.map((r) => ({
      ...r,
      recordPersonId: real(r.recordPersonId),
      candidates: r.candidates.map((c) => ({ ...c, personId: real(c.personId) ?? c.personId })),
    })),
  );
  return new Map(
    linked.map((l) => [
      l.sourceRecordPk,
      l.personId === null ? { personId: null, rule: 'review' } : { personId: l.personId, rule: l.rule },
    ]),
  );
}

/**
 * An A-number is issued once per person for life: a record sharing one with a person is never
 * silently made someone else, whatever its other fields say (one of them is a data error).
 */
function sharedANumberToReview(r: Resolution): Resolution {
  if (r.outcome !== 'new') return r;
  const shared = r.candidates.find((c) =>
    c.evidence.fields.some((f) => f.field === 'a_number' && f.level === 'exact'),
  );
  return shared ? { ...r, outcome: 'review', clusterId: shared.clusterId, reason: 'shared_a_number' } : r;
}

function matchRecordOf(id: string, record: ValidRecord): MatchRecord {
  const d = record.data;
  return {
    id,
    givenName: d.given_name ?? null,
    middleName: d.middle_name ?? null,
    familyName: d.family_name ?? null,
    dateOfBirth: d.date_of_birth ?? null,
    sex: d.sex ?? null,
    country: d.country_of_citizenship ?? null,
    passportNumber: d.passport_number ?? null,
    aNumber: d.a_number ?? null,
  };
}

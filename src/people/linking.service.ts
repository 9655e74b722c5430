import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ValidRecord } from '../ingest/record.schema.js';
import {
  decideLink,
  nameDobKey,
  nameKey,
  passportKey,
  searchText,
  type Candidate,
  type Identity,
} from './identity.rules.js';
import {
  aNumbersOf,
  createPeople,
  findCandidates,
  openReviews,
  saveLinks,
  type LinkedRecord,
} from './people.store.js';

export interface IncomingRecord {
  sourceId: number;
  sourceCode: string;
  sourceRecordId: string;
  sourceRecordPk: string;
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

/**
 * Links a batch of new record versions to people inside the caller's transaction. Candidates come
 * from the database through indexed blocking keys and from earlier records of the same batch, so
 * a batch links exactly as the same records would one by one. Returns person id per record pk.
 */
export async function linkRecords(
  tx: Transaction<DB>,
  incoming: IncomingRecord[],
  options: LinkOptions = { unmatched: 'new_person' },
): Promise<Map<string, LinkOutcome>> {
  const identities = incoming.map((r) => identityOf(r.record));
  const candidates = await findCandidates(tx, {
    aNumbers: [...new Set(identities.flatMap((i) => (i.aNumber ? [i.aNumber] : [])))],
    passports: uniqueBy(
      identities.flatMap((i) =>
        i.passportNumber && i.passportCountry
          ? [{ number: i.passportNumber, country: i.passportCountry }]
          : [],
      ),
      (p) => `${p.number}|${p.country}`,
    ),
    nameDob: uniqueBy(
      identities.flatMap((i) => {
        const k = nameKey(i);
        return k && i.dateOfBirth ? [{ nameKey: k, dateOfBirth: i.dateOfBirth }] : [];
      }),
      (k) => `${k.nameKey}|${k.dateOfBirth}`,
    ),
  });
  const aNumbers = await aNumbersOf(tx, [...new Set(candidates.map((c) => c.personId))]);

  // Index by blocking key; records of this batch join the index as they are linked.
  const byKey = new Map<string, Candidate[]>();
  const addToIndex = (c: Candidate) => {
    for (const key of keysOf(c.identity)) {
      const list = byKey.get(key) ?? [];
      list.push(c);
      byKey.set(key, list);
    }
  };
  candidates.forEach(addToIndex);

  const decisions: {
    personId: string | null;
    rule: LinkedRecord['rule'];
    evidence: Record<string, unknown>;
  }[] = [];
  const pendingNew: number[] = [];
  const reviews: { index: number; reason: string; candidates: { personId: string; record: string }[] }[] = [];
  const provisional = new Map<number, string>(); // batch index → provisional id for new people
  for (const [i, identity] of identities.entries()) {
    const rec = incoming[i];
    if (!rec) continue;
    const found = uniqueBy(
      keysOf(identity).flatMap((k) => byKey.get(k) ?? []),
      (c) => `${c.personId}|${c.recordKey}`,
    );
    const decision = decideLink(identity, found, aNumbers);
    let personId = decision.personId;
    if (personId === null && options.unmatched === 'review') {
      // Never guess: the record waits, linked to nobody, for a person to decide.
      reviews.push({
        index: i,
        reason: found.length
          ? 'candidates share a key but none meets a linking rule'
          : 'no existing person shares an A-number, passport, or name and birth date',
        candidates: found.map((c) => ({ personId: c.personId, record: c.recordKey })),
      });
      decisions.push({ ...decision, personId: null });
      continue;
    }
    if (personId === null) {
      personId = `new:${i}`;
      pendingNew.push(i);
      provisional.set(i, personId);
    }
    decisions.push({ ...decision, personId });
    if (identity.aNumber) {
      const set = aNumbers.get(personId) ?? new Set<string>();
      set.add(identity.aNumber);
      aNumbers.set(personId, set);
    }
    addToIndex({
      personId,
      recordKey: `${rec.sourceCode}:${rec.sourceRecordId}`,
      identity,
      nameKey: nameKey(identity),
    });
  }

  const newIds = await createPeople(tx, pendingNew.length);
  const realId = new Map<string, string>();
  pendingNew.forEach((batchIndex, n) => {
    const id = newIds[n];
    const provisionalId = provisional.get(batchIndex);
    if (id !== undefined && provisionalId !== undefined) realId.set(provisionalId, id);
  });

  const linked: LinkedRecord[] = incoming.map((rec, i) => {
    const decision = decisions[i];
    const identity = identities[i];
    if (!decision || !identity) throw new Error('linking lost a record');
    const personId = decision.personId === null ? null : (realId.get(decision.personId) ?? decision.personId);
    return {
      sourceId: rec.sourceId,
      sourceRecordId: rec.sourceRecordId,
      sourceRecordPk: rec.sourceRecordPk,
      recordType: rec.record.type,
      personId,
      identity,
      nameKey: nameKey(identity),
      searchText: searchText(identity),
      sex: rec.record.data.sex ?? null,
      countryOfCitizenship: rec.record.data.country_of_citizenship ?? null,
      rule: decision.rule,
      evidence: decision.evidence,
    };
  });
  await saveLinks(tx, linked);
  await openReviews(
    tx,
    reviews.flatMap((r) => {
      const rec = incoming[r.index];
      return rec
        ? [
            {
              sourceId: rec.sourceId,
              sourceRecordId: rec.sourceRecordId,
              sourceRecordPk: rec.sourceRecordPk,
              reason: r.reason,
              candidates: r.candidates,
            },
          ]
        : [];
    }),
  );
  return new Map(
    linked.map((l) => [
      l.sourceRecordPk,
      l.personId === null ? { personId: null, rule: 'review' } : { personId: l.personId, rule: l.rule },
    ]),
  );
}

function keysOf(i: Identity): string[] {
  const keys: string[] = [];
  if (i.aNumber) keys.push(`a:${i.aNumber}`);
  const pk = passportKey(i);
  if (pk) keys.push(`p:${pk}`);
  const nk = nameDobKey(i);
  if (nk) keys.push(`n:${nk}`);
  return keys;
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

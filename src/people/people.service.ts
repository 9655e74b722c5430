import type { Kysely } from 'kysely';
import type { DB, Role } from '../db/schema.js';
import { can, Permission, type RequestContext } from '../access/index.js';
import { appendAudit } from '../audit/index.js';
import {
  buildTimeline,
  determineOverstays,
  loadPersonFacts,
  voluntaryDeparturesOf,
  type OverstayDetermination,
  type Timeline,
} from '../lifecycle/index.js';
import { forbidden, invalid, notFound, purposeRequired } from '../shared/errors.js';
import { normalizeName } from './identity.rules.js';
import { displayName, mostCommon, parseSearchQuery, purposeProblem, type Purpose } from './people.rules.js';
import { eventsOfPerson, personState, type IdentityEvent } from './merges.store.js';
import {
  documentsOfPerson,
  identitiesOfPerson,
  personExists,
  recordsOfPerson,
  searchIdentities,
  type DocumentRow,
  type IdentityRow,
  type PersonRecordRow,
} from './people.store.js';

export interface Actor {
  accountId: string;
  username: string;
  role: Role;
}

export interface PersonSummary {
  id: string;
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  dateOfBirth: string | null;
  countryOfCitizenship: string | null;
  recordCount: number;
}

const baseAudit = (actor: Actor, ctx: RequestContext) => ({
  actorAccountId: actor.accountId,
  actorUsername: actor.username,
  actorRole: actor.role,
  requestId: ctx.requestId,
  clientIp: ctx.clientIp,
});

async function deny(
  db: Kysely<DB>,
  actor: Actor,
  ctx: RequestContext,
  action: string,
  objectId: string | null,
  reason: string,
) {
  await appendAudit(db, {
    ...baseAudit(actor, ctx),
    action,
    objectType: 'person',
    objectId,
    purposeKind: null,
    purpose: null,
    outcome: 'denied',
    details: { reason },
  });
}

/** Finds people by name words or document number. The search and its size are audited. */
export async function searchPeople(
  db: Kysely<DB>,
  actor: Actor,
  q: string,
  limit: number,
  ctx: RequestContext,
): Promise<{ results: PersonSummary[]; total: number }> {
  if (!can(actor.role, Permission.PersonSearch)) {
    await deny(db, actor, ctx, 'person.search', null, 'role may not search people');
    throw forbidden('Your role sees aggregate views only; it cannot search people.');
  }
  const parsed = parseSearchQuery(q, normalizeName);
  if (!parsed) {
    throw invalid('Enter at least two letters of a name, or a document number of five or more characters.');
  }
  return db.transaction().execute(async (tx) => {
    const rows = await searchIdentities(tx, parsed, 2000);
    const byPerson = new Map<string, IdentityRow[]>();
    for (const r of rows) byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), r]);
    const results = [...byPerson.entries()].slice(0, limit).map(([id, ids]) => summarize(id, ids));
    await appendAudit(tx, {
      ...baseAudit(actor, ctx),
      action: 'person.search',
      objectType: 'person',
      objectId: null,
      purposeKind: null,
      purpose: null,
      outcome: 'allowed',
      details: { query: q.slice(0, 200), results: results.map((r) => r.id) },
    });
    return { results, total: byPerson.size };
  });
}

function summarize(id: string, rows: IdentityRow[]): PersonSummary {
  const name = mostCommon(rows, (r) => `${normalizeName(r.givenName)}|${normalizeName(r.familyName)}`);
  const dob = mostCommon(
    rows.filter((r) => r.dateOfBirth),
    (r) => r.dateOfBirth ?? '',
  );
  const country = mostCommon(
    rows.filter((r) => r.countryOfCitizenship),
    (r) => r.countryOfCitizenship ?? '',
  );
  return {
    id,
    displayName: name ? displayName(name) : '(no name recorded)',
    givenName: name?.givenName ?? null,
    familyName: name?.familyName ?? null,
    dateOfBirth: dob?.dateOfBirth ?? null,
    countryOfCitizenship: country?.countryOfCitizenship ?? null,
    recordCount: rows.length,
  };
}

export interface PersonView {
  id: string;
  /** Set when this person was merged into another (the merge can be undone). */
  mergedInto: string | null;
  displayName: string;
  names: { given: string | null; middle: string | null; family: string | null; source: string }[];
  datesOfBirth: string[];
  countriesOfCitizenship: string[];
  documents: (Omit<DocumentRow, 'sourceCode' | 'sourceRecordId'> & {
    source: { sourceCode: string; sourceRecordId: string };
  })[];
  records: PersonRecordRow[];
}

/**
 * Runs a read of one person: checks the role and the declared purpose, then reads and writes the
 * audit entry in one transaction — if the audit cannot be written, nothing is returned.
 */
async function auditedPersonRead<T>(
  db: Kysely<DB>,
  actor: Actor,
  personId: string,
  purpose: { kind?: string; text?: string },
  ctx: RequestContext,
  action: string,
  read: (tx: Kysely<DB>) => Promise<T>,
): Promise<{ value: T; auditSeq: string }> {
  if (!can(actor.role, Permission.PersonView)) {
    await deny(db, actor, ctx, action, personId, 'role may not view people');
    throw forbidden('Your role sees aggregate views only; it cannot open a person.');
  }
  const problem = purposeProblem(purpose.kind, purpose.text);
  if (problem) {
    await deny(db, actor, ctx, action, personId, `purpose missing or invalid: ${problem}`);
    throw purposeRequired(problem);
  }
  const declared: Purpose = { kind: purpose.kind as Purpose['kind'], text: (purpose.text ?? '').trim() };
  return db.transaction().execute(async (tx) => {
    if (!(await personExists(tx, personId))) throw notFound('No such person, or you may not see them.');
    const value = await read(tx);
    const auditSeq = await appendAudit(tx, {
      ...baseAudit(actor, ctx),
      action,
      objectType: 'person',
      objectId: personId,
      purposeKind: declared.kind,
      purpose: declared.text,
      outcome: 'allowed',
      details: {},
    });
    return { value, auditSeq };
  });
}

export async function viewPerson(
  db: Kysely<DB>,
  actor: Actor,
  personId: string,
  purpose: { kind?: string; text?: string },
  ctx: RequestContext,
): Promise<{ person: PersonView; auditSeq: string }> {
  const { value, auditSeq } = await auditedPersonRead(
    db,
    actor,
    personId,
    purpose,
    ctx,
    'person.view',
    async (tx) => {
      const [identities, records, documents, state] = await Promise.all([
        identitiesOfPerson(tx, personId),
        recordsOfPerson(tx, personId),
        documentsOfPerson(tx, personId),
        personState(tx, personId),
      ]);
      return { identities, records, documents, mergedInto: state?.mergedInto ?? null };
    },
  );
  const { identities, records, documents, mergedInto } = value;
  const summary = summarize(personId, identities);
  const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))].sort();
  return {
    auditSeq,
    person: {
      id: personId,
      mergedInto,
      displayName: summary.displayName,
      names: identities.map((i) => ({
        given: i.givenName,
        middle: i.middleName,
        family: i.familyName,
        source: `${i.sourceCode}:${i.sourceRecordId}`,
      })),
      datesOfBirth: uniq(identities.map((i) => i.dateOfBirth)),
      countriesOfCitizenship: uniq(identities.map((i) => i.countryOfCitizenship)),
      documents: documents.map((d) => ({
        kind: d.kind,
        number: d.number,
        issuingCountry: d.issuingCountry,
        source: { sourceCode: d.sourceCode, sourceRecordId: d.sourceRecordId },
      })),
      records,
    },
  };
}

export interface PersonTimeline extends Timeline {
  overstays: OverstayDetermination[];
  voluntaryDepartures: Awaited<ReturnType<typeof voluntaryDeparturesOf>>;
}

export async function personTimeline(
  db: Kysely<DB>,
  actor: Actor,
  personId: string,
  purpose: { kind?: string; text?: string },
  ctx: RequestContext,
  asOf: string,
): Promise<{ timeline: PersonTimeline; auditSeq: string }> {
  const { value, auditSeq } = await auditedPersonRead(
    db,
    actor,
    personId,
    purpose,
    ctx,
    'person.timeline',
    async (tx) => ({
      facts: await loadPersonFacts(tx, personId),
      voluntaryDepartures: await voluntaryDeparturesOf(tx, personId),
    }),
  );
  return {
    timeline: {
      ...buildTimeline(value.facts, asOf),
      overstays: determineOverstays(value.facts, asOf),
      voluntaryDepartures: value.voluntaryDepartures,
    },
    auditSeq,
  };
}

/** The merges and splits a person took part in: a person read like the others (purpose, audit). */
export async function personIdentityEvents(
  db: Kysely<DB>,
  actor: Actor,
  personId: string,
  purpose: { kind?: string; text?: string },
  ctx: RequestContext,
): Promise<{ events: IdentityEvent[]; auditSeq: string }> {
  const { value, auditSeq } = await auditedPersonRead(
    db,
    actor,
    personId,
    purpose,
    ctx,
    'person.identity_events',
    (tx) => eventsOfPerson(tx, personId),
  );
  return { events: value, auditSeq };
}

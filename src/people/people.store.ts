import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { insertRows } from '../db/unnest.js';
import type { PairEvidence } from '../matching/index.js';
import type { Identity } from './identity.rules.js';

/** The only module holding SQL for people, their links, identity documents and record identities. */

type Q = Kysely<DB> | Transaction<DB>;

// Row-value IN lists of hundreds of tuples are pathologically slow on PGlite (a 400-pair list ran
// for minutes); joining against unnest() of two arrays is one parameter each and fast on both.
const textArray = (values: string[]) => sql`${values}::text[]`;
const intArray = (values: number[]) => sql`${values}::int[]`;

export async function createPeople(db: Q, count: number): Promise<string[]> {
  if (count === 0) return [];
  const rows = await sql<{ id: string }>`INSERT INTO people (created_at)
    SELECT now() FROM generate_series(1, ${count}) RETURNING id`.execute(db);
  return rows.rows.map((r) => r.id);
}

/**
 * How a record came to its person: the engine linked it (`match`), it started a person (with a
 * possible match waiting for review, or not), it waits unlinked (`review`), or a person moved it.
 */
export type LinkRule =
  | 'match'
  | 'new_person'
  | 'new_person_pending_review'
  | 'review'
  | 'review_confirmed'
  | 'merge'
  | 'split'
  | 'undo_merge'
  | 'undo_split';

export interface LinkedRecord {
  sourceId: number;
  sourceRecordId: string;
  sourceRecordPk: string;
  /** Version 1 of its record: no earlier link, identity or documents to replace. */
  firstVersion: boolean;
  recordType: string;
  /** Null while the record waits in the review queue. */
  personId: string | null;
  identity: Identity;
  nameKey: string | null;
  searchText: string;
  sex: string | null;
  countryOfCitizenship: string | null;
  rule: LinkRule;
  evidence: Record<string, unknown>;
}

/**
 * Records each link (closing the previous version's link), the record's identity row, and the
 * documents it carries. Links are never updated in place: history stays readable. Returns the
 * highest link id written (null if none).
 */
export async function saveLinks(db: Q, rows: LinkedRecord[]): Promise<number | null> {
  if (!rows.length) return null;
  // Only a later version of a record has a link to close and documents to drop; skipping the
  // lookups for first versions (every departure of the stream) spares two joins per batch.
  const later = rows.filter((r) => !r.firstVersion);
  if (later.length) {
    const sourceIds = intArray(later.map((r) => r.sourceId));
    const recordIds = textArray(later.map((r) => r.sourceRecordId));
    await sql`UPDATE person_links l
      SET unlinked_at = now(), unlink_reason = 'superseded by a newer version of the source record'
      FROM unnest(${sourceIds}, ${recordIds}) AS k(source_id, source_record_id)
      WHERE l.unlinked_at IS NULL AND l.source_id = k.source_id AND l.source_record_id = k.source_record_id`.execute(
      db,
    );
    // Documents follow the current version of each record: drop those of earlier versions.
    await sql`DELETE FROM identity_documents d
      USING source_records r, unnest(${sourceIds}, ${recordIds}) AS k(source_id, source_record_id)
      WHERE d.source_record_pk = r.id AND r.source_id = k.source_id AND r.source_record_id = k.source_record_id`.execute(
      db,
    );
  }
  const linkedRows = rows.flatMap((r) => (r.personId === null ? [] : [{ ...r, personId: r.personId }]));
  const docs = linkedRows.flatMap((r) => [
    ...(r.identity.aNumber
      ? [
          {
            personId: r.personId,
            kind: 'a_number',
            number: r.identity.aNumber,
            country: null,
            pk: r.sourceRecordPk,
          },
        ]
      : []),
    ...(r.identity.passportNumber
      ? [
          {
            personId: r.personId,
            kind: 'passport',
            number: r.identity.passportNumber,
            country: r.identity.passportCountry,
            pk: r.sourceRecordPk,
          },
        ]
      : []),
  ]);
  // Links, documents and identities in one statement (the first two as CTEs; an empty list
  // inserts nothing): one round trip instead of three on the departure stream's hot path.
  const saved = await insertRows(
    db
      .with('new_links', (qc) =>
        insertRows(qc.insertInto('person_links'), [
          ['person_id', 'bigint', linkedRows.map((r) => r.personId)],
          ['source_id', 'int', linkedRows.map((r) => r.sourceId)],
          ['source_record_id', 'text', linkedRows.map((r) => r.sourceRecordId)],
          ['source_record_pk', 'bigint', linkedRows.map((r) => r.sourceRecordPk)],
          ['rule', 'text', linkedRows.map((r) => r.rule)],
          ['evidence', 'jsonb', linkedRows.map((r) => r.evidence)],
        ]).returning('id'),
      )
      .with('new_documents', (qc) =>
        insertRows(qc.insertInto('identity_documents'), [
          ['person_id', 'bigint', docs.map((d) => d.personId)],
          ['kind', 'text', docs.map((d) => d.kind)],
          ['number', 'text', docs.map((d) => d.number)],
          ['issuing_country', 'text', docs.map((d) => d.country)],
          ['source_record_pk', 'bigint', docs.map((d) => d.pk)],
        ])
          .onConflict((oc) => oc.doNothing())
          .returning('id'),
      )
      .insertInto('record_identities'),
    [
      ['source_id', 'int', rows.map((r) => r.sourceId)],
      ['source_record_id', 'text', rows.map((r) => r.sourceRecordId)],
      ['source_record_pk', 'bigint', rows.map((r) => r.sourceRecordPk)],
      ['record_type', 'text', rows.map((r) => r.recordType)],
      ['person_id', 'bigint', rows.map((r) => r.personId)],
      ['given_name', 'text', rows.map((r) => r.identity.givenName)],
      ['middle_name', 'text', rows.map((r) => r.identity.middleName)],
      ['family_name', 'text', rows.map((r) => r.identity.familyName)],
      ['date_of_birth', 'date', rows.map((r) => r.identity.dateOfBirth)],
      ['sex', 'text', rows.map((r) => r.sex)],
      ['country_of_citizenship', 'text', rows.map((r) => r.countryOfCitizenship)],
      ['passport_number', 'text', rows.map((r) => r.identity.passportNumber)],
      ['passport_country', 'text', rows.map((r) => r.identity.passportCountry)],
      ['a_number', 'text', rows.map((r) => r.identity.aNumber)],
      ['name_key', 'text', rows.map((r) => r.nameKey)],
      ['search_text', 'text', rows.map((r) => r.searchText)],
    ],
  )
    .onConflict((oc) =>
      oc.columns(['source_id', 'source_record_id']).doUpdateSet((eb) => ({
        source_record_pk: eb.ref('excluded.source_record_pk'),
        record_type: eb.ref('excluded.record_type'),
        person_id: eb.ref('excluded.person_id'),
        given_name: eb.ref('excluded.given_name'),
        middle_name: eb.ref('excluded.middle_name'),
        family_name: eb.ref('excluded.family_name'),
        date_of_birth: eb.ref('excluded.date_of_birth'),
        sex: eb.ref('excluded.sex'),
        country_of_citizenship: eb.ref('excluded.country_of_citizenship'),
        passport_number: eb.ref('excluded.passport_number'),
        passport_country: eb.ref('excluded.passport_country'),
        a_number: eb.ref('excluded.a_number'),
        name_key: eb.ref('excluded.name_key'),
        search_text: eb.ref('excluded.search_text'),
      })),
    )
    .returning(sql<string | null>`(SELECT max(id) FROM new_links)`.as('last_link_id'))
    .executeTakeFirst();
  const last = saved?.last_link_id;
  return last === undefined || last === null ? null : Number(last);
}

export interface IdentityRow {
  personId: string;
  sourceCode: string;
  sourceRecordId: string;
  recordType: string;
  givenName: string | null;
  middleName: string | null;
  familyName: string | null;
  dateOfBirth: string | null;
  countryOfCitizenship: string | null;
}

function identityQuery(db: Q) {
  return db
    .selectFrom('record_identities as ri')
    .innerJoin('source_systems as s', 's.id', 'ri.source_id')
    .select([
      'ri.person_id',
      's.code',
      'ri.source_record_id',
      'ri.record_type',
      'ri.given_name',
      'ri.middle_name',
      'ri.family_name',
      'ri.date_of_birth',
      'ri.country_of_citizenship',
    ]);
}

function toIdentityRow(r: {
  person_id: string | null;
  code: string;
  source_record_id: string;
  record_type: string;
  given_name: string | null;
  middle_name: string | null;
  family_name: string | null;
  date_of_birth: string | null;
  country_of_citizenship: string | null;
}): IdentityRow {
  return {
    personId: r.person_id ?? '',
    sourceCode: r.code,
    sourceRecordId: r.source_record_id,
    recordType: r.record_type,
    givenName: r.given_name,
    middleName: r.middle_name,
    familyName: r.family_name,
    dateOfBirth: r.date_of_birth,
    countryOfCitizenship: r.country_of_citizenship,
  };
}

/**
 * Records whose document number equals `doc`, or whose words start with every word of `words`.
 * Word-prefix matching runs on the normalized search_text column.
 */
export async function searchIdentities(
  db: Q,
  query: { doc?: { aNumber: string | null; passport: string }; words?: string[] },
  maxRows: number,
): Promise<IdentityRow[]> {
  let q = identityQuery(db)
    .innerJoin('people as p', 'p.id', 'ri.person_id')
    .where('p.merged_into', 'is', null);
  const doc = query.doc;
  if (doc) {
    q = q.where((eb) =>
      eb.or([
        eb('ri.passport_number', '=', doc.passport),
        ...(doc.aNumber ? [eb('ri.a_number', '=', doc.aNumber)] : []),
      ]),
    );
  }
  for (const w of query.words ?? []) {
    const escaped = w.replace(/[\\%_]/g, (c) => `\\${c}`);
    q = q.where(sql<boolean>`(' ' || ri.search_text) LIKE ${`% ${escaped}%`}`);
  }
  const rows = await q.orderBy('ri.person_id').limit(maxRows).execute();
  return rows.map(toIdentityRow);
}

export async function personExists(db: Q, personId: string): Promise<boolean> {
  const r = await db.selectFrom('people').select('id').where('id', '=', personId).executeTakeFirst();
  return r !== undefined;
}

export async function identitiesOfPerson(db: Q, personId: string): Promise<IdentityRow[]> {
  const rows = await identityQuery(db)
    .where('ri.person_id', '=', personId)
    .orderBy('s.code')
    .orderBy('ri.source_record_id')
    .execute();
  return rows.map(toIdentityRow);
}

export interface PersonRecordRow {
  /** The source system's id: with sourceRecordId it names the record in a split. */
  sourceId: number;
  sourceCode: string;
  sourceRecordId: string;
  recordType: string;
  version: number;
  fileName: string;
  lineNumber: number;
  ingestedAt: string;
  link: { rule: string; evidence: Record<string, unknown>; linkedAt: string; linkedBy: string };
}

/** The current link of each record of a person, with the provenance of the linked version. */
export async function recordsOfPerson(db: Q, personId: string): Promise<PersonRecordRow[]> {
  const rows = await db
    .selectFrom('person_links as l')
    .innerJoin('source_records as r', 'r.id', 'l.source_record_pk')
    .innerJoin('source_systems as s', 's.id', 'l.source_id')
    .select([
      'l.source_id',
      's.code',
      'l.source_record_id',
      'r.record_type',
      'r.version',
      'r.file_name',
      'r.line_number',
      'r.ingested_at',
      'l.rule',
      'l.evidence',
      'l.linked_at',
      'l.linked_by',
    ])
    .where('l.person_id', '=', personId)
    .where('l.unlinked_at', 'is', null)
    .orderBy('s.code')
    .orderBy('l.source_record_id')
    .execute();
  return rows.map((r) => ({
    sourceId: r.source_id,
    sourceCode: r.code,
    sourceRecordId: r.source_record_id,
    recordType: r.record_type,
    version: r.version,
    fileName: r.file_name,
    lineNumber: Number(r.line_number),
    ingestedAt: r.ingested_at.toISOString(),
    link: { rule: r.rule, evidence: r.evidence, linkedAt: r.linked_at.toISOString(), linkedBy: r.linked_by },
  }));
}

export interface DocumentRow {
  kind: 'passport' | 'a_number';
  number: string;
  issuingCountry: string | null;
  sourceCode: string;
  sourceRecordId: string;
}

export async function documentsOfPerson(db: Q, personId: string): Promise<DocumentRow[]> {
  const rows = await db
    .selectFrom('identity_documents as d')
    .innerJoin('source_records as r', 'r.id', 'd.source_record_pk')
    .innerJoin('source_systems as s', 's.id', 'r.source_id')
    .select(['d.kind', 'd.number', 'd.issuing_country', 's.code', 'r.source_record_id'])
    .where('d.person_id', '=', personId)
    .orderBy('d.kind')
    .orderBy('d.number')
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    number: r.number,
    issuingCountry: r.issuing_country,
    sourceCode: r.code,
    sourceRecordId: r.source_record_id,
  }));
}

/** A record the engine compared with the one in review, and why it scored as it did. */
export interface ReviewCandidate {
  personId: string;
  record: string;
  probability: number;
  weight: number;
  /** The packed comparison vector: a decision on it becomes a label for the model. */
  pattern: number;
  evidence: PairEvidence;
}

export interface ReviewInput {
  sourceId: number;
  sourceRecordId: string;
  sourceRecordPk: string;
  reason: string;
  candidates: ReviewCandidate[];
  /** `unlinked`: the record waits on nobody; `possible_match`: it started recordPersonId. */
  kind: 'unlinked' | 'possible_match';
  recordPersonId: string | null;
}

/** Opens a review for each record (one open review per record: a newer version replaces it). */
export async function openReviews(db: Q, rows: ReviewInput[]): Promise<void> {
  if (!rows.length) {
    return;
  }
  await db
    .insertInto('match_reviews')
    .values(
      rows.map((r) => ({
        source_id: r.sourceId,
        source_record_id: r.sourceRecordId,
        source_record_pk: r.sourceRecordPk,
        reason: r.reason,
        candidates: JSON.stringify(r.candidates),
        kind: r.kind,
        record_person_id: r.recordPersonId,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['source_id', 'source_record_id'])
        .where('status', '=', 'pending')
        .doUpdateSet((eb) => ({
          source_record_pk: eb.ref('excluded.source_record_pk'),
          reason: eb.ref('excluded.reason'),
          candidates: eb.ref('excluded.candidates'),
          kind: eb.ref('excluded.kind'),
          record_person_id: eb.ref('excluded.record_person_id'),
        })),
    )
    .execute();
}

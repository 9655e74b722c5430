import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PairEvidence } from '../src/matching/index.js';
import { sql } from 'kysely';
import { ingestFile } from '../src/ingest/index.js';
import {
  admissionsCsv,
  buildAdmissionRow,
  csvLine,
  ADMISSION_HEADER,
  tempDir,
  writeFile,
} from './support/factories.js';
import { ENGINES, openTestDatabase, type TestDatabase } from './support/test-db.js';

async function tableCounts(d: TestDatabase) {
  const r = await sql<{ t: string; n: string }>`
    SELECT 'source_records' AS t, count(*) AS n FROM source_records
    UNION ALL SELECT 'quarantined_rows', count(*) FROM quarantined_rows
    UNION ALL SELECT 'people', count(*) FROM people
    UNION ALL SELECT 'person_links', count(*) FROM person_links
    UNION ALL SELECT 'admissions', count(*) FROM admissions
    UNION ALL SELECT 'identity_documents', count(*) FROM identity_documents`.execute(d.db);
  return Object.fromEntries(r.rows.map((x) => [x.t, Number(x.n)]));
}

describe.each(ENGINES)('ingest on %s', (engine) => {
  let d: TestDatabase;
  const dir = tempDir();
  beforeAll(async () => {
    d = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await d.close();
  });

  // Lines: 1 header, 2 good, 3 bad date, 4 missing class, 5 short row, 6 invalid UTF-8, 7 good.
  const good1 = buildAdmissionRow({ record_id: 'I94-M-1' });
  const good2 = buildAdmissionRow({
    record_id: 'I94-M-7',
    given_name: 'Chen',
    family_name: 'Wei-Testcase',
    passport_number: 'XT7654321',
    date_of_birth: '1979-01-30',
  });
  const badDate = buildAdmissionRow({ record_id: 'I94-M-3', admitted_on: '2025-02-30' });
  const missing = buildAdmissionRow({ record_id: 'I94-M-4', class_of_admission: '' });
  const mixed = Buffer.concat([
    Buffer.from(admissionsCsv([good1, badDate, missing])),
    Buffer.from('I94-M-5,Too,Short\n'),
    Buffer.from('I94-M-6,'),
    Buffer.from([0xc3, 0x28, 0xff]),
    Buffer.from(',,Lopez,1990-01-01,M,MEX,XT000111,MEX,,1,B2,LAX,2025-01-01,2025-06-01\n'),
    Buffer.from(csvLine(ADMISSION_HEADER.map((h) => good2[h])) + '\n'),
  ]);

  it('accepts the good rows and quarantines each bad row with its line number and every reason', async () => {
    const file = writeFile(dir, `mixed-${engine}.csv`, mixed);
    const s = await ingestFile(d.db, { sourceCode: 'I94', filePath: file });
    expect(s).toMatchObject({ rowsRead: 6, accepted: 2, quarantined: 4, duplicates: 0 });
    const q = await d.db
      .selectFrom('quarantined_rows')
      .select(['line_number', 'reasons', 'raw_text', 'file_name'])
      .where('ingest_job_id', '=', s.jobId)
      .orderBy('line_number')
      .execute();
    expect(q.map((r) => Number(r.line_number))).toEqual([3, 4, 5, 6]);
    expect(q[0]?.reasons).toEqual(['admitted_on: "2025-02-30" is not a real calendar date']);
    expect(q[1]?.reasons).toEqual(['class_of_admission: is required']);
    expect(q[2]?.reasons).toContain('row has 3 fields but the header has 15');
    expect(q[2]?.reasons.length).toBeGreaterThan(1); // the short row also lacks its dates
    expect(q[3]?.reasons).toEqual(['invalid UTF-8 byte sequence in given_name']);
    expect(q[2]?.raw_text).toBe('I94-M-5,Too,Short');
    expect(q.every((r) => r.file_name === `mixed-${engine}.csv`)).toBe(true);
  });

  it('changes no counts when the same file is ingested again', async () => {
    const before = await tableCounts(d);
    const file = writeFile(dir, `mixed-${engine}.csv`, mixed);
    const s = await ingestFile(d.db, { sourceCode: 'I94', filePath: file });
    expect(s).toMatchObject({
      rowsRead: 6,
      accepted: 0,
      quarantined: 0,
      duplicates: 6,
      alreadyQuarantined: 4,
    });
    expect(await tableCounts(d)).toEqual(before);
  });

  it('stores a changed record as a new version and keeps the old one', async () => {
    const changed = { ...good1, admit_until: '2025-12-31' };
    const file = writeFile(dir, `changed-${engine}.csv`, admissionsCsv([changed]));
    const s = await ingestFile(d.db, { sourceCode: 'I94', filePath: file });
    expect(s).toMatchObject({ accepted: 1, newVersions: 1 });
    const versions = await d.db
      .selectFrom('source_records')
      .select(['version', 'data'])
      .where('source_record_id', '=', 'I94-M-1')
      .orderBy('version')
      .execute();
    expect(versions.map((v) => [v.version, v.data.admit_until])).toEqual([
      [1, '2025-08-31'],
      [2, '2025-12-31'],
    ]);
    const projection = await d.db
      .selectFrom('admissions')
      .select(['admit_until', 'country_of_citizenship'])
      .where('source_record_id', '=', 'I94-M-1')
      .execute();
    // The admission carries the citizenship recorded on it (the overstay report groups by it).
    expect(projection).toEqual([{ admit_until: '2025-12-31', country_of_citizenship: 'NGA' }]);
    const links = await d.db
      .selectFrom('person_links')
      .select(['unlinked_at'])
      .where('source_record_id', '=', 'I94-M-1')
      .execute();
    expect(links).toHaveLength(2);
    expect(links.filter((l) => l.unlinked_at === null)).toHaveLength(1);
    // The record's documents follow its current version only.
    const docs = await d.db
      .selectFrom('identity_documents as i')
      .innerJoin('source_records as r', 'r.id', 'i.source_record_pk')
      .select(['r.version', 'i.kind'])
      .where('r.source_record_id', '=', 'I94-M-1')
      .execute();
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((doc) => doc.version === 2)).toBe(true);
  });

  it('reads NDJSON and quarantines a line that is not JSON', async () => {
    const rows = [
      JSON.stringify({
        record_id: 'EXIT-N-1',
        given_name: 'Amara',
        family_name: 'Okonkwo-Testperson',
        date_of_birth: '1988-04-12',
        departed_on: '2025-08-20',
        port_of_departure: 'JFK',
      }),
      '{"record_id": "EXIT-N-2", broken',
      JSON.stringify({ record_id: 'EXIT-N-3', family_name: 'Nobody-Testperson', departed_on: 'yesterday' }),
    ];
    const file = writeFile(dir, `departures-${engine}.ndjson`, rows.join('\n') + '\n');
    const s = await ingestFile(d.db, { sourceCode: 'EXIT', filePath: file });
    expect(s).toMatchObject({ rowsRead: 3, accepted: 1, quarantined: 2 });
    const q = await d.db
      .selectFrom('quarantined_rows')
      .select(['line_number', 'reasons'])
      .where('ingest_job_id', '=', s.jobId)
      .orderBy('line_number')
      .execute();
    expect(Number(q[0]?.line_number)).toBe(2);
    expect(q[0]?.reasons[0]).toMatch(/^not valid JSON/);
    expect(q[1]?.reasons).toEqual(['departed_on: "yesterday" is not a date in YYYY-MM-DD form']);
  });

  it('links a departure to the person with the same name and birth date and records the rule', async () => {
    const link = await d.db
      .selectFrom('person_links')
      .select(['person_id', 'rule', 'evidence'])
      .where('source_record_id', '=', 'EXIT-N-1')
      .where('unlinked_at', 'is', null)
      .executeTakeFirstOrThrow();
    const admission = await d.db
      .selectFrom('person_links')
      .select('person_id')
      .where('source_record_id', '=', 'I94-M-1')
      .where('unlinked_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(link.rule).toBe('match');
    expect(link.person_id).toBe(admission.person_id);
    // The evidence names the matched record and weighs each field, with the values compared.
    const evidence = link.evidence as { probability: number; matchedRecord: string; pair: PairEvidence };
    expect(evidence.matchedRecord).toBe('I94:I94-M-1');
    expect(evidence.probability).toBeGreaterThanOrEqual(0.99);
    expect(evidence.pair.fields.find((f) => f.field === 'date_of_birth')).toMatchObject({
      level: 'exact',
      values: ['1988-04-12', '1988-04-12'],
    });
  });

  it('never links two records with different A-numbers, even with the same name and birth date', async () => {
    const a = buildAdmissionRow({
      record_id: 'I94-A-1',
      given_name: 'Twin',
      family_name: 'Samename',
      passport_number: 'XT900001',
      a_number: '099000001',
    });
    const b = buildAdmissionRow({
      record_id: 'I94-A-2',
      given_name: 'Twin',
      family_name: 'Samename',
      passport_number: 'XT900002',
      a_number: '099000002',
    });
    const c = buildAdmissionRow({
      record_id: 'I94-A-3',
      given_name: 'Other',
      family_name: 'Person',
      passport_number: 'XT900003',
      a_number: 'A-099-000-001',
    });
    const file = writeFile(dir, `anumbers-${engine}.csv`, admissionsCsv([a, b, c]));
    await ingestFile(d.db, { sourceCode: 'I94', filePath: file });
    const links = await d.db
      .selectFrom('person_links')
      .select(['source_record_id', 'person_id', 'rule'])
      .where('source_record_id', 'in', ['I94-A-1', 'I94-A-2', 'I94-A-3'])
      .orderBy('source_record_id')
      .execute();
    expect(links[0]?.person_id).not.toBe(links[1]?.person_id);
    // Same A-number as I94-A-1 but another name: not merged silently, not lost either — a person
    // of its own with a review proposing I94-A-1's person.
    expect(links[2]).toMatchObject({ rule: 'new_person_pending_review' });
    expect([links[0]?.person_id, links[1]?.person_id]).not.toContain(links[2]?.person_id);
    const review = await d.db
      .selectFrom('match_reviews')
      .select(['kind', 'record_person_id', 'candidates', 'status'])
      .where('source_record_id', '=', 'I94-A-3')
      .executeTakeFirstOrThrow();
    expect(review).toMatchObject({
      kind: 'possible_match',
      record_person_id: links[2]?.person_id,
      status: 'pending',
    });
    expect((review.candidates as { personId: string }[])[0]?.personId).toBe(links[0]?.person_id);
  });
});

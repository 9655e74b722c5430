import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../src/ingest/index.js';
import { lockedMatcher } from '../src/people/matcher.js';
import { lockLinking } from '../src/people/matching.store.js';
import { admissionsCsv, buildAdmissionRow, tempDir, writeFile } from './support/factories.js';
import { ENGINES, openTestDatabase, type TestDatabase } from './support/test-db.js';

describe.each(ENGINES)('the shared match index on %s', (engine) => {
  let d: TestDatabase;

  beforeAll(async () => {
    d = await openTestDatabase(engine);
    const rows = [
      buildAdmissionRow({ record_id: 'I94-M-1', passport_number: 'XM0000001' }),
      buildAdmissionRow({
        record_id: 'I94-M-2',
        given_name: 'Bilal',
        family_name: 'Haddad',
        date_of_birth: '1975-02-03',
        passport_number: 'XM0000002',
      }),
    ];
    await ingestFile(d.db, {
      sourceCode: 'I94',
      filePath: writeFile(tempDir(), 'm.csv', admissionsCsv(rows)),
    });
  });
  afterAll(async () => {
    await d.close();
  });

  it('is reused after a committed writer and rebuilt when its last writer is unknown to the database', async () => {
    const first = await d.db.transaction().execute((tx) => lockedMatcher(tx));
    const again = await d.db.transaction().execute((tx) => lockedMatcher(tx));
    expect(again).toBe(first);
    expect(again.index.size).toBe(2);

    // An id this database has not assigned yet, as a matcher built on another database or
    // cluster (or before a restore) would carry: txid_status itself raises for it ('in the future').
    first.lastWriter = String(BigInt(first.lastWriter ?? 0) + 100_000n);
    const rebuilt = await d.db.transaction().execute((tx) => lockedMatcher(tx));
    expect(rebuilt).not.toBe(first);
    expect(rebuilt.index.size).toBe(2);
  });

  it('reads links another process wrote, and only when there are some', async () => {
    const before = await d.db.transaction().execute((tx) => lockedMatcher(tx));
    const mark = before.watermark;
    expect(mark).toBeGreaterThan(0);
    // Another process splits I94-M-2 off to a new person, under the linking lock as every writer.
    const newLinkId = await d.db.transaction().execute(async (tx) => {
      await lockLinking(tx);
      const person = await sql<{ id: string }>`INSERT INTO people DEFAULT VALUES RETURNING id`.execute(tx);
      const old = await sql<{ id: string }>`
        UPDATE person_links SET unlinked_at = now(), unlink_reason = 'split (test)'
        WHERE source_record_id = 'I94-M-2' AND unlinked_at IS NULL RETURNING id`.execute(tx);
      expect(old.rows).toHaveLength(1);
      const link = await sql<{ id: string }>`
        INSERT INTO person_links (person_id, source_id, source_record_id, source_record_pk, rule, linked_by)
        SELECT ${person.rows[0]!.id}, source_id, source_record_id, source_record_pk, 'split', 'other process'
        FROM person_links WHERE id = ${old.rows[0]!.id} RETURNING id`.execute(tx);
      return Number(link.rows[0]!.id);
    });
    expect(newLinkId).toBeGreaterThan(mark);
    const after = await d.db.transaction().execute((tx) => lockedMatcher(tx));
    expect(after).toBe(before);
    expect(after.watermark).toBe(newLinkId);
    expect(after.index.size).toBe(2);
    // Nothing newer: the watermark stays.
    const again = await d.db.transaction().execute((tx) => lockedMatcher(tx));
    expect(again.watermark).toBe(newLinkId);
  });

  it('is rebuilt after its last writer rolled back', async () => {
    const before = await d.db.transaction().execute((tx) => lockedMatcher(tx));
    await expect(
      d.db.transaction().execute(async (tx) => {
        await lockedMatcher(tx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const after = await d.db.transaction().execute((tx) => lockedMatcher(tx));
    expect(after).not.toBe(before);
    expect(after.index.size).toBe(2);
  });
});

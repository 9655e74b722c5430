import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../src/ingest/index.js';
import { lockedMatcher } from '../src/people/matcher.js';
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

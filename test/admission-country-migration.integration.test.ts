import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { ENGINES, openDatabaseBefore } from './support/test-db.js';

/**
 * Migration 0006 on a database that already holds admissions: each admission takes the country
 * of citizenship of its own identity record, and stored determinations follow it.
 */
describe.each(ENGINES)('migration 0006 on %s', (engine) => {
  let d: Database;

  beforeAll(async () => {
    d = await openDatabaseBefore(engine, '0006');
  });
  afterAll(async () => {
    await d.close();
  });

  it("backfills each admission's country from its own record, not the person's other records", async () => {
    await sql`INSERT INTO people (id) VALUES (1)`.execute(d.db);
    // Two admissions (MEX, IND) and two departures (NGA): NGA is the most common on the person.
    await sql`
      INSERT INTO source_records (id, source_id, source_record_id, version, checksum, record_type, data, raw,
        file_name, line_number)
      SELECT pk, (SELECT id FROM source_systems WHERE code = src), rid, 1, rid, kind, '{}', '', 'f', pk
      FROM (VALUES (1, 'I94', 'A1', 'admission'), (2, 'I94', 'A2', 'admission'),
                   (3, 'EXIT', 'D1', 'departure'), (4, 'EXIT', 'D2', 'departure')) v(pk, src, rid, kind)`.execute(
      d.db,
    );
    await sql`
      INSERT INTO record_identities (source_id, source_record_id, source_record_pk, record_type, person_id,
        country_of_citizenship)
      SELECT source_id, source_record_id, id, record_type, 1,
             (ARRAY['MEX', 'IND', 'NGA', 'NGA'])[id]
      FROM source_records`.execute(d.db);
    await sql`
      INSERT INTO admissions (id, source_id, source_record_id, source_record_pk, person_id, class_of_admission,
        admitted_on, admit_until)
      SELECT id, source_id, source_record_id, id, 1, 'B2', DATE '2024-01-10', DATE '2024-07-09'
      FROM source_records WHERE record_type = 'admission'`.execute(d.db);
    await sql`
      INSERT INTO overstay_determinations (admission_id, person_id, outcome, rule, class_of_admission,
        country_of_citizenship, as_of)
      VALUES (1, 1, 'not_yet_due', 'overstay.authorized_stay_not_ended', 'B2', 'NGA', DATE '2024-02-01')`.execute(
      d.db,
    );

    expect(await migrate(d.db)).toContain('0006_admission_country_of_citizenship');

    const admissions = await d.db
      .selectFrom('admissions')
      .select(['id', 'country_of_citizenship'])
      .orderBy('id')
      .execute();
    expect(admissions.map((a) => a.country_of_citizenship)).toEqual(['MEX', 'IND']);
    const determination = await d.db
      .selectFrom('overstay_determinations')
      .select('country_of_citizenship')
      .executeTakeFirstOrThrow();
    expect(determination.country_of_citizenship).toBe('MEX');
  });
});

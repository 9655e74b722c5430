import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { ENGINES, openDatabaseBefore } from './support/test-db.js';

/**
 * Migration 0007 on grants recorded before it, when the earliest departure within a grant's dates
 * complied with it whether confirmed or not: each complied grant now shows the earliest confirmed
 * departure within its dates, else the earliest self-reported one, flagged as such.
 */
describe.each(ENGINES)('migration 0007 on %s', (engine) => {
  let d: Database;

  beforeAll(async () => {
    d = await openDatabaseBefore(engine, '0007');
  });
  afterAll(async () => {
    await d.close();
  });

  it('prefers a confirmed departure, flags a self-reported one, and keeps a grant whose departure moved away', async () => {
    await sql`INSERT INTO people (id) VALUES (1), (2)`.execute(d.db);
    await sql`
      INSERT INTO source_records (id, source_id, source_record_id, version, checksum, record_type, data, raw,
        file_name, line_number)
      SELECT pk, (SELECT id FROM source_systems WHERE code = src), rid, 1, rid, 'departure', '{}', '', 'f', pk
      FROM (VALUES (1, 'SELF', 'S1'), (2, 'EXIT', 'E1')) v(pk, src, rid)`.execute(d.db);
    // Person 1 reported leaving on 5 November; a carrier recorded them leaving on 12 November.
    await sql`
      INSERT INTO departures (source_id, source_record_id, source_record_pk, person_id, departed_on, self_reported)
      SELECT source_id, source_record_id, id, 1, v.departed_on, v.self
      FROM source_records JOIN (VALUES (1, DATE '2026-11-05', true), (2, DATE '2026-11-12', false)) v(pk, departed_on, self)
        ON v.pk = source_records.id`.execute(d.db);
    await sql`
      INSERT INTO voluntary_departures (id, person_id, granted_on, depart_by, granted_by, complied_on, departure_record_pk)
      VALUES (1, 1, DATE '2026-11-01', DATE '2026-11-30', 'IJ', DATE '2026-11-05', 1),
             (2, 1, DATE '2026-11-01', DATE '2026-11-08', 'IJ', DATE '2026-11-05', 1),
             (3, 2, DATE '2026-11-01', DATE '2026-11-30', 'IJ', DATE '2026-11-12', 2),
             (4, 1, DATE '2026-12-01', DATE '2026-12-31', 'IJ', NULL, NULL)`.execute(d.db);

    expect(await migrate(d.db)).toContain('0007_voluntary_departure_confirmation');

    const grants = await d.db
      .selectFrom('voluntary_departures')
      .select(['id', 'complied_on', 'departure_record_pk', 'complied_self_reported'])
      .orderBy('id')
      .execute();
    expect(grants).toEqual([
      // Both departures fall within its dates: the confirmed one outweighs the earlier self-report.
      { id: '1', complied_on: '2026-11-12', departure_record_pk: '2', complied_self_reported: false },
      // Only the self-report falls within its dates.
      { id: '2', complied_on: '2026-11-05', departure_record_pk: '1', complied_self_reported: true },
      // Its departure is now another person's (a split): kept as recorded, flagged from that record.
      { id: '3', complied_on: '2026-11-12', departure_record_pk: '2', complied_self_reported: false },
      { id: '4', complied_on: null, departure_record_pk: null, complied_self_reported: null },
    ]);
  });
});

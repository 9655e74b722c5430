import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BinaryCopyWriter,
  readBinaryCopy,
  textAt,
  type Int8Column,
  type TextColumn,
} from '../src/db/binary-copy.js';
import { copyOut } from '../src/db/copy-out.js';
import { TEST_PG_URL, openTestDatabase, type TestDatabase } from './support/test-db.js';

// PostgreSQL only: COPY TO STDOUT through node-postgres (PGlite's adapter has no COPY streams).
describe.runIf(TEST_PG_URL)('COPY TO STDOUT into one buffer (copyOut)', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await d.close();
  });

  it('returns every row of a COPY spanning many socket reads, in binary and text, and the client goes on', async () => {
    const client = await d.pgPool!.connect();
    try {
      const rows = 200_000;
      const binary = await copyOut(
        client,
        `COPY (SELECT g::bigint, repeat('x', g % 70) FROM generate_series(1, ${rows}) g) TO STDOUT (FORMAT binary)`,
      );
      const columns = readBinaryCopy(binary, ['int8', 'text']);
      expect(columns.rows).toBe(rows);
      const ids = columns.columns[0] as Int8Column;
      const texts = columns.columns[1] as TextColumn;
      for (const r of [0, 1, 69, 70, 12_345, rows - 1]) {
        expect(ids.values[r]).toBe(r + 1);
        expect(textAt(texts, r)).toBe('x'.repeat((r + 1) % 70));
      }
      // rows longer than a socket read: a payload spans reads, and headers split across them
      const long = await copyOut(
        client,
        `COPY (SELECT g, repeat(chr(65 + g), 300000 + g) FROM generate_series(1, 5) g) TO STDOUT (FORMAT binary)`,
      );
      const longColumns = readBinaryCopy(long, ['int4', 'text']);
      expect(longColumns.rows).toBe(5);
      for (let r = 0; r < 5; r++) {
        expect(textAt(longColumns.columns[1] as TextColumn, r)).toBe(
          String.fromCharCode(66 + r).repeat(300_001 + r),
        );
      }
      const text = await copyOut(client, `COPY (SELECT g, 'é' FROM generate_series(1, 3) g) TO STDOUT`);
      expect(text.toString('utf8')).toBe('1\té\n2\té\n3\té\n');
      const { rows: after } = await client.query<{ n: number }>('SELECT 41 + 1 AS n');
      expect(after[0]?.n).toBe(42);
    } finally {
      client.release();
    }
  });

  it('rejects with the server error when the COPY fails after rows were sent, and the client goes on', async () => {
    const client = await d.pgPool!.connect();
    try {
      await expect(
        copyOut(
          client,
          `COPY (SELECT 1 / (100000 - g) FROM generate_series(1, 200000) g) TO STDOUT (FORMAT binary)`,
        ),
      ).rejects.toThrow(/division by zero/);
      await expect(copyOut(client, 'COPY no_such_table TO STDOUT')).rejects.toThrow(/no_such_table/);
      const { rows } = await client.query<{ n: number }>('SELECT 7 AS n');
      expect(rows[0]?.n).toBe(7);
    } finally {
      client.release();
    }
  });

  it('reads back what the writer wrote, through a table', async () => {
    const client = await d.pgPool!.connect();
    try {
      await client.query(
        'CREATE TEMP TABLE copy_round (id bigint, name text, on_day date, n int, ok bool, tags text[], pks bigint[])',
      );
      await client.query(`INSERT INTO copy_round VALUES
        (9007199254740991, 'ünï', '2024-02-29', -5, true, '{a,b}', '{1,2}'),
        (-3, NULL, NULL, NULL, NULL, '{}', '{}')`);
      const out = await copyOut(
        client,
        'COPY (SELECT id, name, on_day, n FROM copy_round ORDER BY id DESC) TO STDOUT (FORMAT binary)',
      );
      const c = readBinaryCopy(out, ['int8', 'text', 'date', 'int4']);
      expect(c.rows).toBe(2);
      expect((c.columns[0] as Int8Column).values[0]).toBe(9_007_199_254_740_991);
      expect(textAt(c.columns[1] as TextColumn, 0)).toBe('ünï');
      expect(textAt(c.columns[1] as TextColumn, 1)).toBeNull();
      // and the writer's arrays are read by PostgreSQL as arrays
      const w = new BinaryCopyWriter(64);
      w.row(2);
      w.textArray([Buffer.from('x'), Buffer.from('yz')]);
      w.int8Array([5, 2 ** 40]);
      const { from } = await import('pg-copy-streams');
      const stream = client.query(from('COPY copy_round (tags, pks) FROM STDIN (FORMAT binary)'));
      await new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
        stream.end(w.finish());
      });
      const { rows } = await client.query<{ tags: string[]; pks: string[] }>(
        'SELECT tags, pks::text[] AS pks FROM copy_round WHERE id IS NULL',
      );
      expect(rows).toEqual([{ tags: ['x', 'yz'], pks: ['5', String(2 ** 40)] }]);
    } finally {
      client.release();
    }
  });
});

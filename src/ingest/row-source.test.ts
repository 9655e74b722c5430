import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRows, type SourceRow } from './row-source.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passage-rows-'));
async function rowsOf(content: string | Buffer, name: string): Promise<SourceRow[]> {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  const out: SourceRow[] = [];
  for await (const r of readRows(p, name.endsWith('.csv') ? 'csv' : 'ndjson')) out.push(r);
  return out;
}

describe('reading CSV', () => {
  it('numbers rows by their first line, counting blank lines and quoted line breaks', async () => {
    const rows = await rowsOf('id,name\n1,"two\nlines"\n\n2,b\n', 'lines.csv');
    expect(rows.map((r) => r.lineNumber)).toEqual([2, 5]);
    expect(rows[1]?.raw).toBe('2,b');
  });
  it('reports a row with the wrong number of fields', async () => {
    const rows = await rowsOf('id,name\n1,a,extra\n', 'count.csv');
    expect(rows[0]?.problems).toEqual(['row has 3 fields but the header has 2']);
  });
  it('reports invalid UTF-8 in the field where it occurs', async () => {
    const rows = await rowsOf(
      Buffer.concat([Buffer.from('id,name\n1,'), Buffer.from([0xff]), Buffer.from('\n')]),
      'utf8.csv',
    );
    expect(rows[0]?.problems).toEqual(['invalid UTF-8 byte sequence in name']);
  });
  it('keeps multi-byte characters split across read chunks intact', async () => {
    const name = 'Ñ'.repeat(70_000);
    const rows = await rowsOf(`id,name\n1,${name}\n`, 'big.csv');
    expect(rows[0]?.fields?.name).toBe(name);
    expect(rows[0]?.problems).toEqual([]);
  });
  it('reports where a file with an unclosed quote stops being readable, keeping the rows before it', async () => {
    const rows = await rowsOf('id,name\n1,a\n2,"broken\n', 'quote.csv');
    expect(rows[0]?.fields).toEqual({ id: '1', name: 'a' });
    expect(rows[1]?.fields).toBeUndefined();
    expect(rows[1]?.problems[0]).toMatch(/cannot be read past this line/);
  });
  it('strips a byte-order mark from the header', async () => {
    const rows = await rowsOf('\uFEFFid,name\n1,a\n', 'bom.csv');
    expect(rows[0]?.fields).toEqual({ id: '1', name: 'a' });
  });
});

describe('reading NDJSON', () => {
  it('reports a line that is not JSON, and one that is not an object', async () => {
    const rows = await rowsOf('{"id":"1"}\n{oops\n[1,2]\n\n{"id":2,"n":null}\n', 'rows.ndjson');
    expect(rows.map((r) => r.lineNumber)).toEqual([1, 2, 3, 5]);
    expect(rows[1]?.problems[0]).toMatch(/^not valid JSON/);
    expect(rows[2]?.problems).toEqual(['each record must be one JSON object']);
    expect(rows[3]?.fields).toEqual({ id: '2', n: '' });
  });
  it('refuses nested values', async () => {
    const rows = await rowsOf('{"id":"1","name":{"given":"A"}}\n', 'nested.ndjson');
    expect(rows[0]?.problems).toEqual(['nested values are not accepted (name)']);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerResolveCommand } from './resolve.command.js';

const HEADER =
  'record_id,given_name,middle_name,family_name,date_of_birth,sex,country_of_citizenship,passport_number,a_number';
const ROWS = [
  'R1,José,,García López,1985-03-17,M,MEX,X10000001,A990000001',
  'R2,JOSE,,GARCIA,1985-03-17,M,MEX,X10000001,',
  'R3,Jose,,Garcia Lopez,17.03.1985,M,MEX,,',
  'R4,Wei,,Wang,1990-11-02,M,CHN,X20000002,',
  'R5,Wang,,Wei,1990-11-02,M,CHN,X20000002,',
  'R6,Amara,,Okonkwo,1979-06-30,F,NGA,X30000003,',
  'R7,only,three,fields',
  'R1,Duplicate,,Id,1979-06-30,F,NGA,,',
];

let dir: string;
async function run(...args: string[]) {
  const program = new Command('passage').exitOverride();
  registerResolveCommand(program);
  await program.parseAsync(['node', 'passage', 'resolve', ...args]);
}
const readCsv = (file: string): Record<string, string>[] =>
  parse<Record<string, string>>(fs.readFileSync(file, 'utf8'), { columns: true });

describe('passage resolve', () => {
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passage-resolve-'));
    fs.writeFileSync(path.join(dir, 'people.csv'), [HEADER, ...ROWS].join('\n'));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterAll(() => {
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('deduplicates a file into clusters, rejects malformed rows with their line, and writes evidence', async () => {
    const out = path.join(dir, 'clusters.csv');
    await run(path.join(dir, 'people.csv'), '--out', out, '--pairs', path.join(dir, 'pairs.csv'));
    const clusters = readCsv(out);
    const of = (id: string) => clusters.find((c) => c.record_id === id)?.cluster_id;
    expect(clusters.map((c) => c.record_id)).toEqual(['R1', 'R2', 'R4', 'R5', 'R6']);
    expect(of('R1')).toBe(of('R2'));
    expect(of('R4')).toBe(of('R5'));
    expect(of('R6')).not.toBe(of('R1'));
    // "17.03.1985" is not a date this command reads: the row is rejected, not silently dropped.
    const rejects = readCsv(path.join(dir, 'clusters.rejects.csv'));
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      ['4', 'date_of_birth "17.03.1985" is not a date (YYYY-MM-DD, YYYYMMDD or YYYY)'],
      ['8', 'row has 4 fields but the header has 9'],
      ['9', 'record_id "R1" appears twice in this file'],
    ]);
    const pairs = readCsv(path.join(dir, 'pairs.csv'));
    const swapped = pairs.find((p) => p.record_id_a === 'R4' && p.record_id_b === 'R5')!;
    expect(swapped.outcome).toBe('link');
    expect(JSON.parse(swapped.evidence!)).toMatchObject({ namesSwapped: true });
  });

  it('links two files and says which file each record came from', async () => {
    const a = path.join(dir, 'a.csv');
    const b = path.join(dir, 'b.csv');
    fs.writeFileSync(a, `rec_id,first,surname,dob\nA1,Mohammed,Hassan,19800101\nA2,Lena,Fischer,19920713\n`);
    fs.writeFileSync(b, `rec_id,first,surname,dob\nB1,Muhammad,Hassan,19800101\nB2,Priya,Sharma,19750304\n`);
    const out = path.join(dir, 'linked.csv');
    await run(
      a,
      b,
      '--out',
      out,
      '--columns',
      'record_id=rec_id,given_name=first,family_name=surname,date_of_birth=dob',
    );
    const clusters = readCsv(out);
    expect(clusters.map((c) => c.file)).toEqual(['a.csv', 'a.csv', 'b.csv', 'b.csv']);
    expect(clusters).toHaveLength(4);
  });

  it('refuses a --columns mapping to a column the file does not have', async () => {
    await expect(
      run(path.join(dir, 'people.csv'), '--out', path.join(dir, 'x.csv'), '--columns', 'record_id=nope'),
    ).rejects.toThrow(/not a column of the file/);
  });
});

import { describe, expect, it } from 'vitest';
import { resolveRecords } from './engine.js';
import { MatchIndex } from './incremental.js';
import { demoRecords } from './matching.factories.js';
import { compareInParallel } from './parallel-compare.js';
import { PairComparator } from './compare.rules.js';
import { specsOf } from './model.rules.js';

describe('blocking and resolution on a synthetic population', () => {
  const { records, person } = demoRecords(600, 4242);
  const result = resolveRecords(records);
  const truthOf = (i: number) => person.get(result.store.ids[i]!)!;

  it('keeps at least 99% of true pairs among the candidates, with candidates near-linear', () => {
    const byPerson = new Map<string, number>();
    for (let i = 0; i < result.store.size; i++) byPerson.set(truthOf(i), (byPerson.get(truthOf(i)) ?? 0) + 1);
    let truePairs = 0;
    for (const n of byPerson.values()) truePairs += (n * (n - 1)) / 2;
    let found = 0;
    for (let p = 0; p < result.pairs.count; p++) {
      if (truthOf(result.pairs.a[p]!) === truthOf(result.pairs.b[p]!)) found++;
    }
    expect(found / truePairs).toBeGreaterThanOrEqual(0.99);
    expect(result.pairs.count).toBeLessThan(result.store.size * 20);
  });

  it('compares exactly the same pairs on two threads as on one', () => {
    const fields = specsOf(result.model);
    const parallel = compareInParallel(
      result.store,
      result.index,
      new PairComparator(result.store, fields),
      fields,
      false,
    )!;
    const key = (a: Int32Array, b: Int32Array, pattern: Float64Array, n: number) =>
      Array.from({ length: n }, (_, p) => `${a[p]!}:${b[p]!}:${pattern[p]!}`).sort();
    expect(key(parallel.a, parallel.b, parallel.pattern, parallel.count)).toEqual(
      key(result.pairs.a, result.pairs.b, result.pairs.pattern, result.pairs.count),
    );
  });

  it('links a new record of a known person through the incremental index, with evidence', () => {
    const index = MatchIndex.fromResult(result);
    const known = records[0]!;
    const resolution = index.resolve({ ...known, id: 'NEW-1', passportNumber: '' });
    expect(resolution.outcome).toBe('link');
    expect(resolution.clusterId).toBe(`C${result.clustering.cluster[0]! + 1}`);
    expect(resolution.candidates[0]!.evidence.fields.length).toBeGreaterThan(3);
    expect(index.size).toBe(result.store.size);
  });

  it('sends a record with another A-number than the matching person to review, never links it', () => {
    const index = MatchIndex.fromResult(result);
    const withA = records.find((r) => (r.aNumber ?? '') !== '')!;
    const resolution = index.resolve({ ...withA, id: 'NEW-3', aNumber: 'A000000001' });
    expect(resolution.outcome).toBe('review');
    expect(resolution.reason).toBe('a_number_conflict');
  });

  it('holds a possible twin (same family name and birth date, another given name) for review', () => {
    const index = MatchIndex.fromResult(result);
    const known = records[0]!;
    const resolution = index.resolve({
      ...known,
      id: 'NEW-4',
      givenName: 'Zebulon',
      middleName: '',
      passportNumber: '',
    });
    expect(resolution.outcome).not.toBe('link');
  });

  it('starts a new person for a record nobody resembles', () => {
    const index = MatchIndex.fromResult(result);
    const resolution = index.resolve({
      id: 'NEW-2',
      givenName: 'Zebulon',
      familyName: 'Quaxley',
      dateOfBirth: '1901-02-03',
    });
    expect(resolution.outcome).toBe('new');
  });
});

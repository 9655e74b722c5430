import { describe, expect, it } from 'vitest';
import { nameSoundPrefix } from './blocking.rules.js';
import { resolveRecords } from './engine.js';
import { MatchIndex } from './incremental.js';
import { buildMatchRecord, demoRecords } from './matching.factories.js';
import { compareInParallel } from './parallel-compare.js';
import { PairComparator } from './compare.rules.js';
import { specsOf } from './model.rules.js';
import { RecordStore, type MatchRecord } from './record-store.js';

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

describe('blocking past a wrongly keyed date of birth', () => {
  const keysOf = (...people: Partial<MatchRecord>[]) => {
    const store = new RecordStore();
    return people.map((p, k) => {
      const out: number[] = [];
      nameSoundPrefix(store, store.add(buildMatchRecord({ id: `R${k}`, ...p })), out);
      return out;
    });
  };
  const shareKey = (a: number[], b: number[]) => a.some((k) => b.includes(k));

  it('gives two records of one name a shared key whatever their birth dates', () => {
    const [a, b] = keysOf(
      { givenName: 'Emma', familyName: 'Louca', dateOfBirth: '1959-03-08' },
      { givenName: 'Emma', familyName: 'Louca', dateOfBirth: '1936-05-12' },
    );
    expect(shareKey(a!, b!)).toBe(true);
  });

  it('still shares a key when a typo changed one name’s sound and the names are swapped', () => {
    const [a, b] = keysOf(
      { givenName: 'Lauren', familyName: 'Frahn' },
      { givenName: 'Frahn', familyName: 'Laurex' },
    );
    expect(shareKey(a!, b!)).toBe(true);
  });

  it('shares no key between two different names', () => {
    const [a, b] = keysOf(
      { givenName: 'Lauren', familyName: 'Frahn' },
      { givenName: 'Maria', familyName: 'Garcia' },
    );
    expect(shareKey(a!, b!)).toBe(false);
  });

  /**
   * Whether the factory's person and a namesake born years later (with `other` on top) are
   * compared. Two records are too few to infer a column's kind: the address is declared free text.
   */
  const comparedWithNamesake = (other: Partial<MatchRecord>, first: Partial<MatchRecord> = {}) => {
    const namesake = { id: 'R2', givenName: 'Amara', familyName: 'Okonkwo', dateOfBirth: '1979-11-02' };
    const records = [buildMatchRecord(first), buildMatchRecord({ ...namesake, ...other })];
    return (
      resolveRecords(records, { extraColumns: ['address'], extraKinds: { address: 'text' } }).pairs.count > 0
    );
  };

  it('compares same-name records born years apart when their passports are one edit apart', () => {
    expect(comparedWithNamesake({ passportNumber: 'X10000701' })).toBe(true);
  });

  it('compares same-name records born years apart when an extra column (an address) agrees', () => {
    const address = { extra: { address: '92 cherry place berwick' } };
    expect(comparedWithNamesake({ passportNumber: '', ...address }, address)).toBe(true);
  });

  it('does not compare namesakes born years apart with nothing else in common', () => {
    expect(comparedWithNamesake({ passportNumber: 'X55512345' })).toBe(false);
  });
});

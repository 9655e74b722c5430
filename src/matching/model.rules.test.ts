import { describe, expect, it } from 'vitest';
import { compareRecords } from './compare-records.js';
import { defaultM, expectationMaximization } from './em.rules.js';
import { pack } from './fields.rules.js';
import { buildMatchRecord } from './matching.factories.js';
import { refineModel } from './model.rules.js';
import { resolveRecords } from './engine.js';
import { PairScorer } from './score.rules.js';

/** Deterministic pseudo-random numbers for simulated comparison vectors. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('EM', () => {
  // Three two-level fields (agree / disagree) with known m and u; 20% of pairs are matches.
  const trueM = [0.95, 0.9, 0.85];
  const trueU = [0.05, 0.1, 0.2];
  const random = rng(7);
  const counts = new Map<number, number>();
  for (let k = 0; k < 20_000; k++) {
    const match = random() < 0.2;
    const levels = trueM.map((m, f) => ((match ? random() < m : random() < trueU[f]!) ? 0 : 1));
    const p = pack(levels);
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  const patterns = [...counts.keys()];
  const result = expectationMaximization({
    levelCounts: [2, 2, 2],
    patterns,
    counts: patterns.map((p) => counts.get(p)!),
    start: {
      m: [defaultM(2), defaultM(2), defaultM(2)],
      u: [
        [0.3, 0.7],
        [0.3, 0.7],
        [0.3, 0.7],
      ],
      lambda: 0.5,
    },
  });

  it('recovers m, u and the match share of a known mixture', () => {
    expect(result.converged).toBe(true);
    expect(result.lambda).toBeCloseTo(0.2, 1);
    result.m.forEach((m, f) => {
      expect(m[0]).toBeCloseTo(trueM[f]!, 1);
    });
    result.u.forEach((u, f) => {
      expect(u[0]).toBeCloseTo(trueU[f]!, 1);
    });
  });

  it('keeps labelled pairs at their known answer', () => {
    const labelled = expectationMaximization({
      levelCounts: [2, 2, 2],
      patterns,
      counts: patterns.map((p) => counts.get(p)!),
      start: result,
      labels: [{ pattern: pack([1, 1, 1]), match: true }],
      labelWeight: 2000,
    });
    // Two thousand confirmed matches that disagree everywhere make disagreement likelier among matches.
    expect(labelled.m[0]![1]).toBeGreaterThan(result.m[0]![1]!);
  });
});

describe('model and term frequencies', () => {
  // A small population: many Smiths, one Okonkwo; every person recorded twice.
  const people = Array.from({ length: 60 }, (_, k) => ({
    givenName: ['Anna', 'Ben', 'Chloe', 'Dan', 'Eve', 'Finn'][k % 6]!,
    familyName: k === 0 ? 'Okonkwo' : k % 2 ? 'Smith' : `Family${k}`,
    dateOfBirth: `19${String(50 + (k % 40)).padStart(2, '0')}-0${1 + (k % 9)}-1${k % 10}`,
  }));
  const records = people.flatMap((p, k) => [
    buildMatchRecord({ id: `A${k}`, ...p, passportNumber: `X1${String(k).padStart(7, '0')}` }),
    buildMatchRecord({ id: `B${k}`, ...p, passportNumber: `X2${String(k).padStart(7, '0')}` }),
  ]);
  const result = resolveRecords(records);
  const scorer = new PairScorer(result.model, result.store);
  const familyField = result.model.fields.findIndex((f) => f.name === 'family_name');
  const indexOf = (id: string) => result.store.ids.indexOf(id);

  it('weighs agreement on a rare surname more than on a common one', () => {
    const rare = scorer.termFrequency(familyField, indexOf('B0'), false);
    const common = scorer.termFrequency(familyField, indexOf('B1'), false);
    expect(rare).toBeGreaterThan(common);
  });

  it('gives every level a finite weight, and name and date agreement more than disagreement', () => {
    for (const f of result.model.fields) {
      for (const w of f.weights) expect(Number.isFinite(w)).toBe(true);
      if (['given_name', 'family_name', 'date_of_birth'].includes(f.name)) {
        expect(f.weights[0]!).toBeGreaterThan(f.weights[f.weights.length - 1]!);
      }
    }
  });

  it('refines the model with confirmed review decisions', () => {
    const a = buildMatchRecord({ id: 'x', givenName: 'Anna', familyName: 'Smith' });
    const b = buildMatchRecord({ id: 'y', givenName: 'Zoe', familyName: 'Smith' });
    const { pattern } = compareRecords(a, b, result.model);
    const refined = refineModel(result.model, [{ pattern, match: true }], 500);
    const given = (m: typeof refined) => m.fields.find((f) => f.name === 'given_name')!;
    const different = given(refined).levels.indexOf('different');
    expect(given(refined).m[different]!).toBeGreaterThan(given(result.model).m[different]!);
    expect(refined.em.labels).toBe(1);
  });

  it('serializes the model as plain JSON', () => {
    expect(JSON.parse(JSON.stringify(result.model))).toEqual(result.model);
  });
});

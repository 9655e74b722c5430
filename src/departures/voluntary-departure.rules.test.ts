import { describe, expect, it } from 'vitest';
import { grantProblems } from './voluntary-departure.rules.js';

describe('voluntary departure grant rules', () => {
  it('accepts a grant whose depart-by date is on or after the grant date', () => {
    expect(grantProblems({ grantedOn: '2026-10-01', departBy: '2026-11-30' }, '2026-11-23')).toEqual([]);
    expect(grantProblems({ grantedOn: '2026-10-01', departBy: '2026-10-01' }, '2026-11-23')).toEqual([]);
  });

  it('refuses a depart-by date before the grant date', () => {
    expect(grantProblems({ grantedOn: '2026-10-01', departBy: '2026-09-30' }, '2026-11-23')).toEqual([
      'The date to depart by must be on or after the date of the grant.',
    ]);
  });

  it('refuses a grant dated in the future', () => {
    expect(grantProblems({ grantedOn: '2026-11-24', departBy: '2027-01-31' }, '2026-11-23')).toEqual([
      'The grant date is in the future: record a grant once it has been made.',
    ]);
  });
});

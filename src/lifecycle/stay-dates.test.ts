import { describe, expect, it } from 'vitest';
import { isIsoDate } from './stay.rules.js';

/** The definition isIsoDate replaces: a Date round trip. */
const byDate = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
};

describe('isIsoDate', () => {
  it('agrees with a Date round trip on every month and day of leap, common and century years', () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    let real = 0;
    for (const year of [0, 1, 4, 100, 400, 1900, 1999, 2000, 2023, 2024, 2100, 9999]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const value = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          expect(isIsoDate(value), value).toBe(byDate(value));
          if (byDate(value)) real++;
        }
      }
    }
    // 12 years: 5 leap (0, 4, 400, 2000, 2024), 7 common.
    expect(real).toBe(5 * 366 + 7 * 365);
  });

  it('refuses other shapes', () => {
    for (const value of [
      '2024-2-03',
      '24-02-03',
      '2024-02-03T00:00',
      ' 2024-02-03',
      '2024/02/03',
      '',
      'D/S',
    ]) {
      expect(isIsoDate(value), value).toBe(false);
    }
  });
});

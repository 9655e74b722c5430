import { describe, expect, it } from 'vitest';
import { compareRecords } from './compare-records.js';
import { dateLevel, documentLevel, familyLevel, givenLevel, middleLevel } from './compare.rules.js';
import { jaro, jaroWinkler, withinOneEdit } from './jaro-winkler.js';
import { buildMatchRecord } from './matching.factories.js';
import { normalizeText, parseANumber, parseDate } from './normalize.rules.js';
import { phoneticKey } from './phonetic.rules.js';

const levels = (a: Parameters<typeof buildMatchRecord>[0], b: Parameters<typeof buildMatchRecord>[0]) =>
  compareRecords(buildMatchRecord(a), buildMatchRecord({ id: 'R2', ...b }));

describe('normalization', () => {
  it('folds case, diacritics, hyphens, punctuation and spacing', () => {
    expect(normalizeText("  JOSÉ-María  O'Neil ")).toBe('jose maria o neil');
    expect(normalizeText('Łukasz Øster')).toBe('lukasz oster');
  });
  it('reads ISO, FEBRL YYYYMMDD and year-only dates, and rejects text', () => {
    expect(parseDate('1985-03-17')).toBe(19850317);
    expect(parseDate('19850317')).toBe(19850317);
    expect(parseDate('1985')).toBe(19850101);
    expect(parseDate('17/03/85')).toBe(-1);
    expect(parseDate('')).toBe(0);
  });
  it('reads A-numbers written with or without A and hyphens', () => {
    expect(parseANumber('A-123-456-789')).toBe(123456789);
    expect(parseANumber('A12345678')).toBe(12345678);
    expect(parseANumber('12')).toBe(0);
  });
});

describe('Jaro–Winkler', () => {
  it('matches the textbook values', () => {
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.9444, 4);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
  it('counts one substitution, insertion or adjacent swap as one edit', () => {
    expect(withinOneEdit('X1234567', 'X1234597')).toBe(true);
    expect(withinOneEdit('X1234567', 'X1243567')).toBe(true);
    expect(withinOneEdit('X1234567', 'X123567')).toBe(true);
    expect(withinOneEdit('X1234567', 'X7654321')).toBe(false);
  });
});

describe('phonetic key', () => {
  it('gives transliteration variants one key', () => {
    for (const group of [
      ['mohammed', 'muhammad', 'mohamed', 'mohammad'],
      ['yousef', 'youssef', 'yusuf', 'yousif'],
      ['zhang', 'chang'],
      ['hussein', 'husain'],
      ['aleksandr', 'alexander', 'oleksandr'],
    ]) {
      expect(new Set(group.map(phoneticKey)).size).toBe(1);
    }
  });
  it('keeps different names apart', () => {
    expect(phoneticKey('mohammed')).not.toBe(phoneticKey('mahmoud'));
    expect(phoneticKey('garcia')).not.toBe(phoneticKey('lopez'));
  });
});

describe('name comparisons', () => {
  it('rates a transliteration variant as phonetic or close, never different', () => {
    const r = levels({ givenName: 'Mohammed' }, { givenName: 'Muhammad' });
    expect(['jaro_winkler_0.85', 'jaro_winkler_0.92', 'phonetic']).toContain(r.levels.given_name);
    expect(levels({ familyName: 'Zhang' }, { familyName: 'Chang' }).levels.family_name).not.toBe('different');
  });
  it('reads swapped given and family names crossed', () => {
    const r = levels({ givenName: 'Wei', familyName: 'Wang' }, { givenName: 'Wang', familyName: 'Wei' });
    expect(r.namesSwapped).toBe(true);
    expect(r.levels.given_name).toBe('exact');
    expect(r.levels.family_name).toBe('exact');
  });
  it('does not read names crossed when only one of them matches the other side', () => {
    const r = levels(
      { givenName: 'Miguel', familyName: 'Medina' },
      { givenName: 'Medina', familyName: 'Ramon' },
    );
    expect(r.namesSwapped).toBe(false);
  });
  it('rates a dropped second surname as its own level', () => {
    expect(familyLevel('garcia lopez', 'garcia', 1, 2)).toBe(1);
    expect(levels({ familyName: 'García López' }, { familyName: 'GARCIA' }).levels.family_name).toBe(
      'one_surname_dropped',
    );
  });
  it('rates two double surnames sharing only the first as different', () => {
    expect(familyLevel('garcia lopez', 'garcia perez', 1, 2)).toBe(5);
  });
  it('finds a middle name merged into the given name or dropped', () => {
    const merged = levels(
      { givenName: 'Juan', middleName: 'Carlos' },
      { givenName: 'Juan Carlos', middleName: '' },
    );
    expect(merged.levels).toMatchObject({ given_name: 'exact', middle_name: 'exact' });
    const dropped = levels(
      { givenName: 'Juan', middleName: 'Carlos' },
      { givenName: 'Juan', middleName: '' },
    );
    expect(dropped.levels.middle_name).toBe('missing');
    expect(middleLevel('c', 'carlos')).toBe(1);
  });
  it('joins given names written apart or together', () => {
    expect(givenLevel('xiao', 'xiaoming', 'xiaoming', 'xiaoming', 1, 2)).toBe(0);
  });
});

describe('date of birth comparisons', () => {
  it('recognizes a day/month swap, a year-only date and a one-digit slip', () => {
    expect(dateLevel(19850317, 19850317)).toBe(0);
    expect(dateLevel(19850407, 19850704)).toBe(1);
    expect(dateLevel(19850101, 19850704)).toBe(2);
    expect(dateLevel(19850704, 19850714)).toBe(3);
    expect(dateLevel(19850704, 19580704)).toBe(3);
    expect(dateLevel(19850704, 19620704)).toBe(5);
    expect(dateLevel(0, 19850704)).toBe(7);
  });
  it('names the levels in record comparisons', () => {
    expect(levels({ dateOfBirth: '1985-04-07' }, { dateOfBirth: '1985-07-04' }).levels.date_of_birth).toBe(
      'day_month_swapped',
    );
    expect(levels({ dateOfBirth: '1985-04-07' }, { dateOfBirth: '1985' }).levels.date_of_birth).toBe(
      'year_only',
    );
  });
});

describe('document comparisons', () => {
  it('rates a renewed passport as different and a typo as one edit', () => {
    expect(documentLevel('X12345678', 'X87654321', true)).toBe(2);
    expect(documentLevel('X12345678', 'X12354678', true)).toBe(1);
  });
  it('treats consecutive passport numbers (families) as different, not as a typo', () => {
    expect(documentLevel('X12345678', 'X12345679', true)).toBe(2);
  });
  it('compares A-numbers in any written form and counts a missing one as missing', () => {
    expect(levels({ aNumber: 'A-099-123-456' }, { aNumber: '099123456' }).levels.a_number).toBe('exact');
    expect(levels({ aNumber: 'A099123456' }, { aNumber: 'A099123457' }).levels.a_number).toBe('different');
    expect(levels({ aNumber: '' }, { aNumber: 'A099123457' }).levels.a_number).toBe('missing');
  });
  it('counts an unknown sex as missing, not as a disagreement', () => {
    expect(levels({ sex: 'U' }, { sex: 'F' }).levels.sex).toBe('missing');
  });
});

import { describe, expect, it } from 'vitest';
import { validateRow } from './record.schema.js';

const admission = {
  record_id: 'I94-1',
  given_name: 'Lena',
  family_name: 'Novak-Testrow',
  date_of_birth: '1991-07-04',
  class_of_admission: 'b2',
  admitted_on: '2025-01-10',
  admit_until: '2025-07-09',
};

describe('row validation', () => {
  it('accepts a valid admission and normalizes the class of admission', () => {
    const r = validateRow(admission, 'admission');
    expect(r).toMatchObject({ ok: true, record: { type: 'admission', data: { class_of_admission: 'B2' } } });
  });
  it('accepts D/S written in any common way as duration of status', () => {
    const r = validateRow({ ...admission, admit_until: 'd/s' }, 'admission');
    expect(r).toMatchObject({ ok: true, record: { data: { admit_until: 'D/S' } } });
  });
  it('names every problem in a row, not just the first', () => {
    const r = validateRow(
      { ...admission, admitted_on: '10/01/2025', date_of_birth: '1991-02-30', class_of_admission: '' },
      'admission',
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reasons).toEqual(
        expect.arrayContaining([
          'admitted_on: "10/01/2025" is not a date in YYYY-MM-DD form',
          'date_of_birth: "1991-02-30" is not a real calendar date',
          'class_of_admission: is required',
        ]),
      );
    }
  });
  it('requires a name', () => {
    const r = validateRow({ ...admission, given_name: '', family_name: ' ' }, 'admission');
    expect(r).toEqual({ ok: false, reasons: ['family_name: a given_name or family_name is required'] });
  });
  it('normalizes A-numbers to nine digits', () => {
    const r = validateRow({ ...admission, a_number: 'A-12-345-678' }, 'admission');
    expect(r).toMatchObject({ ok: true, record: { data: { a_number: '012345678' } } });
  });
  it('refuses a decided application without a decision date, and one decided before it was filed', () => {
    const base = {
      record_id: 'U-1',
      family_name: 'Okafor',
      receipt_number: 'SYN1',
      application_kind: 'extension',
      filed_on: '2025-03-01',
    };
    expect(validateRow({ ...base, outcome: 'approved' }, 'application')).toEqual({
      ok: false,
      reasons: ['decided_on: a decided application needs decided_on'],
    });
    expect(validateRow({ ...base, outcome: 'denied', decided_on: '2025-02-01' }, 'application')).toEqual({
      ok: false,
      reasons: ['decided_on: decided_on is before filed_on'],
    });
  });
  it('lets a row override the source default record type, and refuses an unknown one', () => {
    expect(
      validateRow({ ...admission, record_type: 'departure', departed_on: '2025-05-01' }, 'admission'),
    ).toMatchObject({
      ok: true,
      record: { type: 'departure' },
    });
    expect(validateRow({ ...admission, record_type: 'visa' }, 'admission')).toMatchObject({ ok: false });
  });
});

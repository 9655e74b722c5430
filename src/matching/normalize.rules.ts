/**
 * Normalization of the raw text of person records before comparison: names, dates and document
 * numbers. Pure functions, no I/O.
 */

/** Letters NFKD does not decompose, folded the way passports' machine-readable zones do. */
const SPECIAL_FOLDS: Readonly<Record<string, string>> = {
  ł: 'l',
  ø: 'o',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  đ: 'd',
  ı: 'i',
  þ: 'th',
  ð: 'd',
};
const SPECIAL_RE = /[łøßæœđıþð]/g;
const MARKS_RE = /\p{M}/gu;
const NON_ALNUM_RE = /[^\p{L}\p{N}]+/gu;
const ASCII_CLEAN_RE = /^[a-z0-9 ]*$/;

/**
 * Lower case, no diacritics, letters and digits only, words separated by one space.
 * Hyphens, apostrophes and other punctuation separate words ("Al-Sayed" → "al sayed").
 */
export function normalizeText(s: string | null | undefined): string {
  if (!s) return '';
  const lower = s.toLowerCase();
  // Fast path: most values are plain ASCII already.
  if (ASCII_CLEAN_RE.test(lower) && !lower.includes('  ')) return lower.trim();
  return lower
    .normalize('NFKD')
    .replace(MARKS_RE, '')
    .replace(SPECIAL_RE, (c) => SPECIAL_FOLDS[c] ?? c)
    .replace(NON_ALNUM_RE, ' ')
    .trim();
}

/** The words of a normalized text ("" → []). */
export function tokens(normalized: string): string[] {
  return normalized === '' ? [] : normalized.split(' ');
}

/**
 * A date of birth as the integer YYYYMMDD, or 0 when absent. Accepts YYYY-MM-DD, YYYYMMDD
 * (FEBRL), YYYY/MM/DD and a bare year YYYY (read as 1 January, as many systems store it).
 * A date-shaped value that is not a calendar date (a keying slip such as 19650231) is kept as its
 * digits, because comparison works digit by digit; see isCalendarDate. Returns -1 when the text
 * is present but not date-shaped, so callers can reject the row.
 */
export function parseDate(s: string | null | undefined): number {
  if (!s) return 0;
  const t = s.trim();
  if (t === '') return 0;
  const match = /^(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})$/.exec(t) ?? /^(\d{4})()()$/.exec(t);
  if (!match) return -1;
  const y = Number(match[1]);
  const m = match[2] === '' ? 1 : Number(match[2]);
  const d = match[3] === '' ? 1 : Number(match[3]);
  if (y < 1800 || y > 2200) return -1;
  return y * 10000 + m * 100 + d;
}

/** Whether a YYYYMMDD integer is a real calendar date (not 19650231 or 19651300). */
export function isCalendarDate(n: number): boolean {
  const y = Math.floor(n / 10000);
  const m = Math.floor(n / 100) % 100;
  const d = n % 100;
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** A-numbers: "A123456789", "A-123-456-789", "123456789" → 123456789; 0 when absent or malformed. */
export function parseANumber(s: string | null | undefined): number {
  if (!s) return 0;
  const digits = s.replace(/[\s-]/g, '').toUpperCase().replace(/^A/, '');
  return /^\d{7,9}$/.test(digits) ? Number(digits) : 0;
}

/** Passport and other document numbers: upper case, no spaces or hyphens; '' when absent. */
export function normalizeDocument(s: string | null | undefined): string {
  if (!s) return '';
  return s.replace(/[\s\-./]/g, '').toUpperCase();
}

/** M / F / X, or '' for missing and unknown ("U", "unknown", blank). */
export function normalizeSex(s: string | null | undefined): '' | 'M' | 'F' | 'X' {
  const t = (s ?? '').trim().toUpperCase();
  if (t === 'M' || t === 'MALE') return 'M';
  if (t === 'F' || t === 'FEMALE') return 'F';
  if (t === 'X') return 'X';
  return '';
}

/** YYYY-MM-DD of a YYYYMMDD integer ('' for 0). */
export function dateText(d: number): string {
  if (d <= 0) return '';
  const s = String(d).padStart(8, '0');
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

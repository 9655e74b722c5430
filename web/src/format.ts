/** Display helpers: dates are shown unambiguously, with the ISO value kept in <time dateTime>. */

const DATE = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});
const DATE_TIME = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

const TIME_SECONDS = new Intl.DateTimeFormat('en-US', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

/** A date-only value (YYYY-MM-DD) or a timestamp, as "Mar 4, 2024". */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  return Number.isNaN(date.getTime()) ? value : DATE.format(date);
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : DATE_TIME.format(date);
}

/** A timestamp as a time of day with seconds, "14:03:27 UTC", for live feeds. */
export function formatTimeSeconds(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : TIME_SECONDS.format(date);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function sourceRef(ref: { sourceCode: string; sourceRecordId: string }): string {
  return `${ref.sourceCode}:${ref.sourceRecordId}`;
}

/** A stable element id for a source record row, so other sections can link to it. */
export function recordAnchor(ref: { sourceCode: string; sourceRecordId: string }): string {
  return `record-${`${ref.sourceCode}-${ref.sourceRecordId}`.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export function evidenceValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function personName(parts: {
  given: string | null;
  middle: string | null;
  family: string | null;
}): string {
  return [parts.given, parts.middle, parts.family].filter((p): p is string => !!p).join(' ') || '(no name)';
}

const PERCENT = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** A fraction 0..1 as "3.25%". */
export function formatPercent(fraction: number): string {
  return PERCENT.format(fraction);
}

export function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

import { z } from 'zod';
import type { RecordType } from '../db/schema.js';

/**
 * The columns Passage understands in a source file (CSV header or NDJSON keys).
 * Person columns are the shared vocabulary of ingest and matching; the rest depend on record_type.
 */
export const PERSON_COLUMNS = [
  'record_id',
  'source',
  'given_name',
  'middle_name',
  'family_name',
  'date_of_birth',
  'sex',
  'country_of_citizenship',
  'passport_number',
  'passport_country',
  'a_number',
] as const;

export const ADMISSION_COLUMNS = [
  'admission_number',
  'class_of_admission',
  'port_of_entry',
  'admitted_on',
  'admit_until',
] as const;
export const DEPARTURE_COLUMNS = [
  'departed_on',
  'port_of_departure',
  'carrier',
  'manifest_ref',
  'self_reported',
] as const;
export const APPLICATION_COLUMNS = [
  'receipt_number',
  'application_kind',
  'filed_on',
  'decided_on',
  'outcome',
  'requested_class',
  'approved_until',
] as const;

export const RECORD_TYPES = [
  'person',
  'admission',
  'departure',
  'application',
] as const satisfies readonly RecordType[];

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const trimmed = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  z
    .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be text') })
    .max(200, 'is longer than 200 characters'),
);
const optionalText = z.preprocess(blankToUndefined, trimmed.optional());

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
/** A calendar date written YYYY-MM-DD that exists (no 2023-02-30), between 1900 and 2100. */
export const IsoDate = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a date as text') })
  .trim()
  .superRefine((s, ctx) => {
    const problem =
      s === ''
        ? 'is required'
        : !/^\d{4}-\d{2}-\d{2}$/.test(s)
          ? `"${s}" is not a date in YYYY-MM-DD form`
          : !isRealDate(s)
            ? `"${s}" is not a real calendar date`
            : s < '1900-01-01' || s > '2100-12-31'
              ? `"${s}" is outside 1900–2100`
              : undefined;
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
const optionalDate = z.preprocess(blankToUndefined, IsoDate.optional());

/** A-numbers are written A123456789, A-123-456-789 or 123456789; stored as nine digits. */
export const ANumber = z
  .string()
  .transform((s) => s.replace(/[\s-]/g, '').toUpperCase().replace(/^A/, ''))
  .pipe(z.string().regex(/^\d{7,9}$/, 'A-number must have 7 to 9 digits'))
  .transform((d) => d.padStart(9, '0'));

const Country = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'country must be an ISO 3166 alpha-3 code');

const Sex = z
  .string()
  .trim()
  .toUpperCase()
  .transform((s) => (s === 'MALE' ? 'M' : s === 'FEMALE' ? 'F' : s))
  .pipe(z.enum(['M', 'F', 'X', 'U'], { message: 'sex must be M, F, X or U' }));

const Passport = z
  .string()
  .transform((s) => s.replace(/[\s-]/g, '').toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{5,20}$/, 'passport number must be 5–20 letters or digits'));

const Bool = z.preprocess(
  (v) => (typeof v === 'string' ? ['true', 'yes', 'y', '1'].includes(v.trim().toLowerCase()) : v),
  z.boolean(),
);

export const PersonFields = z.object({
  record_id: trimmed.pipe(z.string().min(1, 'is required')),
  given_name: optionalText,
  middle_name: optionalText,
  family_name: optionalText,
  date_of_birth: optionalDate,
  sex: z.preprocess(blankToUndefined, Sex.optional()),
  country_of_citizenship: z.preprocess(blankToUndefined, Country.optional()),
  passport_number: z.preprocess(blankToUndefined, Passport.optional()),
  passport_country: z.preprocess(blankToUndefined, Country.optional()),
  a_number: z.preprocess(blankToUndefined, ANumber.optional()),
});

const hasAName = (r: { given_name?: string | undefined; family_name?: string | undefined }) =>
  Boolean(r.given_name ?? r.family_name);
const NAME_REQUIRED = { message: 'a given_name or family_name is required', path: ['family_name'] };

export const PersonRecord = PersonFields.refine(hasAName, NAME_REQUIRED);

export const AdmissionRecord = PersonFields.extend({
  admission_number: optionalText,
  class_of_admission: trimmed.pipe(z.string().min(1, 'is required')).transform((s) => s.toUpperCase()),
  port_of_entry: optionalText,
  admitted_on: IsoDate,
  /** A date, or "D/S" for duration of status (no fixed end date). */
  admit_until: z
    .string({ error: (iss) => (iss.input === undefined ? 'is required (a date or D/S)' : 'must be text') })
    .trim()
    .min(1, 'is required (a date or D/S)')
    .transform((s) => (/^d\/?s$/i.test(s) ? 'D/S' : s))
    .pipe(z.union([z.literal('D/S'), IsoDate], { error: 'must be a date in YYYY-MM-DD form or D/S' })),
}).refine(hasAName, NAME_REQUIRED);

export const DepartureRecord = PersonFields.extend({
  departed_on: IsoDate,
  port_of_departure: optionalText,
  carrier: optionalText,
  manifest_ref: optionalText,
  self_reported: z.preprocess(blankToUndefined, Bool.optional()),
}).refine(hasAName, NAME_REQUIRED);

export const ApplicationRecord = PersonFields.extend({
  receipt_number: trimmed.pipe(z.string().min(1, 'is required')),
  application_kind: z
    .string({ error: 'is required' })
    .trim()
    .toLowerCase()
    .pipe(
      z.enum(['extension', 'change_of_status', 'adjustment_of_status'], {
        message: 'application_kind must be extension, change_of_status or adjustment_of_status',
      }),
    ),
  filed_on: IsoDate,
  decided_on: optionalDate,
  outcome: z.preprocess(
    (v) => blankToUndefined(v) ?? 'pending',
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(
        z.enum(['pending', 'approved', 'denied', 'withdrawn'], {
          message: 'outcome must be pending, approved, denied or withdrawn',
        }),
      ),
  ),
  requested_class: optionalText,
  approved_until: optionalDate,
})
  .refine(hasAName, NAME_REQUIRED)
  .refine((r) => r.outcome === 'pending' || r.decided_on !== undefined, {
    message: 'a decided application needs decided_on',
    path: ['decided_on'],
  })
  .refine((r) => r.decided_on === undefined || r.decided_on >= r.filed_on, {
    message: 'decided_on is before filed_on',
    path: ['decided_on'],
  });

export type PersonRecord = z.infer<typeof PersonRecord>;
export type AdmissionRecord = z.infer<typeof AdmissionRecord>;
export type DepartureRecord = z.infer<typeof DepartureRecord>;
export type ApplicationRecord = z.infer<typeof ApplicationRecord>;

export type ValidRecord =
  | { type: 'person'; data: PersonRecord }
  | { type: 'admission'; data: AdmissionRecord }
  | { type: 'departure'; data: DepartureRecord }
  | { type: 'application'; data: ApplicationRecord };

export type ValidationResult = { ok: true; record: ValidRecord } | { ok: false; reasons: string[] };

const SCHEMAS = {
  person: PersonRecord,
  admission: AdmissionRecord,
  departure: DepartureRecord,
  application: ApplicationRecord,
} as const;

/**
 * Validates one row. The record type comes from the row's own record_type column, else the
 * source's default. Every problem is reported, not just the first.
 */
export function validateRow(row: Record<string, unknown>, defaultType: RecordType | null): ValidationResult {
  const declared = typeof row.record_type === 'string' ? row.record_type.trim().toLowerCase() : '';
  const type = declared === '' ? defaultType : declared;
  if (type === null) {
    return { ok: false, reasons: ['record_type is missing and the source has no default record type'] };
  }
  if (!(RECORD_TYPES as readonly string[]).includes(type)) {
    return { ok: false, reasons: [`record_type "${type}" is not one of ${RECORD_TYPES.join(', ')}`] };
  }
  const t = type as RecordType;
  const result = SCHEMAS[t].safeParse(row);
  if (!result.success) {
    return {
      ok: false,
      reasons: result.error.issues.map((i) =>
        i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
      ),
    };
  }
  return { ok: true, record: { type: t, data: result.data } as ValidRecord };
}

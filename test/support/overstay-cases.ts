import type { PersonSpec } from './overstay-facts.js';

/**
 * One person per case the overstay rules handle (overstay.rules.ts and its tests), as of
 * {@link CASES_AS_OF}. The B2 visitor is admitted 2024-01-10 until 2024-07-09 unless a case says
 * otherwise.
 */
export const CASES_AS_OF = '2025-06-30';

const visitor = { on: '2024-01-10', until: '2024-07-09' };
const ext = (filed: string, more: Partial<NonNullable<PersonSpec['app']>[number]> = {}) => ({
  kind: 'extension' as const,
  filed,
  ...more,
});

export const OVERSTAY_CASES: PersonSpec[] = [
  { label: 'not yet due', adm: [{ on: '2025-03-01', until: '2025-08-31' }] },
  { label: 'not yet due on the admit-until date itself', adm: [{ on: '2025-01-01', until: '2025-06-30' }] },
  { label: 'departed on the admit-until date', adm: [visitor], dep: [{ on: '2024-07-09' }] },
  { label: 'out-of-country overstay of 1 day', adm: [visitor], dep: [{ on: '2024-07-10' }] },
  { label: 'out-of-country overstay of many days', adm: [visitor], dep: [{ on: '2024-09-20' }] },
  { label: 'suspected in-country overstay', adm: [visitor], countries: ['NGA'] },
  { label: 'D/S not determinable', adm: [{ on: '2023-08-20', ds: true, cls: 'F1' }] },
  { label: 'D/S with a departure', adm: [{ on: '2023-08-20', ds: true }], dep: [{ on: '2024-05-30' }] },
  { label: 'D/S with an admit-until date', adm: [{ on: '2023-08-20', ds: true, until: '2024-08-20' }] },
  { label: 'timely extension pending', adm: [visitor], app: [ext('2024-07-01')] },
  { label: 'extension filed on the admit-until date', adm: [visitor], app: [ext('2024-07-09')] },
  {
    label: 'departed while a timely extension was pending',
    adm: [visitor],
    app: [ext('2024-07-01')],
    dep: [{ on: '2024-08-15' }],
  },
  {
    label: 'timely change of status pending',
    adm: [visitor],
    app: [{ kind: 'change_of_status', filed: '2024-06-01' }],
  },
  {
    label: 'timely adjustment of status pending',
    adm: [visitor],
    app: [{ kind: 'adjustment_of_status', filed: '2024-07-09' }],
  },
  {
    label: 'extension approved to a new date',
    adm: [visitor],
    app: [ext('2024-07-01', { outcome: 'approved', decided: '2024-08-01', approvedUntil: '2024-12-31' })],
  },
  {
    label: 'change of status approved to a new class and date, departed on time',
    adm: [visitor],
    app: [
      {
        kind: 'change_of_status',
        filed: '2024-06-01',
        outcome: 'approved',
        decided: '2024-07-01',
        requested: 'F1',
        approvedUntil: '2025-06-29',
      },
    ],
    dep: [{ on: '2025-05-01' }],
  },
  {
    label: 'approved without a new date keeps the end',
    adm: [visitor],
    app: [ext('2024-06-01', { outcome: 'approved', decided: '2024-06-20' })],
  },
  {
    label: 'adjusted to permanent residence',
    adm: [visitor],
    app: [{ kind: 'adjustment_of_status', filed: '2024-06-01', outcome: 'approved', decided: '2024-11-01' }],
  },
  {
    label: 'adjusted to permanent residence, with a departure',
    adm: [visitor],
    app: [{ kind: 'adjustment_of_status', filed: '2024-06-01', outcome: 'approved', decided: '2024-11-01' }],
    dep: [{ on: '2025-01-05', self: true }],
  },
  {
    label: 'untimely extension approved all the same',
    adm: [visitor],
    app: [ext('2024-07-20', { outcome: 'approved', decided: '2024-09-01', approvedUntil: '2025-01-31' })],
  },
  {
    label: 'denied after admit-until: stay ends on the decision date',
    adm: [visitor],
    app: [ext('2024-07-01', { outcome: 'denied', decided: '2024-09-01' })],
    dep: [{ on: '2024-09-05' }],
  },
  {
    label: 'withdrawn after admit-until',
    adm: [visitor],
    app: [ext('2024-07-01', { outcome: 'withdrawn', decided: '2024-08-01' })],
  },
  {
    label: 'denied before admit-until: the date stands',
    adm: [visitor],
    app: [ext('2024-06-01', { outcome: 'denied', decided: '2024-06-20' })],
  },
  {
    label: 'untimely extension denied',
    adm: [visitor],
    app: [ext('2024-07-20', { outcome: 'denied', decided: '2024-09-01' })],
    dep: [{ on: '2024-08-19' }],
  },
  { label: 'untimely extension pending', adm: [visitor], app: [ext('2024-07-20')] },
  {
    label: 'pending with a decision date',
    adm: [visitor],
    app: [ext('2024-07-01', { decided: '2024-08-01' })],
  },
  {
    label: 'approved with no decision date',
    adm: [visitor],
    app: [ext('2024-07-01', { outcome: 'approved', approvedUntil: '2024-12-31' })],
  },
  {
    label: 'decided after as-of',
    adm: [visitor],
    app: [ext('2024-07-01', { outcome: 'denied', decided: '2025-08-01' })],
  },
  {
    label: 'decided before it was filed',
    adm: [visitor],
    app: [ext('2024-07-01', { outcome: 'denied', decided: '2024-05-01' })],
  },
  {
    label: 'D/S with an approved change of status without a date',
    adm: [{ on: '2023-08-20', ds: true, cls: 'F1' }],
    app: [{ kind: 'change_of_status', filed: '2024-01-01', outcome: 'approved', decided: '2024-03-01' }],
  },
  {
    label: 'D/S with a denied change of status',
    adm: [{ on: '2023-08-20', ds: true, cls: 'F1' }],
    app: [{ kind: 'change_of_status', filed: '2024-01-01', outcome: 'denied', decided: '2024-03-01' }],
  },
  {
    label: 'D/S with an extension approved to a date',
    adm: [{ on: '2023-08-20', ds: true, cls: 'J1' }],
    app: [ext('2024-01-01', { outcome: 'approved', decided: '2024-03-01', approvedUntil: '2024-12-01' })],
    dep: [{ on: '2025-01-10' }],
  },
  {
    label: 'decided the day before it was filed',
    adm: [visitor],
    app: [ext('2024-07-01', { outcome: 'denied', decided: '2024-06-30' })],
  },
  {
    label: 'approved on the day it was filed, until the as-of date',
    adm: [visitor],
    app: [ext('2024-07-01', { outcome: 'approved', decided: '2024-07-01', approvedUntil: CASES_AS_OF })],
  },
  {
    label: 'denied on the admit-until date: the date stands',
    adm: [visitor],
    app: [ext('2024-06-01', { outcome: 'withdrawn', decided: '2024-07-09' })],
    dep: [{ on: '2024-07-10', self: true }],
  },
  {
    label: 'an application filed on the day of a re-entry belongs to the later stay',
    adm: [
      { on: '2024-01-10', until: '2024-02-01' },
      { on: '2024-03-01', until: '2024-08-31' },
    ],
    app: [ext('2024-03-01')],
    dep: [{ on: '2024-03-01' }],
  },
  { label: 'departure before the admission', adm: [visitor], dep: [{ on: '2023-12-01' }] },
  {
    label: 'departure before the admission and a conflicting pair',
    adm: [visitor],
    dep: [{ on: '2023-12-01' }, { on: '2024-07-01' }, { on: '2024-07-20' }],
  },
  { label: 'two confirmed departures', adm: [visitor], dep: [{ on: '2024-08-05' }, { on: '2024-07-05' }] },
  {
    label: 'two confirmed departures on the same day',
    adm: [visitor],
    dep: [{ on: '2024-07-05', code: 'APIS' }, { on: '2024-07-05' }],
  },
  {
    label: 'a confirmed departure wins over an earlier self-report',
    adm: [visitor],
    dep: [{ on: '2024-07-01', self: true }, { on: '2024-07-20' }],
  },
  {
    label: 'a self-report on the day of a confirmed departure is not flagged',
    adm: [visitor],
    dep: [{ on: '2024-07-01' }, { on: '2024-07-01', self: true }],
  },
  {
    label: 'two self-reports on different days',
    adm: [visitor],
    dep: [
      { on: '2024-07-20', self: true },
      { on: '2024-07-01', self: true },
    ],
  },
  { label: 'self-reported departure only', adm: [visitor], dep: [{ on: '2024-07-01', self: true }] },
  { label: 'admit-until before admitted-on', adm: [{ on: '2024-01-10', until: '2023-01-09' }] },
  { label: 'no admit-until and not D/S', adm: [{ on: '2024-01-10', until: null }] },
  {
    label: 'no admit-until, with a departure and an application',
    adm: [{ on: '2024-01-10', until: null }],
    app: [ext('2024-03-01')],
    dep: [{ on: '2024-09-01' }],
  },
  {
    label: 'admit-until before admitted-on, with an extension approved to a date',
    adm: [{ on: '2024-01-10', until: '2023-01-09' }],
    app: [ext('2024-03-01', { outcome: 'approved', decided: '2024-04-01', approvedUntil: '2024-10-01' })],
  },
  {
    label: 'unknown end, extension denied',
    adm: [{ on: '2024-01-10', until: null }],
    app: [ext('2024-03-01', { outcome: 'denied', decided: '2024-04-01' })],
  },
  {
    label: 'same-day re-entry: the departure goes to the earlier stay',
    adm: [
      { on: '2024-03-01', until: '2024-08-31' },
      { on: '2024-01-10', until: '2024-07-09' },
    ],
    dep: [{ on: '2024-03-01' }],
  },
  {
    label: 'a departure after a re-entry goes to the later stay',
    adm: [
      { on: '2024-01-10', until: '2024-02-01' },
      { on: '2024-03-01', until: '2024-08-31' },
    ],
    dep: [{ on: '2024-03-02' }],
  },
  {
    label: 'two admissions on one day: the later record id (as text) takes the departure',
    adm: [
      { on: '2024-03-01', until: '2024-08-31', rid: 'I94-CASE-10' },
      { on: '2024-03-01', until: '2024-05-31', rid: 'I94-CASE-9' },
    ],
    dep: [{ on: '2024-06-01' }],
  },
  {
    label: 'departure on the day of the only admission',
    adm: [{ on: '2024-03-01', until: '2024-08-31' }],
    dep: [{ on: '2024-03-01' }],
  },
  { label: 'admission after as-of', adm: [{ on: '2025-08-01', until: '2025-12-01' }] },
  {
    label: 'a past and a future admission, departures both sides of as-of',
    adm: [visitor, { on: '2025-07-15', until: '2025-12-01', ds: true }],
    dep: [{ on: '2024-07-01' }, { on: '2025-07-20' }],
  },
  { label: 'departure after as-of', adm: [visitor], dep: [{ on: '2025-09-01' }] },
  { label: 'application after as-of', adm: [visitor], app: [ext('2025-07-05')] },
  {
    label: 'application before the first admission',
    adm: [visitor],
    app: [{ kind: 'change_of_status', filed: '2023-11-01' }],
  },
  {
    label: 'three stays with departures and an application in the middle one',
    adm: [
      { on: '2023-02-01', until: '2023-05-01' },
      { on: '2023-09-01', until: '2024-03-01' },
      { on: '2024-09-01', until: '2025-03-01', cls: 'H1B' },
    ],
    dep: [{ on: '2023-04-20' }, { on: '2024-04-15' }],
    app: [ext('2024-02-01', { outcome: 'approved', decided: '2024-03-20', approvedUntil: '2024-06-01' })],
  },
  {
    label: 'each admission counted under the country recorded on it',
    adm: [{ on: '2023-02-01', until: '2023-05-01' }, visitor],
    dep: [{ on: '2023-04-20' }, { on: '2024-07-01' }, { on: '2024-07-01', self: true }],
    // The admissions say MEX and IND; the departures, the most common on the person, NGA.
    countries: ['MEX', 'IND', 'NGA', 'NGA', 'NGA'],
  },
  { label: 'an unlinked admission is not determined', adm: [visitor], unlinked: true },
  { label: 'a person with departures only', adm: [], dep: [{ on: '2024-07-01' }] },
  {
    label: 'two applications in one stay (pure rules)',
    adm: [visitor],
    app: [ext('2024-07-01'), ext('2024-07-20', { outcome: 'approved', decided: '2024-09-01' })],
    hybrid: true,
  },
  {
    label: 'a record id with U+E000 (pure rules)',
    adm: [visitor],
    dep: [{ on: '2024-07-01', rid: 'EXIT-\uE000' }],
    hybrid: true,
  },
  {
    label: 'a record id with an astral character (pure rules)',
    adm: [{ ...visitor, rid: 'I94-\u{1F600}' }],
    hybrid: true,
  },
  {
    label: 'an admit-until in year 10000 (pure rules)',
    adm: [{ on: '2024-01-10', until: '10000-01-01' }],
    hybrid: true,
  },
  {
    label: 'a departure dated BC (pure rules)',
    adm: [visitor],
    dep: [{ on: '0044-03-15 BC' }],
    hybrid: true,
  },
];

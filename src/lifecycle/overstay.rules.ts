/**
 * Overstay determinations, one per admission, following the published DHS Entry/Exit Overstay
 * Report methodology (the annual overstay report required by 8 U.S.C. 1376(b) and 8 U.S.C.
 * 1365a(e), INS Data Management Improvement Act of 2000, Pub. L. 106-215 §2(a)):
 * - an overstay is a nonimmigrant lawfully admitted for an authorized period who remained beyond
 *   it, whether or not they later departed;
 * - an out-of-country overstay has a departure recorded after the authorized period ended;
 * - a suspected in-country overstay has no departure recorded, the authorized period has ended,
 *   and no timely extension, change or adjustment of status keeps the stay authorized;
 * - a person who timely filed for an extension or change of status, or applied to adjust status,
 *   is not counted as an overstay while the application is pending;
 * - duration-of-status admissions need a program end date (from SEVIS in the DHS report), which
 *   entry/exit data do not hold, so they are reported as not determinable rather than guessed.
 *
 * The authorized period comes from `analyseStays` (stay.rules.ts), so a determination and the
 * status timeline never disagree about when a stay ended. Pure: no I/O and no clock.
 */
import { fiscalYearOf } from './fiscal-year.js';
import {
  type AssessedApplication,
  type RecordedIssue,
  type Stay,
  analyseStays,
  compareRefs,
  compareText,
  daysBetween,
  describeApplication,
  describeRef,
  isIsoDate,
} from './stay.rules.js';
import type { AdmissionFact, DepartureFact, PersonFacts, SourceRef } from './timeline.rules.js';

/** Every outcome, in report order; for schemas and database enums. */
export const OVERSTAY_OUTCOMES = [
  'not_yet_due',
  'departed_on_time',
  'out_of_country_overstay',
  'suspected_in_country_overstay',
  'not_determinable',
  'data_error',
] as const;
export type OverstayOutcome = (typeof OVERSTAY_OUTCOMES)[number];

export interface OverstayDataError {
  rule: string;
  message: string;
  sourceRecords: SourceRef[];
}

export interface OverstayDetermination {
  admission: SourceRef;
  outcome: OverstayOutcome;
  /** Stable rule id: one of {@link OVERSTAY_RULES}, or the data-error rule that blocked a decision. */
  rule: string;
  /** Plain English, naming the admission, applications, departure and dates used. */
  reason: string;
  /** End of the authorized period after applications; null for D/S, adjusted or unknown ends. */
  authorizedUntil: string | null;
  /** The departure used: the earliest confirmed one, else the earliest self-reported one. */
  departure: SourceRef | null;
  departedOn: string | null;
  /** Days past the authorized period: to the departure, or to as-of when none is recorded. */
  daysOver: number | null;
  /** Applications that moved the end of the authorized period or keep it open while pending. */
  applications: SourceRef[];
  dataErrors: OverstayDataError[];
  classOfAdmission: string;
  admittedOn: string;
  /** Fiscal year (October–September) of `authorizedUntil`, the expected departure date. */
  expectedDepartureFiscalYear: number | null;
}

/** Rule ids of the decided outcomes. */
export const OVERSTAY_RULES = {
  notYetDue: 'overstay.authorized_stay_not_ended',
  pendingTimely: 'application.pending_timely',
  adjusted: 'overstay.adjusted_to_permanent_residence',
  departedOnTime: 'overstay.departed_on_time',
  departedWhilePending: 'overstay.departed_while_application_pending',
  outOfCountry: 'overstay.departed_after_authorized_stay',
  suspectedInCountry: 'overstay.no_departure_after_authorized_stay',
  durationOfStatus: 'overstay.duration_of_status',
  multipleDepartures: 'departure.multiple_for_admission',
} as const;

/** Data errors that stop an admission being decided at all: outcome 'data_error'. */
const BLOCKING_RULES: ReadonlySet<string> = new Set([
  'admission.until_before_admitted',
  'admission.no_end_date',
  'departure.before_admission',
]);

/** A departure or application with an unreadable date could change an overstay into no overstay. */
const UNREADABLE = 'record.invalid_date';

const OVERSTAYS: ReadonlySet<OverstayOutcome> = new Set([
  'out_of_country_overstay',
  'suspected_in_country_overstay',
]);

/**
 * Decide, for each admission in `facts`, whether the person departed on time, overstayed (out of
 * the country or suspected in it), is not yet due to depart, or cannot be decided, as of `asOf`.
 * Returns exactly one determination per admission, sorted by admission date then source record,
 * whatever the order of the input.
 *
 * @throws {RangeError} when `asOf` is not a real 'YYYY-MM-DD' date.
 */
export function determineOverstays(facts: PersonFacts, asOf: string): OverstayDetermination[] {
  if (!isIsoDate(asOf)) throw new RangeError(`asOf must be a YYYY-MM-DD date, got "${asOf}"`);
  const { stays, issues } = analyseStays(facts, asOf);
  const admissionRefs = new Set(facts.admissions.map((a) => a.ref));
  const byStay = placeIssues(stays, issues, admissionRefs);
  return facts.admissions
    .map((admission) => {
      const stay = stays.find((s) => s.admission === admission);
      if (!stay) return unusableAdmission(admission, issues);
      return decideStay(stay, byStay.get(stay.index) ?? [], asOf);
    })
    .sort(
      (a, b) =>
        compareText(a.admittedOn, b.admittedOn) ||
        compareRefs(a.admission, b.admission) ||
        compareText(a.classOfAdmission, b.classOfAdmission) ||
        compareText(a.reason, b.reason),
    );
}

/**
 * Give each stay the issues that bear on it. Records before the first admission go to the first
 * stay; records dated after as-of to the last; records with unreadable dates, which cannot be
 * placed, to every stay.
 */
function placeIssues(
  stays: Stay[],
  issues: RecordedIssue[],
  admissionRefs: Set<SourceRef>,
): Map<number, RecordedIssue[]> {
  const byStay = new Map<number, RecordedIssue[]>();
  const add = (stay: Stay | undefined, issue: RecordedIssue): void => {
    if (stay) byStay.set(stay.index, [...(byStay.get(stay.index) ?? []), issue]);
  };
  for (const issue of issues) {
    if (issue.stayIndex >= 0) add(stays[issue.stayIndex], issue);
    // A left-out admission's own problem: reported on that admission's determination.
    else if (issue.sourceRecords.some((r) => admissionRefs.has(r))) continue;
    else if (issue.rule.endsWith('.before_admission')) add(stays[0], issue);
    else if (issue.rule.endsWith('.in_future')) add(stays.at(-1), issue);
    else for (const stay of stays) add(stay, issue);
  }
  return byStay;
}

function admissionSentence(adm: AdmissionFact): string {
  const until = adm.durationOfStatus
    ? ' for duration of status'
    : adm.admitUntil !== null
      ? `, admitted until ${adm.admitUntil}`
      : ', with no admit-until date';
  return `${describeRef(adm.ref)} shows admission on ${adm.admittedOn} as ${adm.classOfAdmission}${until}.`;
}

function toDataError(issue: RecordedIssue): OverstayDataError {
  return { rule: issue.rule, message: issue.message, sourceRecords: issue.sourceRecords };
}

function sortDataErrors(errors: OverstayDataError[]): OverstayDataError[] {
  return errors.sort(
    (a, b) =>
      compareText(a.rule, b.rule) ||
      compareRefs(a.sourceRecords[0], b.sourceRecords[0]) ||
      compareText(a.message, b.message),
  );
}

const blocked = (rule: string, summary: string, errors: OverstayDataError[]) => ({
  outcome: 'data_error' as const,
  rule,
  reason: `${summary} It is flagged as a data error and not decided: ${errors.map((e) => e.message).join(' ')}`,
  daysOver: null,
});

/** An admission `analyseStays` left out (unreadable date, or dated after as-of). */
function unusableAdmission(adm: AdmissionFact, issues: RecordedIssue[]): OverstayDetermination {
  const errors = sortDataErrors(issues.filter((i) => i.sourceRecords.includes(adm.ref)).map(toDataError));
  const rule = errors[0]?.rule ?? UNREADABLE;
  return {
    admission: adm.ref,
    ...blocked(rule, admissionSentence(adm), errors),
    authorizedUntil: null,
    departure: null,
    departedOn: null,
    applications: [],
    dataErrors: errors,
    classOfAdmission: adm.classOfAdmission,
    admittedOn: adm.admittedOn,
    expectedDepartureFiscalYear: null,
  };
}

function decideStay(stay: Stay, issues: RecordedIssue[], asOf: string): OverstayDetermination {
  const adm = stay.admission;
  const departures = stay.departures;
  // A carrier-confirmed departure outweighs a self-reported one (DHS matches departures from
  // carrier manifests and biometric exit; self-reports are corroborating evidence only).
  const departure = departures.find((d) => !d.selfReported) ?? departures[0] ?? null;
  const errors = issues.map(toDataError);
  const conflict = conflictingDepartures(departures);
  if (conflict) errors.push(conflict);
  sortDataErrors(errors);

  const summary = admissionSentence(adm);
  const blocking = errors.find((e) => BLOCKING_RULES.has(e.rule));
  let verdict: Verdict;
  if (blocking) verdict = blocked(blocking.rule, summary, errors);
  else {
    const { text, ...decided } = judge(stay, departure, asOf);
    const story = [summary, ...applicationSentences(stay.applications), text];
    if (conflict) story.push(conflict.message);
    verdict = { ...decided, reason: story.join(' ') };
    const unreadable = errors.find((e) => e.rule === UNREADABLE);
    if (unreadable && OVERSTAYS.has(decided.outcome)) {
      verdict = blocked(
        UNREADABLE,
        `${verdict.reason} An overstay is not asserted while a related record cannot be read.`,
        errors.filter((e) => e.rule === UNREADABLE),
      );
    }
  }
  const until = stay.authorizedUntil;
  return {
    admission: adm.ref,
    ...verdict,
    authorizedUntil: until,
    departure: departure?.ref ?? null,
    departedOn: departure?.departedOn ?? null,
    applications: affectingApplications(stay),
    dataErrors: errors,
    classOfAdmission: adm.classOfAdmission,
    admittedOn: adm.admittedOn,
    expectedDepartureFiscalYear: until === null ? null : fiscalYearOf(until),
  };
}

interface Verdict {
  outcome: OverstayOutcome;
  rule: string;
  reason: string;
  daysOver: number | null;
}

interface Decided {
  outcome: OverstayOutcome;
  rule: string;
  text: string;
  daysOver: number | null;
}

const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;

/** The outcome for a stay with usable dates; `text` is the concluding sentence of the reason. */
function judge(stay: Stay, departure: DepartureFact | null, asOf: string): Decided {
  const decided = (outcome: OverstayOutcome, rule: string, text: string, over: number | null = null) => ({
    outcome,
    rule,
    text,
    daysOver: over,
  });
  const until = stay.authorizedUntil;
  const self = departure?.selfReported ? ' (self-reported, unconfirmed)' : '';
  const left = departure
    ? `${describeRef(departure.ref)} shows departure on ${departure.departedOn}${self}`
    : '';
  const alsoLeft = departure ? ` ${left}.` : '';
  if (stay.adjustedOn !== null) {
    return decided(
      'not_yet_due',
      OVERSTAY_RULES.adjusted,
      `The person adjusted to permanent residence on ${stay.adjustedOn}, so the temporary stay has no end date and no departure is due.${alsoLeft}`,
    );
  }
  if (stay.durationOfStatus || until === null) {
    return decided(
      'not_determinable',
      OVERSTAY_RULES.durationOfStatus,
      `The stay is for duration of status (D/S) and no program end date is on record, so whether it ended, and when, cannot be determined from entry/exit data; no overstay is assessed.${alsoLeft}`,
    );
  }
  const pending = stay.pending[0];
  const keptOpen = pending
    ? `${describeApplication(pending.app)}, filed on time on ${pending.app.filedOn}, is pending as of ${asOf} and keeps the stay authorized while it is pending`
    : '';
  if (departure) {
    if (departure.departedOn <= until) {
      return decided(
        'departed_on_time',
        OVERSTAY_RULES.departedOnTime,
        `${left}, on or before the authorized-until date ${until}: departed on time.`,
      );
    }
    if (pending) {
      return decided(
        'departed_on_time',
        OVERSTAY_RULES.departedWhilePending,
        `${left}, after ${until}, but ${keptOpen}, so the departure was within the authorized stay: departed on time.`,
      );
    }
    const over = daysBetween(until, departure.departedOn);
    return decided(
      'out_of_country_overstay',
      OVERSTAY_RULES.outOfCountry,
      `${left}, ${days(over)} after the authorized stay ended on ${until}: out-of-country overstay.`,
      over,
    );
  }
  if (asOf <= until) {
    return decided(
      'not_yet_due',
      OVERSTAY_RULES.notYetDue,
      `No departure is recorded, and the authorized stay runs until ${until}, not before the as-of date ${asOf}: not yet due to depart.`,
    );
  }
  if (pending) {
    return decided(
      'not_yet_due',
      OVERSTAY_RULES.pendingTimely,
      `The authorized-until date ${until} has passed, but ${keptOpen}; there is no overstay while it is pending.`,
    );
  }
  const over = daysBetween(until, asOf);
  return decided(
    'suspected_in_country_overstay',
    OVERSTAY_RULES.suspectedInCountry,
    `No departure on or after the admission on ${stay.admission.admittedOn} is recorded as of ${asOf}, ${days(over)} after the authorized stay ended on ${until}: suspected in-country overstay.`,
    over,
  );
}

function applicationSentences(apps: AssessedApplication[]): string[] {
  const sentences = apps.map((a) => `${a.filing} ${a.effect}`.trim());
  if (apps.some((a) => a.timeliness === 'untimely' && a.outcome !== 'approved')) {
    sentences.push(
      'An application filed after the authorized-until date does not extend the authorized period.',
    );
  }
  return sentences;
}

/** Applications that set the end of the authorized period, or hold it open while pending. */
function affectingApplications(stay: Stay): SourceRef[] {
  const refs = new Set<SourceRef>([...stay.untilSources, ...stay.pending.map((p) => p.app.ref)]);
  return stay.applications.filter((a) => refs.has(a.app.ref)).map((a) => a.app.ref);
}

/**
 * Several departures for one admission are a data error when they disagree: two or more
 * confirmed departures, or departures on different dates. A self-report on the same day as a
 * confirmed departure corroborates it and is not flagged.
 */
function conflictingDepartures(departures: DepartureFact[]): OverstayDataError | null {
  const confirmed = departures.filter((d) => !d.selfReported);
  const dates = new Set(departures.map((d) => d.departedOn));
  if (confirmed.length < 2 && dates.size < 2) return null;
  const list = departures
    .map((d) => `${describeRef(d.ref)} on ${d.departedOn}${d.selfReported ? ', self-reported' : ''}`)
    .join('; ');
  const used = confirmed.length > 0 ? 'earliest confirmed' : 'earliest self-reported';
  return {
    rule: OVERSTAY_RULES.multipleDepartures,
    message: `${departures.length} departures are recorded for this one admission (${list}); the ${used} departure is used.`,
    sourceRecords: departures.map((d) => d.ref),
  };
}

/**
 * Stay rules: split a person's admissions, applications and departures into stays (one per
 * admission) and work out, for each stay, how long the authorized stay lasts. Pure functions: the
 * "as of" date is always a parameter. `timeline.rules.ts` turns the result into events and a status.
 */
import type {
  AdmissionFact,
  ApplicationFact,
  DepartureFact,
  PersonFacts,
  SourceRef,
} from './timeline.rules.js';

// ---------------------------------------------------------------------------------------------
// Dates ('YYYY-MM-DD' strings compare correctly as text; arithmetic is done in UTC).

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True when `value` is a real calendar date written as 'YYYY-MM-DD' (proleptic Gregorian, like
 * JavaScript's Date). Checked by arithmetic, not by a Date round trip: it runs for every date of
 * a person's records on every departure (measured at 1 % of the server's CPU in the stream).
 */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** The date `days` days after `date` (negative to go back), computed in UTC. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The day after `date`. */
export function dayAfter(date: string): string {
  return addDays(date, 1);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Locale-independent string comparison, for deterministic sorting. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compare two source references by source, record id and primary key. */
export function compareRefs(a: SourceRef | undefined, b: SourceRef | undefined): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  return (
    compareText(a.sourceCode, b.sourceCode) ||
    compareText(a.sourceRecordId, b.sourceRecordId) ||
    compareText(a.recordPk, b.recordPk)
  );
}

/** "I94 record 123" — how a source record is named in explanations. */
export function describeRef(ref: SourceRef): string {
  return `${ref.sourceCode} record ${ref.sourceRecordId}`;
}

const KIND_LABELS: Record<ApplicationFact['kind'], string> = {
  extension: 'Extension of stay',
  change_of_status: 'Change of status',
  adjustment_of_status: 'Adjustment of status',
};

/** "Extension of stay EAC123" — how an application is named in labels and explanations. */
export function describeApplication(app: ApplicationFact): string {
  return `${KIND_LABELS[app.kind]} ${app.receiptNumber}`;
}

// ---------------------------------------------------------------------------------------------
// Stays

/** A data problem found while placing records; becomes a DataIssue and a 'data_error' event. */
export interface RecordedIssue {
  rule: string;
  message: string;
  /** Date the 'data_error' event is placed on. */
  date: string;
  /** Index of the stay the record belongs to, or -1 when it belongs to none. */
  stayIndex: number;
  sourceRecords: SourceRef[];
}

/** Whether an application was filed while the person was in authorized stay. */
export type Timeliness = 'timely' | 'untimely' | 'unknown';

/** An application placed in a stay and judged against the authorized stay when it was filed. */
export interface AssessedApplication {
  app: ApplicationFact;
  /** Outcome as of the as-of date: a decision without a usable date counts as pending. */
  outcome: ApplicationFact['outcome'];
  /** Decision date the rules use (on or before as-of), or null while pending. */
  decidedOn: string | null;
  timeliness: Timeliness;
  /** Sentence on when it was filed and why that is timely or not. */
  filing: string;
  /** Sentence on what the decision, or the pending application, does to the authorized stay. */
  effect: string;
}

/** One admission and everything that follows it until the next admission. */
export interface Stay {
  index: number;
  admission: AdmissionFact;
  departures: DepartureFact[];
  applications: AssessedApplication[];
  /** Still duration of status after all decisions. */
  durationOfStatus: boolean;
  /** Adjusted to permanent residence on this date: no fixed end date. */
  adjustedOn: string | null;
  /** Final authorized-until date; null when D/S, adjusted or unknown. */
  authorizedUntil: string | null;
  /** False when the stay has a fixed end that the records do not let us compute. */
  untilKnown: boolean;
  untilRule: string;
  untilExplanation: string;
  untilSources: SourceRef[];
  currentClass: string;
  /** Applications pending as of as-of that keep the stay authorized (timely or unknown). */
  pending: AssessedApplication[];
  /** Applications pending as of as-of that were filed after the authorized stay ended. */
  untimelyPending: AssessedApplication[];
}

export interface StayAnalysis {
  stays: Stay[];
  issues: RecordedIssue[];
}

function byDateThenRef<T extends { ref: SourceRef }>(date: (t: T) => string) {
  return (a: T, b: T): number => compareText(date(a), date(b)) || compareRefs(a.ref, b.ref);
}

/** Drop records whose dates are not real 'YYYY-MM-DD' dates, with one issue each. */
function validDated<T extends { ref: SourceRef }>(
  records: T[],
  dates: (r: T) => (string | null)[],
  asOf: string,
  issues: RecordedIssue[],
): T[] {
  return records.filter((r) => {
    const bad = dates(r).filter((d): d is string => d !== null && !isIsoDate(d));
    if (bad.length === 0) return true;
    issues.push({
      rule: 'record.invalid_date',
      message: `${describeRef(r.ref)} has an unreadable date (${bad.join(', ')}); the record is left out.`,
      date: asOf,
      stayIndex: -1,
      sourceRecords: [r.ref],
    });
    return false;
  });
}

/**
 * Split facts into stays and compute each stay's authorized period as of `asOf`.
 * Records that cannot be placed (future-dated, before any admission, bad dates) become issues.
 */
export function analyseStays(facts: PersonFacts, asOf: string): StayAnalysis {
  const issues: RecordedIssue[] = [];
  const admissions = validDated(facts.admissions, (a) => [a.admittedOn, a.admitUntil], asOf, issues).sort(
    byDateThenRef((a) => a.admittedOn),
  );
  const departures = validDated(facts.departures, (d) => [d.departedOn], asOf, issues).sort(
    byDateThenRef((d) => d.departedOn),
  );
  const applications = validDated(
    facts.applications,
    (a) => [a.filedOn, a.decidedOn, a.approvedUntil],
    asOf,
    issues,
  ).sort(
    (a, b) =>
      compareText(a.filedOn, b.filedOn) ||
      compareText(a.receiptNumber, b.receiptNumber) ||
      compareRefs(a.ref, b.ref),
  );

  const earliest = admissions[0]?.admittedOn ?? null;
  const stays: Stay[] = [];
  for (const admission of admissions) {
    if (admission.admittedOn > asOf) {
      issues.push(
        futureIssue('admission.in_future', admission.ref, 'an admission', admission.admittedOn, asOf),
      );
    } else {
      stays.push(openStay(stays.length, admission, issues));
    }
  }

  const departuresByStay = new Map<number, DepartureFact[]>();
  for (const dep of departures) {
    if (dep.departedOn > asOf) {
      issues.push(futureIssue('departure.in_future', dep.ref, 'a departure', dep.departedOn, asOf));
      continue;
    }
    // Same-day re-entry: a departure on the day of an admission belongs to the earlier stay.
    const stay =
      findLast(stays, (s) => s.admission.admittedOn < dep.departedOn) ??
      findLast(stays, (s) => s.admission.admittedOn === dep.departedOn);
    if (stay) push(departuresByStay, stay.index, dep);
    else {
      issues.push(
        unplaced('departure', dep.ref, `a departure on ${dep.departedOn}`, dep.departedOn, earliest),
      );
    }
  }

  const applicationsByStay = new Map<number, ApplicationFact[]>();
  for (const app of applications) {
    if (app.filedOn > asOf) {
      issues.push(futureIssue('application.in_future', app.ref, describeApplication(app), app.filedOn, asOf));
      continue;
    }
    const stay = findLast(stays, (s) => s.admission.admittedOn <= app.filedOn);
    if (stay) push(applicationsByStay, stay.index, app);
    else {
      const what = `${describeApplication(app)} filed on ${app.filedOn}`;
      issues.push(unplaced('application', app.ref, what, app.filedOn, earliest));
    }
  }

  for (const stay of stays) {
    stay.departures = departuresByStay.get(stay.index) ?? [];
    const apps = (applicationsByStay.get(stay.index) ?? []).map((a) =>
      decisionAsOf(a, stay.index, asOf, issues),
    );
    runApplications(stay, apps, asOf);
  }
  return { stays, issues };
}

function findLast<T>(items: T[], pred: (t: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item !== undefined && pred(item)) return item;
  }
  return undefined;
}

function push<T>(map: Map<number, T[]>, key: number, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function futureIssue(rule: string, ref: SourceRef, what: string, date: string, asOf: string): RecordedIssue {
  const message = `${describeRef(ref)} records ${what} on ${date}, after the as-of date ${asOf}; it is not used.`;
  return { rule, message, date, stayIndex: -1, sourceRecords: [ref] };
}

function unplaced(
  kind: 'departure' | 'application',
  ref: SourceRef,
  what: string,
  date: string,
  earliestAdmission: string | null,
): RecordedIssue {
  const message =
    earliestAdmission === null
      ? `${describeRef(ref)} records ${what}, but the person has no admission record; it is not used.`
      : `${describeRef(ref)} records ${what}, before the earliest admission on ${earliestAdmission}; it is not used.`;
  const rule = earliestAdmission === null ? `${kind}.without_admission` : `${kind}.before_admission`;
  return { rule, message, date, stayIndex: -1, sourceRecords: [ref] };
}

/** Start a stay from its admission, checking the admission's own dates. */
function openStay(index: number, admission: AdmissionFact, issues: RecordedIssue[]): Stay {
  const { admittedOn, admitUntil, classOfAdmission: cls, ref } = admission;
  const issue = (rule: string, message: string): void => {
    issues.push({ rule, message, date: admittedOn, stayIndex: index, sourceRecords: [ref] });
  };
  const stay: Stay = {
    index,
    admission,
    departures: [],
    applications: [],
    durationOfStatus: admission.durationOfStatus,
    adjustedOn: null,
    authorizedUntil: null,
    untilKnown: true,
    untilRule: 'admission.duration_of_status',
    untilExplanation: `${describeRef(ref)} shows admission on ${admittedOn} as ${cls} for duration of status, with no fixed end date.`,
    untilSources: [ref],
    currentClass: cls,
    pending: [],
    untimelyPending: [],
  };
  if (admission.durationOfStatus) {
    if (admitUntil !== null) {
      issue(
        'admission.duration_of_status_with_until',
        `${describeRef(ref)} is marked duration of status but also gives an admit-until date of ${admitUntil}; the date is ignored.`,
      );
    }
  } else if (admitUntil !== null && admitUntil >= admittedOn) {
    stay.authorizedUntil = admitUntil;
    stay.untilRule = 'admission.authorized_until';
    stay.untilExplanation = `${describeRef(ref)} shows admission on ${admittedOn} as ${cls}, authorized until ${admitUntil}.`;
  } else {
    const why =
      admitUntil === null
        ? 'has no admit-until date and is not marked duration of status'
        : `gives an admit-until date of ${admitUntil}, earlier than the admission date ${admittedOn}`;
    issue(
      admitUntil === null ? 'admission.no_end_date' : 'admission.until_before_admitted',
      `${describeRef(ref)} ${why}; the end of the authorized stay is treated as unknown.`,
    );
    stay.untilKnown = false;
    stay.untilRule = 'admission.until_unknown';
    stay.untilExplanation = `${describeRef(ref)} shows admission on ${admittedOn} as ${cls} but ${why}, so the end of the authorized stay is unknown.`;
  }
  return stay;
}

/** Work out the outcome and decision date of an application as of `asOf`. */
function decisionAsOf(app: ApplicationFact, stayIndex: number, asOf: string, issues: RecordedIssue[]) {
  const issue = (rule: string, date: string, message: string): void => {
    issues.push({
      rule,
      message: `${describeApplication(app)}: ${message}`,
      date,
      stayIndex,
      sourceRecords: [app.ref],
    });
  };
  let decidedOn: string | null = null;
  let outcome = app.outcome;
  if (app.outcome === 'pending') {
    if (app.decidedOn !== null) {
      issue(
        'application.pending_with_decision_date',
        app.decidedOn,
        `pending but has a decision date of ${app.decidedOn}; the date is ignored.`,
      );
    }
  } else if (app.decidedOn === null) {
    issue(
      'application.decision_date_missing',
      app.filedOn,
      `recorded as ${app.outcome} with no decision date; it is treated as pending.`,
    );
    outcome = 'pending';
  } else if (app.decidedOn > asOf) {
    issue(
      'application.decided_in_future',
      app.decidedOn,
      `decided on ${app.decidedOn}, after the as-of date ${asOf}; it is treated as pending.`,
    );
    outcome = 'pending';
  } else if (app.decidedOn < app.filedOn) {
    issue(
      'application.decided_before_filed',
      app.decidedOn,
      `decided on ${app.decidedOn}, before it was filed on ${app.filedOn}; it is treated as decided on the filing date.`,
    );
    decidedOn = app.filedOn;
  } else {
    decidedOn = app.decidedOn;
  }
  const assessed: AssessedApplication = {
    app,
    outcome,
    decidedOn,
    timeliness: 'unknown',
    filing: '',
    effect: '',
  };
  return assessed;
}

/**
 * Replay filings and decisions in date order (a filing before a decision on the same day) to
 * judge each filing's timeliness against the authorized stay in effect that day, and to apply
 * approvals, denials and withdrawals to the stay's end date.
 */
function runApplications(stay: Stay, apps: AssessedApplication[], asOf: string): void {
  stay.applications = apps;
  const steps = apps.flatMap((a) => [
    { date: a.app.filedOn, phase: 0, a },
    ...(a.decidedOn === null ? [] : [{ date: a.decidedOn, phase: 1, a }]),
  ]);
  steps.sort(
    (x, y) =>
      compareText(x.date, y.date) ||
      x.phase - y.phase ||
      compareText(x.a.app.receiptNumber, y.a.app.receiptNumber) ||
      compareRefs(x.a.app.ref, y.a.app.ref),
  );
  const open = new Set<AssessedApplication>();
  for (const { date, phase, a } of steps) {
    if (phase === 0) {
      fileApplication(stay, a, date, open);
      open.add(a);
    } else {
      open.delete(a);
      decide(stay, a, date);
    }
  }
  for (const a of open) {
    if (a.timeliness === 'untimely') {
      a.effect = `It is pending as of ${asOf}, but it was filed after the authorized stay ended (untimely), so it does not restore authorized stay.`;
      stay.untimelyPending.push(a);
    } else {
      a.effect = `It is pending as of ${asOf}; because it was filed while the stay was authorized, the authorized stay continues while it is pending.`;
      stay.pending.push(a);
    }
  }
}

function fileApplication(
  stay: Stay,
  a: AssessedApplication,
  date: string,
  open: Set<AssessedApplication>,
): void {
  const name = describeApplication(a.app);
  const keeping = [...open].find((o) => o.timeliness === 'timely');
  if (stay.durationOfStatus || stay.adjustedOn !== null) {
    a.timeliness = 'timely';
    a.filing = `${name} was filed on ${date}, during a stay with no fixed end date (timely).`;
  } else if (stay.untilKnown && stay.authorizedUntil !== null && date <= stay.authorizedUntil) {
    a.timeliness = 'timely';
    a.filing = `${name} was filed on ${date}, on or before the authorized-until date ${stay.authorizedUntil} (timely).`;
  } else if (keeping) {
    a.timeliness = 'timely';
    a.filing = `${name} was filed on ${date}, while ${describeApplication(keeping.app)} was pending and kept the stay authorized (timely).`;
  } else if (!stay.untilKnown || stay.authorizedUntil === null) {
    a.timeliness = 'unknown';
    a.filing = `${name} was filed on ${date}; whether that was timely cannot be told because the end of the authorized stay is unknown.`;
  } else {
    a.timeliness = 'untimely';
    a.filing = `${name} was filed on ${date}, after the authorized stay ended on ${stay.authorizedUntil} (untimely).`;
  }
}

function decide(stay: Stay, a: AssessedApplication, date: string): void {
  const { app } = a;
  const name = describeApplication(app);
  const late = a.timeliness === 'untimely' ? ' Although it was filed late, the approval is applied.' : '';
  if (a.outcome === 'approved') {
    if (app.kind === 'adjustment_of_status') {
      Object.assign(stay, {
        adjustedOn: date,
        durationOfStatus: false,
        authorizedUntil: null,
        untilKnown: true,
      });
      setUntil(
        stay,
        a,
        'application.adjusted',
        `${name} was approved on ${date}: permanent residence, with no fixed end date.`,
      );
      a.effect = `Approved on ${date}; the person adjusted to permanent residence, so the stay has no fixed end date.${late}`;
      return;
    }
    const cls = app.requestedClass ?? stay.currentClass;
    stay.currentClass = cls;
    if (app.approvedUntil === null) {
      const kept = stay.durationOfStatus ? 'duration of status' : (stay.authorizedUntil ?? 'unknown');
      a.effect = `Approved on ${date} as ${cls} without a new authorized-until date, so the existing end (${kept}) is kept.${late}`;
      return;
    }
    Object.assign(stay, { durationOfStatus: false, authorizedUntil: app.approvedUntil, untilKnown: true });
    const why = `${name}, filed on ${app.filedOn}, was approved on ${date} as ${cls} with a new authorized-until date of ${app.approvedUntil}.`;
    setUntil(stay, a, 'application.approved_until', why);
    a.effect = `Approved on ${date}; the authorized stay now runs until ${app.approvedUntil}.${late}`;
    return;
  }
  if (a.outcome === 'pending') return;
  const verb = a.outcome === 'denied' ? 'denied' : 'withdrawn';
  const until = stay.authorizedUntil;
  if (stay.durationOfStatus || stay.adjustedOn !== null || until === null || !stay.untilKnown) {
    a.effect = `It was ${verb} on ${date}; the stay's end date is unchanged.`;
  } else if (a.timeliness !== 'timely') {
    a.effect = `It was ${verb} on ${date}; because it did not keep the stay authorized, the end date ${until} is unchanged.`;
  } else if (date <= until) {
    a.effect = `It was ${verb} on ${date}, on or before the authorized-until date ${until}, so that date stands.`;
  } else {
    stay.authorizedUntil = date;
    const why = `${name} was filed on ${app.filedOn}, on or before the authorized-until date ${until}, so the stay continued while it was pending; it was ${verb} on ${date}, after ${until}, so the authorized stay ended on the decision date.`;
    setUntil(stay, a, `application.${verb}_after_expiry`, why);
    a.effect = `It was ${verb} on ${date}, after the authorized-until date ${until}; the authorized stay ended on ${date}.`;
  }
}

function setUntil(stay: Stay, a: AssessedApplication, rule: string, explanation: string): void {
  stay.untilRule = rule;
  stay.untilExplanation = explanation;
  if (!stay.untilSources.includes(a.app.ref)) stay.untilSources.push(a.app.ref);
}

/**
 * Status timeline rules. `buildTimeline` turns a person's admission, application and departure
 * records into dated events, a current status and a list of data issues. Every event and status
 * carries a stable rule id, a plain-English explanation naming the dates involved, and the source
 * records that produced it. Pure: no I/O and no clock; the "as of" date is a parameter, and
 * records dated after it are reported as data issues (they cannot have happened yet).
 */
import {
  type AssessedApplication,
  type RecordedIssue,
  type Stay,
  analyseStays,
  compareRefs,
  compareText,
  dayAfter,
  daysBetween,
  describeApplication,
  describeRef,
  isIsoDate,
} from './stay.rules.js';

/** Where a fact came from: the source system, its record id and our stored row. */
export interface SourceRef {
  sourceCode: string;
  sourceRecordId: string;
  recordPk: string;
}

/** One admission (I-94-like). Dates are 'YYYY-MM-DD'. */
export interface AdmissionFact {
  ref: SourceRef;
  admissionNumber: string | null;
  classOfAdmission: string;
  portOfEntry: string | null;
  admittedOn: string;
  admitUntil: string | null;
  durationOfStatus: boolean;
}

/** An extension, change-of-status or adjustment-of-status application. */
export interface ApplicationFact {
  ref: SourceRef;
  receiptNumber: string;
  kind: 'extension' | 'change_of_status' | 'adjustment_of_status';
  filedOn: string;
  decidedOn: string | null;
  outcome: 'pending' | 'approved' | 'denied' | 'withdrawn';
  requestedClass: string | null;
  approvedUntil: string | null;
}

/** One departure, from a carrier manifest or self-reported. */
export interface DepartureFact {
  ref: SourceRef;
  departedOn: string;
  portOfDeparture: string | null;
  carrier: string | null;
  manifestRef: string | null;
  selfReported: boolean;
}

export interface PersonFacts {
  admissions: AdmissionFact[];
  applications: ApplicationFact[];
  departures: DepartureFact[];
}

export type TimelineEventKind =
  'admitted' | 'authorized_until' | 'application_filed' | 'application_decided' | 'departed' | 'data_error';

export interface TimelineEvent {
  date: string;
  kind: TimelineEventKind;
  /** Human sentence, e.g. "Admitted as B2 at JFK". */
  label: string;
  /** Stable rule id, e.g. 'admission.recorded'. */
  rule: string;
  explanation: string;
  sourceRecords: SourceRef[];
}

export type StatusCode =
  | 'in_authorized_stay'
  | 'authorized_stay_expired_no_departure'
  | 'departed'
  | 'application_pending'
  | 'duration_of_status'
  | 'no_admission_recorded';

export interface CurrentStatus {
  code: StatusCode;
  label: string;
  rule: string;
  explanation: string;
  /** Date the status began, when known. */
  since: string | null;
  /** Last day of authorized stay; null when there is no fixed or known end. */
  authorizedUntil: string | null;
  sourceRecords: SourceRef[];
}

export interface DataIssue {
  rule: string;
  message: string;
  sourceRecords: SourceRef[];
}

export interface Timeline {
  asOf: string;
  events: TimelineEvent[];
  status: CurrentStatus;
  dataIssues: DataIssue[];
}

/** Order of event kinds on the same date (within one stay). */
export const EVENT_KIND_ORDER: readonly TimelineEventKind[] = [
  'admitted',
  'application_filed',
  'application_decided',
  'authorized_until',
  'departed',
  'data_error',
];

interface Draft {
  event: TimelineEvent;
  stayIndex: number;
  issue: DataIssue | null;
}

/**
 * Build a person's status timeline as of `asOf` ('YYYY-MM-DD').
 *
 * Events are sorted by date, then by stay (so a departure on the day of a re-entry comes before
 * the new admission), then by kind in {@link EVENT_KIND_ORDER}, then by source record.
 * Data problems never become a status: each is a `dataIssues` entry and a 'data_error' event.
 *
 * @throws {RangeError} when `asOf` is not a real 'YYYY-MM-DD' date.
 */
export function buildTimeline(facts: PersonFacts, asOf: string): Timeline {
  if (!isIsoDate(asOf)) throw new RangeError(`asOf must be a YYYY-MM-DD date, got "${asOf}"`);
  const { stays, issues } = analyseStays(facts, asOf);
  const drafts: Draft[] = [...stays.flatMap(stayEvents), ...issues.map(issueDraft)];
  drafts.sort(compareDrafts);
  return {
    asOf,
    events: drafts.map((d) => d.event),
    status: currentStatus(stays.at(-1), asOf),
    dataIssues: drafts.flatMap((d) => (d.issue ? [d.issue] : [])),
  };
}

function compareDrafts(a: Draft, b: Draft): number {
  const x = a.event;
  const y = b.event;
  return (
    compareText(x.date, y.date) ||
    a.stayIndex - b.stayIndex ||
    EVENT_KIND_ORDER.indexOf(x.kind) - EVENT_KIND_ORDER.indexOf(y.kind) ||
    compareRefs(x.sourceRecords[0], y.sourceRecords[0]) ||
    compareText(x.rule, y.rule) ||
    compareText(x.label, y.label) ||
    compareText(x.explanation, y.explanation)
  );
}

/** Short human labels for 'data_error' events, by rule id. */
export const DATA_ERROR_LABELS: Readonly<Record<string, string>> = {
  'record.invalid_date': 'Record with an unreadable date left out',
  'admission.in_future': 'Admission dated after the as-of date',
  'admission.until_before_admitted': 'Admit-until date is before the admission date',
  'admission.no_end_date': 'Admission has no end date and is not duration of status',
  'admission.duration_of_status_with_until': 'Duration-of-status admission also has an end date',
  'departure.in_future': 'Departure dated after the as-of date',
  'departure.before_admission': 'Departure before any admission',
  'departure.without_admission': 'Departure with no admission on record',
  'application.in_future': 'Application filed after the as-of date',
  'application.before_admission': 'Application filed before any admission',
  'application.without_admission': 'Application with no admission on record',
  'application.decided_before_filed': 'Application decided before it was filed',
  'application.decided_in_future': 'Application decided after the as-of date',
  'application.decision_date_missing': 'Application decided with no decision date',
  'application.pending_with_decision_date': 'Pending application has a decision date',
};

function issueDraft(issue: RecordedIssue): Draft {
  const { rule, message, sourceRecords, date, stayIndex } = issue;
  const label = `Data error: ${DATA_ERROR_LABELS[rule] ?? rule}`;
  return {
    event: { date, kind: 'data_error', label, rule, explanation: message, sourceRecords },
    stayIndex,
    issue: { rule, message, sourceRecords },
  };
}

function draft(stay: Stay, event: TimelineEvent): Draft {
  return { event, stayIndex: stay.index, issue: null };
}

const at = (place: string | null, word: string): string => (place ? ` ${word} ${place}` : '');

/** The events of one stay: admission, applications, end of authorized stay, departures. */
function stayEvents(stay: Stay): Draft[] {
  const { admission: adm } = stay;
  const ds = adm.durationOfStatus;
  const number = adm.admissionNumber ? ` (admission number ${adm.admissionNumber})` : '';
  const until = ds
    ? 'The admission is for duration of status (no fixed end date).'
    : adm.admitUntil !== null && adm.admitUntil >= adm.admittedOn
      ? `Admitted until ${adm.admitUntil}.`
      : 'The record has no usable admit-until date, so the end of the stay is unknown.';
  const drafts: Draft[] = [
    draft(stay, {
      date: adm.admittedOn,
      kind: 'admitted',
      label: `Admitted as ${adm.classOfAdmission}${at(adm.portOfEntry, 'at')}${ds ? ' for duration of status (no fixed end date)' : ''}`,
      rule: 'admission.recorded',
      explanation: `${describeRef(adm.ref)}${number} shows admission on ${adm.admittedOn} as ${adm.classOfAdmission}${at(adm.portOfEntry, 'at')}. ${until}`,
      sourceRecords: [adm.ref],
    }),
  ];
  for (const a of stay.applications) drafts.push(...applicationEvents(stay, a));
  if (stay.authorizedUntil !== null) {
    const pending = stay.pending[0];
    const note = pending
      ? ` ${describeApplication(pending.app)} was filed on time and is pending, so the authorized stay continues past this date while it is pending.`
      : '';
    drafts.push(
      draft(stay, {
        date: stay.authorizedUntil,
        kind: 'authorized_until',
        label: `Authorized stay as ${stay.currentClass} ends`,
        rule: stay.untilRule,
        explanation: `${stay.untilExplanation}${note}`,
        sourceRecords: stay.untilSources,
      }),
    );
  }
  for (const dep of stay.departures) {
    drafts.push(
      draft(stay, {
        date: dep.departedOn,
        kind: 'departed',
        label: dep.selfReported
          ? 'Departed (self-reported, unconfirmed)'
          : `Departed${at(dep.portOfDeparture, 'from')}`,
        rule: dep.selfReported ? 'departure.self_reported' : 'departure.recorded',
        explanation: `${describeDeparture(dep)} ${departureTiming(stay, dep.departedOn)}`,
        sourceRecords: [dep.ref],
      }),
    );
  }
  return drafts;
}

const FILED_RULES = {
  timely: 'application.filed_timely',
  untimely: 'application.filed_untimely',
  unknown: 'application.filed_timeliness_unknown',
} as const;

function applicationEvents(stay: Stay, a: AssessedApplication): Draft[] {
  const { app } = a;
  const name = describeApplication(app);
  const source = describeRef(app.ref);
  const drafts = [
    draft(stay, {
      date: app.filedOn,
      kind: 'application_filed',
      label: `${name} filed${app.requestedClass ? ` requesting ${app.requestedClass}` : ''}`,
      rule: FILED_RULES[a.timeliness],
      explanation: `${source}: ${a.filing}${a.decidedOn === null ? ` ${a.effect}` : ''}`,
      sourceRecords: [app.ref],
    }),
  ];
  if (a.decidedOn !== null) {
    const newUntil = a.outcome === 'approved' && app.approvedUntil ? ` until ${app.approvedUntil}` : '';
    drafts.push(
      draft(stay, {
        date: a.decidedOn,
        kind: 'application_decided',
        label: `${name} ${a.outcome}${newUntil}`,
        rule: 'application.decided',
        explanation: `${source}: ${name} was decided (${a.outcome}) on ${a.decidedOn}. ${a.effect}`,
        sourceRecords: [app.ref],
      }),
    );
  }
  return drafts;
}

function describeDeparture(dep: DepartureFact): string {
  const carrier = dep.carrier ? ` on carrier ${dep.carrier}` : '';
  const manifest = dep.manifestRef ? ` (manifest ${dep.manifestRef})` : '';
  const self = dep.selfReported
    ? ' The departure is self-reported and not confirmed by a carrier record.'
    : '';
  return `${describeRef(dep.ref)} shows departure on ${dep.departedOn}${at(dep.portOfDeparture, 'from')}${carrier}${manifest}.${self}`;
}

function departureTiming(stay: Stay, date: string): string {
  const until = stay.authorizedUntil;
  if (stay.durationOfStatus || stay.adjustedOn !== null) return 'The stay had no fixed end date.';
  if (until === null) return 'The end of the authorized stay is unknown.';
  if (date <= until) return `This is on or before the authorized-until date ${until}.`;
  const days = daysBetween(until, date);
  return `This is ${days} day${days === 1 ? '' : 's'} after the authorized stay ended on ${until}.`;
}

/** Decide the current status from the latest admission on or before as-of and what follows it. */
export function currentStatus(stay: Stay | undefined, asOf: string): CurrentStatus {
  if (!stay) {
    return {
      code: 'no_admission_recorded',
      label: 'No admission recorded',
      rule: 'status.no_admission_recorded',
      explanation: `No admission record dated on or before ${asOf} was found, so no authorized stay can be computed.`,
      since: null,
      authorizedUntil: null,
      sourceRecords: [],
    };
  }
  const adm = stay.admission;
  const base = `The latest admission on or before ${asOf} is on ${adm.admittedOn} as ${adm.classOfAdmission} (${describeRef(adm.ref)}).`;
  const status = (
    code: StatusCode,
    rule: string,
    label: string,
    explanation: string,
    since: string | null,
    extra: SourceRef[] = [],
  ): CurrentStatus => {
    const refs = [...stay.untilSources, ...extra].filter((r, i, all) => all.indexOf(r) === i);
    const authorizedUntil = code === 'application_pending' ? null : stay.authorizedUntil;
    return {
      code,
      label,
      rule,
      explanation: `${base} ${explanation}`,
      since,
      authorizedUntil,
      sourceRecords: refs,
    };
  };

  const departure = stay.departures.find((d) => !d.selfReported) ?? stay.departures[0];
  if (departure) {
    const self = departure.selfReported ? ' (self-reported, unconfirmed)' : '';
    return status(
      'departed',
      departure.selfReported ? 'status.departed_self_reported' : 'status.departed',
      `Departed on ${departure.departedOn}${self}`,
      `${describeDeparture(departure)} ${departureTiming(stay, departure.departedOn)}`,
      departure.departedOn,
      [departure.ref],
    );
  }
  const pending = stay.pending[0];
  if (pending) {
    const original = stay.authorizedUntil
      ? ` The authorized-until date on record is ${stay.authorizedUntil}.`
      : '';
    return status(
      'application_pending',
      'status.application_pending',
      `Authorized stay continues while ${describeApplication(pending.app)} is pending`,
      `${pending.filing} ${pending.effect}${original}`,
      pending.app.filedOn,
      stay.pending.map((p) => p.app.ref),
    );
  }
  if (stay.durationOfStatus) {
    return status(
      'duration_of_status',
      'status.duration_of_status',
      `Admitted as ${stay.currentClass} for duration of status`,
      `The stay is authorized for duration of status (no fixed end date): whether status is still maintained cannot be computed from entry/exit data alone.`,
      adm.admittedOn,
    );
  }
  if (stay.adjustedOn !== null) {
    return status(
      'in_authorized_stay',
      'status.adjusted',
      `Adjusted to permanent residence on ${stay.adjustedOn}`,
      stay.untilExplanation,
      stay.adjustedOn,
    );
  }
  const until = stay.authorizedUntil;
  if (until === null || !stay.untilKnown) {
    return status(
      'in_authorized_stay',
      'status.in_authorized_stay_until_unknown',
      `In authorized stay as ${stay.currentClass} (end date unknown)`,
      `${stay.untilExplanation} No departure is recorded; an overstay cannot be established without a known end date.`,
      adm.admittedOn,
    );
  }
  if (asOf <= until) {
    return status(
      'in_authorized_stay',
      'status.in_authorized_stay',
      `In authorized stay as ${stay.currentClass} until ${until}`,
      `${stay.untilExplanation} As of ${asOf} the authorized stay has not ended.`,
      adm.admittedOn,
    );
  }
  const late = stay.untimelyPending.map((p) => ` ${p.filing} ${p.effect}`).join('');
  return status(
    'authorized_stay_expired_no_departure',
    'status.authorized_stay_expired_no_departure',
    `Authorized stay ended ${until}; no departure recorded`,
    `${stay.untilExplanation} No departure after ${adm.admittedOn} is recorded as of ${asOf}.${late}`,
    dayAfter(until),
    stay.untimelyPending.map((p) => p.app.ref),
  );
}

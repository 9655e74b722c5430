/**
 * The overstay batch's decision step over columns: a slice of people's admissions, departures and
 * applications as typed arrays (read by binary COPY, overstay-slice.store.ts), decided person by
 * person into the stored determination's columns. Pure: no I/O and no clock.
 *
 * It decides exactly what `determineOverstays` (overstay.rules.ts + stay.rules.ts) decides, but
 * without composing the explanation (the person page renders that from the pure rules) and
 * without an object per record: the pure rules cost ~15–20 µs a person, which for 9M people is
 * minutes of one core, while this costs well under a microsecond a record. It follows the batch
 * SQL (overstay-batch.store.ts) step for step, whose CTE names appear in the comments; the
 * equivalence tests (test/overstay-batch.integration.test.ts and overstay-slice.rules.test.ts)
 * compare it with the pure rules row by row.
 *
 * Like the SQL, it leaves to the pure rules the people it does not decide ("hybrid"): a stay with
 * two or more applications, a date outside years 0001–9999, a record id with a character from
 * U+E000 up (JavaScript orders those by UTF-16 code units, this step by UTF-8 bytes, i.e. code
 * points), or a source the caller's list does not know.
 */
import {
  NULL_INT,
  PG_EPOCH_DAYS,
  type Columns,
  type Int4Column,
  type Int8Column,
} from '../db/binary-copy.js';
import { textAt, type BoolColumn, type TextColumn } from '../db/binary-copy.js';
import type { OverstayOutcome } from './overstay.rules.js';
import type { PersonFacts } from './timeline.rules.js';

/** A source system: its rank in compareRefs' order of codes, and whether its code is odd. */
export interface SliceSource {
  id: number;
  rank: number;
  odd: boolean;
  /** The source's code, for the facts of the hybrid people (personFactsOf). */
  code?: string;
}

/** The column layout of the three inputs, each sorted by person id (in any order within a person). */
export const ADMISSION_COLUMNS = [
  'int8', // id
  'int8', // person_id
  'int4', // source_id
  'text', // source_record_id
  'text', // class_of_admission
  'date', // admitted_on
  'date', // admit_until
  'bool', // duration_of_status
  'text', // country_of_citizenship
] as const;
export const DEPARTURE_COLUMNS = [
  'int8', // person_id
  'int4', // source_id
  'text', // source_record_id
  'int8', // source_record_pk
  'date', // departed_on
  'bool', // self_reported
] as const;
export const APPLICATION_COLUMNS = [
  'int8', // person_id
  'int4', // source_id
  'text', // source_record_id
  'int8', // source_record_pk
  'bool', // kind = 'adjustment_of_status'
  'date', // filed_on
  'date', // decided_on
  'int4', // outcome: APPLICATION_OUTCOMES' index
  'date', // approved_until
  'text', // receipt_number (the pure rules order applications filed on one day by it)
] as const;
/** The outcome codes of APPLICATION_COLUMNS, in this order. */
export const APPLICATION_OUTCOMES = ['pending', 'approved', 'denied', 'withdrawn'] as const;
const PENDING = 0;
const APPROVED = 1;

export interface SliceFacts {
  /** The as-of date, as days since 2000-01-01. */
  asOf: number;
  sources: readonly SliceSource[];
  admissions: Columns;
  departures: Columns;
  applications: Columns;
}

/**
 * One decided admission, handed to the sink and reused for the next one (copy what you keep).
 * Dates are days since 2000-01-01; NULL_INT and NaN stand for NULL.
 */
export interface SliceDecision {
  /** The admission's row in SliceFacts.admissions. */
  admission: number;
  outcome: OverstayOutcome;
  rule: string;
  authorizedUntil: number;
  departedOn: number;
  daysOver: number;
  fiscalYear: number;
  departurePk: number;
  /** The application that moved the end of the stay or keeps it open, or NaN. */
  applicationPk: number;
  /** Data-error rule ids, sorted. */
  errors: string[];
}

export interface SliceOutcome {
  /** People with an admission, the hybrid ones included. */
  people: number;
  /** Admissions decided (handed to the sink). */
  determinations: number;
  /** People left to the pure rules, by ascending person id, with their rows (for personFactsOf). */
  hybrid: HybridPerson[];
}

/** A person left to the pure rules: their rows [from, to) in each input. */
export interface HybridPerson {
  personId: number;
  admissions: [number, number];
  departures: [number, number];
  applications: [number, number];
}

/** The inputs' columns by name (the layouts above). */
export function columnsOf(facts: SliceFacts) {
  const [aId, aPerson, aSource, aRid, aCls, aOn, aUntil, aDs, aCountry] = facts.admissions.columns as [
    Int8Column,
    Int8Column,
    Int4Column,
    TextColumn,
    TextColumn,
    Int4Column,
    Int4Column,
    BoolColumn,
    TextColumn,
  ];
  const [dPerson, dSource, dRid, dPk, dOn, dSelf] = facts.departures.columns as [
    Int8Column,
    Int4Column,
    TextColumn,
    Int8Column,
    Int4Column,
    BoolColumn,
  ];
  const [pPerson, pSource, pRid, pPk, pAdjust, pFiled, pDecided, pOutcome, pApproved, pReceipt] = facts
    .applications.columns as [
    Int8Column,
    Int4Column,
    TextColumn,
    Int8Column,
    BoolColumn,
    Int4Column,
    Int4Column,
    Int4Column,
    Int4Column,
    TextColumn,
  ];
  return {
    aId,
    aPerson,
    aSource,
    aRid,
    aCls,
    aOn,
    aUntil,
    aDs,
    aCountry,
    dPerson,
    dSource,
    dRid,
    dPk,
    dOn,
    dSelf,
    pPerson,
    pSource,
    pRid,
    pPk,
    pAdjust,
    pFiled,
    pDecided,
    pOutcome,
    pApproved,
    pReceipt,
  };
}

/** A decision to fill in (the sink's argument is one of these, reused). */
export function emptyDecision(): SliceDecision {
  return {
    admission: 0,
    outcome: 'data_error',
    rule: '',
    authorizedUntil: NULL_INT,
    departedOn: NULL_INT,
    daysOver: NULL_INT,
    fiscalYear: NULL_INT,
    departurePk: NaN,
    applicationPk: NaN,
    errors: [],
  };
}

/** Days since 2000-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function pgDays(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468 - PG_EPOCH_DAYS;
}

/** fiscalYearOf for days since 2000-01-01: October starts the next fiscal year. */
export function fiscalYearOfDays(days: number): number {
  // civil_from_days (H. Hinnant), year and month only.
  const z = days + PG_EPOCH_DAYS + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return month >= 10 ? year + 1 : year;
}

/** 'YYYY-MM-DD' as days since 2000-01-01 (the caller has checked it with isIsoDate). */
export function isoToPgDays(iso: string): number {
  return pgDays(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
}

const FIRST_DAY = pgDays(1, 1, 1);
const LAST_DAY = pgDays(9999, 12, 31);
/** A date the pure rules read as unreadable (NULL is not: it is a missing date). */
const outOfRange = (d: number) => d !== NULL_INT && (d < FIRST_DAY || d > LAST_DAY);

const R = {
  durationOfStatusWithUntil: 'admission.duration_of_status_with_until',
  noEndDate: 'admission.no_end_date',
  untilBeforeAdmitted: 'admission.until_before_admitted',
  admissionInFuture: 'admission.in_future',
  departureInFuture: 'departure.in_future',
  departureBeforeAdmission: 'departure.before_admission',
  multipleDepartures: 'departure.multiple_for_admission',
  applicationInFuture: 'application.in_future',
  applicationBeforeAdmission: 'application.before_admission',
  pendingWithDecisionDate: 'application.pending_with_decision_date',
  decisionDateMissing: 'application.decision_date_missing',
  decidedInFuture: 'application.decided_in_future',
  decidedBeforeFiled: 'application.decided_before_filed',
  adjusted: 'overstay.adjusted_to_permanent_residence',
  durationOfStatus: 'overstay.duration_of_status',
  departedOnTime: 'overstay.departed_on_time',
  departedWhilePending: 'overstay.departed_while_application_pending',
  departedAfter: 'overstay.departed_after_authorized_stay',
  notEnded: 'overstay.authorized_stay_not_ended',
  pendingTimely: 'application.pending_timely',
  noDeparture: 'overstay.no_departure_after_authorized_stay',
} as const;

const compareRules = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A character from U+E000 up: in UTF-8 its lead byte is 0xEE or more (no other byte is). */
function exotic(col: TextColumn, row: number): boolean {
  const start = col.off[row]!;
  const end = start + col.len[row]!;
  const buf = col.buf;
  for (let p = start; p < end; p++) if (buf[p]! >= 0xee) return true;
  return false;
}

/** Record ids compared like the "C" collation (by bytes, so by code point). */
function compareIds(a: TextColumn, i: number, b: TextColumn, j: number): number {
  // source (a's bytes) against target (b's): negative when a sorts first
  return a.buf.compare(b.buf, b.off[j], b.off[j]! + b.len[j]!, a.off[i], a.off[i]! + a.len[i]!);
}

/**
 * Decides every admission of the slice's people, handing each decision to `sink`, except for the
 * people returned as hybrid, of whom nothing is handed over.
 *
 * @throws {RangeError} when an input is not sorted by person id.
 */
export function decideSlice(facts: SliceFacts, sink: (decision: SliceDecision) => void): SliceOutcome {
  const asOf = facts.asOf;
  // Source ids are small serials: ranks by id in an array (-1: unknown, -2: odd code).
  const maxId = facts.sources.reduce((m, s) => Math.max(m, s.id), 0);
  const rankById = new Int32Array(maxId + 1).fill(-1);
  for (const s of facts.sources) rankById[s.id] = s.odd ? -2 : s.rank;
  const rankOf = (sourceId: number) => (sourceId >= 0 && sourceId <= maxId ? rankById[sourceId]! : -1);

  const columns = columnsOf(facts);
  const { aPerson, aSource, aRid, aOn, aUntil, aDs, dPerson, dSource, dRid, dPk, dOn, dSelf } = columns;
  const { pPerson, pSource, pRid, pPk, pAdjust, pFiled, pDecided, pOutcome, pApproved } = columns;
  const nA = facts.admissions.rows;
  const nD = facts.departures.rows;
  const nP = facts.applications.rows;

  const oddAdmission = (i: number) =>
    outOfRange(aOn.values[i]!) ||
    outOfRange(aUntil.values[i]!) ||
    rankOf(aSource.values[i]!) < 0 ||
    exotic(aRid, i);
  const oddDeparture = (j: number) =>
    outOfRange(dOn.values[j]!) || rankOf(dSource.values[j]!) < 0 || exotic(dRid, j);
  const oddApplication = (j: number) =>
    outOfRange(pFiled.values[j]!) ||
    outOfRange(pDecided.values[j]!) ||
    outOfRange(pApproved.values[j]!) ||
    rankOf(pSource.values[j]!) < 0 ||
    exotic(pRid, j);
  /** analyseStays' order of admissions: date, then source code, then record id. */
  const admissionBefore = (i: number, j: number) => {
    const on = aOn.values[i]! - aOn.values[j]!;
    if (on) return on < 0;
    const rank = rankOf(aSource.values[i]!) - rankOf(aSource.values[j]!);
    if (rank) return rank < 0;
    return compareIds(aRid, i, aRid, j) < 0;
  };
  /** decideStay's departure used: confirmed first, then the earliest, then by source record. */
  const departureBefore = (i: number, j: number) => {
    const self = dSelf.values[i]! - dSelf.values[j]!;
    if (self) return self < 0;
    const on = dOn.values[i]! - dOn.values[j]!;
    if (on) return on < 0;
    const rank = rankOf(dSource.values[i]!) - rankOf(dSource.values[j]!);
    if (rank) return rank < 0;
    return compareIds(dRid, i, dRid, j) < 0;
  };

  const out = emptyDecision();
  let determinations = 0;
  const emit = () => {
    determinations++;
    sink(out);
  };
  const emitFuture = (i: number) => {
    out.admission = i;
    out.outcome = 'data_error';
    out.rule = R.admissionInFuture;
    out.authorizedUntil = NULL_INT;
    out.departedOn = NULL_INT;
    out.daysOver = NULL_INT;
    out.fiscalYear = NULL_INT;
    out.departurePk = NaN;
    out.applicationPk = NaN;
    out.errors = [R.admissionInFuture];
    emit();
  };
  /** openStay's check on the admission dates: its data-error rule, or null. */
  const admissionRule = (i: number): string | null => {
    const until = aUntil.values[i]!;
    if (aDs.values[i] === 1) return until !== NULL_INT ? R.durationOfStatusWithUntil : null;
    if (until === NULL_INT) return R.noEndDate;
    return until < aOn.values[i]! ? R.untilBeforeAdmitted : null;
  };
  /** The end of the authorized stay from the admission alone (none for D/S or unusable dates). */
  const admitUntil = (i: number) =>
    aDs.values[i] !== 1 && aUntil.values[i] !== NULL_INT && aUntil.values[i]! >= aOn.values[i]!
      ? aUntil.values[i]!
      : NULL_INT;
  const blockingAdmission = (rule: string | null) => rule === R.noEndDate || rule === R.untilBeforeAdmitted;

  // Scratch space for one person, reused (most people have one or two records of each kind).
  const adm: number[] = [];
  const next: number[] = [];
  let nDeps = 0;
  let nApps = 0;
  const depStay: number[] = [];
  const depIdx: number[] = [];
  const depProblem: (string | null)[] = [];
  const appStay: number[] = [];
  const appIdx: number[] = [];
  const appProblem: (string | null)[] = [];

  /**
   * judge (s2 and decided): the outcome, rule and days over of a stay whose authorized period ends
   * on `until` (NULL_INT: unknown) and whose used departure is `departedOn`; a blocking data error
   * overrides them. The simple path is the case without an application (not adjusted, not kept open).
   */
  const judge = (
    adjusted: boolean,
    ds: boolean,
    until: number,
    departedOn: number,
    keepsOpen: boolean,
    blocking: string | null,
  ) => {
    out.daysOver = NULL_INT;
    if (blocking !== null) {
      out.outcome = 'data_error';
      out.rule = blocking;
    } else if (adjusted) {
      out.outcome = 'not_yet_due';
      out.rule = R.adjusted;
    } else if (ds || until === NULL_INT) {
      out.outcome = 'not_determinable';
      out.rule = R.durationOfStatus;
    } else if (departedOn !== NULL_INT) {
      if (departedOn <= until) {
        out.outcome = 'departed_on_time';
        out.rule = R.departedOnTime;
      } else if (keepsOpen) {
        out.outcome = 'departed_on_time';
        out.rule = R.departedWhilePending;
      } else {
        out.outcome = 'out_of_country_overstay';
        out.rule = R.departedAfter;
        out.daysOver = departedOn - until;
      }
    } else if (asOf <= until) {
      out.outcome = 'not_yet_due';
      out.rule = R.notEnded;
    } else if (keepsOpen) {
      out.outcome = 'not_yet_due';
      out.rule = R.pendingTimely;
    } else {
      out.outcome = 'suspected_in_country_overstay';
      out.rule = R.noDeparture;
      out.daysOver = asOf - until;
    }
  };

  /** The simple people's short path (simple0 … simple_decided): one admission, ≤ 1 departure. */
  const decideSimple = (i: number, dep: number) => {
    const on = aOn.values[i]!;
    if (on > asOf) {
      emitFuture(i);
      return;
    }
    const until0 = admitUntil(i);
    const rule0 = admissionRule(i);
    const depOn = dep >= 0 ? dOn.values[dep]! : NULL_INT;
    const depProblem0 =
      dep < 0 ? null : depOn > asOf ? R.departureInFuture : depOn < on ? R.departureBeforeAdmission : null;
    const blocking = blockingAdmission(rule0)
      ? rule0
      : depProblem0 === R.departureBeforeAdmission
        ? depProblem0
        : null;
    const departedOn = dep >= 0 && depProblem0 === null ? depOn : NULL_INT;
    out.admission = i;
    out.authorizedUntil = until0;
    out.departedOn = departedOn;
    out.fiscalYear = until0 === NULL_INT ? NULL_INT : fiscalYearOfDays(until0);
    out.departurePk = departedOn !== NULL_INT ? dPk.values[dep]! : NaN;
    out.applicationPk = NaN;
    out.errors =
      rule0 === null
        ? depProblem0 === null
          ? []
          : [depProblem0]
        : depProblem0 === null
          ? [rule0]
          : [rule0, depProblem0];
    judge(false, aDs.values[i] === 1, until0, departedOn, false, blocking);
    emit();
  };

  /** Everyone else: the stay CTEs (admitted … decided). Returns false for a hybrid person. */
  const decideStays = (a0: number, a1: number, d0: number, d1: number, p0: number, p1: number): boolean => {
    // The scratch arrays are reused with counts (k, nDeps, nApps), never emptied: setting an
    // array's length was 0.6 s of a 10M batch in a profile.
    let k = 0;
    for (let i = a0; i < a1; i++) {
      if (oddAdmission(i)) return false;
      // insertion sort: a person has a handful of admissions at most
      let at = k++;
      while (at > 0 && admissionBefore(i, adm[at - 1]!)) {
        adm[at] = adm[at - 1]!;
        at--;
      }
      adm[at] = i;
    }
    let m = 0; // stays: admissions on or before as-of, which sort first
    while (m < k && aOn.values[adm[m]!]! <= asOf) m++;
    const firstOn = aOn.values[adm[0]!]!;
    for (let s = 0; s < m; s++) next[s] = s + 1 < m ? aOn.values[adm[s + 1]!]! : NULL_INT;

    // deps: a departure belongs to the last stay admitted before it; one on the day of the first
    // admission to the last stay admitted that day; earlier ones to the first stay.
    nDeps = 0;
    for (let j = d0; j < d1; j++) {
      const d = dOn.values[j]!;
      for (let s = 0; s < m; s++) {
        const on = aOn.values[adm[s]!]!;
        const nx = next[s]!;
        if (
          (on < d && (nx === NULL_INT || nx >= d)) ||
          (on === d && firstOn === d && (nx === NULL_INT || nx > d)) ||
          (s === 0 && d < on)
        ) {
          if (oddDeparture(j)) return false;
          depStay[nDeps] = s;
          depIdx[nDeps] = j;
          depProblem[nDeps++] =
            d > asOf ? R.departureInFuture : d < firstOn ? R.departureBeforeAdmission : null;
        }
      }
    }
    // apps: an application belongs to the last stay admitted on or before its filing date.
    nApps = 0;
    for (let j = p0; j < p1; j++) {
      const f = pFiled.values[j]!;
      for (let s = 0; s < m; s++) {
        const on = aOn.values[adm[s]!]!;
        const nx = next[s]!;
        if ((on <= f && (nx === NULL_INT || nx > f)) || (s === 0 && f < on)) {
          if (oddApplication(j)) return false;
          appStay[nApps] = s;
          appIdx[nApps] = j;
          appProblem[nApps++] =
            f > asOf ? R.applicationInFuture : f < firstOn ? R.applicationBeforeAdmission : null;
        }
      }
    }
    // hybrid: two or more applications placed in one stay (filed between the first admission and as-of)
    for (let x = 0; x < nApps; x++) {
      if (appProblem[x] !== null) continue;
      for (let y = x + 1; y < nApps; y++) {
        if (appProblem[y] === null && appStay[y] === appStay[x]) return false;
      }
    }

    for (let s = 0; s < m; s++) decideStay(s, adm[s]!);
    for (let s = m; s < k; s++) emitFuture(adm[s]!);
    return true;
  };

  /** One stay (s0 … decided), its departures and application placed above. */
  const decideStay = (s: number, i: number) => {
    const errors: string[] = [];
    let departureBeforeAdmission = false;
    // dep_stats and used_deps over the stay's usable departures
    let n = 0;
    let nConfirmed = 0;
    let lo = NULL_INT;
    let hi = NULL_INT;
    let used = -1;
    for (let x = 0; x < nDeps; x++) {
      if (depStay[x] !== s) continue;
      const problem = depProblem[x]!;
      if (problem !== null) {
        errors.push(problem);
        if (problem === R.departureBeforeAdmission) departureBeforeAdmission = true;
        continue;
      }
      const j = depIdx[x]!;
      const d = dOn.values[j]!;
      n++;
      if (dSelf.values[j] !== 1) nConfirmed++;
      if (lo === NULL_INT || d < lo) lo = d;
      if (hi === NULL_INT || d > hi) hi = d;
      if (used < 0 || departureBefore(j, used)) used = j;
    }
    if (n > 1 && (nConfirmed > 1 || lo !== hi)) errors.push(R.multipleDepartures);
    // app1: the stay's usable application (at most one here) and decisionAsOf
    let app = -1;
    for (let x = 0; x < nApps; x++) {
      if (appStay[x] !== s) continue;
      if (appProblem[x] !== null) errors.push(appProblem[x]!);
      else app = appIdx[x]!;
    }
    let outc = -1;
    let dec = NULL_INT;
    if (app >= 0) {
      const outcome = pOutcome.values[app]!;
      const decided = pDecided.values[app]!;
      const filed = pFiled.values[app]!;
      const pending = outcome === PENDING || decided === NULL_INT || decided > asOf;
      outc = pending ? PENDING : outcome;
      dec = pending ? NULL_INT : Math.max(decided, filed);
      const issue =
        outcome === PENDING
          ? decided !== NULL_INT
            ? R.pendingWithDecisionDate
            : null
          : decided === NULL_INT
            ? R.decisionDateMissing
            : decided > asOf
              ? R.decidedInFuture
              : decided < filed
                ? R.decidedBeforeFiled
                : null;
      if (issue !== null) errors.push(issue);
    }
    // s0: fileApplication's view of the stay and openStay's checks on the admission dates
    const ds = aDs.values[i] === 1;
    const until = aUntil.values[i]!;
    const until0 = admitUntil(i);
    const rule0 = admissionRule(i);
    let timeliness: 'timely' | 'untimely' | 'unknown' | null = null;
    if (app >= 0) {
      const usable = !ds && until !== NULL_INT && until >= aOn.values[i]!;
      timeliness = ds
        ? 'timely'
        : usable && pFiled.values[app]! <= until
          ? 'timely'
          : usable
            ? 'untimely'
            : 'unknown';
    }
    // s1: decide, the application's effect on the end of the authorized stay
    const approved = outc === APPROVED;
    const adjusted = approved && pAdjust.values[app] === 1;
    const approvedUntil = app >= 0 ? pApproved.values[app]! : NULL_INT;
    const endsOnDecision =
      (outc === 2 || outc === 3) && !ds && until0 !== NULL_INT && timeliness === 'timely' && dec > until0;
    const ds1 = adjusted ? false : approved && approvedUntil !== NULL_INT ? false : ds;
    const until1 = adjusted
      ? NULL_INT
      : approved
        ? approvedUntil !== NULL_INT
          ? approvedUntil
          : until0
        : endsOnDecision
          ? dec
          : until0;
    const keepsOpen = outc === PENDING && timeliness !== 'untimely';
    const affects = (approved && (adjusted || approvedUntil !== NULL_INT)) || endsOnDecision || keepsOpen;
    // s1d: the departure used, the data errors sorted by rule, the blocking one
    const departedOn = n === 1 ? lo : n > 1 ? dOn.values[used]! : NULL_INT;
    const departurePk = n >= 1 ? dPk.values[used]! : NaN;
    if (rule0 !== null) errors.push(rule0);
    if (errors.length > 1) errors.sort(compareRules);
    const blocking = blockingAdmission(rule0)
      ? rule0
      : departureBeforeAdmission
        ? R.departureBeforeAdmission
        : null;
    // s2 and decided: judge
    out.admission = i;
    out.authorizedUntil = until1;
    out.departedOn = departedOn;
    out.fiscalYear = until1 === NULL_INT ? NULL_INT : fiscalYearOfDays(until1);
    out.departurePk = departurePk;
    out.applicationPk = affects ? pPk.values[app]! : NaN;
    out.errors = errors;
    judge(adjusted, ds1, until1, departedOn, keepsOpen, blocking);
    emit();
  };

  // Walk the three inputs person by person.
  const hybrid: HybridPerson[] = [];
  let people = 0;
  let d = 0;
  let p = 0;
  let lastPerson = -Infinity;
  for (let a = 0; a < nA;) {
    const person = aPerson.values[a]!;
    if (!(person > lastPerson)) throw new RangeError('admissions are not sorted by person id');
    lastPerson = person;
    let a1 = a + 1;
    while (a1 < nA && aPerson.values[a1] === person) a1++;
    while (d < nD && dPerson.values[d]! < person) d++;
    let d1 = d;
    while (d1 < nD && dPerson.values[d1] === person) d1++;
    while (p < nP && pPerson.values[p]! < person) p++;
    let p1 = p;
    while (p1 < nP && pPerson.values[p1] === person) p1++;
    people++;
    // first_pass: simple is one admission, at most one departure, no application, nothing odd
    const simple =
      a1 - a === 1 && p1 === p && d1 - d <= 1 && !(d1 > d && oddDeparture(d)) && !oddAdmission(a);
    if (simple) decideSimple(a, d1 > d ? d : -1);
    else if (!decideStays(a, a1, d, d1, p, p1)) {
      hybrid.push({ personId: person, admissions: [a, a1], departures: [d, d1], applications: [p, p1] });
    }
    a = a1;
    d = d1;
    p = p1;
  }
  checkSorted(dPerson, nD, 'departures');
  checkSorted(pPerson, nP, 'applications');
  return { people, determinations, hybrid };
}

/** 'YYYY-MM-DD' of days since 2000-01-01, for dates within years 0001–9999. */
export function pgDaysToIso(days: number): string {
  return new Date((days + PG_EPOCH_DAYS) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A hybrid person's facts for the pure rules, from the columns, or null when a record has a date
 * outside years 0001–9999 or a source without a known code: the caller then reads that person's
 * facts from the database as text. Each admission's `ref.recordPk` is its row in
 * SliceFacts.admissions (the determination names its admission by it); the pure rules compare
 * record pks only after source and record id, which are unique per admission.
 */
export function personFactsOf(facts: SliceFacts, h: HybridPerson): PersonFacts | null {
  const codes = new Map(facts.sources.map((s) => [s.id, s.code]));
  const columns = columnsOf(facts);
  const { aSource, aRid, aCls, aOn, aUntil, aDs, dSource, dRid, dPk, dOn, dSelf } = columns;
  const { pSource, pRid, pPk, pAdjust, pFiled, pDecided, pOutcome, pApproved, pReceipt } = columns;
  let readable = true;
  const date = (d: number) => {
    if (outOfRange(d)) readable = false;
    return d === NULL_INT || outOfRange(d) ? null : pgDaysToIso(d);
  };
  const ref = (source: number, rid: TextColumn, row: number, pk: string) => {
    const code = codes.get(source);
    if (code === undefined) readable = false;
    return { sourceCode: code ?? '', sourceRecordId: textAt(rid, row) ?? '', recordPk: pk };
  };
  const out: PersonFacts = { admissions: [], departures: [], applications: [] };
  for (let i = h.admissions[0]; i < h.admissions[1]; i++) {
    out.admissions.push({
      ref: ref(aSource.values[i]!, aRid, i, String(i)),
      admissionNumber: null,
      classOfAdmission: textAt(aCls, i) ?? '',
      portOfEntry: null,
      admittedOn: date(aOn.values[i]!) ?? '',
      admitUntil: date(aUntil.values[i]!),
      durationOfStatus: aDs.values[i] === 1,
    });
  }
  for (let j = h.departures[0]; j < h.departures[1]; j++) {
    out.departures.push({
      ref: ref(dSource.values[j]!, dRid, j, String(dPk.values[j]!)),
      departedOn: date(dOn.values[j]!) ?? '',
      portOfDeparture: null,
      carrier: null,
      manifestRef: null,
      selfReported: dSelf.values[j] === 1,
    });
  }
  for (let j = h.applications[0]; j < h.applications[1]; j++) {
    out.applications.push({
      ref: ref(pSource.values[j]!, pRid, j, String(pPk.values[j]!)),
      receiptNumber: textAt(pReceipt, j) ?? '',
      kind: pAdjust.values[j] === 1 ? 'adjustment_of_status' : 'extension',
      filedOn: date(pFiled.values[j]!) ?? '',
      decidedOn: date(pDecided.values[j]!),
      outcome: APPLICATION_OUTCOMES[pOutcome.values[j]!] ?? 'pending',
      requestedClass: null,
      approvedUntil: date(pApproved.values[j]!),
    });
  }
  return readable ? out : null;
}

function checkSorted(col: Int8Column, rows: number, what: string): void {
  for (let r = 1; r < rows; r++) {
    if (col.values[r]! < col.values[r - 1]!) throw new RangeError(`${what} are not sorted by person id`);
  }
}

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  buildTimeline,
  DATA_ERROR_LABELS,
  EVENT_KIND_ORDER,
  type AdmissionFact,
  type ApplicationFact,
  type DepartureFact,
  type PersonFacts,
  type SourceRef,
} from './timeline.rules.js';
import { addDays, isIsoDate } from './stay.rules.js';

let seq = 0;
function ref(sourceCode: string, id?: string): SourceRef {
  seq += 1;
  const recordId = id ?? `${sourceCode}-${seq}`;
  return { sourceCode, sourceRecordId: recordId, recordPk: `pk-${recordId}` };
}

function buildAdmission(overrides: Partial<AdmissionFact> = {}): AdmissionFact {
  return {
    ref: ref('I94'),
    admissionNumber: '12345678901',
    classOfAdmission: 'B2',
    portOfEntry: 'JFK',
    admittedOn: '2024-01-10',
    admitUntil: '2024-07-09',
    durationOfStatus: false,
    ...overrides,
  };
}

function buildApplication(overrides: Partial<ApplicationFact> = {}): ApplicationFact {
  return {
    ref: ref('CLAIMS'),
    receiptNumber: 'EAC2400000001',
    kind: 'extension',
    filedOn: '2024-06-01',
    decidedOn: null,
    outcome: 'pending',
    requestedClass: null,
    approvedUntil: null,
    ...overrides,
  };
}

function buildDeparture(overrides: Partial<DepartureFact> = {}): DepartureFact {
  return {
    ref: ref('APIS'),
    departedOn: '2024-07-01',
    portOfDeparture: 'JFK',
    carrier: 'AA',
    manifestRef: 'AA100-20240701',
    selfReported: false,
    ...overrides,
  };
}

function facts(overrides: Partial<PersonFacts> = {}): PersonFacts {
  return { admissions: [], applications: [], departures: [], ...overrides };
}

const rulesOf = (t: ReturnType<typeof buildTimeline>): string[] => t.dataIssues.map((i) => i.rule);

describe('buildTimeline: current status', () => {
  it('reports no admission recorded when there are no admissions', () => {
    const t = buildTimeline(facts(), '2024-03-01');
    expect(t.status).toMatchObject({ code: 'no_admission_recorded', since: null, authorizedUntil: null });
    expect(t.events).toEqual([]);
  });

  it('is in authorized stay while as-of is on or before the admit-until date', () => {
    const adm = buildAdmission();
    const t = buildTimeline(facts({ admissions: [adm] }), '2024-07-09');
    expect(t.status).toMatchObject({
      code: 'in_authorized_stay',
      rule: 'status.in_authorized_stay',
      since: '2024-01-10',
      authorizedUntil: '2024-07-09',
    });
    expect(t.status.sourceRecords).toEqual([adm.ref]);
    expect(t.status.explanation).toContain('2024-07-09');
  });

  it('marks the stay expired with no departure from the day after admit-until', () => {
    const t = buildTimeline(facts({ admissions: [buildAdmission()] }), '2024-07-10');
    expect(t.status).toMatchObject({
      code: 'authorized_stay_expired_no_departure',
      since: '2024-07-10',
      authorizedUntil: '2024-07-09',
    });
  });

  it('reports departed when the person left on time', () => {
    const dep = buildDeparture({ departedOn: '2024-07-01' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], departures: [dep] }), '2024-09-01');
    expect(t.status).toMatchObject({ code: 'departed', rule: 'status.departed', since: '2024-07-01' });
    expect(t.status.sourceRecords).toContainEqual(dep.ref);
    expect(t.status.explanation).toContain('on or before the authorized-until date 2024-07-09');
  });

  it('still reports departed (not expired) when the person left after the stay ended, naming the days late', () => {
    const dep = buildDeparture({ departedOn: '2024-07-19' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], departures: [dep] }), '2024-09-01');
    expect(t.status).toMatchObject({ code: 'departed', since: '2024-07-19' });
    expect(t.status.explanation).toContain('10 days after the authorized stay ended on 2024-07-09');
  });

  it('counts a self-reported departure but labels it unconfirmed', () => {
    const dep = buildDeparture({ selfReported: true, carrier: null, manifestRef: null });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], departures: [dep] }), '2024-09-01');
    expect(t.status.code).toBe('departed');
    expect(t.status.rule).toBe('status.departed_self_reported');
    expect(t.status.label).toContain('self-reported, unconfirmed');
    expect(t.events.find((e) => e.kind === 'departed')?.label).toBe('Departed (self-reported, unconfirmed)');
  });

  it('treats a D/S admission as duration of status, not an overstay', () => {
    const adm = buildAdmission({ classOfAdmission: 'F1', admitUntil: null, durationOfStatus: true });
    const t = buildTimeline(facts({ admissions: [adm] }), '2030-01-01');
    expect(t.status).toMatchObject({
      code: 'duration_of_status',
      authorizedUntil: null,
      since: '2024-01-10',
    });
    expect(t.status.explanation).toContain('cannot be computed from entry/exit data alone');
    expect(t.events.map((e) => e.kind)).toEqual(['admitted']);
    expect(t.events[0]?.label).toBe('Admitted as F1 at JFK for duration of status (no fixed end date)');
  });

  it('follows the new admission on a same-day re-entry instead of reporting departed', () => {
    const first = buildAdmission({ admittedOn: '2024-01-10', admitUntil: '2024-07-09' });
    const second = buildAdmission({ admittedOn: '2024-05-01', admitUntil: '2024-10-31' });
    const dep = buildDeparture({ departedOn: '2024-05-01' });
    const t = buildTimeline(facts({ admissions: [second, first], departures: [dep] }), '2024-06-01');
    expect(t.status).toMatchObject({
      code: 'in_authorized_stay',
      since: '2024-05-01',
      authorizedUntil: '2024-10-31',
    });
    const sameDay = t.events.filter((e) => e.date === '2024-05-01').map((e) => e.kind);
    expect(sameDay).toEqual(['departed', 'admitted']);
  });

  it('reports departed for an admission and departure on the same day with no earlier stay', () => {
    const adm = buildAdmission({ admittedOn: '2024-01-10' });
    const dep = buildDeparture({ departedOn: '2024-01-10' });
    const t = buildTimeline(facts({ admissions: [adm], departures: [dep] }), '2024-02-01');
    expect(t.status.code).toBe('departed');
    expect(t.events.map((e) => e.kind).slice(0, 2)).toEqual(['admitted', 'departed']);
  });

  it('picks the latest admission on or before as-of when there are several', () => {
    const old = buildAdmission({ admittedOn: '2022-01-01', admitUntil: '2022-06-30' });
    const latest = buildAdmission({
      admittedOn: '2024-01-10',
      admitUntil: '2024-07-09',
      classOfAdmission: 'H1B',
    });
    const oldDeparture = buildDeparture({ departedOn: '2022-06-01' });
    const t = buildTimeline(facts({ admissions: [latest, old], departures: [oldDeparture] }), '2024-03-01');
    expect(t.status).toMatchObject({ code: 'in_authorized_stay', since: '2024-01-10' });
    expect(t.status.label).toBe('In authorized stay as H1B until 2024-07-09');
  });
});

describe('buildTimeline: applications', () => {
  it('reports application pending when filed on or before the authorized-until date', () => {
    const app = buildApplication({ filedOn: '2024-07-09' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], applications: [app] }), '2024-09-01');
    expect(t.status).toMatchObject({
      code: 'application_pending',
      rule: 'status.application_pending',
      since: '2024-07-09',
      authorizedUntil: null,
    });
    expect(t.status.sourceRecords).toContainEqual(app.ref);
    expect(t.events.find((e) => e.kind === 'application_filed')?.rule).toBe('application.filed_timely');
  });

  it('does not restore status for a pending application filed after the stay ended (untimely)', () => {
    const app = buildApplication({ filedOn: '2024-07-10' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], applications: [app] }), '2024-09-01');
    expect(t.status).toMatchObject({ code: 'authorized_stay_expired_no_departure', since: '2024-07-10' });
    expect(t.status.explanation).toContain('after the authorized stay ended on 2024-07-09 (untimely)');
    expect(t.status.sourceRecords).toContainEqual(app.ref);
    expect(t.events.find((e) => e.kind === 'application_filed')?.rule).toBe('application.filed_untimely');
  });

  it('extends the authorized stay to approved_until for an approved timely extension', () => {
    const app = buildApplication({
      outcome: 'approved',
      decidedOn: '2024-08-15',
      approvedUntil: '2025-01-09',
    });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], applications: [app] }), '2024-09-01');
    expect(t.status).toMatchObject({ code: 'in_authorized_stay', authorizedUntil: '2025-01-09' });
    const until = t.events.find((e) => e.kind === 'authorized_until');
    expect(until).toMatchObject({ date: '2025-01-09', rule: 'application.approved_until' });
    expect(until?.sourceRecords).toContainEqual(app.ref);
  });

  it('keeps the original date when an extension is approved without approved_until, and says so', () => {
    const app = buildApplication({ outcome: 'approved', decidedOn: '2024-06-20', approvedUntil: null });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], applications: [app] }), '2024-07-01');
    expect(t.status.authorizedUntil).toBe('2024-07-09');
    expect(t.dataIssues).toEqual([]);
    const decided = t.events.find((e) => e.kind === 'application_decided');
    expect(decided?.explanation).toContain('without a new authorized-until date');
  });

  it('ends the stay on the decision date when a timely application is denied after admit-until', () => {
    const app = buildApplication({ outcome: 'denied', decidedOn: '2024-08-20' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], applications: [app] }), '2024-09-01');
    expect(t.status).toMatchObject({
      code: 'authorized_stay_expired_no_departure',
      authorizedUntil: '2024-08-20',
      since: '2024-08-21',
    });
    const until = t.events.find((e) => e.kind === 'authorized_until');
    expect(until).toMatchObject({ date: '2024-08-20', rule: 'application.denied_after_expiry' });
  });

  it('keeps the original admit-until when a timely application is denied before it', () => {
    const app = buildApplication({ outcome: 'denied', decidedOn: '2024-06-20' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], applications: [app] }), '2024-09-01');
    expect(t.status).toMatchObject({ authorizedUntil: '2024-07-09', since: '2024-07-10' });
  });

  it('treats a withdrawal after admit-until like a denial on the decision date', () => {
    const app = buildApplication({ outcome: 'withdrawn', decidedOn: '2024-08-01' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], applications: [app] }), '2024-09-01');
    expect(t.status).toMatchObject({ authorizedUntil: '2024-08-01', since: '2024-08-02' });
  });

  it('does not move the end date when an untimely application is denied', () => {
    const app = buildApplication({ filedOn: '2024-08-01', outcome: 'denied', decidedOn: '2024-08-20' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], applications: [app] }), '2024-09-01');
    expect(t.status).toMatchObject({ authorizedUntil: '2024-07-09', since: '2024-07-10' });
  });

  it('counts a filing as timely when an earlier timely application is still pending', () => {
    const first = buildApplication({ receiptNumber: 'EAC1', filedOn: '2024-07-01' });
    const second = buildApplication({
      receiptNumber: 'EAC2',
      filedOn: '2024-08-01',
      kind: 'change_of_status',
    });
    const t = buildTimeline(
      facts({ admissions: [buildAdmission()], applications: [second, first] }),
      '2024-09-01',
    );
    expect(t.status.code).toBe('application_pending');
    const filed = t.events.filter((e) => e.kind === 'application_filed').map((e) => e.rule);
    expect(filed).toEqual(['application.filed_timely', 'application.filed_timely']);
  });

  it('treats an approved adjustment of status as authorized stay with no fixed end date, not an overstay', () => {
    const app = buildApplication({
      kind: 'adjustment_of_status',
      outcome: 'approved',
      decidedOn: '2024-07-01',
    });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], applications: [app] }), '2026-01-01');
    expect(t.status).toMatchObject({
      code: 'in_authorized_stay',
      rule: 'status.adjusted',
      since: '2024-07-01',
      authorizedUntil: null,
    });
    expect(t.events.some((e) => e.kind === 'authorized_until')).toBe(false);
  });

  it('reports an application filed before any admission as a data error and ignores it for status', () => {
    const app = buildApplication({ filedOn: '2023-01-01' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], applications: [app] }), '2024-09-01');
    expect(t.status.code).toBe('authorized_stay_expired_no_departure');
    expect(rulesOf(t)).toEqual(['application.before_admission']);
  });

  it('treats a decision dated after as-of as still pending', () => {
    const app = buildApplication({ outcome: 'denied', decidedOn: '2024-10-01' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], applications: [app] }), '2024-09-01');
    expect(t.status.code).toBe('application_pending');
    expect(rulesOf(t)).toEqual(['application.decided_in_future']);
  });
});

describe('buildTimeline: data errors', () => {
  it('reports a departure before the earliest admission as a data error, not as departed', () => {
    const dep = buildDeparture({ departedOn: '2023-12-01' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], departures: [dep] }), '2024-03-01');
    expect(t.status.code).toBe('in_authorized_stay');
    expect(rulesOf(t)).toEqual(['departure.before_admission']);
    expect(t.events[0]).toMatchObject({
      date: '2023-12-01',
      kind: 'data_error',
      rule: 'departure.before_admission',
    });
    expect(t.events.some((e) => e.kind === 'departed')).toBe(false);
  });

  it('reports admit_until before admitted_on as a data error and treats the end date as unknown', () => {
    const adm = buildAdmission({ admittedOn: '2024-01-10', admitUntil: '2023-07-09' });
    const t = buildTimeline(facts({ admissions: [adm] }), '2025-01-01');
    expect(rulesOf(t)).toEqual(['admission.until_before_admitted']);
    expect(t.status).toMatchObject({
      code: 'in_authorized_stay',
      rule: 'status.in_authorized_stay_until_unknown',
      authorizedUntil: null,
    });
    expect(t.status.explanation).toContain('unknown');
    expect(t.events.map((e) => e.kind)).toEqual(['admitted', 'data_error']);
  });

  it('reports decided_on before filed_on as a data error and uses the filing date', () => {
    const app = buildApplication({
      filedOn: '2024-06-01',
      decidedOn: '2024-05-01',
      outcome: 'approved',
      approvedUntil: '2024-12-31',
    });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], applications: [app] }), '2024-09-01');
    expect(rulesOf(t)).toEqual(['application.decided_before_filed']);
    expect(t.status.authorizedUntil).toBe('2024-12-31');
    expect(t.events.find((e) => e.kind === 'application_decided')?.date).toBe('2024-06-01');
  });

  it('reports a departure after as-of as a data error and ignores it for status', () => {
    const dep = buildDeparture({ departedOn: '2024-12-01' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], departures: [dep] }), '2024-03-01');
    expect(t.status.code).toBe('in_authorized_stay');
    expect(rulesOf(t)).toEqual(['departure.in_future']);
    expect(t.events.at(-1)).toMatchObject({ kind: 'data_error', date: '2024-12-01' });
  });

  it('reports an unreadable date as a data error instead of throwing', () => {
    const dep = buildDeparture({ departedOn: '2024-02-30' });
    const t = buildTimeline(facts({ admissions: [buildAdmission()], departures: [dep] }), '2024-03-01');
    expect(rulesOf(t)).toEqual(['record.invalid_date']);
    expect(t.status.code).toBe('in_authorized_stay');
  });

  it('rejects an as-of that is not a YYYY-MM-DD date', () => {
    expect(() => buildTimeline(facts(), '03/01/2024')).toThrow(RangeError);
  });
});

describe('buildTimeline: events', () => {
  it('orders events by date, then kind, with an authorized_until event per dated admission', () => {
    const adm = buildAdmission({ admittedOn: '2024-01-10', admitUntil: '2024-01-10' });
    const t = buildTimeline(facts({ admissions: [adm] }), '2024-01-10');
    expect(t.events.map((e) => [e.date, e.kind, e.rule])).toEqual([
      ['2024-01-10', 'admitted', 'admission.recorded'],
      ['2024-01-10', 'authorized_until', 'admission.authorized_until'],
    ]);
    expect(t.events[0]?.label).toBe('Admitted as B2 at JFK');
  });

  it('produces the same events whatever order the records arrive in', () => {
    const all = facts({
      admissions: [buildAdmission(), buildAdmission({ admittedOn: '2024-09-01', admitUntil: '2025-03-01' })],
      applications: [
        buildApplication({
          receiptNumber: 'EAC1',
          filedOn: '2024-06-01',
          outcome: 'denied',
          decidedOn: '2024-07-09',
        }),
        buildApplication({ receiptNumber: 'EAC2', filedOn: '2024-06-01' }),
      ],
      departures: [
        buildDeparture({ departedOn: '2024-07-09' }),
        buildDeparture({ departedOn: '2023-01-01' }),
      ],
    });
    const reversed: PersonFacts = {
      admissions: [...all.admissions].reverse(),
      applications: [...all.applications].reverse(),
      departures: [...all.departures].reverse(),
    };
    const a = buildTimeline(all, '2024-10-01');
    expect(buildTimeline(reversed, '2024-10-01')).toEqual(a);
    expect(a.events.filter((e) => e.date === '2024-07-09').map((e) => e.kind)).toEqual([
      'application_decided',
      'authorized_until',
      'departed',
    ]);
  });
});

const dateArb = fc.integer({ min: 0, max: 3650 }).map((n) => addDays('2018-01-01', n));
const refArb = fc.record({
  sourceCode: fc.constantFrom('I94', 'APIS', 'CLAIMS'),
  sourceRecordId: fc.string(),
  recordPk: fc.uuid(),
});
const admissionArb: fc.Arbitrary<AdmissionFact> = fc.record({
  ref: refArb,
  admissionNumber: fc.option(fc.string()),
  classOfAdmission: fc.constantFrom('B1', 'B2', 'F1', 'H1B', 'J1'),
  portOfEntry: fc.option(fc.constantFrom('JFK', 'LAX', 'MIA')),
  admittedOn: dateArb,
  admitUntil: fc.option(dateArb),
  durationOfStatus: fc.boolean(),
});
const applicationArb: fc.Arbitrary<ApplicationFact> = fc.record({
  ref: refArb,
  receiptNumber: fc.string(),
  kind: fc.constantFrom('extension', 'change_of_status', 'adjustment_of_status'),
  filedOn: dateArb,
  decidedOn: fc.option(dateArb),
  outcome: fc.constantFrom('pending', 'approved', 'denied', 'withdrawn'),
  requestedClass: fc.option(fc.constantFrom('F1', 'H1B')),
  approvedUntil: fc.option(dateArb),
});
const departureArb: fc.Arbitrary<DepartureFact> = fc.record({
  ref: refArb,
  departedOn: dateArb,
  portOfDeparture: fc.option(fc.constantFrom('JFK', 'LAX')),
  carrier: fc.option(fc.constantFrom('AA', 'DL')),
  manifestRef: fc.option(fc.string()),
  selfReported: fc.boolean(),
});
const factsArb: fc.Arbitrary<PersonFacts> = fc.record({
  admissions: fc.array(admissionArb, { maxLength: 5 }),
  applications: fc.array(applicationArb, { maxLength: 5 }),
  departures: fc.array(departureArb, { maxLength: 5 }),
});

describe('buildTimeline: properties', () => {
  it('never throws, keeps events sorted by date, and pairs every data issue with a data_error event', () => {
    fc.assert(
      fc.property(factsArb, dateArb, (f, asOf) => {
        const t = buildTimeline(f, asOf);
        for (let i = 1; i < t.events.length; i++) {
          expect(t.events[i - 1]!.date <= t.events[i]!.date).toBe(true);
        }
        for (const e of t.events) {
          expect(isIsoDate(e.date)).toBe(true);
          expect(EVENT_KIND_ORDER).toContain(e.kind);
          if (e.kind === 'data_error') expect(DATA_ERROR_LABELS[e.rule]).toBeDefined();
        }
        expect(t.events.filter((e) => e.kind === 'data_error')).toHaveLength(t.dataIssues.length);
        if (t.status.since !== null) expect(t.status.since <= asOf).toBe(true);
        if (f.admissions.every((a) => a.admittedOn > asOf)) {
          expect(t.status.code).toBe('no_admission_recorded');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic: shuffled input gives the same timeline', () => {
    fc.assert(
      fc.property(factsArb, dateArb, fc.integer(), (f, asOf, seed) => {
        const rotate = <T>(xs: T[]): T[] =>
          xs.length ? [...xs.slice(seed % xs.length), ...xs.slice(0, seed % xs.length)] : xs;
        const shuffled = {
          admissions: rotate(f.admissions),
          applications: rotate(f.applications),
          departures: rotate(f.departures),
        };
        expect(buildTimeline(shuffled, asOf)).toEqual(buildTimeline(f, asOf));
      }),
      { numRuns: 300 },
    );
  });
});

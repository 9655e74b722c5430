import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { fiscalYearOf } from './fiscal-year.js';
import { OVERSTAY_RULES as R, determineOverstays, type OverstayDetermination } from './overstay.rules.js';
import type { AdmissionFact, ApplicationFact, DepartureFact, PersonFacts } from './timeline.rules.js';

type SourceRef = AdmissionFact['ref'];

// Factory: a B2 visitor admitted 2024-01-10 until 2024-07-09 unless a test says otherwise.
let seq = 0;
function nextRef(sourceCode: string): SourceRef {
  seq += 1;
  return { sourceCode, sourceRecordId: `${sourceCode}-${seq}`, recordPk: `pk-${seq}` };
}
const make = {
  admission: (
    admittedOn = '2024-01-10',
    admitUntil: string | null = '2024-07-09',
    more: Partial<AdmissionFact> = {},
  ): AdmissionFact => ({
    ...{ ref: nextRef('I94'), admissionNumber: null, classOfAdmission: 'B2', portOfEntry: 'JFK' },
    ...{ admittedOn, admitUntil, durationOfStatus: false, ...more },
  }),
  departure: (departedOn: string, more: Partial<DepartureFact> = {}): DepartureFact => ({
    ...{ ref: nextRef('APIS'), departedOn, portOfDeparture: 'JFK', carrier: 'AA', manifestRef: null },
    ...{ selfReported: false, ...more },
  }),
  application: (
    kind: ApplicationFact['kind'],
    filedOn: string,
    more: Partial<ApplicationFact> = {},
  ): ApplicationFact => ({
    ...{
      ref: nextRef('CLAIMS'),
      receiptNumber: `EAC${seq}`,
      kind,
      filedOn,
      decidedOn: null,
      outcome: 'pending',
    },
    ...{ requestedClass: null, approvedUntil: null, ...more },
  }),
  /** An application decided on `decidedOn`: approved (to `approvedUntil`), denied or withdrawn. */
  decided: (
    kind: ApplicationFact['kind'],
    filedOn: string,
    outcome: ApplicationFact['outcome'],
    decidedOn: string,
    approvedUntil: string | null = null,
  ): ApplicationFact => make.application(kind, filedOn, { outcome, decidedOn, approvedUntil }),
  person: (
    admissions: AdmissionFact[],
    departures: DepartureFact[] = [],
    applications: ApplicationFact[] = [],
  ): PersonFacts => ({
    admissions,
    departures,
    applications,
  }),
};

/** The single determination for a one-admission person. */
function only(facts: PersonFacts, asOf: string): OverstayDetermination {
  const result = determineOverstays(facts, asOf);
  expect(result).toHaveLength(1);
  return result[0]!;
}

/** The B2 visitor's determination, given their applications and departures. */
const withApplications = (apps: ApplicationFact[], asOf: string, departures: DepartureFact[] = []) =>
  only(make.person([make.admission()], departures, apps), asOf);

const dataErrorRules = (d: OverstayDetermination): string[] => d.dataErrors.map((e) => e.rule);

describe('determineOverstays: outcomes from entry/exit data', () => {
  it('is not yet due while the admit-until date is in the future and no departure is recorded', () => {
    const adm = make.admission();
    const d = only(make.person([adm]), '2024-05-01');
    expect(d).toMatchObject({
      admission: adm.ref,
      outcome: 'not_yet_due',
      rule: R.notYetDue,
      authorizedUntil: '2024-07-09',
      daysOver: null,
      departure: null,
      classOfAdmission: 'B2',
      admittedOn: '2024-01-10',
      expectedDepartureFiscalYear: 2024,
    });
    expect(d.reason).toContain('2024-07-09');
  });

  it('returns exactly the published fields, nothing internal', () => {
    const d = only(make.person([make.admission()]), '2024-05-01');
    expect(Object.keys(d).sort()).toEqual(
      [
        'admission',
        'outcome',
        'rule',
        'reason',
        'authorizedUntil',
        'departure',
        'departedOn',
        'daysOver',
        'applications',
        'dataErrors',
        'classOfAdmission',
        'admittedOn',
        'expectedDepartureFiscalYear',
      ].sort(),
    );
  });

  it('is still not yet due on the admit-until date itself, not a suspected overstay', () => {
    expect(only(make.person([make.admission()]), '2024-07-09').outcome).toBe('not_yet_due');
  });

  it('counts a departure on the admit-until date as on time', () => {
    const dep = make.departure('2024-07-09');
    const d = only(make.person([make.admission()], [dep]), '2024-09-01');
    expect(d).toMatchObject({
      outcome: 'departed_on_time',
      rule: R.departedOnTime,
      departure: dep.ref,
      departedOn: '2024-07-09',
      daysOver: null,
    });
    expect(d.reason).toContain('on or before the authorized-until date 2024-07-09');
  });

  it('makes a departure one day after admit-until an out-of-country overstay of 1 day', () => {
    const dep = make.departure('2024-07-10');
    const d = only(make.person([make.admission()], [dep]), '2024-09-01');
    expect(d).toMatchObject({ outcome: 'out_of_country_overstay', rule: R.outOfCountry, daysOver: 1 });
    expect(d.reason).toContain('1 day after the authorized stay ended on 2024-07-09');
  });

  it('makes a stay with no departure and admit-until before as-of a suspected in-country overstay, counting days to as-of', () => {
    const d = only(make.person([make.admission()]), '2024-08-08');
    expect(d).toMatchObject({
      outcome: 'suspected_in_country_overstay',
      rule: R.suspectedInCountry,
      daysOver: 30,
      departure: null,
      departedOn: null,
    });
    expect(d.reason).toContain('30 days after the authorized stay ended on 2024-07-09');
  });

  it('does not guess for a duration-of-status admission: not determinable, even years later', () => {
    const adm = make.admission('2020-08-20', null, { classOfAdmission: 'F1', durationOfStatus: true });
    const d = only(make.person([adm]), '2025-01-01');
    expect(d).toMatchObject({
      outcome: 'not_determinable',
      rule: R.durationOfStatus,
      authorizedUntil: null,
      daysOver: null,
      expectedDepartureFiscalYear: null,
    });
    expect(d.reason).toContain('cannot be determined from entry/exit data');
  });

  it('keeps a D/S admission not determinable when a departure is recorded, naming the departure', () => {
    const adm = make.admission('2020-08-20', null, { durationOfStatus: true });
    const dep = make.departure('2024-05-30');
    const d = only(make.person([adm], [dep]), '2025-01-01');
    expect(d).toMatchObject({ outcome: 'not_determinable', departure: dep.ref, departedOn: '2024-05-30' });
    expect(d.reason).toContain('2024-05-30');
  });
});

describe('determineOverstays: extension, change and adjustment of status', () => {
  it('does not make an overstay while a timely extension is pending after admit-until', () => {
    const app = make.application('extension', '2024-07-01');
    const d = withApplications([app], '2024-09-01');
    expect(d).toMatchObject({
      outcome: 'not_yet_due',
      rule: R.pendingTimely,
      daysOver: null,
      applications: [app.ref],
      authorizedUntil: '2024-07-09',
    });
    expect(d.reason).toContain('filed on time on 2024-07-01');
    expect(d.reason).toContain('pending as of 2024-09-01');
  });

  it('counts a departure after admit-until as on time while a timely application was pending', () => {
    const app = make.application('extension', '2024-07-01');
    const d = withApplications([app], '2024-09-01', [make.departure('2024-08-15')]);
    expect(d).toMatchObject({ outcome: 'departed_on_time', rule: R.departedWhilePending, daysOver: null });
  });

  it('moves the end of the authorized stay to the approved-until date of an approved extension', () => {
    const app = make.decided('extension', '2024-07-01', 'approved', '2024-08-01', '2024-12-31');
    const d = withApplications([app], '2025-01-10');
    expect(d).toMatchObject({
      outcome: 'suspected_in_country_overstay',
      authorizedUntil: '2024-12-31',
      daysOver: 10,
      applications: [app.ref],
      expectedDepartureFiscalYear: 2025,
    });
    expect(d.reason).toContain('2024-12-31');
  });

  it('applies an approved change of status to a new class and date', () => {
    const app = make.application('change_of_status', '2024-06-01', {
      outcome: 'approved',
      decidedOn: '2024-07-01',
      requestedClass: 'F1',
      approvedUntil: '2025-06-30',
    });
    const d = withApplications([app], '2025-07-01', [make.departure('2025-05-01')]);
    expect(d).toMatchObject({ outcome: 'departed_on_time', authorizedUntil: '2025-06-30' });
  });

  it('does not extend the stay for an application filed after admit-until, and says so', () => {
    const app = make.application('extension', '2024-07-20');
    const d = withApplications([app], '2024-08-08');
    expect(d).toMatchObject({ outcome: 'suspected_in_country_overstay', daysOver: 30, applications: [] });
    expect(d.reason).toContain('(untimely)');
    expect(d.reason).toContain('does not extend the authorized period');
  });

  // Each case: the B2 visitor (admitted until 2024-07-09) with one decided extension.
  const decidedCases = [
    {
      rule: 'ends the authorized stay on the decision date when a timely application is denied after admit-until',
      filed: '2024-07-01',
      decision: 'denied',
      decidedOn: '2024-09-01',
      departedOn: '2024-09-05',
      asOf: '2024-10-01',
      expected: { outcome: 'out_of_country_overstay', authorizedUntil: '2024-09-01', daysOver: 4 },
      affects: true,
      says: 'denied on 2024-09-01',
    },
    {
      rule: 'ends the authorized stay on the decision date when a timely application is withdrawn after admit-until',
      filed: '2024-07-01',
      decision: 'withdrawn',
      decidedOn: '2024-08-01',
      departedOn: null,
      asOf: '2024-08-11',
      expected: { outcome: 'suspected_in_country_overstay', authorizedUntil: '2024-08-01', daysOver: 10 },
      affects: true,
      says: 'withdrawn on 2024-08-01',
    },
    {
      rule: 'keeps the original admit-until date when a timely application is denied before it',
      filed: '2024-06-01',
      decision: 'denied',
      decidedOn: '2024-06-20',
      departedOn: null,
      asOf: '2024-07-19',
      expected: { outcome: 'suspected_in_country_overstay', authorizedUntil: '2024-07-09', daysOver: 10 },
      affects: false,
      says: 'so that date stands',
    },
    {
      rule: 'does not extend the stay for an untimely application that was later denied',
      filed: '2024-07-20',
      decision: 'denied',
      decidedOn: '2024-09-01',
      departedOn: '2024-08-19',
      asOf: '2024-10-01',
      expected: { outcome: 'out_of_country_overstay', authorizedUntil: '2024-07-09', daysOver: 41 },
      affects: false,
      says: 'does not extend the authorized period',
    },
  ] as const;
  for (const {
    rule,
    filed,
    decision,
    decidedOn,
    departedOn,
    asOf,
    expected,
    affects,
    says,
  } of decidedCases) {
    it(rule, () => {
      const app = make.decided('extension', filed, decision, decidedOn);
      const d = withApplications([app], asOf, departedOn ? [make.departure(departedOn)] : []);
      expect(d).toMatchObject({ ...expected, applications: affects ? [app.ref] : [] });
      expect(d.reason).toContain(says);
    });
  }

  it('does not make an overstay while a timely adjustment of status is pending', () => {
    const app = make.application('adjustment_of_status', '2024-07-09');
    const d = withApplications([app], '2025-03-01');
    expect(d).toMatchObject({ outcome: 'not_yet_due', rule: R.pendingTimely, applications: [app.ref] });
    expect(d.reason).toContain('Adjustment of status');
  });

  it('treats an approved adjustment of status as no departure due, with no end date', () => {
    const app = make.decided('adjustment_of_status', '2024-06-01', 'approved', '2024-11-01');
    const d = withApplications([app], '2025-03-01');
    expect(d).toMatchObject({
      outcome: 'not_yet_due',
      rule: R.adjusted,
      authorizedUntil: null,
      expectedDepartureFiscalYear: null,
      applications: [app.ref],
    });
  });
});

describe('determineOverstays: which departure belongs to which admission', () => {
  it('gives a departure on the day of a re-entry to the earlier stay', () => {
    const first = make.admission('2024-01-10', '2024-07-09');
    const second = make.admission('2024-03-01', '2024-08-31');
    const dep = make.departure('2024-03-01');
    const [a, b] = determineOverstays(make.person([second, first], [dep]), '2024-10-01');
    expect(a).toMatchObject({ admission: first.ref, outcome: 'departed_on_time', departure: dep.ref });
    expect(b).toMatchObject({
      admission: second.ref,
      outcome: 'suspected_in_country_overstay',
      departure: null,
    });
  });

  it('gives a departure after a re-entry to the later stay, not the earlier one', () => {
    const first = make.admission('2024-01-10', '2024-02-01');
    const second = make.admission('2024-03-01', '2024-08-31');
    const [a, b] = determineOverstays(
      make.person([first, second], [make.departure('2024-03-02')]),
      '2024-10-01',
    );
    expect(a?.outcome).toBe('suspected_in_country_overstay');
    expect(b?.outcome).toBe('departed_on_time');
  });

  it('counts a self-reported departure but says it is self-reported and unconfirmed', () => {
    const dep = make.departure('2024-07-01', { selfReported: true, carrier: null });
    const d = only(make.person([make.admission()], [dep]), '2024-09-01');
    expect(d).toMatchObject({ outcome: 'departed_on_time', departure: dep.ref });
    expect(d.reason).toContain('self-reported, unconfirmed');
  });

  it('lets a confirmed departure win over an earlier self-reported one, and flags the disagreement', () => {
    const self = make.departure('2024-07-01', { selfReported: true });
    const confirmed = make.departure('2024-07-20');
    const d = only(make.person([make.admission()], [self, confirmed]), '2024-09-01');
    expect(d).toMatchObject({ outcome: 'out_of_country_overstay', departure: confirmed.ref, daysOver: 11 });
    expect(d.reason).not.toContain('self-reported, unconfirmed');
    expect(d.dataErrors).toEqual([
      expect.objectContaining({ rule: R.multipleDepartures, sourceRecords: [self.ref, confirmed.ref] }),
    ]);
  });

  it('does not flag a self-report on the same day as a confirmed departure', () => {
    const deps = [make.departure('2024-07-01'), make.departure('2024-07-01', { selfReported: true })];
    expect(only(make.person([make.admission()], deps), '2024-09-01').dataErrors).toEqual([]);
  });

  it('flags two confirmed departures for one admission with both records and decides with the earliest', () => {
    const early = make.departure('2024-07-05');
    const late = make.departure('2024-08-05');
    const d = only(make.person([make.admission()], [late, early]), '2024-09-01');
    expect(d).toMatchObject({ outcome: 'departed_on_time', departure: early.ref });
    const flag = d.dataErrors.find((e) => e.rule === R.multipleDepartures);
    expect(flag?.sourceRecords).toEqual([early.ref, late.ref]);
    expect(d.reason).toContain('earliest confirmed');
  });
});

describe('determineOverstays: data errors are flagged, not turned into overstays', () => {
  it('makes a departure dated before the admission a data error, not a suspected overstay', () => {
    const dep = make.departure('2023-12-01');
    const d = only(make.person([make.admission()], [dep]), '2024-09-01');
    expect(d).toMatchObject({ outcome: 'data_error', rule: 'departure.before_admission', daysOver: null });
    expect(d.dataErrors[0]?.sourceRecords).toEqual([dep.ref]);
    expect(d.reason).toContain('2023-12-01');
  });

  it('makes an admit-until date before the admission date a data error with the reason', () => {
    const d = only(make.person([make.admission('2024-01-10', '2023-01-09')]), '2024-09-01');
    expect(d).toMatchObject({
      outcome: 'data_error',
      rule: 'admission.until_before_admitted',
      authorizedUntil: null,
      expectedDepartureFiscalYear: null,
    });
    expect(d.reason).toContain('2023-01-09');
  });

  it('makes a fixed-period admission with no admit-until date a data error, not D/S', () => {
    expect(only(make.person([make.admission('2024-01-10', null)]), '2024-09-01').rule).toBe(
      'admission.no_end_date',
    );
  });

  it('still returns a data-error determination for an admission dated after as-of', () => {
    const d = only(make.person([make.admission('2025-01-10', '2025-07-09')]), '2024-09-01');
    expect(d).toMatchObject({ outcome: 'data_error', rule: 'admission.in_future' });
  });

  it('still returns a data-error determination for an admission with an unreadable date', () => {
    const d = only(make.person([make.admission('2024-02-30', '2024-07-09')]), '2024-09-01');
    expect(d).toMatchObject({ outcome: 'data_error', rule: 'record.invalid_date', admittedOn: '2024-02-30' });
  });

  it('does not assert an overstay while a departure record has an unreadable date', () => {
    const d = only(make.person([make.admission()], [make.departure('2024-13-01')]), '2024-09-01');
    expect(d).toMatchObject({ outcome: 'data_error', rule: 'record.invalid_date' });
  });

  it('does not let an unreadable departure record undo an on-time departure', () => {
    const deps = [make.departure('2024-07-01'), make.departure('2024-13-01')];
    const d = only(make.person([make.admission()], deps), '2024-09-01');
    expect(d.outcome).toBe('departed_on_time');
    expect(dataErrorRules(d)).toEqual(['record.invalid_date']);
  });

  it('rejects an as-of that is not a real date', () => {
    expect(() => determineOverstays(make.person([]), '2024-02-30')).toThrow(RangeError);
  });
});

describe('fiscal year of the expected departure', () => {
  it('puts September 30 in the fiscal year that ends that day and October 1 in the next', () => {
    expect(fiscalYearOf('2023-09-30')).toBe(2023);
    expect(fiscalYearOf('2023-10-01')).toBe(2024);
    expect(fiscalYearOf('2024-01-01')).toBe(2024);
  });

  it('uses the end of the authorized stay, not the admission date', () => {
    const sep = only(make.person([make.admission('2023-04-01', '2023-09-30')]), '2024-01-01');
    const oct = only(make.person([make.admission('2023-04-01', '2023-10-01')]), '2024-01-01');
    expect([sep.expectedDepartureFiscalYear, oct.expectedDepartureFiscalYear]).toEqual([2023, 2024]);
  });
});

describe('determineOverstays: determinism', () => {
  const iso = fc
    .integer({ min: 0, max: 400 })
    .map((n) => new Date(Date.UTC(2023, 0, 1 + n)).toISOString().slice(0, 10));
  const date = fc.oneof({ weight: 9, arbitrary: iso }, { weight: 1, arbitrary: fc.constant('2024-02-30') });
  const admission = fc.record({
    admittedOn: date,
    admitUntil: fc.option(date, { freq: 5 }),
    ds: fc.boolean(),
  });
  const application = fc.record({
    kind: fc.constantFrom('extension', 'change_of_status', 'adjustment_of_status' as const),
    filedOn: date,
    decidedOn: fc.option(date),
    outcome: fc.constantFrom('pending', 'approved', 'denied', 'withdrawn' as const),
    approvedUntil: fc.option(date),
  });
  const departure = fc.record({ departedOn: date, selfReported: fc.boolean() });
  // Mapping builds fresh source refs per generated person, so every record has its own id.
  const factsArb = fc
    .record({
      admissions: fc.array(admission, { maxLength: 4 }),
      applications: fc.array(application, { maxLength: 3 }),
      departures: fc.array(departure, { maxLength: 4 }),
    })
    .map((p) =>
      make.person(
        p.admissions.map((a) => make.admission(a.admittedOn, a.admitUntil, { durationOfStatus: a.ds })),
        p.departures.map((d) => make.departure(d.departedOn, { selfReported: d.selfReported })),
        p.applications.map((a) => make.application(a.kind, a.filedOn, a)),
      ),
    );

  it('gives the same determinations whatever the order of the records', () => {
    const first = make.admission('2024-01-10', '2024-07-09');
    const second = make.admission('2024-03-01', '2024-08-31');
    const deps = [make.departure('2024-03-01'), make.departure('2024-09-10')];
    const forward = determineOverstays(make.person([first, second], deps), '2024-10-01');
    expect(determineOverstays(make.person([second, first], [...deps].reverse()), '2024-10-01')).toEqual(
      forward,
    );
  });

  it('never throws, returns one determination per admission, and ignores record order', () => {
    fc.assert(
      fc.property(factsArb, iso, fc.infiniteStream(fc.nat()), (facts, asOf, seeds) => {
        const result = determineOverstays(facts, asOf);
        expect(result).toHaveLength(facts.admissions.length);
        expect(result.map((d) => d.admission).sort(byId)).toEqual(
          facts.admissions.map((a) => a.ref).sort(byId),
        );
        const shuffle = <T>(xs: T[]): T[] =>
          xs
            .map((x) => ({ x, k: seeds.next().value as number }))
            .sort((a, b) => a.k - b.k)
            .map((e) => e.x);
        const shuffled = {
          admissions: shuffle(facts.admissions),
          applications: shuffle(facts.applications),
          departures: shuffle(facts.departures),
        };
        expect(determineOverstays(shuffled, asOf)).toEqual(result);
      }),
      { numRuns: 300 },
    );
  });
});

function byId(a: SourceRef, b: SourceRef): number {
  return a.sourceRecordId < b.sourceRecordId ? -1 : a.sourceRecordId > b.sourceRecordId ? 1 : 0;
}

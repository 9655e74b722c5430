import { Tag } from '@trussworks/react-uswds';
import { formatDate, plural, sourceRef } from '../format';
import type { OverstayDetermination, OverstayOutcome } from '../types';
import { SourceRefs } from './SourceRefs';

const OUTCOME_LABELS: Record<OverstayOutcome, string> = {
  not_yet_due: 'Not yet due to depart',
  departed_on_time: 'Departed on time',
  out_of_country_overstay: 'Out-of-country overstay',
  suspected_in_country_overstay: 'Suspected in-country overstay',
  not_determinable: 'Not determinable from entry/exit data',
  data_error: 'Data error: not determined',
};

export function outcomeLabel(d: Pick<OverstayDetermination, 'outcome' | 'daysOver'>): string {
  const label = OUTCOME_LABELS[d.outcome];
  const over = d.outcome === 'out_of_country_overstay' || d.outcome === 'suspected_in_country_overstay';
  return over && d.daysOver !== null ? `${label} (${plural(d.daysOver, 'day', 'days')})` : label;
}

function DateValue({ value, none }: { value: string | null; none: string }) {
  return value ? <time dateTime={value}>{formatDate(value)}</time> : <>{none}</>;
}

/**
 * One determination per admission: did the person leave by the end of the authorized stay? Each
 * card names the outcome, the reason in words, the rule and the records it rests on.
 */
export function OverstaySection({ overstays }: { overstays: OverstayDetermination[] }) {
  return (
    <section aria-labelledby="overstays-heading" className="margin-top-5" data-testid="overstays">
      <h2 id="overstays-heading">Overstay determinations</h2>
      <p className="measure-6 text-base-darker">
        One determination per admission, following the DHS Entry/Exit Overstay Report method. An overstay is
        counted only from recorded dates; admissions that entry/exit data cannot decide, and records with data
        errors, are never counted as overstays.
      </p>
      {overstays.length === 0 ? (
        <p data-testid="overstays-empty">No admission is recorded, so there is nothing to determine.</p>
      ) : (
        <ul className="usa-card-group passage-overstay-cards">
          {overstays.map((d, i) => (
            <OverstayCard key={`${sourceRef(d.admission)}-${i}`} determination={d} />
          ))}
        </ul>
      )}
    </section>
  );
}

function OverstayCard({ determination: d }: { determination: OverstayDetermination }) {
  return (
    <li className="usa-card tablet-lg:grid-col-6" data-testid="overstay-card" data-outcome={d.outcome}>
      <div className="usa-card__container">
        <div className="usa-card__header">
          <h3 className="usa-card__heading">
            Admission as {d.classOfAdmission} on <DateValue value={d.admittedOn} none="an unrecorded date" />
          </h3>
        </div>
        <div className="usa-card__body">
          <p className="margin-top-0">
            <Tag
              className={`passage-status-tag passage-outcome-tag--${d.outcome}`}
              data-testid="overstay-outcome"
            >
              {outcomeLabel(d)}
            </Tag>
          </p>
          <p data-testid="overstay-reason">{d.reason}</p>
          <dl className="passage-facts">
            <div>
              <dt>Authorized until</dt>
              <dd>
                <DateValue value={d.authorizedUntil} none="No end date" />
              </dd>
            </div>
            <div>
              <dt>Departed</dt>
              <dd>
                <DateValue value={d.departedOn} none="No departure recorded" />
              </dd>
            </div>
            <div>
              <dt>Expected departure fiscal year</dt>
              <dd>
                {d.expectedDepartureFiscalYear !== null ? `FY${d.expectedDepartureFiscalYear}` : 'None'}
              </dd>
            </div>
          </dl>
          <p className="passage-rule" data-testid="overstay-rule">
            Rule: <code>{d.rule}</code>
          </p>
          <SourceRefs refs={[d.admission]} label="Admission record" />
          <SourceRefs refs={d.departure ? [d.departure] : []} label="Departure record" />
          <SourceRefs refs={d.applications} label="Applications" />
          {d.dataErrors.length ? (
            <div
              className="usa-alert usa-alert--warning usa-alert--slim margin-top-2"
              data-testid="overstay-data-errors"
            >
              <div className="usa-alert__body">
                <p className="usa-alert__text text-bold">
                  {d.dataErrors.length === 1
                    ? 'A data error affects'
                    : `${d.dataErrors.length} data errors affect`}{' '}
                  this admission
                </p>
                <ul className="usa-list">
                  {d.dataErrors.map((e, i) => (
                    <li key={`${e.rule}-${i}`}>
                      {e.message}
                      <span className="display-block">
                        Rule: <code>{e.rule}</code>
                      </span>
                      <SourceRefs refs={e.sourceRecords} />
                    </li>
                  ))}
                </ul>
              </div>
            </div>
          ) : null}
        </div>
      </div>
    </li>
  );
}

import { Label, Select } from '@trussworks/react-uswds';
import { api, OVERSTAY_REPORT_CSV_URL } from '../api';
import { ErrorAlert, Loading } from '../components/ErrorAlert';
import { NotPermitted } from '../components/NotPermitted';
import { OverstayChart } from '../components/OverstayChart';
import { CountCell, rateText, ReportTable } from '../components/ReportTable';
import { formatCount, formatDate, formatDateTime } from '../format';
import { useApi, usePageTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import { can, Permission, useSession } from '../session';
import type { OverstayReport, ReportRow } from '../types';

const PATH = '/reports/overstays';

/** Aggregate overstay figures by fiscal year, in the shape of the DHS Entry/Exit Overstay Report. */
export function OverstayReportPage() {
  const { session } = useSession();
  if (!can(session, Permission.ReportView)) {
    return <NotPermitted title="Overstay report" what="the overstay report" />;
  }
  return <OverstayReportView />;
}

function OverstayReportView() {
  usePageTitle('Overstay report');
  const report = useApi((signal) => api.getOverstayReport(signal), []);
  const { query } = useLocation();

  return (
    <div data-testid="overstay-report">
      <h1>Overstay report</h1>
      <Method suppressionRule={report.data?.suppressionRule} />
      {report.loading && !report.data ? <Loading what="the overstay report" /> : null}
      {report.error ? <ErrorAlert error={report.error} /> : null}
      {report.data ? <ReportBody report={report.data} requestedYear={query.get('fy')} /> : null}
    </div>
  );
}

function Method({ suppressionRule }: { suppressionRule: string | undefined }) {
  return (
    <section aria-labelledby="method-heading" className="measure-6">
      <h2 id="method-heading">How the report is counted</h2>
      <p>
        This report follows the method of the DHS Entry/Exit Overstay Report. Admissions are grouped by the
        fiscal year (October 1 to September 30) in which their authorized stay ended: those are the{' '}
        <strong>expected departures</strong> of that year. Each expected departure is counted once, as one of:
      </p>
      <ul className="usa-list">
        <li>
          <strong>On time</strong>: the person departed by the end of the authorized stay, as extended by any
          timely application.
        </li>
        <li>
          <strong>Out-of-country overstay</strong>: a departure is recorded, but after the authorized stay
          ended.
        </li>
        <li>
          <strong>Suspected in-country overstay</strong>: the authorized stay ended and no departure, and no
          timely application for an extension, change or adjustment of status, is recorded.
        </li>
      </ul>
      <p>
        The total overstay rate is out-of-country plus suspected in-country overstays, divided by expected
        departures. Admissions for duration of status (such as most students and exchange visitors) have no
        end date in entry/exit data, so whether they overstayed cannot be determined here: they are counted
        apart, outside the rates. Records with data errors are also counted apart and are never counted as
        overstays.
      </p>
      {suppressionRule ? (
        <p data-testid="suppression-rule">
          <strong>Small numbers are suppressed.</strong> {suppressionRule}
        </p>
      ) : null}
    </section>
  );
}

function fiscalYearRange(fy: number): string {
  return `October 1, ${fy - 1} to September 30, ${fy}`;
}

/** The latest fiscal year whose total row has expected departures (a suppressed count still has data). */
function defaultYear(years: number[], totals: ReportRow[]): number | undefined {
  return (
    years.find((fy) => totals.some((r) => r.fiscalYear === fy && r.expectedDepartures !== 0)) ?? years[0]
  );
}

function ReportBody({ report, requestedYear }: { report: OverstayReport; requestedYear: string | null }) {
  const years = [...new Set(report.rows.map((r) => r.fiscalYear))].sort((a, b) => b - a);
  const totals = report.rows.filter((r) => r.groupBy === 'total');
  const requested = Number(requestedYear);
  const year = years.includes(requested) ? requested : defaultYear(years, totals);
  const inYear = (groupBy: ReportRow['groupBy']) =>
    report.rows.filter((r) => r.fiscalYear === year && r.groupBy === groupBy);
  const total = totals.find((r) => r.fiscalYear === year);
  const byClass = inYear('class_of_admission');

  return (
    <>
      <dl className="passage-facts" data-testid="report-facts">
        <div>
          <dt>As of</dt>
          <dd>
            <time dateTime={report.asOf}>{formatDate(report.asOf)}</time>
          </dd>
        </div>
        <div>
          <dt>Generated</dt>
          <dd>
            <time dateTime={report.generatedAt}>{formatDateTime(report.generatedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Admissions determined</dt>
          <dd>{formatCount(report.admissionsDetermined)}</dd>
        </div>
        <div>
          <dt>Not determinable (duration of status)</dt>
          <dd data-testid="not-determinable">
            <CountCell value={report.notDeterminable} />
          </dd>
        </div>
        <div>
          <dt>Data errors (not counted as overstays)</dt>
          <dd data-testid="data-errors">
            <CountCell value={report.dataErrors} />
          </dd>
        </div>
      </dl>
      <p>
        <a
          className="usa-button usa-button--outline"
          href={OVERSTAY_REPORT_CSV_URL}
          download
          data-testid="download-csv"
          aria-describedby="csv-hint"
        >
          Download CSV
        </a>
        <span id="csv-hint" className="usa-hint display-block">
          Every fiscal year and grouping, with the same suppression.
        </span>
      </p>

      {year === undefined ? (
        <p data-testid="report-empty">
          No admission has an authorized stay that ended in a fiscal year yet, so there is nothing to report.
        </p>
      ) : (
        <>
          <div className="usa-form-group maxw-mobile-lg">
            <Label htmlFor="fy-select">Fiscal year</Label>
            <Select
              id="fy-select"
              name="fy"
              value={String(year)}
              onChange={(event) => {
                navigate(`${PATH}?${new URLSearchParams({ fy: event.target.value }).toString()}`, {
                  replace: true,
                });
              }}
              data-testid="fy-select"
            >
              {years.map((fy) => (
                <option key={fy} value={fy}>
                  FY{fy} (Oct {fy - 1} – Sep {fy})
                </option>
              ))}
            </Select>
          </div>
          <p role="status" className="margin-top-2" data-testid="year-summary">
            Fiscal year {year}, {fiscalYearRange(year)}:{' '}
            {total ? (
              <>
                <CountCell value={total.expectedDepartures} /> expected departures; total overstay rate{' '}
                {rateText(total)}.
              </>
            ) : (
              'no total row.'
            )}
          </p>

          <section aria-labelledby="chart-heading" className="margin-top-4">
            <h2 id="chart-heading">Total overstay rate by class of admission, FY{year}</h2>
            {byClass.length ? (
              <OverstayChart rows={byClass} fiscalYear={year} />
            ) : (
              <p>No class-of-admission rows for this fiscal year.</p>
            )}
          </section>

          <section aria-labelledby="tables-heading" className="margin-top-4">
            <h2 id="tables-heading">Tables, FY{year}</h2>
            <ReportTable
              caption={`Totals, fiscal year ${year}`}
              keyHeader="Group"
              rows={inYear('total')}
              testId="report-table-total"
            />
            <ReportTable
              caption={`By class of admission, fiscal year ${year}`}
              keyHeader="Class of admission"
              rows={byClass}
              testId="report-table-class"
            />
            <ReportTable
              caption={`By country of citizenship (as recorded at admission), fiscal year ${year}`}
              keyHeader="Country of citizenship"
              rows={inYear('country_of_citizenship')}
              testId="report-table-country"
            />
          </section>
        </>
      )}
    </>
  );
}

import { Table } from '@trussworks/react-uswds';
import { formatCount, formatPercent } from '../format';
import type { ReportCell, ReportRow } from '../types';

/** A group key as shown: 'ALL' on total rows and 'UNKNOWN' countries get words. */
export function reportKeyLabel(row: Pick<ReportRow, 'groupBy' | 'key'>): string {
  if (row.groupBy === 'total' && row.key === 'ALL') return 'All admissions';
  if (row.groupBy === 'country_of_citizenship' && row.key === 'UNKNOWN') return 'Unknown (not recorded)';
  return row.key;
}

/** A count, or a suppressed small cell ("<11"), which a screen reader hears as "fewer than 11, suppressed". */
export function CountCell({ value }: { value: ReportCell }) {
  if (typeof value === 'number') return <>{formatCount(value)}</>;
  const below = /^<(\d+)$/.exec(value);
  if (!below) return <>{value}</>;
  return (
    <>
      <span aria-hidden="true">{value}</span>
      <span className="usa-sr-only">fewer than {below[1]}, suppressed</span>
    </>
  );
}

/** The total overstay rate, "suppressed" when the server withheld it, "not available" otherwise. */
export function rateText(row: ReportRow): string {
  if (row.totalOverstayRate !== null) return formatPercent(row.totalOverstayRate);
  return row.suppressed ? 'suppressed' : 'not available';
}

interface ReportTableProps {
  caption: string;
  keyHeader: string;
  rows: ReportRow[];
  testId: string;
}

/** One grouping of the report for one fiscal year: the counts and the total overstay rate. */
export function ReportTable({ caption, keyHeader, rows, testId }: ReportTableProps) {
  return (
    <div data-testid={testId}>
      <Table caption={caption} bordered fullWidth compact scrollable>
        <thead>
          <tr>
            <th scope="col">{keyHeader}</th>
            <th scope="col" className="text-right">
              Expected departures
            </th>
            <th scope="col" className="text-right">
              On-time departures
            </th>
            <th scope="col" className="text-right">
              Out-of-country overstays
            </th>
            <th scope="col" className="text-right">
              Suspected in-country overstays
            </th>
            <th scope="col" className="text-right">
              Total overstay rate
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={6}>No rows for this fiscal year.</td>
            </tr>
          ) : null}
          {rows.map((row) => (
            <tr
              key={`${row.groupBy}-${row.key}`}
              data-testid="report-row"
              data-key={row.key}
              data-suppressed={row.suppressed ? 'true' : 'false'}
            >
              <th scope="row">{reportKeyLabel(row)}</th>
              <td className="text-right text-tabular">
                <CountCell value={row.expectedDepartures} />
              </td>
              <td className="text-right text-tabular">
                <CountCell value={row.onTimeDepartures} />
              </td>
              <td className="text-right text-tabular">
                <CountCell value={row.outOfCountryOverstays} />
              </td>
              <td className="text-right text-tabular">
                <CountCell value={row.suspectedInCountryOverstays} />
              </td>
              <td
                className={`text-right text-tabular${row.totalOverstayRate === null ? ' passage-suppressed' : ''}`}
              >
                {rateText(row)}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

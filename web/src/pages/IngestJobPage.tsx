import { Alert, Pagination, Table } from '@trussworks/react-uswds';
import { api, ApiError } from '../api';
import { AppLink } from '../components/AppLink';
import { ErrorAlert, Loading } from '../components/ErrorAlert';
import { JobStatusTag } from '../components/JobStatusTag';
import { formatCount, formatDateTime } from '../format';
import { useApi, usePageTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import { can, Permission, useSession } from '../session';
import type { IngestJob, QuarantineResponse } from '../types';

const PAGE_SIZE = 50;

/** One ingest job: its counts and, for roles that fix data, its quarantined rows page by page. */
export function IngestJobPage({ jobId }: { jobId: string }) {
  usePageTitle(`Ingest job ${jobId}`);
  const { session } = useSession();
  const { pathname, query } = useLocation();
  const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  const mayQuarantine = can(session, Permission.IngestQuarantineView);

  const loaded = useApi<{ job: IngestJob; quarantine: QuarantineResponse | null }>(
    async (signal) => {
      if (mayQuarantine) {
        const quarantine = await api.getQuarantine(jobId, (page - 1) * PAGE_SIZE, PAGE_SIZE, signal);
        return { job: quarantine.job, quarantine };
      }
      const { jobs } = await api.listJobs(signal);
      const job = jobs.find((j) => j.id === jobId);
      if (!job) throw new ApiError(404, 'not_found', `No ingest job ${jobId}.`, null);
      return { job, quarantine: null };
    },
    [jobId, page, mayQuarantine],
  );

  const goTo = (p: number) => {
    navigate(p === 1 ? pathname : `${pathname}?page=${p}`);
  };

  return (
    <>
      <p className="margin-top-0">
        <AppLink href="/ingest">All ingest jobs</AppLink>
      </p>
      <h1>Ingest job {jobId}</h1>
      {loaded.error ? <ErrorAlert error={loaded.error} /> : null}
      {loaded.loading && !loaded.data ? <Loading what="the ingest job" /> : null}
      {loaded.data ? <JobSummary job={loaded.data.job} /> : null}
      <section aria-labelledby="quarantine-heading" className="margin-top-5">
        <h2 id="quarantine-heading">Quarantined rows</h2>
        {!mayQuarantine ? (
          <Alert type="info" headingLevel="h3" slim data-testid="quarantine-forbidden">
            Quarantined rows hold raw personal data, so only officers, supervisors and administrators see
            them.
          </Alert>
        ) : null}
        {loaded.data?.quarantine ? (
          <QuarantineTable data={loaded.data.quarantine} page={page} pathname={pathname} onPage={goTo} />
        ) : null}
      </section>
    </>
  );
}

function JobSummary({ job }: { job: IngestJob }) {
  const counts: [string, number][] = [
    ['Rows read', job.rowsRead],
    ['Accepted', job.accepted],
    ['New versions', job.newVersions],
    ['Duplicates', job.duplicates],
    ['Quarantined', job.quarantined],
  ];
  return (
    <>
      <p data-testid="job-file">
        <JobStatusTag status={job.status} /> <code>{job.source}</code> · {job.fileName} ({job.format}) ·
        started {formatDateTime(job.startedAt)}
        {job.finishedAt ? `, finished ${formatDateTime(job.finishedAt)}` : ''}
      </p>
      {job.error ? (
        <Alert type="error" headingLevel="h2" slim data-testid="job-error">
          The job stopped with an error: {job.error}
        </Alert>
      ) : null}
      <dl className="passage-counts" data-testid="job-counts">
        {counts.map(([label, n]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{formatCount(n)}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

interface QuarantineTableProps {
  data: QuarantineResponse;
  page: number;
  pathname: string;
  onPage: (page: number) => void;
}

function QuarantineTable({ data, page, pathname, onPage }: QuarantineTableProps) {
  const totalPages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
  if (data.total === 0) return <p data-testid="no-quarantine">This job quarantined no rows.</p>;
  const first = (page - 1) * PAGE_SIZE + 1;
  const last = Math.min(data.total, first + data.rows.length - 1);
  return (
    <>
      <p role="status">
        Rows {formatCount(first)}–{formatCount(last)} of {formatCount(data.total)}.
      </p>
      <Table caption={`Quarantined rows, page ${page} of ${totalPages}`} bordered fullWidth scrollable>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Reasons</th>
            <th scope="col">Raw text</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((row) => (
            <tr key={`${row.fileName}:${row.lineNumber}`} data-testid="quarantine-row">
              <th scope="row" className="text-tabular">
                {row.lineNumber}
              </th>
              <td>
                <ul className="usa-list margin-0">
                  {row.reasons.map((reason, i) => (
                    <li key={i}>{reason}</li>
                  ))}
                </ul>
              </td>
              <td className="passage-raw">
                <code>{row.rawText}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      {totalPages > 1 ? (
        <Pagination
          pathname={pathname}
          totalPages={totalPages}
          currentPage={Math.min(page, totalPages)}
          aria-label="Quarantined rows pages"
          onClickNext={() => {
            onPage(page + 1);
          }}
          onClickPrevious={() => {
            onPage(page - 1);
          }}
          onClickPageNumber={(_event, p) => {
            onPage(p);
          }}
          data-testid="quarantine-pagination"
        />
      ) : null}
    </>
  );
}

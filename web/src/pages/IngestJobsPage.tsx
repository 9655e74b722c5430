import { Button, Table } from '@trussworks/react-uswds';
import { api } from '../api';
import { AppLink } from '../components/AppLink';
import { ErrorAlert, Loading } from '../components/ErrorAlert';
import { JobStatusTag } from '../components/JobStatusTag';
import { formatCount, formatDateTime } from '../format';
import { useApi, usePageTitle } from '../hooks';

/** Every ingest job, newest first, with what happened to its rows. */
export function IngestJobsPage() {
  usePageTitle('Ingest jobs');
  const jobs = useApi((signal) => api.listJobs(signal), []);

  return (
    <>
      <h1>Ingest jobs</h1>
      <p className="measure-5">
        Each job read one source file. Rows that failed validation were kept in quarantine with their reasons;
        nothing was dropped silently.
      </p>
      <Button type="button" outline onClick={jobs.reload} disabled={jobs.loading} data-testid="refresh-jobs">
        Refresh
      </Button>
      {jobs.loading && !jobs.data ? <Loading what="ingest jobs" /> : null}
      {jobs.error ? <ErrorAlert error={jobs.error} /> : null}
      {jobs.data && jobs.data.jobs.length === 0 ? (
        <p data-testid="no-jobs">No ingest jobs have run yet.</p>
      ) : null}
      {jobs.data && jobs.data.jobs.length > 0 ? (
        <Table caption="Ingest jobs, newest first" bordered fullWidth compact scrollable>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Source and file</th>
              <th scope="col">Status</th>
              <th scope="col">Started and finished</th>
              <th scope="col" className="text-right">
                Rows read
              </th>
              <th scope="col" className="text-right">
                Accepted
              </th>
              <th scope="col" className="text-right">
                New versions
              </th>
              <th scope="col" className="text-right">
                Duplicates
              </th>
              <th scope="col" className="text-right">
                Quarantined
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.data.jobs.map((job) => (
              <tr key={job.id} data-testid="ingest-job-row" data-job-id={job.id}>
                <th scope="row">
                  <AppLink
                    href={`/ingest/${encodeURIComponent(job.id)}`}
                    className="usa-link text-no-wrap"
                    data-testid="ingest-job-link"
                  >
                    Job {job.id}
                  </AppLink>
                </th>
                <td>
                  <code>{job.source}</code>
                  <span className="display-block font-body-3xs">
                    {job.fileName} ({job.format})
                  </span>
                </td>
                <td>
                  <JobStatusTag status={job.status} />
                  {job.error ? (
                    <span className="display-block font-body-3xs text-secondary-dark">{job.error}</span>
                  ) : null}
                </td>
                <td className="font-body-3xs">
                  <time dateTime={job.startedAt}>{formatDateTime(job.startedAt)}</time>
                  <span className="display-block">
                    {job.finishedAt ? (
                      <>
                        to <time dateTime={job.finishedAt}>{formatDateTime(job.finishedAt)}</time>
                      </>
                    ) : (
                      'not finished'
                    )}
                  </span>
                </td>
                <td className="text-right text-tabular">{formatCount(job.rowsRead)}</td>
                <td className="text-right text-tabular">{formatCount(job.accepted)}</td>
                <td className="text-right text-tabular">{formatCount(job.newVersions)}</td>
                <td className="text-right text-tabular">{formatCount(job.duplicates)}</td>
                <td className="text-right text-tabular">{formatCount(job.quarantined)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
    </>
  );
}

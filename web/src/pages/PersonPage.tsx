import { Alert } from '@trussworks/react-uswds';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type ApiError } from '../api';
import { AppLink } from '../components/AppLink';
import { ErrorAlert, Loading } from '../components/ErrorAlert';
import { IdentitySection } from '../components/IdentitySection';
import { OverstaySection } from '../components/OverstaySection';
import { PurposeForm } from '../components/PurposeForm';
import { MergedBanner, PersonIdentityWork } from '../components/PersonIdentityWork';
import { StatusSummary } from '../components/StatusSummary';
import { SourceRefs } from '../components/SourceRefs';
import { Timeline } from '../components/Timeline';
import { VoluntaryDepartureSection } from '../components/VoluntaryDepartureSection';
import { useDepartureStream } from '../departures-feed';
import { formatTimeSeconds } from '../format';
import { useApi, usePageTitle } from '../hooks';
import { describePurpose, forgetPurpose, loadPurpose, savePurpose } from '../purpose';
import { can, Permission, useSession } from '../session';
import type { DataIssue, DepartureEvent, PersonResponse, Purpose, TimelineResponse } from '../types';

/**
 * One person. Nothing is requested until a purpose is declared; both reads carry the purpose
 * and the server records each in the audit log.
 */
export function PersonPage({ id }: { id: string }) {
  const [purpose, setPurpose] = useState<Purpose | null>(() => loadPurpose(id));
  const [rejected, setRejected] = useState<string | null>(null);

  const onPurposeRejected = useCallback(
    (error: ApiError) => {
      forgetPurpose(id);
      setRejected(error.message);
      setPurpose(null);
    },
    [id],
  );

  if (!purpose) {
    return (
      <PurposeStep
        problem={rejected}
        onSubmit={(p) => {
          savePurpose(id, p);
          setRejected(null);
          setPurpose(p);
        }}
      />
    );
  }
  return <PersonView id={id} purpose={purpose} onPurposeRejected={onPurposeRejected} />;
}

function PurposeStep({ problem, onSubmit }: { problem: string | null; onSubmit: (p: Purpose) => void }) {
  usePageTitle('Declare a purpose');
  return (
    <>
      <BackToSearch />
      <h1>Declare a purpose</h1>
      <PurposeForm serverProblem={problem} onSubmit={onSubmit} />
    </>
  );
}

function BackToSearch() {
  const last = useRef(window.sessionStorage.getItem('passage.lastSearch'));
  return (
    <p className="margin-top-0">
      <AppLink href={last.current ? `/?${new URLSearchParams({ q: last.current }).toString()}` : '/'}>
        Back to search
      </AppLink>
    </p>
  );
}

interface Loaded {
  person: PersonResponse;
  timeline: TimelineResponse;
}

function PersonView({
  id,
  purpose,
  onPurposeRejected,
}: {
  id: string;
  purpose: Purpose;
  onPurposeRejected: (e: ApiError) => void;
}) {
  const loaded = useApi<Loaded>(
    async (signal) => {
      const [person, timeline] = await Promise.all([
        api.getPerson(id, purpose, signal),
        api.getTimeline(id, purpose, signal),
      ]);
      return { person, timeline };
    },
    [id, purpose.kind, purpose.text],
  );
  // Data of this person (while another person's page loads, the last one's is not shown).
  const data = loaded.data?.person.person.id === id ? loaded.data : undefined;
  usePageTitle(data?.person.person.displayName ?? 'Person');
  const { session } = useSession();
  const live = useLiveDepartures(id, can(session, Permission.DepartureFeed), loaded.reload, data);

  const error = loaded.error;
  useEffect(() => {
    // The server did not accept the purpose: ask again, showing its reason.
    if (error?.id === 'purpose_required') onPurposeRejected(error);
  }, [error, onPurposeRejected]);

  if (!data) {
    return (
      <>
        <BackToSearch />
        <h1>{error ? 'Person record not available' : 'Loading person record'}</h1>
        {error ? <ErrorAlert error={error} /> : <Loading what="the person record" />}
      </>
    );
  }

  const { person, audit } = data.person;
  const timeline = data.timeline;
  const timelineSeq = timeline.audit?.seq;
  return (
    <>
      <BackToSearch />
      <h1 data-testid="person-name">{person.displayName}</h1>
      <MergedBanner person={person} />
      <p className="passage-audit-note" data-testid="audit-note">
        Your view was recorded in the audit log (entry #{audit.seq}
        {timelineSeq && timelineSeq !== audit.seq ? `; timeline read entry #${timelineSeq}` : ''}) with
        purpose: {describePurpose(purpose)}.
      </p>
      <div aria-live="polite" data-testid="live-updates">
        {live ? <NewDepartureAlert live={live} /> : null}
      </div>
      <StatusSummary status={timeline.status} asOf={timeline.asOf} />
      {timeline.dataIssues.length ? <DataIssues issues={timeline.dataIssues} /> : null}
      <section aria-labelledby="timeline-heading" className="margin-top-5">
        <h2 id="timeline-heading">Status timeline</h2>
        {timeline.events.length ? (
          <Timeline events={timeline.events} asOf={timeline.asOf} status={timeline.status} />
        ) : (
          <p data-testid="timeline-empty">No events are recorded for this person.</p>
        )}
      </section>
      {timeline.overstays ? <OverstaySection overstays={timeline.overstays} /> : null}
      <VoluntaryDepartureSection
        personId={id}
        purpose={purpose}
        grants={timeline.voluntaryDepartures ?? []}
        asOf={timeline.asOf}
        canGrant={can(session, Permission.VoluntaryDepartureGrant) && !person.mergedInto}
        onGranted={loaded.reload}
      />
      <IdentitySection person={person} />
      <PersonIdentityWork person={person} purpose={purpose} onChanged={loaded.reload} />
    </>
  );
}

interface LiveNews {
  /** Departures linked to this person since the page opened. */
  count: number;
  latest: DepartureEvent;
}

/**
 * While the page is open, a departure linked to this person reads the person again (a new read,
 * audited with the same purpose); once the new data is shown, the news says what arrived.
 */
function useLiveDepartures(
  personId: string,
  enabled: boolean,
  reload: () => void,
  shown: Loaded | undefined,
): LiveNews | null {
  const [pending, setPending] = useState<LiveNews | null>(null);
  const [news, setNews] = useState<LiveNews | null>(null);
  useDepartureStream(
    useCallback(
      (event: DepartureEvent) => {
        if (event.result.status !== 'linked' || event.result.personId !== personId) return;
        setPending((p) => ({ count: (p?.count ?? 0) + 1, latest: event }));
        reload();
      },
      [personId, reload],
    ),
    enabled,
  );
  useEffect(() => {
    if (!pending) return;
    setNews((n) => ({ count: (n?.count ?? 0) + pending.count, latest: pending.latest }));
    setPending(null);
    // Only a newly loaded person shows the news.
  }, [shown]);
  return news;
}

function NewDepartureAlert({ live }: { live: LiveNews }) {
  const { at, source, result } = live.latest;
  return (
    <Alert
      type="info"
      headingLevel="h2"
      heading="New departure recorded"
      className="margin-y-2"
      data-testid="new-departure-alert"
    >
      A departure from {source} (record <code>{result.recordId}</code>) was matched to this person at{' '}
      <time dateTime={at}>{formatTimeSeconds(at)}</time>
      {live.count > 1 ? ` (${live.count} since you opened this page)` : ''}. The status, timeline and records
      below include it.
    </Alert>
  );
}

function DataIssues({ issues }: { issues: DataIssue[] }) {
  return (
    <div className="usa-alert usa-alert--warning margin-top-4" data-testid="data-issues">
      <div className="usa-alert__body">
        <h2 className="usa-alert__heading">
          {issues.length === 1 ? '1 data issue affects' : `${issues.length} data issues affect`} this timeline
        </h2>
        <ul className="usa-list">
          {issues.map((issue, i) => (
            <li key={`${issue.rule}-${i}`} data-testid="data-issue">
              {issue.message}
              <span className="display-block">
                Rule: <code>{issue.rule}</code>
              </span>
              <SourceRefs refs={issue.sourceRecords} />
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

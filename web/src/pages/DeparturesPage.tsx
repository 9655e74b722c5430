import { Alert, Button, Table, Tag } from '@trussworks/react-uswds';
import { AppLink } from '../components/AppLink';
import { NotPermitted } from '../components/NotPermitted';
import { MAX_ROWS, useDepartureFeed, type FeedEntry, type FeedState } from '../departures-feed';
import { formatCount, formatDateTime, formatTimeSeconds } from '../format';
import { usePageTitle } from '../hooks';
import { can, Permission, useSession } from '../session';
import type { DepartureEvent } from '../types';

const STATE_LABELS: Record<FeedState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

/** Departures as the sources send them, with what the linker did with each. */
export function DeparturesPage() {
  const { session } = useSession();
  if (!can(session, Permission.DepartureFeed)) {
    return <NotPermitted title="Departures" what="the live departures feed" />;
  }
  return <DeparturesFeed />;
}

function DeparturesFeed() {
  usePageTitle('Departures');
  const { session } = useSession();
  const feed = useDepartureFeed();
  const canOpen = can(session, Permission.PersonView);
  const canReview = can(session, Permission.ReviewView);

  return (
    <div data-testid="departures-feed">
      <h1>Departures</h1>
      <p className="measure-6">
        Departure records as the sources send them, newest first, with what happened to each: matched to a
        person by a linking rule, sent to the review queue because no rule matched, recognised as a duplicate,
        or quarantined with its reasons. Only departures received while this page is open are shown, up to the
        last {MAX_ROWS}. The feed carries no names.
      </p>
      <div className="passage-feed-bar">
        <div aria-live="polite" aria-atomic="true" data-testid="feed-state" data-state={feed.state}>
          <Tag className={`passage-feed-tag passage-feed-tag--${feed.state}`}>{STATE_LABELS[feed.state]}</Tag>
          <span className="usa-sr-only">.</span>
          {feed.paused ? <span> Paused: new departures wait until you resume.</span> : null}
          {feed.announcement ? <span> {feed.announcement}</span> : null}
        </div>
        <Button
          type="button"
          outline
          onClick={() => {
            feed.setPaused(!feed.paused);
          }}
          data-testid="feed-pause"
        >
          {feed.paused
            ? `Resume${feed.waiting ? ` (${formatCount(feed.waiting)} waiting)` : ''}`
            : 'Pause updates'}
        </Button>
      </div>
      {feed.state === 'closed' ? (
        <Alert type="warning" headingLevel="h2" heading="The feed is not connected" data-testid="feed-closed">
          The server closed the feed or refused it. If your session has ended you will be asked to sign in.{' '}
          <Button type="button" unstyled onClick={feed.reconnect} data-testid="feed-reconnect">
            Connect again
          </Button>
        </Alert>
      ) : null}
      <p className="text-base-dark" data-testid="feed-count">
        {formatCount(feed.received)} received since you opened this page; {formatCount(feed.entries.length)}{' '}
        shown.
      </p>
      {feed.entries.length === 0 ? (
        <p data-testid="feed-empty">No departures have arrived since you opened this page.</p>
      ) : (
        <Table caption="Departures received, newest first" bordered fullWidth compact scrollable>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Source record</th>
              <th scope="col">Result</th>
              <th scope="col">Why</th>
              <th scope="col">Person</th>
            </tr>
          </thead>
          <tbody>
            {feed.entries.map((entry) => (
              <FeedRow key={entry.seq} entry={entry} canOpen={canOpen} canReview={canReview} />
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}

function statusText(result: DepartureEvent['result']): string {
  switch (result.status) {
    case 'linked':
      return result.personId ? `Matched to person ${result.personId}` : 'Matched to a person';
    case 'review':
      return 'In review: not matched';
    case 'duplicate':
      return 'Duplicate: already received';
    case 'quarantined':
      return 'Quarantined';
    case 'already_quarantined':
      return 'Already quarantined';
    default:
      return `Status: ${String(result.status)}`;
  }
}

function FeedRow({ entry, canOpen, canReview }: { entry: FeedEntry; canOpen: boolean; canReview: boolean }) {
  const { at, source, result } = entry.event;
  const reasons = result.reasons ?? [];
  return (
    <tr data-testid="feed-row" data-status={result.status}>
      <td className="font-body-3xs">
        <time dateTime={at} title={formatDateTime(at)}>
          {formatTimeSeconds(at)}
        </time>
      </td>
      <th scope="row">
        <code>
          {source}:{result.recordId ?? '(no record id)'}
        </code>
        <span className="display-block font-body-3xs">
          line {result.line}
          {result.version !== undefined ? `, version ${result.version}` : ''}
        </span>
      </th>
      <td>
        <Tag className={`passage-job-tag passage-feed-status--${result.status}`} data-testid="feed-status">
          {statusText(result)}
        </Tag>
      </td>
      <td>
        {result.rule ? (
          <p className="passage-rule margin-0">
            Rule: <code>{result.rule}</code>
          </p>
        ) : null}
        {reasons.length ? (
          <ul className="usa-list margin-0" aria-label="Reasons">
            {reasons.map((reason, i) => (
              <li key={`${i}-${reason}`}>{reason}</li>
            ))}
          </ul>
        ) : null}
        {result.status === 'review' ? (
          canReview ? (
            <AppLink href="/reviews">In the review queue</AppLink>
          ) : (
            'In the review queue'
          )
        ) : null}
        {!result.rule && !reasons.length && result.status !== 'review' ? '—' : null}
      </td>
      <td>
        {result.status === 'linked' && result.personId && canOpen ? (
          <AppLink href={`/people/${encodeURIComponent(result.personId)}`} data-testid="open-person">
            Open person<span className="usa-sr-only"> {result.personId}</span>
          </AppLink>
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
}

import { Alert, Button, Table } from '@trussworks/react-uswds';
import { api } from '../api';
import { ErrorAlert, Loading } from '../components/ErrorAlert';
import { NotPermitted } from '../components/NotPermitted';
import { formatCount, formatDateTime } from '../format';
import { useApi, usePageTitle } from '../hooks';
import { can, Permission, useSession } from '../session';
import type { MatchReview } from '../types';

/** Records the linker would not guess about, waiting for a person to decide whom they belong to. */
export function ReviewQueuePage() {
  const { session } = useSession();
  if (!can(session, Permission.ReviewView)) {
    return <NotPermitted title="Review queue" what="the match review queue" />;
  }
  return <ReviewQueue />;
}

interface Candidate {
  personId: string;
  record: string | null;
}

/** The server types candidates loosely; read the { personId, record } pairs the linker writes. */
function candidatesOf(review: MatchReview): { known: Candidate[]; unreadable: number } {
  const known: Candidate[] = [];
  let unreadable = 0;
  for (const c of review.candidates ?? []) {
    const personId = typeof c === 'object' && c !== null ? (c as { personId?: unknown }).personId : undefined;
    const record = typeof c === 'object' && c !== null ? (c as { record?: unknown }).record : undefined;
    if (typeof personId === 'string' || typeof personId === 'number') {
      known.push({ personId: String(personId), record: typeof record === 'string' ? record : null });
    } else {
      unreadable += 1;
    }
  }
  return { known, unreadable };
}

function ReviewQueue() {
  usePageTitle('Review queue');
  const reviews = useApi((signal) => api.listReviews(signal), []);
  const list = reviews.data?.reviews;

  return (
    <div data-testid="review-queue">
      <h1>Review queue</h1>
      <p className="measure-6">
        Records that no linking rule could attach to a person are not guessed at: they wait here, linked to
        nobody, with the reason and the people who shared a key with them. Until someone decides, each record
        counts as not matched.
      </p>
      <Alert type="info" headingLevel="h2" heading="Read-only for now" slim={false} data-testid="review-note">
        Confirming or rejecting a link is not available yet: it arrives with the entity-resolution review.
        This page lists the open reviews so that nothing waits unseen.
      </Alert>
      <Button
        type="button"
        outline
        className="margin-top-2"
        onClick={reviews.reload}
        disabled={reviews.loading}
        data-testid="refresh-reviews"
      >
        Refresh
      </Button>
      {reviews.loading && !list ? <Loading what="the review queue" /> : null}
      {reviews.error ? <ErrorAlert error={reviews.error} /> : null}
      {list && list.length === 0 ? <p data-testid="no-reviews">No records are waiting for review.</p> : null}
      {list && list.length > 0 ? (
        <Table
          caption={`${formatCount(list.length)} open ${list.length === 1 ? 'review' : 'reviews'}, oldest first`}
          bordered
          fullWidth
          compact
          scrollable
        >
          <thead>
            <tr>
              <th scope="col">Source record</th>
              <th scope="col">Reason</th>
              <th scope="col">Candidate people</th>
              <th scope="col">Waiting since</th>
            </tr>
          </thead>
          <tbody>
            {list.map((review) => (
              <ReviewRow key={review.id} review={review} />
            ))}
          </tbody>
        </Table>
      ) : null}
    </div>
  );
}

function ReviewRow({ review }: { review: MatchReview }) {
  const { known, unreadable } = candidatesOf(review);
  return (
    <tr data-testid="review-row" data-review-id={review.id}>
      <th scope="row">
        <code>
          {review.source ?? review.sourceCode}:{review.sourceRecordId}
        </code>
      </th>
      <td>{review.reason}</td>
      <td data-testid="review-candidates">
        {known.length === 0 && unreadable === 0 ? 'None' : null}
        {known.length ? (
          <ul className="usa-list margin-0" aria-label="Candidate people">
            {known.map((c) => (
              <li key={`${c.personId}-${c.record ?? ''}`}>
                Person {c.personId}
                {c.record ? (
                  <span className="font-body-3xs">
                    {' '}
                    (shares a key with record <code>{c.record}</code>)
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
        {unreadable ? (
          <span className="display-block font-body-3xs">
            {unreadable} {unreadable === 1 ? 'candidate' : 'candidates'} in a form this page cannot read
          </span>
        ) : null}
      </td>
      <td className="font-body-3xs">
        <time dateTime={review.createdAt}>{formatDateTime(review.createdAt)}</time>
      </td>
    </tr>
  );
}

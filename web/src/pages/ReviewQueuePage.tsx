import { Button, ButtonGroup, Table } from '@trussworks/react-uswds';
import { api } from '../api';
import { AppLink } from '../components/AppLink';
import { ErrorAlert, Loading } from '../components/ErrorAlert';
import { NotPermitted } from '../components/NotPermitted';
import { PersonLink } from '../components/PersonLink';
import { formatDateTime, plural, sourceRef } from '../format';
import { useApi, usePageTitle } from '../hooks';
import type { ReviewSummary } from '../identity-types';
import { formatAge, REVIEW_KIND_WORDS, REVIEW_STATUS_WORDS } from '../match-words';
import { useLocation } from '../router';
import { can, Permission, useSession } from '../session';

type Tab = 'pending' | 'decided';

/** Records the engine would not decide alone, waiting for a person; and the decisions made. */
export function ReviewQueuePage() {
  const { session } = useSession();
  if (!can(session, Permission.ReviewView)) {
    return <NotPermitted title="Review queue" what="the match review queue" />;
  }
  return <ReviewQueue />;
}

function ReviewQueue() {
  usePageTitle('Review queue');
  const tab: Tab = useLocation().query.get('status') === 'decided' ? 'decided' : 'pending';
  const reviews = useApi((signal) => api.listReviews(tab, signal), [tab]);
  const list = reviews.data?.reviews;
  const pending = reviews.data?.pending;

  return (
    <div data-testid="review-queue">
      <h1>Review queue</h1>
      <p className="measure-6">
        Records the entity-resolution engine would not decide alone wait here for a person: a departure no
        person matches with confidence waits linked to nobody; a record that started a person of its own but
        may be a duplicate waits to be merged or kept apart. Each review shows the engine’s evidence, field by
        field. See the <AppLink href="/match-model">match model</AppLink> for what each comparison weighs.
      </p>
      <p role="status" className="text-bold" data-testid="pending-count">
        {pending === undefined
          ? ' '
          : pending === 0
            ? 'No records are waiting for a decision.'
            : `${plural(pending, 'record is', 'records are')} waiting for a decision.`}
      </p>
      <nav aria-label="Reviews to show" className="margin-y-2">
        <ButtonGroup type="segmented">
          <TabLink tab="pending" current={tab} label="Pending" />
          <TabLink tab="decided" current={tab} label="Decided" />
        </ButtonGroup>
      </nav>
      <Button
        type="button"
        outline
        onClick={reviews.reload}
        disabled={reviews.loading}
        data-testid="refresh-reviews"
      >
        Refresh
      </Button>
      {reviews.loading && !list ? <Loading what="the review queue" /> : null}
      {reviews.error ? <ErrorAlert error={reviews.error} /> : null}
      {list && list.length === 0 ? (
        <p data-testid="no-reviews">
          {tab === 'pending' ? 'No records are waiting for review.' : 'No reviews have been decided yet.'}
        </p>
      ) : null}
      {list && list.length > 0 ? <ReviewTable tab={tab} list={list} /> : null}
    </div>
  );
}

function TabLink({ tab, current, label }: { tab: Tab; current: Tab; label: string }) {
  const selected = tab === current;
  return (
    <AppLink
      href={tab === 'pending' ? '/reviews' : '/reviews?status=decided'}
      className={`usa-button${selected ? '' : ' usa-button--outline'}`}
      aria-current={selected ? 'page' : undefined}
      data-testid={`reviews-tab-${tab}`}
    >
      {label}
    </AppLink>
  );
}

function ReviewTable({ tab, list }: { tab: Tab; list: ReviewSummary[] }) {
  const caption =
    tab === 'pending'
      ? `${plural(list.length, 'pending review', 'pending reviews')}, oldest first; those someone was not sure about come last`
      : `${plural(list.length, 'decided review', 'decided reviews')}, latest first`;
  return (
    <Table caption={caption} bordered fullWidth compact scrollable>
      <thead>
        <tr>
          <th scope="col">Source record</th>
          <th scope="col">Kind</th>
          <th scope="col">Reason</th>
          {tab === 'pending' ? (
            <>
              <th scope="col">Waiting</th>
              <th scope="col">Not sure</th>
            </>
          ) : (
            <>
              <th scope="col">Decision</th>
              <th scope="col">Decided</th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {list.map((review) => (
          <tr key={review.id} data-testid="review-row" data-review-id={review.id} data-kind={review.kind}>
            <th scope="row">
              <AppLink href={`/reviews/${encodeURIComponent(review.id)}`} data-testid="open-review">
                <code className="text-no-wrap">{sourceRef(review)}</code>
              </AppLink>
              <span className="display-block font-body-3xs text-base-dark">review {review.id}</span>
            </th>
            <td>{REVIEW_KIND_WORDS[review.kind]}</td>
            <td>{review.reason}</td>
            {tab === 'pending' ? <PendingCells review={review} /> : <DecidedCells review={review} />}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function PendingCells({ review }: { review: ReviewSummary }) {
  return (
    <>
      <td>
        <time dateTime={review.createdAt} title={formatDateTime(review.createdAt)}>
          {formatAge(review.createdAt)}
        </time>
      </td>
      <td data-testid="not-sure-count">{review.notSureCount}</td>
    </>
  );
}

function DecidedCells({ review }: { review: ReviewSummary }) {
  return (
    <>
      <td>
        {REVIEW_STATUS_WORDS[review.status]}
        {review.decidedPersonId ? (
          <span className="display-block">
            <PersonLink id={review.decidedPersonId} />
          </span>
        ) : null}
        {review.decisionNote ? (
          <span className="display-block font-body-3xs">Note: {review.decisionNote}</span>
        ) : null}
      </td>
      <td className="font-body-3xs">
        {review.decidedBy ?? '—'}
        {review.decidedAt ? (
          <span className="display-block">
            <time dateTime={review.decidedAt}>{formatDateTime(review.decidedAt)}</time>
          </span>
        ) : null}
      </td>
    </>
  );
}

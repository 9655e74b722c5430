import { useState } from 'react';
import { api } from '../api';
import { AppLink } from '../components/AppLink';
import { DecisionOutcome } from '../components/DecisionOutcome';
import { ErrorAlert, Loading } from '../components/ErrorAlert';
import { MatchEvidence, WeightsExplained } from '../components/MatchEvidence';
import { NotPermitted } from '../components/NotPermitted';
import { PersonLink } from '../components/PersonLink';
import { CandidatePerson, RecordComparison } from '../components/RecordComparison';
import { ReviewDecisionForm } from '../components/ReviewDecisionForm';
import { formatDateTime, sourceRef } from '../format';
import { useApi, usePageTitle } from '../hooks';
import type { DecisionResponse, ReviewDetail } from '../identity-types';
import { formatAge, formatProbability, REVIEW_KIND_WORDS, REVIEW_STATUS_WORDS } from '../match-words';
import { can, Permission, useSession } from '../session';
import { Fact, Facts } from '../components/Facts';

/** One review: the record beside each candidate, the engine's evidence, and the decision. */
export function ReviewPage({ id }: { id: string }) {
  const { session } = useSession();
  if (!can(session, Permission.ReviewView)) {
    return <NotPermitted title="Review" what="the match review queue" />;
  }
  return <Review id={id} mayDecide={can(session, Permission.ReviewDecide)} />;
}

function BackToQueue() {
  return (
    <p className="margin-top-0">
      <AppLink href="/reviews">Back to the review queue</AppLink>
    </p>
  );
}

function Review({ id, mayDecide }: { id: string; mayDecide: boolean }) {
  const loaded = useApi((signal) => api.getReview(id, signal), [id]);
  const [result, setResult] = useState<DecisionResponse | null>(null);
  const review = loaded.data?.review;
  usePageTitle(review ? `Review ${review.id}` : 'Review');

  if (!review || !loaded.data) {
    return (
      <>
        <BackToQueue />
        <h1>{loaded.error ? 'Review not available' : 'Loading review'}</h1>
        {loaded.error ? <ErrorAlert error={loaded.error} /> : <Loading what="the review" />}
      </>
    );
  }

  const open = review.status === 'pending' && (!result || result.review.status === 'pending');
  return (
    <div data-testid="review">
      <BackToQueue />
      <h1>
        Review {review.id}: <code>{sourceRef(review)}</code>
      </h1>
      <p className="passage-audit-note" data-testid="audit-note">
        Your view was recorded in the audit log (entry #{loaded.data.audit.seq}).
      </p>
      <ReviewFacts review={review} />

      <section aria-labelledby="comparison-heading" className="margin-top-4">
        <h2 id="comparison-heading">The record and its candidates</h2>
        {review.candidates.length ? (
          <RecordComparison record={review.record} candidates={review.candidates} />
        ) : (
          <p data-testid="no-candidates">
            No existing person shares a blocking key with this record, so there is nobody to compare it with.
          </p>
        )}
      </section>

      {review.candidates.length ? <CandidateEvidence review={review} /> : null}

      <section aria-labelledby="decision-heading" className="margin-top-5">
        <h2 id="decision-heading">Decision</h2>
        <div aria-live="polite">{result ? <DecisionOutcome review={review} result={result} /> : null}</div>
        {open && mayDecide ? <ReviewDecisionForm review={review} onDecided={setResult} /> : null}
        {open && !mayDecide ? <p>Your role may read reviews but not decide them.</p> : null}
        {!open && !result ? <DecidedSummary review={review} /> : null}
      </section>
    </div>
  );
}

function ReviewFacts({ review }: { review: ReviewDetail }) {
  return (
    <Facts testId="review-facts">
      <Fact term="Kind">{REVIEW_KIND_WORDS[review.kind]}</Fact>
      <Fact term="Status">{REVIEW_STATUS_WORDS[review.status]}</Fact>
      <Fact term="Waiting since">
        <time dateTime={review.createdAt}>{formatDateTime(review.createdAt)}</time> (
        {formatAge(review.createdAt)})
      </Fact>
      {review.recordPersonId ? (
        <Fact term="This record’s own person">
          <PersonLink id={review.recordPersonId} />
        </Fact>
      ) : null}
      <Fact term="Not sure so far">{review.notSureCount}</Fact>
      <Fact term="Why it is here" wide>
        <span data-testid="review-reason">{review.reason}</span>
      </Fact>
      {review.decisionNote ? (
        <Fact term="Latest note" wide>
          {review.decisionNote}
        </Fact>
      ) : null}
    </Facts>
  );
}

function CandidateEvidence({ review }: { review: ReviewDetail }) {
  return (
    <section aria-labelledby="evidence-heading" className="margin-top-5">
      <h2 id="evidence-heading">The engine’s evidence</h2>
      <WeightsExplained />
      {review.candidates.map((c, i) => (
        <section
          key={c.recordKey}
          aria-labelledby={`candidate-${i + 1}-heading`}
          className="margin-top-4"
          data-testid="candidate-evidence"
        >
          <h3 id={`candidate-${i + 1}-heading`}>
            Candidate {i + 1}: <code>{c.recordKey}</code> — {formatProbability(c.probability)} likely the same
            person
          </h3>
          <p className="margin-top-0">
            Belongs to <CandidatePerson candidate={c} />.
          </p>
          <MatchEvidence
            evidence={c.evidence}
            caption={`Field by field: this record against candidate ${i + 1} (${c.recordKey})`}
          />
        </section>
      ))}
    </section>
  );
}

function DecidedSummary({ review }: { review: ReviewDetail }) {
  return (
    <p data-testid="decided-summary">
      {REVIEW_STATUS_WORDS[review.status]}
      {review.decidedPersonId ? (
        <>
          {' '}
          (<PersonLink id={review.decidedPersonId} />)
        </>
      ) : null}
      {review.decidedBy ? ` by ${review.decidedBy}` : ''}
      {review.decidedAt ? (
        <>
          {' '}
          on <time dateTime={review.decidedAt}>{formatDateTime(review.decidedAt)}</time>
        </>
      ) : null}
      .
    </p>
  );
}

import { Alert } from '@trussworks/react-uswds';
import { useEffect, useRef, type ReactNode } from 'react';
import { sourceRef } from '../format';
import type { DecisionResponse, ReviewDetail } from '../identity-types';
import { AppLink } from './AppLink';
import { PersonLink } from './PersonLink';

function describe(review: ReviewDetail, result: DecisionResponse): { heading: string; body: ReactNode } {
  const decided = result.review.decidedPersonId;
  const person = decided ? <PersonLink id={decided} /> : 'no person';
  const record = <code>{sourceRef(review)}</code>;
  switch (result.review.status) {
    case 'linked':
      return {
        heading: 'Record linked',
        body: (
          <>
            Record {record} is now linked to {person}.
          </>
        ),
      };
    case 'merged':
      return result.identityEvent
        ? {
            heading: 'People merged',
            body: (
              <>
                This record’s person{review.recordPersonId ? ` (person ${review.recordPersonId})` : ''} was
                merged into {person} (identity event {result.identityEvent}; a supervisor can undo it from the
                person page).
              </>
            ),
          }
        : { heading: 'Already one person', body: <>This record is already on {person}; nothing moved.</> };
    case 'kept_separate':
      return {
        heading: 'Kept apart',
        body: <>This record’s person ({person}) stays apart from the candidates.</>,
      };
    case 'new_person':
      return {
        heading: 'New person',
        body: (
          <>
            Record {record} is now a person of its own: {person}.
          </>
        ),
      };
    case 'pending':
      return {
        heading: 'Saved as not sure',
        body: (
          <>
            Your note is saved and the review stays open for another reviewer (not sure{' '}
            {result.review.notSureCount === 1 ? 'once' : `${result.review.notSureCount} times`} so far).
          </>
        ),
      };
    case 'dismissed':
      return { heading: 'Dismissed', body: <>The review was dismissed.</> };
  }
}

/**
 * What a decision did, named plainly, with a link to the person and back to the queue. It takes
 * focus when it appears so keyboard and screen reader users land on the result.
 */
export function DecisionOutcome({ review, result }: { review: ReviewDetail; result: DecisionResponse }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [result]);
  const { heading, body } = describe(review, result);
  return (
    <div ref={ref} tabIndex={-1} data-testid="decision-outcome" data-status={result.review.status}>
      <Alert type="success" headingLevel="h3" heading={heading} className="margin-y-2">
        {body}
        {result.modelRefined ? (
          <span className="display-block margin-top-05">
            The match model was refined with this decision (model {result.modelRefined}).
          </span>
        ) : null}
        <span className="display-block margin-top-1">
          <AppLink href="/reviews" data-testid="back-to-queue">
            Back to the review queue
          </AppLink>
        </span>
      </Alert>
    </div>
  );
}

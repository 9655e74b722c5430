import { Alert } from '@trussworks/react-uswds';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { useApi } from '../hooks';
import { clearNotice, leaveNotice, peekNotice } from '../identity-notice';
import type { IdentityEvent } from '../identity-types';
import { can, Permission, useSession } from '../session';
import type { Person, Purpose } from '../types';
import { ErrorAlert } from './ErrorAlert';
import { IdentityChangeForms } from './IdentityChangeForms';
import { EventSentence, IdentityHistory } from './IdentityHistory';
import { PersonLink } from './PersonLink';
import { SourceRecordsTable } from './SourceRecordsTable';

/** Shown at the top of a person who was merged into another: their records are there now. */
export function MergedBanner({ person }: { person: Person }) {
  if (!person.mergedInto) return null;
  return (
    <Alert
      type="warning"
      headingLevel="h2"
      heading={`This person was merged into person ${person.mergedInto}`}
      className="margin-y-2"
      data-testid="merged-banner"
    >
      Their records now belong to <PersonLink id={person.mergedInto} />. The identity history below shows the
      merge; a supervisor can undo it.
    </Alert>
  );
}

/**
 * A person's records with how each was linked, the merges and splits they took part in, and the
 * supervisor's merge and split forms. After a change the person is read again (`onChanged`).
 */
export function PersonIdentityWork({
  person,
  purpose,
  onChanged,
}: {
  person: Person;
  purpose: Purpose;
  onChanged: () => void;
}) {
  const { session } = useSession();
  const mayChange = can(session, Permission.IdentityChange);
  const [version, setVersion] = useState(0);
  const events = useApi((signal) => api.getIdentityEvents(person.id, purpose, signal), [person.id, version]);
  // The page may remount while it reads the person again: the notice waits for the new read,
  // then is forgotten (so it does not come back on a later visit).
  const [notice, setNotice] = useState(() => peekNotice(person.id));
  useEffect(() => {
    clearNotice(person.id);
  }, [person]);

  const changed = (event: IdentityEvent) => {
    leaveNotice(person.id, event);
    setNotice(event);
    setVersion((v) => v + 1);
    onChanged();
  };
  const codes = new Map(
    person.records.flatMap((r) => (r.sourceId === undefined ? [] : [[r.sourceId, r.sourceCode] as const])),
  );

  return (
    <>
      <SourceRecordsTable records={person.records} events={events.data?.events} />
      <section
        aria-labelledby="identity-history-heading"
        className="margin-top-5"
        data-testid="identity-history"
      >
        <h2 id="identity-history-heading">Identity history</h2>
        <div aria-live="polite">{notice ? <ChangeNotice event={notice} /> : null}</div>
        {events.error ? <ErrorAlert error={events.error} /> : null}
        {events.data ? (
          <IdentityHistory
            events={events.data.events}
            codes={codes}
            mayUndo={mayChange}
            onChanged={changed}
          />
        ) : null}
      </section>
      {mayChange && !person.mergedInto ? <IdentityChangeForms person={person} onChanged={changed} /> : null}
    </>
  );
}

const NOTICE_HEADINGS: Record<IdentityEvent['kind'], string> = {
  merge: 'Merged',
  split: 'Split',
  undo_merge: 'Merge undone',
  undo_split: 'Split undone',
};

/** The result of the change just made; takes focus so the user lands on it. */
function ChangeNotice({ event }: { event: IdentityEvent }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [event]);
  return (
    <div ref={ref} tabIndex={-1} data-testid="identity-change-notice" data-kind={event.kind}>
      <Alert type="success" headingLevel="h3" heading={NOTICE_HEADINGS[event.kind]} className="margin-y-2">
        <EventSentence event={event} /> Recorded as identity event {event.id}
        {event.kind === 'merge' || event.kind === 'split' ? ', which a supervisor can undo' : ''}.
      </Alert>
    </div>
  );
}

import { Button } from '@trussworks/react-uswds';
import { useRef, useState } from 'react';
import { api } from '../api';
import { formatDateTime } from '../format';
import type { IdentityEvent, RecordKey } from '../identity-types';
import { EVENT_KIND_WORDS } from '../match-words';
import { AppLink } from './AppLink';
import { ChangeForm } from './ChangeForm';
import { PersonLink } from './PersonLink';
import './evidence.css';
import { Fact, Facts } from './Facts';

/** What an event did, in one sentence with links to the people. */
export function EventSentence({ event }: { event: IdentityEvent }) {
  const n = event.moved.records.length;
  const records = `${n} ${n === 1 ? 'record' : 'records'}`;
  const from = <PersonLink id={event.fromPersonId} />;
  const to = <PersonLink id={event.toPersonId} />;
  switch (event.kind) {
    case 'merge':
      return (
        <>
          Person {event.fromPersonId} was merged into {to}: {records} moved.
        </>
      );
    case 'split':
      return (
        <>
          {records} split off {from} onto a new person, {to}.
        </>
      );
    case 'undo_merge':
      return (
        <>
          Merge {event.undoes} undone: {records} moved back from {from} to {to}.
        </>
      );
    case 'undo_split':
      return (
        <>
          Split {event.undoes} undone: {records} moved back from {from} to {to}.
        </>
      );
  }
}

function recordName(r: RecordKey, codes: ReadonlyMap<number, string>): string {
  const code = codes.get(r.sourceId);
  // Events name records by source id; the code is known for records on this page.
  return code ? `${code}:${r.sourceRecordId}` : `${r.sourceRecordId} (source system ${r.sourceId})`;
}

interface IdentityHistoryProps {
  events: IdentityEvent[];
  /** Source system codes by id, to name moved records. */
  codes: ReadonlyMap<number, string>;
  mayUndo: boolean;
  onChanged: (event: IdentityEvent) => void;
}

/** The merges and splits this person took part in, newest first; supervisors may undo them. */
export function IdentityHistory({ events, codes, mayUndo, onChanged }: IdentityHistoryProps) {
  if (!events.length) {
    return <p data-testid="no-identity-events">This person took part in no merge or split.</p>;
  }
  return (
    <ol className="usa-list usa-list--unstyled" aria-label="Identity events, newest first">
      {events.map((event) => (
        <li key={event.id} className="passage-event" data-testid="identity-event" data-kind={event.kind}>
          <h3>
            {EVENT_KIND_WORDS[event.kind]} (event {event.id})
          </h3>
          <p className="margin-y-05">
            <EventSentence event={event} />
          </p>
          <Facts small>
            <Fact term="When">
              <time dateTime={event.createdAt}>{formatDateTime(event.createdAt)}</time>
            </Fact>
            <Fact term="By">{event.actor}</Fact>
            {event.reviewId ? (
              <Fact term="Decided in">
                <AppLink href={`/reviews/${encodeURIComponent(event.reviewId)}`}>
                  review {event.reviewId}
                </AppLink>
              </Fact>
            ) : null}
            <Fact term="Reason" wide>
              {event.reason}
            </Fact>
            <Fact term="Records moved" wide>
              {event.moved.records.map((r) => recordName(r, codes)).join(', ') || 'none'}
              {event.moved.voluntaryDepartureIds.length
                ? `; ${event.moved.voluntaryDepartureIds.length} voluntary departure grant(s)`
                : ''}
            </Fact>
          </Facts>
          {event.undoneBy ? <p className="margin-y-05">Undone by event {event.undoneBy}.</p> : null}
          {mayUndo && !event.undoneBy && (event.kind === 'merge' || event.kind === 'split') ? (
            <UndoEvent event={event} onChanged={onChanged} />
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function UndoEvent({
  event,
  onChanged,
}: {
  event: IdentityEvent;
  onChanged: (event: IdentityEvent) => void;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const what = event.kind === 'merge' ? 'merge' : 'split';
  if (!open) {
    return (
      <Button
        type="button"
        outline
        ref={button}
        onClick={() => {
          setOpen(true);
        }}
        data-testid="undo-event"
      >
        Undo this {what}…
      </Button>
    );
  }
  return (
    <ChangeForm
      id={`undo-${event.id}`}
      label={`Undo ${what} ${event.id}`}
      submit={(reason) => api.undoIdentityEvent(event.id, reason)}
      submitLabel={`Undo ${what} ${event.id}`}
      onDone={onChanged}
      onCancel={() => {
        setOpen(false);
        // The button comes back on the next render; give it the focus the form had.
        window.setTimeout(() => button.current?.focus(), 0);
      }}
      focusReason
    />
  );
}

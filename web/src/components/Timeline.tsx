import { formatDate } from '../format';
import type { EventKind, Status, TimelineEvent } from '../types';
import { SourceRefs } from './SourceRefs';

/** A visible name for each kind of event, so a marker's meaning never rests on colour or shape alone. */
export const EVENT_KIND_LABELS: Record<EventKind, string> = {
  admitted: 'Admitted',
  authorized_until: 'Authorized stay ends',
  application_filed: 'Application filed',
  application_decided: 'Application decided',
  departed: 'Departed',
  data_error: 'Data error',
};

interface TimelineProps {
  events: TimelineEvent[];
  asOf: string;
  status: Status;
}

/**
 * The status timeline drawn as a vertical line with a dated marker per event. Each event shows
 * what happened, why (explanation and rule) and the source records it rests on; the line ends
 * at "as of" with the resulting status.
 */
export function Timeline({ events, asOf, status }: TimelineProps) {
  // Oldest first; a stable sort keeps the server's order for events on the same day.
  const ordered = [...events].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return (
    <ol className="passage-timeline" data-testid="timeline" aria-label="Status timeline, oldest first">
      {ordered.map((event, index) => (
        <li
          key={`${event.date}-${event.kind}-${index}`}
          className={`passage-timeline__event passage-timeline__event--${event.kind}`}
          data-testid="timeline-event"
          data-kind={event.kind}
        >
          <span className="passage-timeline__marker" aria-hidden="true" />
          <div className="passage-timeline__body">
            <p className="passage-timeline__meta">
              <time dateTime={event.date} className="passage-timeline__date">
                {formatDate(event.date)}
              </time>
              <span className="passage-timeline__kind">{EVENT_KIND_LABELS[event.kind]}</span>
            </p>
            <h3 className="passage-timeline__label">{event.label}</h3>
            <p className="passage-timeline__explanation">{event.explanation}</p>
            <div className="passage-timeline__facts">
              <p className="passage-rule" data-testid="timeline-rule">
                Rule: <code>{event.rule}</code>
              </p>
              <SourceRefs refs={event.sourceRecords} />
            </div>
          </div>
        </li>
      ))}
      <li className="passage-timeline__event passage-timeline__event--now" data-testid="timeline-now">
        <span className="passage-timeline__marker" aria-hidden="true" />
        <div className="passage-timeline__body">
          <p className="passage-timeline__meta">
            <time dateTime={asOf} className="passage-timeline__date">
              {formatDate(asOf)}
            </time>
            <span className="passage-timeline__kind">As of</span>
          </p>
          <h3 className="passage-timeline__label">Status: {status.label}</h3>
        </div>
      </li>
    </ol>
  );
}

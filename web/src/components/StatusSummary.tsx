import { Tag } from '@trussworks/react-uswds';
import { formatDate } from '../format';
import type { Status } from '../types';
import { SourceRefs } from './SourceRefs';

/** The current status: a labelled tag, why it holds, until when, and the rule that decided it. */
export function StatusSummary({ status, asOf }: { status: Status; asOf: string }) {
  return (
    <section
      className="usa-summary-box passage-status"
      aria-labelledby="status-heading"
      data-testid="status"
      data-status={status.code}
    >
      <div className="usa-summary-box__body">
        <h2 className="usa-summary-box__heading" id="status-heading">
          Current status
        </h2>
        <div className="usa-summary-box__text">
          <p className="margin-top-0">
            <Tag className={`passage-status-tag passage-status-tag--${status.code}`} data-testid="status-tag">
              {status.label}
            </Tag>
          </p>
          <p data-testid="status-explanation">{status.explanation}</p>
          <dl className="passage-facts">
            <div>
              <dt>As of</dt>
              <dd>
                <time dateTime={asOf}>{formatDate(asOf)}</time>
              </dd>
            </div>
            <div>
              <dt>Since</dt>
              <dd>
                {status.since ? (
                  <time dateTime={status.since}>{formatDate(status.since)}</time>
                ) : (
                  'Not recorded'
                )}
              </dd>
            </div>
            <div>
              <dt>Authorized until</dt>
              <dd data-testid="status-authorized-until">
                {status.authorizedUntil ? (
                  <time dateTime={status.authorizedUntil}>{formatDate(status.authorizedUntil)}</time>
                ) : (
                  'No date recorded'
                )}
              </dd>
            </div>
          </dl>
          <p className="passage-rule" data-testid="status-rule">
            Rule: <code>{status.rule}</code>
          </p>
          <SourceRefs refs={status.sourceRecords} />
        </div>
      </div>
    </section>
  );
}

import { Alert } from '@trussworks/react-uswds';
import type { ApiError } from '../api';

/** An API error as a USWDS error alert: the server's message, and the request id for support. */
export function ErrorAlert({ error, heading }: { error: ApiError; heading?: string }) {
  return (
    <Alert
      type="error"
      headingLevel="h2"
      heading={heading}
      slim={!heading}
      role="alert"
      className="margin-y-2"
      data-testid="error-alert"
      data-error-id={error.id}
    >
      {error.message}
      {error.requestId ? (
        <span className="display-block font-body-3xs margin-top-05">Request id: {error.requestId}</span>
      ) : null}
    </Alert>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="text-base-dark" role="status" data-testid="loading">
      Loading {what}…
    </p>
  );
}

/**
 * The Passage API client. Same-origin cookies carry the session; every write echoes the
 * session's CSRF token in x-csrf-token. Errors arrive as { error: { id, message, requestId } }
 * and are thrown as ApiError; a 401 on any call (other than signing in) hands control to the
 * unauthorized handler, which sends the user to /sign-in.
 */
import type {
  DecisionInput,
  DecisionResponse,
  IdentityChangeResponse,
  IdentityEvent,
  MatchModel,
  RecordKey,
  ReviewDetailResponse,
  ReviewQueueResponse,
} from './identity-types';
import type {
  ApiErrorBody,
  OverstayReport,
  PersonResponse,
  Purpose,
  QuarantineResponse,
  SearchResponse,
  Session,
  TimelineResponse,
  IngestJob,
  VoluntaryDeparture,
} from './types';

export class ApiError extends Error {
  readonly status: number;
  readonly id: string;
  readonly requestId: string | null;

  constructor(status: number, id: string, message: string, requestId: string | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.id = id;
    this.requestId = requestId;
  }
}

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

/** Called on any 401 (except from sign-in and the first session check). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = body.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Leave a 401 to the caller instead of redirecting to sign-in. */
  quiet401?: boolean;
}

async function request<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(
      0,
      'network_error',
      'The Passage server could not be reached. Check your connection and try again.',
      null,
    );
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = null;
    }
  }

  if (!response.ok) {
    const error = isErrorBody(body)
      ? new ApiError(response.status, body.error.id, body.error.message, body.error.requestId)
      : new ApiError(
          response.status,
          'http_error',
          `The server answered ${response.status} ${response.statusText}.`,
          null,
        );
    if (response.status === 401 && !options.quiet401) {
      csrfToken = null;
      unauthorizedHandler?.();
    }
    throw error;
  }
  return body as T;
}

function remember(session: Session): Session {
  csrfToken = session.csrfToken;
  return session;
}

/** Plain links and streams, followed by the browser itself with the session cookie. */
export const OVERSTAY_REPORT_CSV_URL = '/api/reports/overstays.csv';
export const DEPARTURES_FEED_URL = '/api/departures/feed';

const purposeQuery = (purpose: Purpose): string =>
  new URLSearchParams({ purposeKind: purpose.kind, purpose: purpose.text }).toString();

export const api = {
  getSession: async (signal?: AbortSignal): Promise<Session> =>
    remember(
      await request<Session>('GET', '/api/session', { quiet401: true, ...(signal ? { signal } : {}) }),
    ),

  /** Like getSession, but a 401 ends the session in the UI (sends the user to sign in). */
  checkSession: async (): Promise<Session> => remember(await request<Session>('GET', '/api/session')),

  signIn: async (username: string, password: string): Promise<Session> =>
    remember(
      await request<Session>('POST', '/api/session', { body: { username, password }, quiet401: true }),
    ),

  signOut: async (): Promise<void> => {
    try {
      await request<undefined>('DELETE', '/api/session', { quiet401: true });
    } finally {
      csrfToken = null;
    }
  },

  changePassword: (currentPassword: string, newPassword: string): Promise<void> =>
    request<undefined>('POST', '/api/session/password', { body: { currentPassword, newPassword } }),

  searchPeople: (q: string, signal: AbortSignal, limit = 25): Promise<SearchResponse> =>
    request('GET', `/api/people?${new URLSearchParams({ q, limit: String(limit) }).toString()}`, { signal }),

  getPerson: (id: string, purpose: Purpose, signal: AbortSignal): Promise<PersonResponse> =>
    request('GET', `/api/people/${encodeURIComponent(id)}?${purposeQuery(purpose)}`, { signal }),

  getTimeline: (id: string, purpose: Purpose, signal: AbortSignal): Promise<TimelineResponse> =>
    request('GET', `/api/people/${encodeURIComponent(id)}/timeline?${purposeQuery(purpose)}`, { signal }),

  listJobs: (signal: AbortSignal): Promise<{ jobs: IngestJob[] }> =>
    request('GET', '/api/ingest/jobs', { signal }),

  getQuarantine: (
    jobId: string,
    offset: number,
    limit: number,
    signal: AbortSignal,
  ): Promise<QuarantineResponse> =>
    request(
      'GET',
      `/api/ingest/jobs/${encodeURIComponent(jobId)}/quarantine?${new URLSearchParams({ offset: String(offset), limit: String(limit) }).toString()}`,
      { signal },
    ),

  getOverstayReport: (signal: AbortSignal): Promise<OverstayReport> =>
    request('GET', '/api/reports/overstays', { signal }),

  /** Records a voluntary departure grant; the page's declared purpose goes into the audit entry. */
  grantVoluntaryDeparture: (
    id: string,
    purpose: Purpose,
    grant: { grantedOn: string; departBy: string; grantedBy: string },
  ): Promise<{ grant: VoluntaryDeparture & { id: string }; audit: { seq: string } }> =>
    request('POST', `/api/people/${encodeURIComponent(id)}/voluntary-departures`, {
      body: { ...grant, purposeKind: purpose.kind, purpose: purpose.text },
    }),

  listReviews: (
    status: 'pending' | 'decided',
    signal: AbortSignal,
    limit = 100,
  ): Promise<ReviewQueueResponse> =>
    request('GET', `/api/reviews?${new URLSearchParams({ status, limit: String(limit) }).toString()}`, {
      signal,
    }),

  /** One review with the record beside each candidate; the server audits the read. */
  getReview: (id: string, signal: AbortSignal): Promise<ReviewDetailResponse> =>
    request('GET', `/api/reviews/${encodeURIComponent(id)}`, { signal }),

  decideReview: (id: string, input: DecisionInput): Promise<DecisionResponse> =>
    request('POST', `/api/reviews/${encodeURIComponent(id)}/decision`, { body: input }),

  /** A person read like the others: the purpose goes into the audit entry. */
  getIdentityEvents: (
    personId: string,
    purpose: Purpose,
    signal: AbortSignal,
  ): Promise<{ events: IdentityEvent[] }> =>
    request('GET', `/api/people/${encodeURIComponent(personId)}/identity-events?${purposeQuery(purpose)}`, {
      signal,
    }),

  mergePerson: (personId: string, intoPersonId: string, reason: string): Promise<IdentityChangeResponse> =>
    request('POST', `/api/people/${encodeURIComponent(personId)}/merge`, { body: { intoPersonId, reason } }),

  splitPerson: (personId: string, records: RecordKey[], reason: string): Promise<IdentityChangeResponse> =>
    request('POST', `/api/people/${encodeURIComponent(personId)}/split`, { body: { records, reason } }),

  undoIdentityEvent: (eventId: string, reason: string): Promise<IdentityChangeResponse> =>
    request('POST', `/api/identity-events/${encodeURIComponent(eventId)}/undo`, { body: { reason } }),

  getMatchModel: (signal: AbortSignal): Promise<MatchModel> => request('GET', '/api/match/model', { signal }),
};

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** Any thrown value as an ApiError, for display. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'client_error', err instanceof Error ? err.message : 'Something went wrong.', null);
}

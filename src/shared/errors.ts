/**
 * Errors that reach a client. Each has a stable `id` that clients and docs can rely on; the
 * message is for people. Anything else is reported as `internal_error` without details.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const ERROR_IDS = {
  invalid_request: 'The request does not match the documented schema; details list each problem.',
  invalid_credentials: 'The username or password is wrong (the response never says which).',
  account_locked: 'Too many failed sign-ins; the account is locked for a while.',
  unauthenticated: 'No valid session: sign in first.',
  csrf_failed: 'A write request lacked the x-csrf-token header of the session.',
  forbidden: 'Your role does not allow this.',
  purpose_required: 'Viewing a person requires a declared purpose (case number or reason).',
  not_found: 'No such record, or you may not see it.',
  password_rejected: 'The new password does not meet the rules.',
  invalid_token: 'The bearer token is missing, unknown or revoked.',
  idempotency_conflict: 'This Idempotency-Key was used before with a different body.',
  conflict:
    'The request conflicts with the current state (e.g. already decided, or the records moved since).',
  rate_limited: 'Too many requests; try again shortly.',
  internal_error: 'Something failed on the server; the request id lets an administrator find it.',
} as const;
export type ErrorId = keyof typeof ERROR_IDS;

const make = (status: number, id: ErrorId) => (message?: string, details?: unknown) =>
  new AppError(status, id, message ?? ERROR_IDS[id], details);

export const invalid = make(400, 'invalid_request');
export const purposeRequired = make(400, 'purpose_required');
export const passwordRejected = make(400, 'password_rejected');
export const invalidCredentials = make(401, 'invalid_credentials');
export const unauthenticated = make(401, 'unauthenticated');
export const accountLocked = make(423, 'account_locked');
export const csrfFailed = make(403, 'csrf_failed');
export const forbidden = make(403, 'forbidden');
export const notFound = make(404, 'not_found');
export const invalidToken = make(401, 'invalid_token');
export const idempotencyConflict = make(422, 'idempotency_conflict');
export const conflict = make(409, 'conflict');

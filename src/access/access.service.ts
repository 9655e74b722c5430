import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, Role } from '../db/schema.js';
import { appendAudit } from '../audit/index.js';
import { accountLocked, invalidCredentials, passwordRejected } from '../shared/errors.js';
import { generatePassword, hashPassword, passwordProblems, verifyPassword } from './password.js';
import {
  countAccounts,
  deleteSession,
  deleteSessionsOf,
  findAccountByUsername,
  findLiveSession,
  insertAccount,
  insertSession,
  recordFailedLogin,
  resetFailedLogins,
  setPassword,
  touchSession,
  type SessionWithAccount,
} from './access.store.js';

const LOCK_AFTER_FAILURES = 5;
const LOCK_MINUTES = 15;

export interface RequestContext {
  requestId: string | null;
  clientIp: string | null;
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
// Compared against when the username is unknown, so both paths take as long.
let dummyHash: Promise<string> | undefined;

export async function createAccount(
  db: Kysely<DB>,
  a: { username: string; displayName?: string; role: Role; password?: string },
): Promise<{ id: string; oneTimePassword: string | null }> {
  const oneTime = a.password === undefined ? generatePassword() : null;
  const password = a.password ?? oneTime ?? '';
  const id = await insertAccount(db, {
    username: a.username,
    displayName: a.displayName ?? a.username,
    role: a.role,
    passwordHash: await hashPassword(password),
    mustChangePassword: oneTime !== null,
  });
  return { id, oneTimePassword: oneTime };
}

/** Creates the first admin with a one-time password when there is none; returns that password. */
export async function ensureAdmin(db: Kysely<DB>): Promise<{ username: string; password: string } | null> {
  if ((await countAccounts(db, 'admin')) > 0) return null;
  const { oneTimePassword } = await createAccount(db, {
    username: 'admin',
    displayName: 'Administrator',
    role: 'admin',
  });
  return oneTimePassword ? { username: 'admin', password: oneTimePassword } : null;
}

/**
 * Checks the password and opens a session. The cookie carries a random token; the database keeps
 * only its hash, so a leaked sessions table cannot be replayed.
 */
export async function signIn(
  db: Kysely<DB>,
  creds: { username: string; password: string },
  ctx: RequestContext,
  sessionHours: number,
): Promise<{ token: string; session: SessionWithAccount }> {
  const account = await findAccountByUsername(db, creds.username);
  const audit = (outcome: 'success' | 'failure', reason?: string) =>
    appendAudit(db, {
      actorAccountId: account?.id ?? null,
      actorUsername: creds.username.slice(0, 100),
      actorRole: account?.role ?? null,
      action: 'session.sign_in',
      objectType: 'account',
      objectId: account?.id ?? null,
      purposeKind: null,
      purpose: null,
      outcome,
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
      details: reason ? { reason } : {},
    });
  if (!account || account.disabled) {
    dummyHash ??= hashPassword('not a real password');
    await verifyPassword(creds.password, await dummyHash);
    await audit('failure', 'unknown or disabled account');
    throw invalidCredentials();
  }
  if (account.lockedUntil && account.lockedUntil > new Date()) {
    await audit('failure', 'account locked');
    throw accountLocked(`Too many failed sign-ins. Try again after ${account.lockedUntil.toISOString()}.`);
  }
  if (!(await verifyPassword(creds.password, account.passwordHash))) {
    await recordFailedLogin(db, account.id, LOCK_AFTER_FAILURES, LOCK_MINUTES);
    await audit('failure', 'wrong password');
    throw invalidCredentials();
  }
  await resetFailedLogins(db, account.id);
  const token = crypto.randomBytes(32).toString('base64url');
  const session = {
    id: sha256(token),
    accountId: account.id,
    csrfToken: crypto.randomBytes(24).toString('base64url'),
    expiresAt: new Date(Date.now() + sessionHours * 3_600_000),
  };
  await insertSession(db, session);
  await audit('success');
  return {
    token,
    session: { sessionId: session.id, csrfToken: session.csrfToken, expiresAt: session.expiresAt, account },
  };
}

export async function resolveSession(
  db: Kysely<DB>,
  token: string,
  sessionHours: number,
): Promise<SessionWithAccount | undefined> {
  const session = await findLiveSession(db, sha256(token));
  if (!session) return undefined;
  const expiresAt = new Date(Date.now() + sessionHours * 3_600_000);
  // Touch at most once a minute: a busy page should not write on every request.
  if (expiresAt.getTime() - session.expiresAt.getTime() > 60_000) {
    await touchSession(db, session.sessionId, expiresAt);
  }
  return session;
}

export async function signOut(db: Kysely<DB>, sessionId: string): Promise<void> {
  await deleteSession(db, sessionId);
}

export async function changePassword(
  db: Kysely<DB>,
  session: SessionWithAccount,
  body: { currentPassword: string; newPassword: string },
  ctx: RequestContext,
): Promise<void> {
  if (!(await verifyPassword(body.currentPassword, session.account.passwordHash))) throw invalidCredentials();
  const problems = passwordProblems(body.newPassword, session.account.username);
  if (problems.length) throw passwordRejected(`The new password ${problems.join('; ')}.`, problems);
  await db.transaction().execute(async (tx) => {
    await setPassword(tx, session.account.id, await hashPassword(body.newPassword), false);
    await deleteSessionsOf(tx, session.account.id, session.sessionId);
    await appendAudit(tx, {
      actorAccountId: session.account.id,
      actorUsername: session.account.username,
      actorRole: session.account.role,
      action: 'account.password_changed',
      objectType: 'account',
      objectId: session.account.id,
      purposeKind: null,
      purpose: null,
      outcome: 'success',
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
      details: {},
    });
  });
}

/** Gives an account a new one-time password and ends its sessions; returns the password. */
export async function resetPassword(db: Kysely<DB>, username: string): Promise<string> {
  const account = await findAccountByUsername(db, username);
  if (!account) throw new Error(`No account named ${username}.`);
  const password = generatePassword();
  await db.transaction().execute(async (tx) => {
    await setPassword(tx, account.id, await hashPassword(password), true);
    await deleteSessionsOf(tx, account.id);
  });
  return password;
}

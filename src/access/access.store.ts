import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, Role } from '../db/schema.js';

type Q = Kysely<DB> | Transaction<DB>;

export interface Account {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  mustChangePassword: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
  disabled: boolean;
}

function toAccount(r: {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  must_change_password: boolean;
  failed_logins: number;
  locked_until: Date | null;
  disabled_at: Date | null;
}): Account {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    passwordHash: r.password_hash,
    mustChangePassword: r.must_change_password,
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    disabled: r.disabled_at !== null,
  };
}

export async function findAccountByUsername(db: Q, username: string): Promise<Account | undefined> {
  const r = await db.selectFrom('accounts').selectAll().where('username', '=', username).executeTakeFirst();
  return r && toAccount(r);
}

export async function countAccounts(db: Q, role?: Role): Promise<number> {
  let q = db.selectFrom('accounts').select((eb) => eb.fn.countAll<string>().as('n'));
  if (role) q = q.where('role', '=', role);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function insertAccount(
  db: Q,
  a: { username: string; displayName: string; role: Role; passwordHash: string; mustChangePassword: boolean },
): Promise<string> {
  const r = await db
    .insertInto('accounts')
    .values({
      username: a.username,
      display_name: a.displayName,
      role: a.role,
      password_hash: a.passwordHash,
      must_change_password: a.mustChangePassword,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function setPassword(
  db: Q,
  accountId: string,
  hash: string,
  mustChange: boolean,
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ password_hash: hash, must_change_password: mustChange, failed_logins: 0, locked_until: null })
    .where('id', '=', accountId)
    .execute();
}

export async function recordFailedLogin(
  db: Q,
  accountId: string,
  lockAfter: number,
  lockMinutes: number,
): Promise<void> {
  await sql`UPDATE accounts SET failed_logins = failed_logins + 1,
      locked_until = CASE WHEN failed_logins + 1 >= ${lockAfter}
        THEN now() + make_interval(mins => ${lockMinutes}) ELSE locked_until END
    WHERE id = ${accountId}`.execute(db);
}

export async function resetFailedLogins(db: Q, accountId: string): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ failed_logins: 0, locked_until: null })
    .where('id', '=', accountId)
    .execute();
}

export async function insertSession(
  db: Q,
  s: { id: string; accountId: string; csrfToken: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id: s.id, account_id: s.accountId, csrf_token: s.csrfToken, expires_at: s.expiresAt })
    .execute();
}

export interface SessionWithAccount {
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
  account: Account;
}

export async function findLiveSession(db: Q, sessionId: string): Promise<SessionWithAccount | undefined> {
  const r = await db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .selectAll('accounts')
    .select(['sessions.id as session_id', 'sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.id', '=', sessionId)
    .where('sessions.expires_at', '>', sql<Date>`now()`)
    .where('accounts.disabled_at', 'is', null)
    .executeTakeFirst();
  return (
    r && { sessionId: r.session_id, csrfToken: r.csrf_token, expiresAt: r.expires_at, account: toAccount(r) }
  );
}

/** Sliding expiry: each use pushes the end out again. */
export async function touchSession(db: Q, sessionId: string, expiresAt: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: sql<Date>`now()`, expires_at: expiresAt })
    .where('id', '=', sessionId)
    .execute();
}

export async function deleteSession(db: Q, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function deleteSessionsOf(db: Q, accountId: string, except?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('account_id', '=', accountId);
  if (except) q = q.where('id', '!=', except);
  await q.execute();
}

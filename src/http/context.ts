import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { DB } from '../db/schema.js';
import type { Engine } from '../db/database.js';
import type { RequestContext, SessionWithAccount } from '../access/index.js';
import type { Actor } from '../people/index.js';
import { unauthenticated } from '../shared/errors.js';

/** What every route plugin receives: the database and the settings, passed in explicitly. */
export interface AppDeps {
  db: Kysely<DB>;
  engine: Engine;
  config: Pick<Config, 'sessionHours' | 'secureCookies'>;
  /** Today's date for status computations; injectable so tests can fix the clock. */
  today: () => string;
}

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionWithAccount | null;
  }
}

export const SESSION_COOKIE = 'passage_session';

export function requestContext(req: FastifyRequest): RequestContext {
  return { requestId: req.id, clientIp: req.ip };
}

/** The signed-in account, or a 401. */
export function actorOf(req: FastifyRequest): Actor {
  const s = req.session;
  if (!s) throw unauthenticated();
  return { accountId: s.account.id, username: s.account.username, role: s.account.role };
}

export function setSessionCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    expires,
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}

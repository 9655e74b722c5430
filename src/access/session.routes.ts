import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  actorOf,
  clearSessionCookie,
  requestContext,
  setSessionCookie,
  type AppDeps,
} from '../http/context.js';
import { ErrorBody } from '../http/error-schema.js';
import { unauthenticated } from '../shared/errors.js';
import { changePassword, signIn, signOut } from './access.service.js';
import type { SessionWithAccount } from './access.store.js';
import { permissionsOf, ROLES } from './permissions.js';

const SessionBody = z.object({
  account: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    mustChangePassword: z.boolean(),
  }),
  /** Send this back in the x-csrf-token header on every write. */
  csrfToken: z.string().describe('Echo in the x-csrf-token header on every non-GET request.'),
  /** What this account may do, so the UI shows only what works. */
  permissions: z.array(z.string()),
  expiresAt: z.string(),
});

const present = (s: SessionWithAccount): z.infer<typeof SessionBody> => ({
  account: {
    id: s.account.id,
    username: s.account.username,
    displayName: s.account.displayName,
    role: s.account.role,
    mustChangePassword: s.account.mustChangePassword,
  },
  csrfToken: s.csrfToken,
  permissions: permissionsOf(s.account.role),
  expiresAt: s.expiresAt.toISOString(),
});

export const sessionRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/session',
      {
        schema: {
          tags: ['session'],
          summary: 'Sign in',
          security: [],
          body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
          response: { 200: SessionBody, 400: ErrorBody, 401: ErrorBody, 423: ErrorBody, 429: ErrorBody },
        },
        config: {
          rateLimit: {
            max: 30,
            timeWindow: '1 minute',
            keyGenerator: (req) => {
              const username = (req.body as { username?: unknown } | undefined)?.username;
              return `${req.ip}|${typeof username === 'string' ? username : ''}`;
            },
          },
        },
      },
      async (req, reply) => {
        const { token, session } = await signIn(
          deps.db,
          req.body,
          requestContext(req),
          deps.config.sessionHours,
        );
        setSessionCookie(reply, token, session.expiresAt, deps.config.secureCookies);
        return present(session);
      },
    );

    app.get(
      '/api/session',
      {
        schema: {
          tags: ['session'],
          summary: 'The current session',
          response: { 200: SessionBody, 401: ErrorBody },
        },
      },
      async (req) => {
        if (!req.session) throw unauthenticated();
        return present(req.session);
      },
    );

    app.delete(
      '/api/session',
      {
        schema: {
          tags: ['session'],
          summary: 'Sign out',
          response: { 204: z.null(), 401: ErrorBody, 403: ErrorBody },
        },
      },
      async (req, reply) => {
        actorOf(req);
        if (req.session) await signOut(deps.db, req.session.sessionId);
        clearSessionCookie(reply, deps.config.secureCookies);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/session/password',
      {
        schema: {
          tags: ['session'],
          summary: 'Change your password (ends your other sessions)',
          body: z.object({
            currentPassword: z.string().min(1).max(200),
            newPassword: z.string().min(1).max(200),
          }),
          response: { 204: z.null(), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
        },
      },
      async (req, reply) => {
        actorOf(req);
        if (!req.session) throw unauthenticated();
        await changePassword(deps.db, req.session, req.body, requestContext(req));
        return reply.status(204).send(null);
      },
    );
  };

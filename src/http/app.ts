import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { resolveSession } from '../access/index.js';
import { sessionRoutes } from '../access/session.routes.js';
import { auditRoutes } from '../audit/audit.routes.js';
import { departuresRoutes } from '../departures/departures.routes.js';
import { reportsRoutes } from '../lifecycle/reports.routes.js';
import { ingestRoutes } from '../ingest/ingest.routes.js';
import { identityRoutes } from '../people/identity.routes.js';
import { peopleRoutes } from '../people/people.routes.js';
import { reviewsRoutes } from '../reviews/index.js';
import { AppError, csrfFailed } from '../shared/errors.js';
import { SESSION_COOKIE, type AppDeps } from './context.js';
import { healthRoutes } from './health.routes.js';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export interface AppOptions extends AppDeps {
  logger?: FastifyServerOptions['logger'];
  /** Folder of the built web UI; when missing, the API still runs and / explains how to build. */
  webDist?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    bodyLimit: 1_048_576,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const deps: AppDeps = { db: opts.db, engine: opts.engine, config: opts.config, today: opts.today };

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Passage API',
        description:
          'Case work for immigration records: people, their status timelines, ingest jobs. Every person read needs a declared purpose and is audited. Errors are `{ error: { id, message, requestId } }` with stable ids.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          sourceToken: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.decorateRequest('session', null);
  app.addHook('onRequest', async (req) => {
    const token = req.cookies[SESSION_COOKIE];
    req.session = token ? ((await resolveSession(deps.db, token, deps.config.sessionHours)) ?? null) : null;
    // Double-submit protection: writes from a signed-in browser must echo the session's CSRF token.
    if (req.session && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      const expected = Buffer.from(req.session.csrfToken);
      const given = Buffer.from(typeof sent === 'string' ? sent : '');
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw csrfFailed();
    }
  });
  app.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('x-frame-options', 'DENY');
    if (req.url.startsWith('/api/') && !req.url.startsWith('/api/docs')) {
      void reply.header('cache-control', 'no-store');
    }
  });

  app.setErrorHandler((err, req, reply) => {
    const send = (status: number, id: string, message: string, details?: unknown) =>
      reply
        .status(status)
        .send({ error: { id, message, requestId: req.id, ...(details === undefined ? {} : { details }) } });
    if (err instanceof AppError) return send(err.status, err.id, err.message, err.details);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        where: err.validationContext,
        path: v.instancePath,
        message: v.message ?? 'invalid',
      }));
      return send(
        400,
        'invalid_request',
        `The request ${err.validationContext ?? ''} is invalid: ${details.map((d) => `${d.path || '(root)'} ${d.message}`).join('; ')}`,
        details,
      );
    }
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.statusCode === 429) return send(429, 'rate_limited', 'Too many requests; try again shortly.');
    if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
      return send(e.statusCode, 'invalid_request', e.message ?? 'Invalid request.');
    }
    req.log.error({ err }, 'request failed');
    return send(
      500,
      'internal_error',
      'Something failed on the server. Quote the request id to an administrator.',
    );
  });

  await app.register(healthRoutes(deps));
  await app.register(sessionRoutes(deps));
  await app.register(peopleRoutes(deps));
  await app.register(ingestRoutes(deps));
  await app.register(auditRoutes(deps));
  await app.register(departuresRoutes(deps));
  await app.register(reportsRoutes(deps));
  await app.register(identityRoutes(deps));
  await app.register(reviewsRoutes(deps));

  const webDist = opts.webDist ?? WEB_DIST;
  const indexHtml = path.join(webDist, 'index.html');
  if (fs.existsSync(indexHtml)) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false });
  }
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.method !== 'GET') {
      return reply.status(404).send({
        error: {
          id: 'not_found',
          message: `No route ${req.method} ${req.url.split('?')[0] ?? ''}`,
          requestId: req.id,
        },
      });
    }
    const assetPath = path.join(webDist, path.normalize(decodeURIComponent(req.url.split('?')[0] ?? '/')));
    if (
      assetPath.startsWith(webDist + path.sep) &&
      fs.existsSync(assetPath) &&
      fs.statSync(assetPath).isFile()
    ) {
      return reply.sendFile(path.relative(webDist, assetPath));
    }
    if (!fs.existsSync(indexHtml)) {
      return reply
        .status(503)
        .type('text/plain')
        .send('The web UI is not built. Run `npm run build:web` (npm start does this for you).');
    }
    // The single-page app handles its own routes.
    void reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    );
    return reply.type('text/html').sendFile('index.html');
  });
  return app;
}

import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from './context.js';

const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  engine: z.enum(['pglite', 'postgres']),
  database: z.enum(['ok', 'unreachable']),
  version: z.string(),
});

export const healthRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['health'],
          summary: 'Liveness and database reachability',
          security: [],
          response: { 200: Health, 503: Health },
        },
      },
      async (_req, reply) => {
        const database = await sql`SELECT 1`
          .execute(deps.db)
          .then(() => 'ok' as const)
          .catch(() => 'unreachable' as const);
        const body = {
          status: database === 'ok' ? ('ok' as const) : ('degraded' as const),
          engine: deps.engine,
          database,
          version: '0.1.0',
        };
        return reply.status(database === 'ok' ? 200 : 503).send(body);
      },
    );
  };

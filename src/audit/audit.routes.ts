import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, Permission } from '../access/index.js';
import { actorOf, type AppDeps } from '../http/context.js';
import { ErrorBody } from '../http/error-schema.js';
import { forbidden } from '../shared/errors.js';
import { listAudit } from './audit.store.js';

const AuditEntryBody = z.object({
  seq: z.string(),
  entryHash: z.string(),
  occurredAt: z.string(),
  actorAccountId: z.string().nullable(),
  actorUsername: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  purposeKind: z.enum(['case', 'reason']).nullable(),
  purpose: z.string().nullable(),
  outcome: z.enum(['allowed', 'denied', 'success', 'failure']),
  requestId: z.string().nullable(),
  clientIp: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const auditRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/audit',
      {
        schema: {
          tags: ['audit'],
          summary: 'Audit entries, newest first (auditors and admins)',
          querystring: z.object({
            objectType: z.string().max(50).optional(),
            objectId: z.string().max(50).optional(),
            action: z.string().max(50).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: { 200: z.object({ entries: z.array(AuditEntryBody) }), 401: ErrorBody, 403: ErrorBody },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        if (!can(actor.role, Permission.AuditView)) throw forbidden();
        return { entries: await listAudit(deps.db, req.query) };
      },
    );
  };

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext, type AppDeps } from '../http/context.js';
import { errorResponses } from '../http/error-schema.js';
import { recordVoluntaryDepartureGrant } from './voluntary-departure.service.js';

const GrantBody = z.object({
  grantedOn: z.iso.date().describe('When voluntary departure was granted (YYYY-MM-DD)'),
  departBy: z.iso.date().describe('The date the person must leave by (YYYY-MM-DD), on or after grantedOn'),
  grantedBy: z
    .string()
    .trim()
    .min(2)
    .max(200)
    .describe('Who granted it: the immigration judge or DHS officer named on the order'),
  purposeKind: z
    .enum(['case', 'reason'])
    .optional()
    .describe('case: a case number; reason: a reason in words'),
  purpose: z
    .string()
    .max(500)
    .optional()
    .describe('The case number or the reason (10–500 characters); recorded in the audit log'),
});

const GrantResponse = z.object({
  grant: z.object({
    id: z.string(),
    grantedOn: z.string(),
    departBy: z.string(),
    grantedBy: z.string(),
    compliedOn: z
      .string()
      .nullable()
      .describe(
        'The departure within the grant’s dates that complies with it, if any: the earliest confirmed one, else the earliest self-reported one',
      ),
    compliedSelfReported: z
      .boolean()
      .nullable()
      .describe('The departure in compliedOn is only self-reported, not yet confirmed by an exit record'),
  }),
  audit: z.object({ seq: z.string().describe('The audit entry that recorded the grant') }),
});

export const voluntaryDepartureRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/people/:id/voluntary-departures',
      {
        schema: {
          tags: ['people'],
          summary:
            'Record a voluntary departure grant for a person (supervisors). Requires a purpose; audited. A departure already recorded within its dates complies with it at once.',
          params: z.object({ id: z.string().regex(/^\d{1,18}$/, 'must be a person id (digits)') }),
          body: GrantBody,
          response: { 201: GrantResponse, ...errorResponses },
        },
      },
      async (req, reply) => {
        const { purposeKind, purpose, ...grant } = req.body;
        const { grant: stored, auditSeq } = await recordVoluntaryDepartureGrant(
          deps.db,
          actorOf(req),
          req.params.id,
          grant,
          { kind: purposeKind, text: purpose },
          requestContext(req),
          deps.today(),
        );
        return reply.status(201).send({ grant: stored, audit: { seq: auditSeq } });
      },
    );
  };

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, Permission } from '../access/index.js';
import { actorOf, requestContext, type AppDeps } from '../http/context.js';
import { errorResponses, writeErrorResponses } from '../http/error-schema.js';
import { forbidden, notFound } from '../shared/errors.js';
import { activeModelSummary } from './match-model.service.js';
import { mergePeople, splitPerson, undoIdentityEvent } from './merges.service.js';
import { PurposeQuery } from './people.routes.js';
import { personIdentityEvents } from './people.service.js';

const Id = z.string().regex(/^\d{1,18}$/, 'must be an id (digits)');
const Reason = z
  .string()
  .trim()
  .min(10, 'say why in at least 10 characters')
  .max(1000)
  .describe('Why: kept with the event and in the audit log');

const IdentityEventBody = z.object({
  id: z.string(),
  kind: z.enum(['merge', 'split', 'undo_merge', 'undo_split']),
  fromPersonId: z.string(),
  toPersonId: z.string(),
  moved: z.object({
    records: z.array(z.object({ sourceId: z.number(), sourceRecordId: z.string() })),
    voluntaryDepartureIds: z.array(z.string()),
  }),
  reason: z.string(),
  actor: z.string(),
  reviewId: z.string().nullable(),
  undoes: z.string().nullable(),
  undoneBy: z.string().nullable(),
  createdAt: z.string(),
});

const ChangeBody = z.object({ event: IdentityEventBody, auditSeq: z.string() });

/** Merges, splits and their undoing; the match model behind every link. */
export const identityRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const change = (req: Parameters<typeof actorOf>[0], reason: string) => ({
      actor: actorOf(req),
      ctx: requestContext(req),
      asOf: deps.today(),
      reason,
    });

    app.post(
      '/api/people/:id/merge',
      {
        schema: {
          tags: ['identity'],
          summary: 'Merge this person into another: all records move, the event can be undone. Supervisors.',
          params: z.object({ id: Id }),
          body: z.object({ intoPersonId: Id, reason: Reason }),
          response: { 200: ChangeBody, ...writeErrorResponses },
        },
      },
      async (req) => mergePeople(deps.db, change(req, req.body.reason), req.params.id, req.body.intoPersonId),
    );

    app.post(
      '/api/people/:id/split',
      {
        schema: {
          tags: ['identity'],
          summary:
            'Move some of this person’s records onto a new person; the event can be undone. Supervisors.',
          params: z.object({ id: Id }),
          body: z.object({
            records: z
              .array(z.object({ sourceId: z.number().int(), sourceRecordId: z.string().min(1) }))
              .min(1),
            reason: Reason,
          }),
          response: { 200: ChangeBody, ...writeErrorResponses },
        },
      },
      async (req) => splitPerson(deps.db, change(req, req.body.reason), req.params.id, req.body.records),
    );

    app.post(
      '/api/identity-events/:id/undo',
      {
        schema: {
          tags: ['identity'],
          summary: 'Undo a merge or split: exactly its records move back, as a new event. Supervisors.',
          params: z.object({ id: Id }),
          body: z.object({ reason: Reason }),
          response: { 200: ChangeBody, ...writeErrorResponses },
        },
      },
      async (req) => undoIdentityEvent(deps.db, change(req, req.body.reason), req.params.id),
    );

    app.get(
      '/api/people/:id/identity-events',
      {
        schema: {
          tags: ['identity'],
          summary: 'The merges and splits a person took part in, newest first. Requires a purpose; audited.',
          params: z.object({ id: Id }),
          querystring: PurposeQuery,
          response: {
            200: z.object({ events: z.array(IdentityEventBody), audit: z.object({ seq: z.string() }) }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const { events, auditSeq } = await personIdentityEvents(
          deps.db,
          actorOf(req),
          req.params.id,
          { kind: req.query.purposeKind, text: req.query.purpose },
          requestContext(req),
        );
        return { events, audit: { seq: auditSeq } };
      },
    );

    app.get(
      '/api/match/model',
      {
        schema: {
          tags: ['identity'],
          summary: 'The active match model: how it was estimated and what each comparison level weighs',
          response: {
            200: z.object({
              id: z.string(),
              kind: z.enum(['synthetic', 'em', 'refined']),
              note: z.string(),
              records: z.number(),
              labels: z.number(),
              createdBy: z.string(),
              createdAt: z.string(),
              priorWeight: z.number(),
              thresholds: z.object({ link: z.number(), review: z.number() }),
              fields: z.array(
                z.object({
                  name: z.string(),
                  levels: z.array(
                    z.object({ level: z.string(), m: z.number(), u: z.number(), weight: z.number() }),
                  ),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        if (!can(actorOf(req).role, Permission.MatchModelView)) throw forbidden();
        const summary = await activeModelSummary(deps.db);
        if (!summary) throw notFound('No model yet: one is estimated when the first records are linked.');
        return summary;
      },
    );
  };

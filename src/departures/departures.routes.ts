import crypto from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, Permission } from '../access/index.js';
import { appendAudit } from '../audit/index.js';
import { actorOf, requestContext, type AppDeps } from '../http/context.js';
import { ErrorBody, errorResponses } from '../http/error-schema.js';
import { findSource } from '../ingest/index.js';
import { forbidden } from '../shared/errors.js';
import { DepartureIntake, departureEvents, type DepartureEvent } from './departures.service.js';
import { voluntaryDepartureRoutes } from './voluntary-departure.routes.js';

const RowResultBody = z.object({
  line: z.number(),
  recordId: z.string().nullable(),
  status: z.enum(['linked', 'review', 'duplicate', 'quarantined', 'already_quarantined']),
  personId: z.string().optional(),
  rule: z.string().optional(),
  version: z.number().optional(),
  reasons: z.array(z.string()).optional(),
});

const DepartureResponseBody = z.object({
  jobId: z.string(),
  accepted: z.number(),
  duplicates: z.number(),
  quarantined: z.number(),
  inReview: z
    .number()
    .describe('Departures no rule could link: waiting in the review queue, linked to nobody'),
  results: z.array(RowResultBody),
});

const SelfReportBody = z.object({
  given_name: z.string().max(200).optional(),
  middle_name: z.string().max(200).optional(),
  family_name: z.string().max(200).optional(),
  date_of_birth: z.string().max(10).optional(),
  country_of_citizenship: z.string().max(3).optional(),
  passport_number: z.string().max(20).optional(),
  passport_country: z.string().max(3).optional(),
  a_number: z.string().max(12).optional(),
  departed_on: z.string().max(10),
  port_of_departure: z.string().max(100).optional(),
  carrier: z.string().max(100).optional(),
});

export const departuresRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    // One intake per server: concurrent departure requests share its transactions (group commit).
    const intake = new DepartureIntake(deps.db);
    app.addHook('onClose', async () => {
      await intake.close();
    });
    await app.register(voluntaryDepartureRoutes(deps));
    app.addContentTypeParser(
      'application/x-ndjson',
      { parseAs: 'string', bodyLimit: 10 * 1_048_576 },
      (_req, body, done) => {
        done(null, body);
      },
    );

    app.post(
      '/api/departures',
      {
        schema: {
          tags: ['departures'],
          summary:
            'Departure records from a source system: one JSON object, a JSON array, or NDJSON (application/x-ndjson). Bearer token per source; Idempotency-Key makes retries safe.',
          security: [{ sourceToken: [] }],
          headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).loose(),
          body: z.unknown(),
          response: { 200: DepartureResponseBody, ...errorResponses, 422: ErrorBody },
        },
      },
      async (req, reply) => {
        const sender = await intake.authenticate(req.headers.authorization);
        const response = await intake.receive(sender, req.body, req.headers['idempotency-key']);
        return reply.status(200).send(response);
      },
    );

    app.post(
      '/api/departures/self-report',
      {
        schema: {
          tags: ['departures'],
          summary:
            'Record a departure the person reported themselves: kept as reported, unconfirmed until an exit record confirms it; both stay on the timeline.',
          body: SelfReportBody,
          response: { 200: DepartureResponseBody, ...errorResponses },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        if (!can(actor.role, Permission.DepartureRecord)) {
          throw forbidden();
        }
        const source = await findSource(deps.db, 'SELF');
        if (!source) {
          throw new Error('the SELF source is missing');
        }
        const record = { ...req.body, record_id: `SELF-${crypto.randomUUID()}`, self_reported: 'true' };
        const response = await intake.receive({ source, tokenHash: null }, record, undefined, actor.username);
        await appendAudit(deps.db, {
          actorAccountId: actor.accountId,
          actorUsername: actor.username,
          actorRole: actor.role,
          action: 'departure.self_report',
          objectType: 'source_record',
          objectId: record.record_id,
          purposeKind: null,
          purpose: null,
          outcome: 'success',
          ...requestContext(req),
          details: { results: response.results },
        });
        return response;
      },
    );

    app.get(
      '/api/departures/feed',
      {
        schema: {
          tags: ['departures'],
          summary: 'Server-sent events: each processed departure with its match status, as it happens',
          response: { 401: ErrorBody, 403: ErrorBody },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        if (!can(actor.role, Permission.DepartureFeed)) {
          throw forbidden();
        }
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-request-id': req.id,
        });
        reply.raw.write(': connected\n\n');
        const send = (e: DepartureEvent) => {
          reply.raw.write(`event: departure\ndata: ${JSON.stringify(e)}\n\n`);
        };
        const ping = setInterval(() => reply.raw.write(': ping\n\n'), 15_000);
        departureEvents.on('departure', send);
        req.raw.on('close', () => {
          clearInterval(ping);
          departureEvents.off('departure', send);
        });
      },
    );
  };

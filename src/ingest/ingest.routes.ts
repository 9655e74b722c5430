import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, Permission } from '../access/index.js';
import { actorOf, type AppDeps } from '../http/context.js';
import { errorResponses } from '../http/error-schema.js';
import { forbidden, notFound } from '../shared/errors.js';
import { getJob, listJobs, listQuarantined } from './ingest.store.js';

const Job = z.object({
  id: z.string(),
  source: z.string(),
  fileName: z.string(),
  format: z.enum(['csv', 'ndjson']),
  status: z.enum(['running', 'completed', 'failed', 'interrupted']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  rowsRead: z.number(),
  accepted: z.number().describe('New records and new versions stored'),
  newVersions: z.number().describe('Accepted rows that changed an existing record'),
  duplicates: z.number().describe('Rows already stored or already in quarantine'),
  quarantined: z.number().describe('Rows newly kept in quarantine'),
  error: z.string().nullable(),
});

export const ingestRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/ingest/jobs',
      {
        schema: {
          tags: ['ingest'],
          summary: 'Ingest jobs, newest first, with their counts',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: z.object({ jobs: z.array(Job) }), ...errorResponses },
        },
      },
      async (req) => {
        if (!can(actorOf(req).role, Permission.IngestView)) throw forbidden();
        return { jobs: await listJobs(deps.db, req.query.limit) };
      },
    );

    app.get(
      '/api/ingest/jobs/:id/quarantine',
      {
        schema: {
          tags: ['ingest'],
          summary: 'The rows a job kept in quarantine: line, raw text and every reason',
          params: z.object({ id: z.string().regex(/^\d{1,18}$/, 'must be a job id (digits)') }),
          querystring: z.object({
            offset: z.coerce.number().int().min(0).default(0),
            limit: z.coerce.number().int().min(1).max(500).default(50),
          }),
          response: {
            200: z.object({
              job: Job,
              rows: z.array(
                z.object({
                  lineNumber: z.number(),
                  fileName: z.string(),
                  rawText: z.string(),
                  reasons: z.array(z.string()),
                }),
              ),
              total: z.number(),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        if (!can(actorOf(req).role, Permission.IngestQuarantineView)) throw forbidden();
        const job = await getJob(deps.db, req.params.id);
        if (!job) throw notFound('No such ingest job.');
        const { rows, total } = await listQuarantined(deps.db, job.id, req.query.offset, req.query.limit);
        return { job, rows, total };
      },
    );
  };

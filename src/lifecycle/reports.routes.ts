import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, Permission } from '../access/index.js';
import { appendAudit } from '../audit/index.js';
import { actorOf, requestContext, type AppDeps } from '../http/context.js';
import { errorResponses } from '../http/error-schema.js';
import { forbidden } from '../shared/errors.js';
import { reportToCsv } from './overstay-report.rules.js';
import { overstayReport } from './lifecycle.service.js';

const Cell = z.union([z.number(), z.string()]).describe('A count, or "<11" when suppressed');
const ReportBody = z.object({
  asOf: z.string().nullable(),
  generatedAt: z.string(),
  admissionsDetermined: z.number(),
  suppressionRule: z.string(),
  notDeterminable: Cell,
  dataErrors: Cell,
  rows: z.array(
    z.object({
      fiscalYear: z.number(),
      groupBy: z.enum(['class_of_admission', 'country_of_citizenship', 'total']),
      key: z.string(),
      expectedDepartures: Cell,
      onTimeDepartures: Cell,
      outOfCountryOverstays: Cell,
      suspectedInCountryOverstays: Cell,
      totalOverstayRate: z.number().nullable(),
      suspectedInCountryRate: z.number().nullable(),
      outOfCountryRate: z.number().nullable(),
      suppressed: z.boolean(),
    }),
  ),
});

export const reportsRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/reports/overstays',
      {
        schema: {
          tags: ['reports'],
          summary:
            'Overstay report by fiscal year, class of admission and country of citizenship (DHS Entry/Exit method); counts below 11 suppressed. Aggregate only: no person is identifiable.',
          response: { 200: ReportBody, ...errorResponses },
        },
      },
      async (req) => {
        if (!can(actorOf(req).role, Permission.ReportView)) {
          throw forbidden();
        }
        return overstayReport(deps.db);
      },
    );

    app.get(
      '/api/reports/overstays.csv',
      {
        schema: {
          tags: ['reports'],
          summary: 'The overstay report as CSV (the export is audited)',
          response: { 200: z.string().describe('text/csv'), ...errorResponses },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        if (!can(actor.role, Permission.ReportView)) {
          throw forbidden();
        }
        const report = await overstayReport(deps.db);
        await appendAudit(deps.db, {
          actorAccountId: actor.accountId,
          actorUsername: actor.username,
          actorRole: actor.role,
          action: 'report.export',
          objectType: 'report',
          objectId: 'overstays',
          purposeKind: null,
          purpose: null,
          outcome: 'success',
          ...requestContext(req),
          details: { rows: report.rows.length, asOf: report.asOf },
        });
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="overstays-${report.asOf ?? 'none'}.csv"`)
          .send(reportToCsv(report));
      },
    );
  };

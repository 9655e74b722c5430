import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext, type AppDeps } from '../http/context.js';
import { errorResponses, writeErrorResponses } from '../http/error-schema.js';
import { decideReview, reviewDetail, reviewQueue } from './reviews.service.js';

const ReviewId = z.object({ id: z.string().regex(/^\d{1,18}$/, 'must be a review id (digits)') });

const ReviewSummary = z.object({
  id: z.string(),
  kind: z
    .enum(['unlinked', 'possible_match'])
    .describe(
      'unlinked: the record waits on nobody; possible_match: it started a person who may be a duplicate',
    ),
  status: z.string(),
  sourceCode: z.string(),
  sourceRecordId: z.string(),
  sourceRecordPk: z.string(),
  reason: z.string(),
  recordPersonId: z.string().nullable(),
  decidedPersonId: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  notSureCount: z.number(),
  createdAt: z.string(),
});

const RecordIdentity = z.object({
  source: z.string(),
  sourceRecordId: z.string(),
  recordType: z.string(),
  personId: z.string().nullable(),
  givenName: z.string().nullable(),
  middleName: z.string().nullable(),
  familyName: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  sex: z.string().nullable(),
  countryOfCitizenship: z.string().nullable(),
  passportNumber: z.string().nullable(),
  passportCountry: z.string().nullable(),
  aNumber: z.string().nullable(),
});

/** The engine's reasons for a pair's score, field by field (see src/matching/score.rules.ts). */
export const PairEvidenceSchema = z.object({
  records: z.tuple([z.string(), z.string()]),
  probability: z.number(),
  weight: z.number().describe('Total match weight in bits: prior plus the field weights'),
  priorWeight: z.number(),
  namesSwapped: z.boolean(),
  guard: z.string().optional().describe('A rule that held the pair for review whatever its weight'),
  fields: z.array(
    z.object({
      field: z.string(),
      level: z
        .string()
        .describe('How the values compared: exact, a similarity band, phonetic, different, missing'),
      weight: z.number().describe('Bits of evidence this field adds (negative: against)'),
      termFrequency: z.number().optional().describe('Part of the weight due to how common the value is'),
      values: z.tuple([z.string(), z.string()]).optional(),
    }),
  ),
});

const ReviewDetailBody = z.object({
  review: ReviewSummary.extend({
    record: RecordIdentity.nullable(),
    candidates: z.array(
      z.object({
        personId: z.string(),
        currentPersonId: z.string().nullable().describe('The person this id stands for now, after merges'),
        probability: z.number(),
        weight: z.number(),
        recordKey: z.string(),
        record: RecordIdentity.nullable(),
        evidence: PairEvidenceSchema,
      }),
    ),
  }),
  audit: z.object({ seq: z.string() }),
});

export const reviewsRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/reviews',
      {
        schema: {
          tags: ['reviews'],
          summary: 'The match review queue: records waiting for a person to decide whom they belong to',
          querystring: z.object({
            status: z.enum(['pending', 'decided']).default('pending'),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: {
            200: z.object({ reviews: z.array(ReviewSummary), pending: z.number() }),
            ...errorResponses,
          },
        },
      },
      async (req) => reviewQueue(deps.db, actorOf(req), req.query.status, req.query.limit),
    );

    app.get(
      '/api/reviews/:id',
      {
        schema: {
          tags: ['reviews'],
          summary: 'One review: the record beside each candidate, with field-by-field evidence. Audited.',
          params: ReviewId,
          response: { 200: ReviewDetailBody, ...errorResponses },
        },
      },
      async (req) => {
        const { review, auditSeq } = await reviewDetail(
          deps.db,
          actorOf(req),
          req.params.id,
          requestContext(req),
        );
        return { review, audit: { seq: auditSeq } };
      },
    );

    app.post(
      '/api/reviews/:id/decision',
      {
        schema: {
          tags: ['reviews'],
          summary:
            'Decide a review: confirm a candidate (the record is linked, or its person merged, undoably), reject all, or not sure. Audited; feeds the model.',
          params: ReviewId,
          body: z.object({
            decision: z.enum(['confirm', 'reject', 'not_sure']),
            personId: z
              .string()
              .regex(/^\d{1,18}$/)
              .optional()
              .describe('For confirm: the candidate person'),
            note: z.string().max(1000).optional().describe('Why; required for not_sure'),
          }),
          response: {
            200: z.object({
              review: z.object({
                id: z.string(),
                status: z.string(),
                decidedPersonId: z.string().nullable(),
                notSureCount: z.number(),
              }),
              identityEvent: z
                .string()
                .nullable()
                .describe('The merge this decision made, if any (undoable)'),
              modelRefined: z
                .string()
                .nullable()
                .describe('A new model refined with the latest decisions, if any'),
              auditSeq: z.string(),
            }),
            ...writeErrorResponses,
          },
        },
      },
      async (req) =>
        decideReview(deps.db, actorOf(req), req.params.id, req.body, requestContext(req), deps.today()),
    );
  };

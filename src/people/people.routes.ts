import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext, type AppDeps } from '../http/context.js';
import { ErrorBody, errorResponses } from '../http/error-schema.js';
import { OVERSTAY_OUTCOMES } from '../lifecycle/index.js';
import { personTimeline, searchPeople, viewPerson } from './people.service.js';

const PersonId = z.object({ id: z.string().regex(/^\d{1,18}$/, 'must be a person id (digits)') });

/** Declared on every person read; recorded in the audit log with the read. */
export const PurposeQuery = z.object({
  purposeKind: z
    .enum(['case', 'reason'])
    .optional()
    .describe('case: a case number; reason: a reason in words'),
  purpose: z.string().max(500).optional().describe('The case number or the reason (10–500 characters)'),
});

const SourceRef = z.object({ sourceCode: z.string(), sourceRecordId: z.string(), recordPk: z.string() });

const PersonSummary = z.object({
  id: z.string(),
  displayName: z.string(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  countryOfCitizenship: z.string().nullable(),
  recordCount: z.number(),
});

const PersonBody = z.object({
  person: z.object({
    id: z.string(),
    mergedInto: z.string().nullable().describe('Set when this person was merged into another'),
    displayName: z.string(),
    names: z.array(
      z.object({
        given: z.string().nullable(),
        middle: z.string().nullable(),
        family: z.string().nullable(),
        source: z.string(),
      }),
    ),
    datesOfBirth: z.array(z.string()),
    countriesOfCitizenship: z.array(z.string()),
    documents: z.array(
      z.object({
        kind: z.enum(['passport', 'a_number']),
        number: z.string(),
        issuingCountry: z.string().nullable(),
        source: z.object({ sourceCode: z.string(), sourceRecordId: z.string() }),
      }),
    ),
    records: z.array(
      z.object({
        sourceId: z.number().describe('The source system id, as a split names records'),
        sourceCode: z.string(),
        sourceRecordId: z.string(),
        recordType: z.string(),
        version: z.number(),
        fileName: z.string(),
        lineNumber: z.number(),
        ingestedAt: z.string(),
        link: z.object({
          rule: z.string().describe('The rule that linked this record to the person'),
          evidence: z.record(z.string(), z.unknown()),
          linkedAt: z.string(),
          linkedBy: z.string(),
        }),
      }),
    ),
  }),
  audit: z.object({ seq: z.string().describe('The audit entry that recorded this read') }),
});

const TimelineBody = z.object({
  personId: z.string(),
  asOf: z.string(),
  status: z.object({
    code: z.enum([
      'in_authorized_stay',
      'authorized_stay_expired_no_departure',
      'departed',
      'application_pending',
      'duration_of_status',
      'no_admission_recorded',
    ]),
    label: z.string(),
    rule: z.string(),
    explanation: z.string(),
    since: z.string().nullable(),
    authorizedUntil: z.string().nullable(),
    sourceRecords: z.array(SourceRef),
  }),
  events: z.array(
    z.object({
      date: z.string(),
      kind: z.enum([
        'admitted',
        'authorized_until',
        'application_filed',
        'application_decided',
        'departed',
        'data_error',
      ]),
      label: z.string(),
      rule: z.string(),
      explanation: z.string(),
      sourceRecords: z.array(SourceRef),
    }),
  ),
  dataIssues: z.array(z.object({ rule: z.string(), message: z.string(), sourceRecords: z.array(SourceRef) })),
  overstays: z
    .array(
      z.object({
        admission: SourceRef,
        outcome: z.enum(OVERSTAY_OUTCOMES),
        rule: z.string(),
        reason: z.string(),
        authorizedUntil: z.string().nullable(),
        departure: SourceRef.nullable(),
        departedOn: z.string().nullable(),
        daysOver: z.number().nullable(),
        applications: z.array(SourceRef),
        dataErrors: z.array(
          z.object({ rule: z.string(), message: z.string(), sourceRecords: z.array(SourceRef) }),
        ),
        classOfAdmission: z.string(),
        admittedOn: z.string(),
        expectedDepartureFiscalYear: z.number().nullable(),
      }),
    )
    .describe(
      'One overstay determination per admission (DHS Entry/Exit Overstay Report method), with its rule and records',
    ),
  voluntaryDepartures: z.array(
    z.object({
      grantedOn: z.string(),
      departBy: z.string(),
      grantedBy: z.string(),
      compliedOn: z.string().nullable(),
      compliedSelfReported: z
        .boolean()
        .nullable()
        .describe('The departure in compliedOn is only self-reported, not yet confirmed by an exit record'),
    }),
  ),
  audit: z.object({ seq: z.string() }),
});

export const peopleRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/people',
      {
        schema: {
          tags: ['people'],
          summary: 'Search people by name or document number (passport, A-number)',
          querystring: z.object({
            q: z
              .string()
              .min(1)
              .max(200)
              .describe('Name words (each matched as a word prefix) or a document number'),
            limit: z.coerce.number().int().min(1).max(100).default(25),
          }),
          response: {
            200: z.object({ results: z.array(PersonSummary), total: z.number() }),
            ...errorResponses,
          },
        },
      },
      async (req) => searchPeople(deps.db, actorOf(req), req.query.q, req.query.limit, requestContext(req)),
    );

    app.get(
      '/api/people/:id',
      {
        schema: {
          tags: ['people'],
          summary:
            'One person: names, documents, source records and how each was linked. Requires a purpose; audited.',
          params: PersonId,
          querystring: PurposeQuery,
          response: { 200: PersonBody, ...errorResponses },
        },
      },
      async (req) => {
        const { person, auditSeq } = await viewPerson(
          deps.db,
          actorOf(req),
          req.params.id,
          { kind: req.query.purposeKind, text: req.query.purpose },
          requestContext(req),
        );
        return { person, audit: { seq: auditSeq } };
      },
    );

    app.get(
      '/api/people/:id/timeline',
      {
        schema: {
          tags: ['people'],
          summary:
            'A person’s status timeline and current status, each with its rule and source records. Requires a purpose; audited.',
          params: PersonId,
          querystring: PurposeQuery,
          response: { 200: TimelineBody, ...errorResponses, 500: ErrorBody },
        },
      },
      async (req) => {
        const { timeline, auditSeq } = await personTimeline(
          deps.db,
          actorOf(req),
          req.params.id,
          { kind: req.query.purposeKind, text: req.query.purpose },
          requestContext(req),
          deps.today(),
        );
        return { personId: req.params.id, ...timeline, audit: { seq: auditSeq } };
      },
    );
  };

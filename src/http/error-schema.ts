import { z } from 'zod';
import { ERROR_IDS } from '../shared/errors.js';

/** The body of every error response. */
export const ErrorBody = z
  .object({
    error: z.object({
      id: z.enum(Object.keys(ERROR_IDS) as [keyof typeof ERROR_IDS, ...(keyof typeof ERROR_IDS)[]]).describe(
        Object.entries(ERROR_IDS)
          .map(([id, text]) => `${id}: ${text}`)
          .join('\n'),
      ),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .describe('Error');

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
} as const;

/** For writes that can find the state changed under them. */
export const writeErrorResponses = { ...errorResponses, 409: ErrorBody } as const;

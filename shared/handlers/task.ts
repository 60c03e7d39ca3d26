import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { ShopError, ValidationError } from '../errors';
import { logger } from '../logger';
import { fieldPath } from '../validation';

/** Turns Powertools' ParseError into our ValidationError, which names each bad field. */
export const namedValidationErrors = (): MiddlewareObj => ({
  onError: async (request) => {
    const error = request.error as (Error & { cause?: unknown }) | null;
    if (error?.name !== 'ParseError' || !Array.isArray(error.cause)) return;
    const issues = error.cause as Array<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }>;
    request.error = new ValidationError(
      'Input is invalid',
      issues.map((issue) => ({
        field: fieldPath((issue.path ?? []).map((p) => (typeof p === 'object' ? p.key : p))) || '(root)',
        message: issue.message,
      })),
    );
  },
});

/**
 * A Step Functions task handler: logs with the Lambda context, validates the input with the
 * step's schema, and lets named errors surface so the state machine's Retry/Catch can match them.
 */
export function taskHandler<S extends z.ZodType, R>(
  schema: S,
  run: (input: z.infer<S>, context: Context) => Promise<R>,
) {
  return middy<z.infer<S>, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(namedValidationErrors())
    .use(parser({ schema }) as MiddlewareObj<z.infer<S>, R>)
    .handler(run);
}

/** Logs a failure once, without the input (it may hold personal data). */
export function logFailure(error: unknown): void {
  if (!(error instanceof Error)) return;
  const status = error instanceof ShopError ? error.status : 500;
  if (status >= 500) logger.error('handler failed', { errorName: error.name, error: error.message });
  else logger.warn('request rejected', { errorName: error.name, status, error: error.message });
}

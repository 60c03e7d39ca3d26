import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { ValidationError } from '../errors';
import { logger } from '../logger';
import { namedValidationErrors } from './task';

/**
 * Unwraps the EventBridge envelope to its detail. Done here rather than with Powertools'
 * EventBridgeEnvelope, whose schemas import all of zod into every rule target's bundle.
 */
const eventBridgeDetail = (): MiddlewareObj => ({
  before: async (request) => {
    const event = request.event as { source?: unknown; 'detail-type'?: unknown; detail?: unknown } | null;
    if (!event || typeof event.source !== 'string' || typeof event['detail-type'] !== 'string' || !('detail' in event)) {
      throw new ValidationError('Not an EventBridge event', [{ field: '(root)', message: 'needs source, detail-type and detail' }]);
    }
    request.event = event.detail;
  },
});

/**
 * A handler for an EventBridge rule target: validates the detail with the event's schema and runs
 * on it. A failure is retried by EventBridge/Lambda, then dead-lettered.
 */
export function eventHandler<S extends z.ZodType, R>(detailSchema: S, run: (detail: z.infer<S>, context: Context) => Promise<R>) {
  return middy<z.infer<S>, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(namedValidationErrors())
    .use(eventBridgeDetail())
    .use(parser({ schema: detailSchema }) as MiddlewareObj<z.infer<S>, R>)
    .handler(run);
}

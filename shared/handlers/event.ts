import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { ValidationError } from '../errors';
import { logger } from '../logger';
import { namedValidationErrors } from './task';

/**
 * Handlers for EventBridge rule targets. A failure is retried by EventBridge/Lambda, then
 * dead-lettered. The envelope is checked here rather than with Powertools' EventBridgeEnvelope,
 * whose schemas import all of zod into every rule target's bundle.
 */

/** What a rule target receives: the detail is the target's to validate. */
export interface EventEnvelope {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  detail: unknown;
}

function isEnvelope(event: unknown): event is EventEnvelope {
  const e = event as Partial<Record<keyof EventEnvelope, unknown>> | null;
  return !!e && typeof e.source === 'string' && typeof e['detail-type'] === 'string' && 'detail' in e;
}

const envelope = (): MiddlewareObj => ({
  before: async (request) => {
    if (!isEnvelope(request.event)) {
      throw new ValidationError('Not an EventBridge event', [{ field: '(root)', message: 'needs source, detail-type and detail' }]);
    }
  },
});

const detailOnly = (): MiddlewareObj => ({
  before: async (request) => {
    request.event = (request.event as EventEnvelope).detail;
  },
});

/** Runs on the whole event (id, source, detail-type, detail), e.g. to quarantine one whose detail is bad. */
export function envelopeHandler<R>(run: (event: EventEnvelope, context: Context) => Promise<R>) {
  return middy<EventEnvelope, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(namedValidationErrors())
    .use(envelope())
    .handler(run);
}

/** Runs on the detail, validated with the event's schema; a bad field is named in the error. */
export function eventHandler<S extends z.ZodType, R>(detailSchema: S, run: (detail: z.infer<S>, context: Context) => Promise<R>) {
  return middy<z.infer<S>, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(namedValidationErrors())
    .use(envelope())
    .use(detailOnly())
    .use(parser({ schema: detailSchema }) as MiddlewareObj<z.infer<S>, R>)
    .handler(run);
}

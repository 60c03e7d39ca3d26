import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeEnvelope } from '@aws-lambda-powertools/parser/envelopes/eventbridge';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { logger } from './logger';
import { namedValidationErrors } from './middleware';

// Its own module: the EventBridge envelope pulls in Powertools' schemas of every AWS event
// source, which the functions that are not rule targets should not carry in their bundles.
/**
 * A handler for an EventBridge rule target: validates the envelope and the detail with the event's
 * schema and runs on the detail. A failure is retried by EventBridge/Lambda, then dead-lettered.
 */
export function eventHandler<S extends z.ZodType, R>(detailSchema: S, run: (detail: z.infer<S>, context: Context) => Promise<R>) {
  return middy<z.infer<S>, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(namedValidationErrors())
    .use(parser({ schema: detailSchema, envelope: EventBridgeEnvelope }) as MiddlewareObj<z.infer<S>, R>)
    .handler(run);
}


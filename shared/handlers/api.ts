import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ShopError, UnauthorizedError, ValidationError } from '../errors';
import { logger } from '../logger';
import { isRole, type Role } from '../roles';
import { logFailure } from './task';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface Caller {
  user: string;
  roles: Role[];
}

/**
 * API Gateway renders a list claim as the string `[a b]`; a raw JWT (tests, other authorizers)
 * carries a real array. Accept both.
 */
export function parseGroupsClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value.trim() === '') return [];
  const inner = value.trim().replace(/^\[/, '').replace(/\]$/, '');
  return inner.split(/[\s,]+/).filter(Boolean);
}

/** Who is calling, from the verified JWT claims. The handler checks roles itself too. */
export function callerOf(event: ApiEvent): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const user = String(claims['username'] ?? claims['cognito:username'] ?? claims['sub'] ?? '');
  if (!user) throw new UnauthorizedError('token has no user');
  return { user, roles: parseGroupsClaim(claims['cognito:groups']).filter(isRole) };
}

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function parseJsonBody(event: ApiEvent): unknown {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('Body is not valid JSON', [{ field: 'body', message: 'must be a JSON object' }]);
  }
}

/** Maps named errors to status codes with a readable message and, for 400, the field errors. */
export function errorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof ValidationError) return json(400, { message: error.message, errors: error.fieldErrors });
  if (error instanceof ShopError && error.status < 500) return json(error.status, { message: error.message });
  return json(500, { message: 'Internal error; see the function log for details' });
}

/** An ops API route handler: thin, JSON in and out, errors mapped to status codes. */
export function apiHandler(run: (event: ApiEvent, caller: Caller) => Promise<APIGatewayProxyStructuredResultV2>) {
  return middy<ApiEvent, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: async (request) => {
        logFailure(request.error);
        request.response = errorResponse(request.error);
      },
    })
    .handler(async (event) => run(event, callerOf(event)));
}

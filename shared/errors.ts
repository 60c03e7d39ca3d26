import type { FieldError } from './validation';
import { describeFieldErrors } from './validation';

/**
 * Named errors. Step Functions matches Retry/Catch on the error name (`errorType` of a Lambda
 * failure), so every class sets `name` to a stable string that state machines can reference.
 */
export class ShopError extends Error {
  override name = 'ShopError';
  readonly status: number = 500;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Input that fails its schema. Not retryable: the same input will fail again. */
export class ValidationError extends ShopError {
  override name = 'ValidationError';
  override readonly status = 400;
  constructor(
    message: string,
    readonly fieldErrors: FieldError[],
  ) {
    super(fieldErrors.length ? `${message}: ${describeFieldErrors(fieldErrors)}` : message);
  }
}

export class NotFoundError extends ShopError {
  override name = 'NotFoundError';
  override readonly status = 404;
}

/** Lost a race or the target is in the wrong state (already completed, claimed by someone else). */
export class ConflictError extends ShopError {
  override name = 'ConflictError';
  override readonly status = 409;
}

export class UnauthorizedError extends ShopError {
  override name = 'UnauthorizedError';
  override readonly status = 401;
}

export class ForbiddenError extends ShopError {
  override name = 'ForbiddenError';
  override readonly status = 403;
}

/** A dependency failed in a way worth retrying (throttling, timeouts). State machines retry it. */
export class TransientError extends ShopError {
  override name = 'TransientError';
  override readonly status = 503;
}

/** Not enough stock to reserve; a flow catches it and takes its stock-out branch. */
export class InsufficientStockError extends ShopError {
  override name = 'InsufficientStockError';
  override readonly status = 409;
}

/** The names state machines may reference in Retry/Catch. */
export const ErrorNames = {
  Validation: 'ValidationError',
  NotFound: 'NotFoundError',
  Conflict: 'ConflictError',
  Transient: 'TransientError',
  InsufficientStock: 'InsufficientStockError',
} as const;

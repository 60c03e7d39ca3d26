import * as z from 'zod';
import { ValidationError } from '../shared/errors';
import { toFieldErrors } from '../shared/validation';

/** An EventBridge event pattern, as a rule declares it. */
export type EventPattern = Record<string, unknown>;

export interface EventContract<S extends z.ZodType> {
  readonly source: string;
  readonly detailType: string;
  readonly schema: S;
  /** Top-level detail fields holding personal data: never logged, never put in workflow history. */
  readonly personalData: readonly string[];
  /** Validates a detail; throws ValidationError naming every bad field (`detail.lines[0].quantity`). */
  parse(detail: unknown): z.infer<S>;
  safeParse(detail: unknown): ReturnType<S['safeParse']>;
  /** The rule pattern for this event; `detail` narrows it further (EventBridge pattern syntax). */
  pattern(detail?: EventPattern): EventPattern;
  /** The PutEvents entry for a detail (validated first, so producers cannot emit a bad event). */
  entry(detail: z.input<S>, eventBusName: string): { Source: string; DetailType: string; Detail: string; EventBusName: string };
}

export function defineEvent<S extends z.ZodType>(
  source: string,
  detailType: string,
  schema: S,
  options: { personalData?: readonly string[] } = {},
): EventContract<S> {
  const contract: EventContract<S> = {
    source,
    detailType,
    schema,
    personalData: options.personalData ?? [],
    parse(detail) {
      const result = schema.safeParse(detail);
      if (!result.success) {
        throw new ValidationError(`${detailType} is invalid`, toFieldErrors(result.error, 'detail'));
      }
      return result.data;
    },
    safeParse: (detail) => schema.safeParse(detail) as ReturnType<S['safeParse']>,
    pattern: (detail) => ({ source: [source], 'detail-type': [detailType], ...(detail ? { detail } : {}) }),
    entry: (detail, eventBusName) => ({
      Source: source,
      DetailType: detailType,
      Detail: JSON.stringify(contract.parse(detail)),
      EventBusName: eventBusName,
    }),
  };
  return contract;
}

/** Tells "missing" from "wrong type" so the message says which. */
export const missingOr =
  (name: string, expected: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? `${name} is required` : `${name} must be ${expected}`;

/** Reusable field types, so every event spells ids, money and times the same way. */
export const fields = {
  id: (name: string) =>
    z
      .string({ error: missingOr(name, 'a string') })
      .min(1, `${name} must not be empty`)
      .max(128, `${name} must be at most 128 characters`),
  fen: (name: string) =>
    z
      .number({ error: missingOr(name, 'an integer amount in fen') })
      .int(`${name} must be an integer amount in fen`)
      .nonnegative(`${name} must not be negative`),
  isoTime: (name: string) => z.iso.datetime({ offset: true, error: missingOr(name, 'an ISO-8601 time') }),
  quantity: (name: string) =>
    z
      .number({ error: missingOr(name, 'a number') })
      .int(`${name} must be a whole number`)
      .positive(`${name} must be at least 1`),
};

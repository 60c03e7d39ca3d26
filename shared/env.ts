import { z } from 'zod';
import { toFieldErrors } from './validation';

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/**
 * Parses the function's environment once, at cold start, so a missing binding fails the first
 * invocation loudly with the variable's name instead of failing deep inside a business rule.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = toFieldErrors(result.error).map((e) => `${e.field} (${e.message})`);
  throw new ConfigurationError(`Environment is incomplete: ${problems.join(', ')}`);
}

/** Variables every WorkflowFunction gets. */
export const baseEnv = z.object({
  STAGE: z.string().default('dev'),
  POWERTOOLS_SERVICE_NAME: z.string().default('shop-workflows'),
});

import type * as z from 'zod';
import { toFieldErrors } from './validation';

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/**
 * Where a function's environment comes from. In AWS that is `process.env`; the local platform
 * runs many functions in one process and installs a source that answers with the environment
 * the template gives the function being invoked.
 */
const ENV_SOURCE = Symbol.for('shop.env');
type WithEnvSource = typeof globalThis & { [ENV_SOURCE]?: () => NodeJS.ProcessEnv };

export function installEnvSource(source: (() => NodeJS.ProcessEnv) | undefined): void {
  (globalThis as WithEnvSource)[ENV_SOURCE] = source;
}

function currentEnv(): NodeJS.ProcessEnv {
  return (globalThis as WithEnvSource)[ENV_SOURCE]?.() ?? process.env;
}

export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = currentEnv()): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = toFieldErrors(result.error).map((e) => `${e.field} (${e.message})`);
  throw new ConfigurationError(`Environment is incomplete: ${problems.join(', ')}`);
}

/**
 * The function's environment, parsed on first use (its cold start) and then reused, so a
 * missing binding fails loudly with the variable's name instead of deep inside a rule.
 */
export function defineEnv<S extends z.ZodType>(schema: S): () => z.infer<S> {
  const parsed = new WeakMap<object, z.infer<S>>();
  return () => {
    const source = currentEnv();
    let env = parsed.get(source);
    if (env === undefined) {
      env = parseEnv(schema, source);
      parsed.set(source, env);
    }
    return env;
  };
}

import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ConfigurationError, defineEnv, installEnvSource } from './env';

afterEach(() => installEnvSource(undefined));

describe('function environment', () => {
  const env = defineEnv(z.object({ TABLE: z.string().min(1), LIMIT: z.coerce.number().default(5) }));

  it('names every missing variable', () => {
    installEnvSource(() => ({}));
    expect(() => env()).toThrow(ConfigurationError);
    expect(() => env()).toThrow(/TABLE/);
  });

  it('parses once per environment and answers for the function being invoked', () => {
    const first = { TABLE: 'orders' };
    const second = { TABLE: 'refunds', LIMIT: '9' };
    let current: NodeJS.ProcessEnv = first;
    installEnvSource(() => current);
    expect(env()).toEqual({ TABLE: 'orders', LIMIT: 5 });
    current = second;
    expect(env()).toEqual({ TABLE: 'refunds', LIMIT: 9 });
    current = first;
    expect(env()).toBe(env());
  });
});

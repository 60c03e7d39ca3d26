import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaultSettings } from './faults';

const draws = (injector: FaultInjector, n: number) => Array.from({ length: n }, () => injector.lambda() ?? '-');

describe('fault injection', () => {
  it('a seed gives the same faults for the same calls, another seed others', () => {
    const settings = { lambdaErrorRate: 0.2, lambdaTimeoutRate: 0.05, dynamodbThrottleRate: 0.1, seed: 42 };
    const a = new FaultInjector();
    const b = new FaultInjector();
    a.set(settings);
    b.set(settings);
    expect(draws(a, 200)).toEqual(draws(b, 200));
    b.set({ ...settings, seed: 43 });
    a.set(settings);
    expect(draws(a, 200)).not.toEqual(draws(b, 200));
  });

  it('injects about the shares asked for, and nothing once cleared', () => {
    const injector = new FaultInjector();
    injector.set({ lambdaErrorRate: 0.2, lambdaTimeoutRate: 0.05, dynamodbThrottleRate: 0.1, seed: 7 });
    draws(injector, 10_000);
    for (let i = 0; i < 10_000; i++) injector.dynamodb();
    const { injected } = injector.status();
    expect(injected.lambdaErrors / 10_000).toBeCloseTo(0.2, 1);
    expect(injected.lambdaTimeouts / 10_000).toBeCloseTo(0.05, 1);
    expect(injected.dynamodbThrottles / 10_000).toBeCloseTo(0.1, 1);
    injector.clear();
    expect(new Set(draws(injector, 100))).toEqual(new Set(['-']));
    expect(injector.dynamodb()).toBeUndefined();
  });

  it('faults only the functions named, when some are', () => {
    const { settings } = parseFaultSettings({ lambdaTimeoutRate: 1, functions: ['order-routing/confirm'] });
    const injector = new FaultInjector();
    injector.set(settings!);
    expect(injector.lambda({ functionName: 'Shop-local-OrderRoutingConfirm', entry: 'functions/order-routing/confirm/handler.ts' })).toBe('timeout');
    expect(injector.lambda({ functionName: 'Shop-local-OrderRoutingRoute', entry: 'functions/order-routing/route/handler.ts' })).toBeUndefined();
    expect(injector.status().injected).toMatchObject({ lambdaInvocations: 1, lambdaTimeouts: 1 });
  });

  it.each([
    [{ functions: [] }, 'functions'],
    [{ functions: 'confirm' }, 'functions'],
    [{ lambdaErrorRate: 1.5 }, 'lambdaErrorRate'],
    [{ lambdaErrorRate: 0.7, lambdaTimeoutRate: 0.5 }, 'lambdaTimeoutRate'],
    [{ seed: 'x' }, 'seed'],
    [{ lambdaErrorRat: 0.1 }, 'lambdaErrorRat'],
    [[], '(body)'],
  ])('refuses %j naming %s', (body, field) => {
    const { settings, errors } = parseFaultSettings(body);
    expect(settings).toBeUndefined();
    expect(errors.map((e) => e.field)).toContain(field);
  });
});

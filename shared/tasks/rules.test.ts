import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import type { TaskRecord } from './model';
import { canAct, canView, fourEyesViolation, isBreached, validateCompletion, type CompletionBody } from './rules';

const exchangeSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    replacementSkuId: { type: 'string', minLength: 1 },
    contactBy: { type: 'string', format: 'date-time' },
    lines: { type: 'array', items: { type: 'object', properties: { qty: { type: 'integer', minimum: 1 } } } },
  },
  required: ['replacementSkuId'],
  additionalProperties: false,
};

function task(overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskId: 'T1',
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:refund:R-1',
    kind: 'refund-approval',
    flow: 'refund',
    businessKey: 'R-1',
    role: 'aftersales',
    summary: 'Approve refund',
    outcomes: [
      { name: 'approve' },
      { name: 'reject', reasonRequired: true },
      { name: 'exchange', dataSchema: exchangeSchema },
    ],
    slaSeconds: 3600,
    status: 'open',
    createdAt: '2030-01-01T00:00:00.000Z',
    dueAt: '2030-01-01T01:00:00.000Z',
    escalationLevel: 0,
    history: [],
    taskToken: 'token',
    tokenVersion: 1,
    ...overrides,
  };
}

describe('canAct', () => {
  it.each([
    { role: 'aftersales', roles: ['aftersales'], expected: true },
    { role: 'aftersales', roles: ['cs-agent', 'aftersales'], expected: true },
    { role: 'aftersales', roles: ['cs-agent'], expected: false },
    { role: 'aftersales', roles: [], expected: false },
    { role: 'aftersales', roles: ['ops-lead'], expected: false },
    { role: 'ops-lead', roles: ['ops-lead'], expected: true },
  ] as const)('role $role with $roles → $expected', ({ role, roles, expected }) => {
    expect(canAct({ role }, [...roles])).toBe(expected);
  });
});

describe('canView', () => {
  it.each([
    { role: 'aftersales', roles: ['aftersales'], expected: true },
    { role: 'aftersales', roles: ['reviewer'], expected: false },
    { role: 'aftersales', roles: [], expected: false },
    { role: 'aftersales', roles: ['ops-lead'], expected: true },
    { role: 'finance', roles: ['reviewer', 'ops-lead'], expected: true },
  ] as const)('role $role with $roles → $expected', ({ role, roles, expected }) => {
    expect(canView({ role }, [...roles])).toBe(expected);
  });
});

describe('fourEyesViolation', () => {
  const first = task({ taskId: 'T0', kind: 'refund-first-approval', status: 'completed', decidedBy: 'ann' });
  const second = task({ taskId: 'T1', kind: 'refund-second-approval', fourEyes: true, role: 'finance' });

  it.each([
    { name: 'same user decided an earlier task', current: second, user: 'ann', earlier: [first], violates: true },
    { name: 'another user', current: second, user: 'bob', earlier: [first], violates: false },
    { name: 'four-eyes off', current: { ...second, fourEyes: false }, user: 'ann', earlier: [first], violates: false },
    { name: 'no earlier decisions', current: second, user: 'ann', earlier: [], violates: false },
    { name: 'other business key', current: second, user: 'ann', earlier: [{ ...first, businessKey: 'R-2' }], violates: false },
    { name: 'other flow', current: second, user: 'ann', earlier: [{ ...first, flow: 'returns' }], violates: false },
    { name: 'earlier task not completed', current: second, user: 'ann', earlier: [{ ...first, status: 'expired' as const }], violates: false },
    { name: 'the task itself', current: second, user: 'ann', earlier: [{ ...second, status: 'completed' as const, decidedBy: 'ann' }], violates: false },
  ])('$name → $violates', ({ current, user, earlier, violates }) => {
    const reason = fourEyesViolation(current, user, earlier);
    if (violates) expect(reason).toContain('refund-first-approval');
    else expect(reason).toBeUndefined();
  });
});

describe('validateCompletion', () => {
  function fieldErrors(body: CompletionBody): { field: string; message: string }[] {
    try {
      validateCompletion(task(), body);
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).fieldErrors;
    }
  }

  it.each<{ name: string; body: CompletionBody; errors: { field: string; message: RegExp }[] }>([
    { name: 'plain outcome', body: { outcome: 'approve' }, errors: [] },
    { name: 'unknown outcome', body: { outcome: 'maybe' }, errors: [{ field: 'outcome', message: /approve, reject, exchange/ }] },
    { name: 'reason given', body: { outcome: 'reject', reason: 'damaged on arrival' }, errors: [] },
    { name: 'reason missing', body: { outcome: 'reject' }, errors: [{ field: 'reason', message: /reason is required/ }] },
    { name: 'reason blank', body: { outcome: 'reject', reason: '   ' }, errors: [{ field: 'reason', message: /reason is required/ }] },
    { name: 'valid data', body: { outcome: 'exchange', data: { replacementSkuId: 'SKU-2' } }, errors: [] },
    {
      name: 'required data property missing',
      body: { outcome: 'exchange', data: {} },
      errors: [{ field: 'data.replacementSkuId', message: /must have required property/ }],
    },
    {
      name: 'wrong type',
      body: { outcome: 'exchange', data: { replacementSkuId: 7 } },
      errors: [{ field: 'data.replacementSkuId', message: /must be string/ }],
    },
    {
      name: 'format checked',
      body: { outcome: 'exchange', data: { replacementSkuId: 'S', contactBy: 'tomorrow' } },
      errors: [{ field: 'data.contactBy', message: /must match format "date-time"/ }],
    },
    {
      name: 'nested array path',
      body: { outcome: 'exchange', data: { replacementSkuId: 'S', lines: [{ qty: 1 }, { qty: 0 }] } },
      errors: [{ field: 'data.lines[1].qty', message: /must be >= 1/ }],
    },
    {
      name: 'extra property',
      body: { outcome: 'exchange', data: { replacementSkuId: 'S', note: 'x' } },
      errors: [{ field: 'data.note', message: /must NOT have additional properties/ }],
    },
    {
      name: 'data missing where the schema requires a field',
      body: { outcome: 'exchange' },
      errors: [{ field: 'data.replacementSkuId', message: /must have required property/ }],
    },
    { name: 'object data without schema', body: { outcome: 'approve', data: { note: 'ok' } }, errors: [] },
    {
      name: 'array data without schema',
      body: { outcome: 'approve', data: [1] as unknown as Record<string, unknown> },
      errors: [{ field: 'data', message: /must be an object/ }],
    },
    {
      name: 'reason and data errors together',
      body: { outcome: 'reject', data: 'x' as unknown as Record<string, unknown> },
      errors: [
        { field: 'reason', message: /reason is required/ },
        { field: 'data', message: /must be an object/ },
      ],
    },
  ])('$name', ({ body, errors }) => {
    const actual = fieldErrors(body);
    expect(actual).toHaveLength(errors.length);
    errors.forEach((expected, i) => {
      expect(actual[i].field).toBe(expected.field);
      expect(actual[i].message).toMatch(expected.message);
    });
  });

  it('validates with an equal schema in another object (the cache is keyed by content)', () => {
    const copy = task({ outcomes: [{ name: 'exchange', dataSchema: structuredClone(exchangeSchema) }] });
    expect(() => validateCompletion(copy, { outcome: 'exchange', data: { replacementSkuId: 'S' } })).not.toThrow();
    expect(() => validateCompletion(copy, { outcome: 'exchange', data: {} })).toThrow(ValidationError);
  });
});

describe('isBreached', () => {
  const due = '2030-01-01T01:00:00.000Z';
  it.each([
    { status: 'open', now: '2030-01-01T01:00:00.001Z', expected: true },
    { status: 'claimed', now: '2030-01-02T00:00:00.000Z', expected: true },
    { status: 'open', now: due, expected: false },
    { status: 'open', now: '2030-01-01T00:59:59.999Z', expected: false },
    { status: 'completed', now: '2030-01-02T00:00:00.000Z', expected: false },
    { status: 'expired', now: '2030-01-02T00:00:00.000Z', expected: false },
  ] as const)('$status at $now → $expected', ({ status, now, expected }) => {
    expect(isBreached(task({ status, dueAt: due }), now)).toBe(expected);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { AwsServiceError } from '../aws-error';
import type { LocalArchive, LocalQueue, LocalRule, LocalTarget } from '../model';
import { LocalSqs } from '../sqs';
import { LocalEventBridge, type PutEventsRequestEntry, type TargetDelivery } from './bus';

const BUS = 'shop-platform';
const BUS_ARN = `arn:aws:events:us-east-1:000000000000:event-bus/${BUS}`;
const START = Date.parse('2026-11-23T10:00:00Z');
const LAMBDA = 'arn:aws:lambda:us-east-1:000000000000:function:notify';
const STATE_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:fulfil';
const queue = (name: string): LocalQueue => ({
  logicalId: name,
  name,
  arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
  url: `http://localhost:4566/000000000000/${name}`,
});
const DLQ = queue('shop-platform-dlq');
const WORK = queue('work');

function rule(overrides: Partial<LocalRule> & { targets: LocalTarget[] }): LocalRule {
  const name = overrides.name ?? 'order-placed';
  return {
    logicalId: 'Rule',
    stackName: 'Workflows',
    name,
    arn: `arn:aws:events:us-east-1:000000000000:rule/${overrides.eventBusName ?? BUS}/${name}`,
    eventBusName: BUS,
    state: 'ENABLED',
    eventPattern: { source: ['shop.orders'], 'detail-type': ['OrderPlaced'] },
    ...overrides,
  };
}

type Behaviour = (call: number) => void | Promise<void>;

function setup(rules: LocalRule[], options: { behaviour?: Behaviour; retryDelayMs?: (attempt: number) => number; archives?: LocalArchive[] } = {}) {
  let clock = START;
  const calls: Array<{ kind: 'lambda' | 'states'; arn: string; input: unknown }> = [];
  const record = async (kind: 'lambda' | 'states', arn: string, input: string) => {
    calls.push({ kind, arn, input: JSON.parse(input) });
    await options.behaviour?.(calls.length);
  };
  const deliver: TargetDelivery = {
    invokeLambdaAsync: (arn, payload) => record('lambda', arn, payload),
    startExecution: (arn, input) => record('states', arn, input),
  };
  const sqs = new LocalSqs([DLQ, WORK], { now: () => clock });
  const logs: string[] = [];
  const retryDelays: number[] = [];
  const bus = new LocalEventBridge({
    model: { eventBuses: [BUS, 'audit'], rules, archives: options.archives },
    now: () => clock,
    deliver,
    sqs,
    log: (line) => logs.push(line),
    retryDelayMs:
      'retryDelayMs' in options
        ? options.retryDelayMs
        : (attempt) => {
            retryDelays.push(attempt);
            return 0;
          },
  });
  return {
    bus,
    sqs,
    calls,
    logs,
    retryDelays,
    advance: (ms: number) => (clock += ms),
    receiveAll: async (q: LocalQueue) =>
      (await sqs.ReceiveMessage({ QueueUrl: q.url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] })).Messages ?? [],
  };
}

const orderPlaced = (overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'shop.orders',
  DetailType: 'OrderPlaced',
  Detail: JSON.stringify({ orderId: 'o-1', total: 42 }),
  EventBusName: BUS,
  ...overrides,
});

async function rejection(promise: Promise<unknown>): Promise<AwsServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsServiceError);
  return error as AwsServiceError;
}

describe('PutEvents request validation', () => {
  const big = (bytes: number) => orderPlaced({ Source: 's', DetailType: 'd', Detail: `{"a":"${'x'.repeat(bytes - 10)}"}` });

  it.each([
    ['no Entries', undefined, "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null"],
    ['0 entries', [], "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1"],
    ['11 entries', Array.from({ length: 11 }, () => orderPlaced()), /^1 validation error detected: Value '\[PutEventsRequestEntry\(.*\)\]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/],
    ['257 KB in one entry', [big(257 * 1024)], 'Total size of the entries in the request is over the limit.'],
    ['over 256 KB across entries', [big(128 * 1024), big(128 * 1024 + 1)], 'Total size of the entries in the request is over the limit.'],
    ['256 KB only once the Time (14 bytes) counts', [{ ...big(256 * 1024 - 13), Time: START / 1000 }], 'Total size of the entries in the request is over the limit.'],
  ])('rejects %s with ValidationException', async (_name, Entries, message) => {
    const { bus } = setup([]);
    const error = await rejection(bus.PutEvents({ Entries: Entries as PutEventsRequestEntry[] }));
    expect(error.code).toBe('ValidationException');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('accepts 10 entries of exactly 256 KB in total (Source + DetailType + Detail bytes)', async () => {
    const { bus } = setup([]);
    const entries = Array.from({ length: 10 }, () => big(26_000));
    entries[0] = big(256 * 1024 - 9 * 26_000);
    const total = entries.reduce((n, e) => n + Buffer.byteLength(e.Source! + e.DetailType! + e.Detail!), 0);
    expect(total).toBe(256 * 1024);
    const out = await bus.PutEvents({ Entries: entries });
    expect(out.FailedEntryCount).toBe(0);
  });
});

describe('PutEvents per-entry results', () => {
  it.each([
    ['no Source', { Source: undefined }, 'InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.'],
    ['an empty Source', { Source: '' }, 'InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.'],
    ['no DetailType', { DetailType: undefined }, 'InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.'],
    ['no Detail', { Detail: undefined }, 'InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.'],
    ['a Detail that is not JSON', { Detail: '{"orderId":' }, 'MalformedDetail', 'Detail is malformed.'],
    ['a Detail that is a JSON array', { Detail: '[1,2]' }, 'MalformedDetail', 'Detail is malformed.'],
    ['a Detail that is a JSON string', { Detail: '"text"' }, 'MalformedDetail', 'Detail is malformed.'],
    ['an unknown bus name', { EventBusName: 'nope' }, 'ResourceNotFoundException', 'Event bus nope does not exist.'],
    ['an unknown bus ARN', { EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/nope' }, 'ResourceNotFoundException', 'Event bus nope does not exist.'],
  ])('fails the entry with %s without failing the call', async (_name, overrides, ErrorCode, ErrorMessage) => {
    const { bus } = setup([]);
    const out = await bus.PutEvents({ Entries: [orderPlaced(overrides)] });
    expect(out).toEqual({ FailedEntryCount: 1, Entries: [{ ErrorCode, ErrorMessage }] });
    expect(bus.archive(BUS)).toEqual([]);
  });

  it.each([
    ['by name', BUS, BUS],
    ['by ARN', BUS_ARN, BUS],
    ['on the default bus when EventBusName is omitted', undefined, 'default'],
  ])('accepts an event %s', async (_how, EventBusName, archivedOn) => {
    const { bus } = setup([]);
    const out = await bus.PutEvents({ Entries: [orderPlaced({ EventBusName })] });
    expect(out.FailedEntryCount).toBe(0);
    expect(bus.archive(archivedOn).map((e) => e.id)).toEqual([out.Entries[0].EventId]);
  });

  it('reports mixed successes and failures in entry order', async () => {
    const { bus } = setup([]);
    const out = await bus.PutEvents({
      Entries: [orderPlaced(), orderPlaced({ Source: undefined }), orderPlaced({ Detail: '{"n":2}' }), orderPlaced({ EventBusName: 'nope' }), orderPlaced({ Detail: 'x' })],
    });
    expect(out.FailedEntryCount).toBe(3);
    expect(out.Entries).toEqual([
      { EventId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' },
      { EventId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus nope does not exist.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
    ]);
    expect(out.Entries[0].EventId).not.toBe(out.Entries[2].EventId);
    expect(bus.archive(BUS).map((e) => e.id)).toEqual([out.Entries[0].EventId, out.Entries[2].EventId]);
  });
});

describe('event envelope', () => {
  it('is built like EventBridge builds it, with the clock time without milliseconds', async () => {
    const { bus, advance } = setup([]);
    advance(1234); // 10:00:01.234
    const out = await bus.PutEvents({ Entries: [orderPlaced({ Resources: ['arn:aws:dynamodb:us-east-1:000000000000:table/orders'] })] });
    expect(bus.archive(BUS_ARN)).toEqual([
      {
        version: '0',
        id: out.Entries[0].EventId,
        'detail-type': 'OrderPlaced',
        source: 'shop.orders',
        account: '000000000000',
        time: '2026-11-23T10:00:01Z',
        region: 'us-east-1',
        resources: ['arn:aws:dynamodb:us-east-1:000000000000:table/orders'],
        detail: { orderId: 'o-1', total: 42 },
      },
    ]);
  });

  it.each([
    ['epoch seconds (what the SDK sends)', Date.parse('2026-01-02T03:04:05.678Z') / 1000],
    ['a Date', new Date('2026-01-02T03:04:05.678Z')],
    ['an ISO string', '2026-01-02T03:04:05.678Z'],
  ])('takes the entry Time given as %s', async (_as, Time) => {
    const { bus } = setup([]);
    await bus.PutEvents({ Entries: [orderPlaced({ Time })] });
    expect(bus.archive(BUS)[0]).toMatchObject({ time: '2026-01-02T03:04:05Z', resources: [] });
  });
});

describe('rule matching and delivery', () => {
  it('delivers the transformed input after PutEvents has returned', async () => {
    const target: LocalTarget = {
      id: 'Notify',
      arn: LAMBDA,
      inputTransformer: {
        InputPathsMap: { order: '$.detail.orderId' },
        InputTemplate: '{"order": <order>, "rule": "<aws.events.rule-name>", "at": "<aws.events.event.ingestion-time>"}',
      },
    };
    const { bus, calls, advance } = setup([rule({ targets: [target] })]);
    advance(5000);
    await bus.PutEvents({ Entries: [orderPlaced()] });
    expect(calls).toEqual([]);
    expect(bus.inFlight).toBe(1);
    await bus.whenIdle();
    expect(bus.inFlight).toBe(0);
    expect(calls).toEqual([{ kind: 'lambda', arn: LAMBDA, input: { order: 'o-1', rule: 'order-placed', at: '2026-11-23T10:00:05Z' } }]);
  });

  it.each([
    ['a pattern that does not match', rule({ eventPattern: { source: ['shop.billing'] }, targets: [{ id: 'T', arn: LAMBDA }] })],
    ['a disabled rule', rule({ state: 'DISABLED', targets: [{ id: 'T', arn: LAMBDA }] })],
    ['a rule on another bus', rule({ eventBusName: 'audit', targets: [{ id: 'T', arn: LAMBDA }] })],
    ['a scheduled rule', rule({ eventPattern: undefined, scheduleExpression: 'rate(1 hour)', targets: [{ id: 'T', arn: LAMBDA }] })],
  ])('does not deliver for %s', async (_name, r) => {
    const { bus, calls } = setup([r]);
    await bus.PutEvents({ Entries: [orderPlaced()] });
    await bus.whenIdle();
    expect(calls).toEqual([]);
    expect(bus.inFlight).toBe(0);
  });

  it('gives every target of every matching rule its own input', async () => {
    const { bus, calls, sqs } = setup([
      rule({
        targets: [
          { id: 'Whole', arn: LAMBDA },
          { id: 'Detail', arn: STATE_MACHINE, inputPath: '$.detail' },
          { id: 'Constant', arn: WORK.arn, input: '{"kind":"constant"}' },
        ],
      }),
      rule({ name: 'any-order', eventPattern: { source: ['shop.orders'] }, targets: [{ id: 'Audit', arn: LAMBDA, input: '{"audit":true}' }] }),
    ]);
    const out = await bus.PutEvents({ Entries: [orderPlaced()] });
    await bus.whenIdle();
    const [event] = bus.archive(BUS);
    expect(event.id).toBe(out.Entries[0].EventId);
    expect(calls).toHaveLength(3);
    expect(calls).toEqual(
      expect.arrayContaining([
        { kind: 'lambda', arn: LAMBDA, input: event },
        { kind: 'states', arn: STATE_MACHINE, input: { orderId: 'o-1', total: 42 } },
        { kind: 'lambda', arn: LAMBDA, input: { audit: true } },
      ]),
    );
    const { Messages } = await sqs.ReceiveMessage({ QueueUrl: WORK.url });
    expect(Messages?.map((m) => m.Body)).toEqual(['{"kind":"constant"}']);
  });

  it('forwards the event to another bus, whose rules then match it', async () => {
    const { bus, calls } = setup([
      rule({ targets: [{ id: 'ToAudit', arn: 'arn:aws:events:us-east-1:000000000000:event-bus/audit' }] }),
      rule({ name: 'audit-all', eventBusName: 'audit', eventPattern: { account: ['000000000000'] }, targets: [{ id: 'Log', arn: LAMBDA }] }),
    ]);
    const out = await bus.PutEvents({ Entries: [orderPlaced()] });
    await bus.whenIdle();
    expect(bus.archive('audit').map((e) => e.id)).toEqual([out.Entries[0].EventId]);
    expect(calls).toEqual([{ kind: 'lambda', arn: LAMBDA, input: bus.archive(BUS)[0] }]);
  });

  it('rejects an invalid event pattern at construction, naming the rule', () => {
    expect(() => setup([rule({ name: 'broken', eventPattern: { source: 'shop.orders' }, targets: [] })])).toThrow(/broken/);
  });
});

describe('delivery failures', () => {
  const failing = (retryPolicy?: LocalTarget['retryPolicy'], deadLetterArn: string | null = DLQ.arn): LocalTarget => ({
    id: 'Notify',
    arn: LAMBDA,
    retryPolicy,
    deadLetterArn: deadLetterArn ?? undefined,
  });
  const alwaysFail: Behaviour = () => {
    throw new AwsServiceError('ServiceException', 'Lambda is having a bad day', 500);
  };

  it('retries MaximumRetryAttempts times, then sends the event to the DLQ with the EventBridge attributes', async () => {
    const r = rule({ targets: [failing({ MaximumRetryAttempts: 2 })] });
    const { bus, calls, receiveAll, retryDelays, logs } = setup([r], { behaviour: alwaysFail });
    await bus.PutEvents({ Entries: [orderPlaced()] });
    await bus.whenIdle();
    expect(calls).toHaveLength(3);
    expect(retryDelays).toEqual([1, 2]);

    const messages = await receiveAll(DLQ);
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0].Body)).toEqual(bus.archive(BUS)[0]);
    expect(messages[0].MessageAttributes).toEqual({
      RULE_ARN: { DataType: 'String', StringValue: r.arn },
      TARGET_ARN: { DataType: 'String', StringValue: LAMBDA },
      ERROR_CODE: { DataType: 'String', StringValue: 'ERROR_FROM_TARGET' },
      ERROR_MESSAGE: { DataType: 'String', StringValue: 'ServiceException: Lambda is having a bad day' },
      RETRY_ATTEMPTS: { DataType: 'String', StringValue: '2' },
      EXHAUSTED_RETRY_CONDITION: { DataType: 'String', StringValue: 'MaximumRetryAttempts' },
    });
    expect(logs.join('\n')).toMatch(/dead-letter queue/);
  });

  it.each([
    [0, 1],
    [1, 2],
    [4, 5],
  ])('MaximumRetryAttempts %d → %d calls', async (MaximumRetryAttempts, expected) => {
    const { bus, calls } = setup([rule({ targets: [failing({ MaximumRetryAttempts })] })], { behaviour: alwaysFail });
    await bus.PutEvents({ Entries: [orderPlaced()] });
    await bus.whenIdle();
    expect(calls).toHaveLength(expected);
  });

  it('stops retrying once a retry succeeds', async () => {
    const { bus, calls, receiveAll } = setup([rule({ targets: [failing({ MaximumRetryAttempts: 5 })] })], {
      behaviour: (call) => {
        if (call < 3) throw new Error('flaky');
      },
    });
    await bus.PutEvents({ Entries: [orderPlaced()] });
    await bus.whenIdle();
    expect(calls).toHaveLength(3);
    expect(await receiveAll(DLQ)).toEqual([]);
  });

  it('honours MaximumEventAgeInSeconds on the injected clock', async () => {
    let advance = (_ms: number) => 0;
    const env = setup([rule({ targets: [failing({ MaximumRetryAttempts: 100, MaximumEventAgeInSeconds: 60 })] })], {
      behaviour: () => {
        advance(30_000); // each attempt takes 30 s of virtual time
        throw new Error('timeout');
      },
    });
    advance = env.advance;
    await env.bus.PutEvents({ Entries: [orderPlaced()] });
    await env.bus.whenIdle();
    // t=0 fails (→30 s), t=30 fails (→60 s): the event is 60 s old, no third attempt.
    expect(env.calls).toHaveLength(2);
    const [message] = await env.receiveAll(DLQ);
    expect(message.MessageAttributes).toMatchObject({
      EXHAUSTED_RETRY_CONDITION: { DataType: 'String', StringValue: 'MaximumEventAgeInSeconds' },
      RETRY_ATTEMPTS: { DataType: 'String', StringValue: '1' },
      ERROR_MESSAGE: { DataType: 'String', StringValue: 'timeout' },
    });
  });

  it('defaults to 185 retries within 24 hours', async () => {
    const { bus, calls } = setup([rule({ targets: [failing(undefined, null)] })], { behaviour: alwaysFail });
    await bus.PutEvents({ Entries: [orderPlaced()] });
    await bus.whenIdle();
    expect(calls).toHaveLength(186);
  });

  it('waits 10 ms × attempt between retries by default', async () => {
    const { bus, calls } = setup([rule({ targets: [failing({ MaximumRetryAttempts: 3 })] })], {
      behaviour: alwaysFail,
      retryDelayMs: undefined,
    });
    const started = Date.now();
    await bus.PutEvents({ Entries: [orderPlaced()] });
    await bus.whenIdle();
    expect(calls).toHaveLength(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55); // 10 + 20 + 30, less timer slack
  });

  it('drops the event with a log line when the target has no DLQ', async () => {
    const { bus, calls, logs, receiveAll } = setup([rule({ targets: [failing({ MaximumRetryAttempts: 1 }, null)] })], {
      behaviour: alwaysFail,
    });
    const out = await bus.PutEvents({ Entries: [orderPlaced()] });
    await bus.whenIdle();
    expect(calls).toHaveLength(2);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(`dropped event ${out.Entries[0].EventId}`);
    expect(logs[0]).toContain('no dead-letter queue');
    expect(await receiveAll(DLQ)).toEqual([]);
  });

  it('sends a missing target straight to the DLQ without retrying (NO_RESOURCE)', async () => {
    const { bus, calls, receiveAll } = setup([rule({ targets: [failing({ MaximumRetryAttempts: 5 })] })], {
      behaviour: () => {
        throw new AwsServiceError('ResourceNotFoundException', `Function not found: ${LAMBDA}`, 404);
      },
    });
    await bus.PutEvents({ Entries: [orderPlaced()] });
    await bus.whenIdle();
    expect(calls).toHaveLength(1);
    const [message] = await receiveAll(DLQ);
    expect(message.MessageAttributes).toMatchObject({
      ERROR_CODE: { DataType: 'String', StringValue: 'NO_RESOURCE' },
      ERROR_MESSAGE: { DataType: 'String', StringValue: `Function not found: ${LAMBDA}` },
      RETRY_ATTEMPTS: { DataType: 'String', StringValue: '0' },
    });
    expect(message.MessageAttributes).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION');
  });

  it('dead-letters an SQS target whose queue does not exist', async () => {
    const { bus, receiveAll } = setup([rule({ targets: [{ id: 'Q', arn: 'arn:aws:sqs:us-east-1:000000000000:gone', deadLetterArn: DLQ.arn }] })]);
    await bus.PutEvents({ Entries: [orderPlaced()] });
    await bus.whenIdle();
    const [message] = await receiveAll(DLQ);
    expect(message.MessageAttributes?.ERROR_CODE.StringValue).toBe('NO_RESOURCE');
  });

  it('retries each target on its own: one failing target does not hold back the others', async () => {
    const { bus, calls } = setup(
      [rule({ targets: [failing({ MaximumRetryAttempts: 2 }), { id: 'Fine', arn: STATE_MACHINE }] })],
      {
        behaviour: (call) => {
          if (calls[call - 1].kind === 'lambda') throw new Error('nope');
        },
      },
    );
    await bus.PutEvents({ Entries: [orderPlaced()] });
    await bus.whenIdle();
    expect(calls.filter((c) => c.kind === 'lambda')).toHaveLength(3);
    expect(calls.filter((c) => c.kind === 'states')).toHaveLength(1);
  });
});

describe('idle tracking and schedules', () => {
  it('whenIdle resolves at once when nothing is in flight', async () => {
    const { bus } = setup([]);
    expect(bus.inFlight).toBe(0);
    await expect(bus.whenIdle()).resolves.toBeUndefined();
  });

  it('lists scheduled rules and delivers their Scheduled Event on demand', async () => {
    const scheduled = rule({ name: 'nightly', eventPattern: undefined, scheduleExpression: 'cron(0 2 * * ? *)', targets: [{ id: 'T', arn: STATE_MACHINE }] });
    const { bus, calls } = setup([rule({ targets: [] }), scheduled]);
    expect(bus.scheduledRules()).toEqual([scheduled]);
    const event = bus.runScheduledRule(scheduled);
    await bus.whenIdle();
    expect(event).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events', resources: [scheduled.arn], detail: {}, time: '2026-11-23T10:00:00Z' });
    expect(calls).toEqual([{ kind: 'states', arn: STATE_MACHINE, input: event }]);
  });
});

describe('archive replays: ListReplays and CancelReplay', () => {
  const ARCHIVE: LocalArchive = { logicalId: 'Archive', name: 'shop-archive', arn: 'arn:aws:events:us-east-1:000000000000:archive/shop-archive', eventBusName: BUS };
  const OTHER: LocalArchive = { ...ARCHIVE, logicalId: 'Audit', name: 'audit-archive', arn: 'arn:aws:events:us-east-1:000000000000:archive/audit-archive', eventBusName: 'audit' };
  const target = { id: 'notify', arn: LAMBDA } as LocalTarget;

  /** A bus with `count` archived OrderPlaced; deliveries wait for `release()` once `held` is set. */
  async function archived(count: number) {
    let held = false;
    const waiting: Array<() => void> = [];
    const release = () => {
      held = false;
      waiting.splice(0).forEach((resolve) => resolve());
    };
    const env = setup([rule({ targets: [target] })], {
      archives: [ARCHIVE, OTHER],
      behaviour: () => (held ? new Promise<void>((resolve) => waiting.push(resolve)) : undefined),
    });
    for (let i = 0; i < count; i++) await env.bus.PutEvents({ Entries: [orderPlaced({ Detail: JSON.stringify({ orderId: `o-${i}` }) })] });
    await env.bus.whenIdle();
    env.advance(1000);
    const start = (ReplayName: string, EventSourceArn = ARCHIVE.arn, bus = BUS_ARN) =>
      env.bus.StartReplay({ ReplayName, EventSourceArn, EventStartTime: START / 1000 - 1, EventEndTime: env.bus['now']() / 1000, Destination: { Arn: bus } });
    return { ...env, start, hold: () => (held = true), release, waiting };
  }

  it('cancels a running replay between batches: CANCELLING, then CANCELLED with the rest unsent', async () => {
    const env = await archived(25);
    env.calls.length = 0;
    env.hold();
    await env.start('r-cancel');
    await vi.waitFor(() => expect(env.waiting).toHaveLength(10)); // the first batch is out, waiting
    expect((await env.bus.DescribeReplay({ ReplayName: 'r-cancel' })).State).toBe('RUNNING');
    expect(await env.bus.CancelReplay({ ReplayName: 'r-cancel' })).toEqual({ ReplayArn: expect.stringContaining(':replay/r-cancel'), State: 'CANCELLING' });
    expect((await env.bus.DescribeReplay({ ReplayName: 'r-cancel' })).State).toBe('CANCELLING');
    const again = await rejection(env.bus.CancelReplay({ ReplayName: 'r-cancel' }));
    expect(again.code).toBe('IllegalStatusException');
    env.release();
    await vi.waitFor(async () => expect((await env.bus.DescribeReplay({ ReplayName: 'r-cancel' })).State).toBe('CANCELLED'));
    await env.bus.whenIdle();
    expect(env.calls).toHaveLength(10);
    expect(await env.bus.DescribeReplay({ ReplayName: 'r-cancel' })).toMatchObject({ StateReason: 'Replay was cancelled.', ReplayEndTime: expect.any(Number) });
  });

  it('refuses to cancel a completed replay, or one that does not exist', async () => {
    const env = await archived(3);
    await env.start('r-done');
    await vi.waitFor(async () => expect((await env.bus.DescribeReplay({ ReplayName: 'r-done' })).State).toBe('COMPLETED'));
    const done = await rejection(env.bus.CancelReplay({ ReplayName: 'r-done' }));
    expect(done).toMatchObject({ code: 'IllegalStatusException', status: 400 });
    expect(done.message).toContain('COMPLETED');
    expect((await rejection(env.bus.CancelReplay({ ReplayName: 'nope' }))).code).toBe('ResourceNotFoundException');
  });

  it('lists replays by name prefix, state or archive, one filter at a time, paged', async () => {
    const env = await archived(12);
    await env.start('night-1');
    await env.start('night-2');
    await env.start('audit-1', OTHER.arn, 'arn:aws:events:us-east-1:000000000000:event-bus/audit');
    await vi.waitFor(async () => expect((await env.bus.ListReplays({ State: 'COMPLETED' })).Replays).toHaveLength(3));
    env.hold();
    await env.start('night-3');
    await vi.waitFor(() => expect(env.waiting.length).toBeGreaterThan(0));

    const names = async (input: Parameters<typeof env.bus.ListReplays>[0]) => (await env.bus.ListReplays(input)).Replays.map((r) => r.ReplayName);
    expect(await names({})).toEqual(['night-1', 'night-2', 'audit-1', 'night-3']);
    expect(await names({ NamePrefix: 'night-' })).toEqual(['night-1', 'night-2', 'night-3']);
    expect(await names({ State: 'RUNNING' })).toEqual(['night-3']);
    expect(await names({ EventSourceArn: OTHER.arn })).toEqual(['audit-1']);
    const first = await env.bus.ListReplays({ Limit: 3 });
    expect(first.Replays).toHaveLength(3);
    expect(await names({ Limit: 3, NextToken: first.NextToken })).toEqual(['night-3']);
    // The list's entries are the summary AWS lists: no ARN, destination or description.
    expect(first.Replays[0]).toEqual({
      ReplayName: 'night-1', EventSourceArn: ARCHIVE.arn, State: 'COMPLETED', EventStartTime: expect.any(Number), EventEndTime: expect.any(Number),
      EventLastReplayedTime: expect.any(Number), ReplayStartTime: expect.any(Number), ReplayEndTime: expect.any(Number),
    });

    const exclusive = await rejection(env.bus.ListReplays({ NamePrefix: 'night-', State: 'RUNNING' }));
    expect(exclusive).toMatchObject({ code: 'ValidationException' });
    expect(exclusive.message).toContain('NamePrefix and State');
    expect((await rejection(env.bus.ListReplays({ State: 'DONE' as never }))).message).toContain('enum value set');
    env.release();
    await env.bus.whenIdle();
  });
});

import { describe, expect, it } from 'vitest';
import {
  alignRows,
  displayWidth,
  dueClause,
  formatDuration,
  formatFlow,
  formatHttpError,
  formatSlaReport,
  formatSpan,
  formatTable,
  formatTaskChange,
  formatTaskDetail,
  formatTaskList,
  formatTime,
  formatWhoAmI,
  parseAs,
  parseDataOption,
  relativeDue,
  requiredDataFields,
  type TaskView,
} from './cli-format';

const NOW = new Date('2025-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

const task: TaskView = {
  taskId: '01JQ8Z6W3D5V0K2M7N4P9R1S3T',
  kind: 'refund-approval',
  flow: 'refund',
  businessKey: 'R-1001',
  summary: 'Approve a refund of 129.00 for 2 items',
  role: 'aftersales',
  status: 'open',
  dueAt: at(42 * M + 30 * S),
  escalationLevel: 0,
};

describe('durations and relative times', () => {
  it.each([
    [0, '0ms'],
    [350, '350ms'],
    [12 * S + 900, '12s'],
    [2 * M + 5 * S, '2m 5s'],
    [2 * M, '2m'],
    [3 * H, '3h'],
    [H + 20 * M + 59 * S, '1h 20m'],
    [2 * D + 4 * H + 59 * M, '2d 4h'],
    [-5 * S, '0ms'],
  ])('formatDuration(%i) is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    [45 * S, '45s'],
    [42 * M + 59 * S, '42m'],
    [2 * H + 15 * M + 10 * S, '2h 15m'],
    [3 * D + 4 * H, '3d 4h'],
  ])('formatSpan(%i) is %s', (ms, text) => expect(formatSpan(ms)).toBe(text));

  it.each([
    [42 * M + 30 * S, 'in 42m'],
    [-(3 * H + 10 * S), '3h overdue'],
    [-(2 * H + 15 * M), '2h 15m overdue'],
    [30 * S, 'in 30s'],
    [3 * D, 'in 3d'],
    [400, 'due now'],
    [-400, 'due now'],
  ])('relativeDue(now %+i ms) is %s', (offset, text) => expect(relativeDue(at(offset), NOW)).toBe(text));

  it('shows an unparseable due time as it is', () => {
    expect(relativeDue('soon', NOW)).toBe('soon');
    expect(relativeDue('', NOW)).toBe('-');
  });

  it('dueClause reads as part of a sentence', () => {
    expect(dueClause(at(42 * M), NOW)).toBe('due in 42m');
    expect(dueClause(at(-3 * H), NOW)).toBe('3h overdue');
    expect(dueClause(at(0), NOW)).toBe('due now');
  });

  it('formatTime prints UTC to the second', () => {
    expect(formatTime('2025-03-01T10:00:00.123Z')).toBe('2025-03-01 10:00:00Z');
    expect(formatTime('2025-03-01T12:00:00+02:00')).toBe('2025-03-01 10:00:00Z');
    expect(formatTime(undefined)).toBe('-');
    expect(formatTime('later')).toBe('later');
  });
});

describe('tables', () => {
  it('aligns columns, two spaces apart, without trailing spaces', () => {
    expect(formatTable(['A', 'LONGER'], [['wide cell', 'x'], ['y', '']])).toBe(['A          LONGER', 'wide cell  x', 'y'].join('\n'));
  });

  it('counts wide (CJK) characters as two columns', () => {
    expect(displayWidth('退款-7')).toBe(6);
    expect(alignRows([['退款', '|'], ['abcd', '|']])).toBe('退款  |\nabcd  |');
  });

  it('handles rows of different lengths', () => {
    expect(alignRows([['a', 'b', 'c'], ['dd']])).toBe('a   b  c\ndd');
  });
});

describe('views', () => {
  it('lists tasks with relative due times and a count', () => {
    const text = formatTaskList(
      [
        task,
        { ...task, taskId: 'T2', status: 'claimed', claimedBy: 'alice', dueAt: at(-3 * H - 5 * S), escalationLevel: 1 },
        { ...task, taskId: 'T3', status: 'completed', dueAt: at(-D) },
      ],
      NOW,
    );
    const lines = text.split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['TASK', 'KIND', 'BUSINESS KEY', 'ROLE', 'STATUS', 'DUE', 'LEVEL', 'CLAIMED BY']);
    expect(lines[1].split(/\s{2,}/)).toEqual([task.taskId, 'refund-approval', 'R-1001', 'aftersales', 'open', 'in 42m', '0', '-']);
    expect(lines[2].split(/\s{2,}/)).toEqual(['T2', 'refund-approval', 'R-1001', 'aftersales', 'claimed', '3h overdue', '1', 'alice']);
    // A finished task is not "overdue".
    expect(lines[3].split(/\s{2,}/)).toEqual(['T3', 'refund-approval', 'R-1001', 'aftersales', 'completed', '-', '0', '-']);
    expect(lines[4]).toBe('3 tasks');
    expect(formatTaskList([], NOW)).toBe('no tasks');
    expect(formatTaskList([task], NOW).endsWith('\n1 task')).toBe(true);
  });

  it('shows a task with its outcomes (reason, required data) and history', () => {
    const text = formatTaskDetail(
      {
        ...task,
        status: 'claimed',
        claimedBy: 'alice',
        allowedOutcomes: [
          { name: 'approve' },
          { name: 'reject', reasonRequired: true },
          {
            name: 'exchange',
            dataSchema: { type: 'object', properties: { skuId: { type: 'string' }, quantity: { type: 'integer' } }, required: ['skuId', 'quantity'] },
          },
          { name: 'note', dataSchema: { type: 'object' } },
        ],
        history: [
          { type: 'created', actor: 'system', at: at(-H) },
          { type: 'escalated', actor: 'system', at: at(-10 * M), level: 1, role: 'ops-lead' },
          { type: 'released', actor: 'bob', at: at(-5 * M), reason: 'lunch' },
        ],
      },
      NOW,
    );
    expect(text).toContain('task          01JQ8Z6W3D5V0K2M7N4P9R1S3T');
    expect(text).toContain('business key  R-1001');
    expect(text).toContain('status        claimed by alice');
    expect(text).toContain('due           2025-03-01 10:42:30Z (in 42m)');
    expect(text).toContain(
      [
        'outcomes',
        '  approve   reason optional',
        '  reject    reason required',
        '  exchange  reason optional; data required: skuId (string), quantity (integer)',
        '  note      reason optional; data optional',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        'history',
        '  2025-03-01 09:00:00Z  created    system',
        '  2025-03-01 09:50:00Z  escalated  system  level 1, to ops-lead',
        '  2025-03-01 09:55:00Z  released   bob     reason: lunch',
      ].join('\n'),
    );
    expect(text).not.toMatch(/ +$/m);
  });

  it('shows a decided task with its decision and no history as (none)', () => {
    const text = formatTaskDetail(
      { ...task, status: 'completed', decision: { outcome: 'reject', reason: 'late', decidedBy: 'bob', decidedAt: at(0), data: { a: 1 } } },
      NOW,
    );
    expect(text).toContain('decision      reject by bob at 2025-03-01 10:00:00Z; reason: late; data: {"a":1}');
    expect(text).toContain('due           2025-03-01 10:42:30Z\n');
    expect(text).toContain('outcomes\n  (none)');
    expect(text).toContain('history\n  (none)');
  });

  it('requiredDataFields reads required properties and their types', () => {
    expect(requiredDataFields({ required: ['a', 'b', 'c'], properties: { a: { type: 'string' }, b: { type: ['string', 'null'] } } })).toEqual([
      'a (string)',
      'b (string|null)',
      'c',
    ]);
    expect(requiredDataFields({ type: 'object' })).toEqual([]);
    expect(requiredDataFields(undefined)).toEqual([]);
  });

  it('says in one line what claim, release and complete did', () => {
    expect(formatTaskChange('claimed', { ...task, status: 'claimed', claimedBy: 'alice' }, NOW)).toBe(
      'claimed 01JQ8Z6W3D5V0K2M7N4P9R1S3T (refund-approval R-1001): claimed by alice, due in 42m',
    );
    expect(formatTaskChange('released', { ...task, dueAt: at(-H) }, NOW)).toBe('released 01JQ8Z6W3D5V0K2M7N4P9R1S3T (refund-approval R-1001): open for aftersales, 1h overdue');
    expect(
      formatTaskChange('completed', { ...task, status: 'completed', decision: { outcome: 'approve', decidedBy: 'alice', decidedAt: at(0) } }, NOW),
    ).toBe('completed 01JQ8Z6W3D5V0K2M7N4P9R1S3T (refund-approval R-1001): completed, outcome approve by alice');
  });

  it('shows a flow with step times and durations, and its result as indented JSON', () => {
    const text = formatFlow(
      {
        flow: 'refund',
        businessKey: 'R-1001',
        status: 'RUNNING',
        currentStep: 'AwaitApproval',
        startedAt: at(-2 * H),
        steps: [
          { name: 'CheckPolicy', enteredAt: at(-2 * H), exitedAt: at(-2 * H + 350) },
          { name: 'AwaitApproval', enteredAt: at(-2 * H + S), exitedAt: undefined },
        ],
        result: { decision: 'approved', paidFen: 12900 },
      },
      NOW,
    );
    expect(text).toContain('flow          refund R-1001\nstatus        RUNNING\ncurrent step  AwaitApproval\nstarted       2025-03-01 08:00:00Z');
    expect(text).not.toContain('stopped');
    expect(text).toContain(
      [
        'steps',
        '  STEP           ENTERED               EXITED                DURATION',
        '  CheckPolicy    2025-03-01 08:00:00Z  2025-03-01 08:00:00Z  350ms',
        '  AwaitApproval  2025-03-01 08:00:01Z  (in progress)         1h 59m so far',
      ].join('\n'),
    );
    expect(text).toContain('result\n  {\n    "decision": "approved",\n    "paidFen": 12900\n  }');
  });

  it('shows a finished flow with its stop time, total duration and error', () => {
    const text = formatFlow({ flow: 'stock-out', businessKey: 'O-1', status: 'FAILED', startedAt: at(-3 * D), stoppedAt: at(-D), error: 'States.Timeout', steps: [] }, NOW);
    expect(text).toContain('stopped  2025-02-28 10:00:00Z\ntook     2d\nerror    States.Timeout');
    expect(text).toContain('steps\n  (none yet)');
    expect(text).not.toContain('result');
  });

  it('shows the SLA report per kind', () => {
    const text = formatSlaReport(
      { generatedAt: at(0), kinds: [{ kind: 'refund-approval', open: 3, breached: 1, oldestDueAt: at(-5 * H) }, { kind: 'inspection', open: 0, breached: 0 }] },
      NOW,
    );
    expect(text).toBe(
      [
        'SLA report generated 2025-03-01 10:00:00Z',
        '',
        'KIND             OPEN  BREACHED  OLDEST DUE',
        'refund-approval  3     1         5h overdue',
        'inspection       0     0         -',
      ].join('\n'),
    );
    expect(formatSlaReport({ generatedAt: at(0), kinds: [] }, NOW)).toContain('no open tasks');
  });

  it('shows who the token says you are', () => {
    expect(formatWhoAmI({ user: 'alice', roles: [{ role: 'aftersales', description: 'Refunds' }, { role: 'finance', description: 'Second approval' }] })).toBe(
      'alice\n  aftersales  Refunds\n  finance     Second approval',
    );
    expect(formatWhoAmI({ user: 'bob', roles: [] })).toBe('bob\n  (no roles)');
  });
});

describe('HTTP errors', () => {
  it('prints status and message, then each field error on its own line', () => {
    expect(
      formatHttpError(400, { message: 'body is invalid', errors: [{ field: 'data.skuId', message: 'must be string' }, { field: '', message: 'unknown outcome' }] }),
    ).toEqual(['400 body is invalid', '  data.skuId: must be string', '  unknown outcome']);
    expect(formatHttpError(409, { message: 'task is claimed by bob' })).toEqual(['409 task is claimed by bob']);
  });

  it('copes with bodies that are not the API error shape', () => {
    expect(formatHttpError(502, 'Bad Gateway\n')).toEqual(['502 Bad Gateway']);
    expect(formatHttpError(401, undefined)).toEqual(['401 unauthorized']);
    expect(formatHttpError(418, { error: 'teapot' })).toEqual(['418 request failed']);
  });
});

describe('option values', () => {
  it('parses --as user:roles', () => {
    expect(parseAs('alice:aftersales')).toEqual({ user: 'alice', groups: ['aftersales'] });
    expect(parseAs('bob:aftersales, finance')).toEqual({ user: 'bob', groups: ['aftersales', 'finance'] });
    expect(parseAs('carol')).toEqual({ user: 'carol', groups: [] });
    expect(parseAs('carol:')).toEqual({ user: 'carol', groups: [] });
  });

  it('refuses --as without a user or with an unknown role, naming the roles', () => {
    expect(() => parseAs(':aftersales')).toThrow(/no user.*--as alice:aftersales/);
    expect(() => parseAs('alice:admin')).toThrow(/unknown role admin: roles are reviewer, merchandiser/);
  });

  it('parses --data as a JSON object and explains what is wrong otherwise', () => {
    expect(parseDataOption('{"skuId":"S1","quantity":2}')).toEqual({ skuId: 'S1', quantity: 2 });
    expect(() => parseDataOption('{"skuId":')).toThrow(/--data is not valid JSON \(.+\): pass an object/);
    expect(() => parseDataOption("{skuId:'S1'}")).toThrow(/--data is not valid JSON/);
    expect(() => parseDataOption('[1]')).toThrow(/--data must be a JSON object, got an array/);
    expect(() => parseDataOption('null')).toThrow(/--data must be a JSON object, got null/);
    expect(() => parseDataOption('"x"')).toThrow(/--data must be a JSON object, got "x"/);
  });
});

import { describe, expect, it } from 'vitest';
import { matchesPattern, validatePattern } from './pattern';

// Examples come from the AWS EventBridge User Guide pages "Amazon EventBridge event patterns",
// "Content filtering in Amazon EventBridge event patterns", "Arrays in Amazon EventBridge event
// patterns" and "Matching null values and empty strings", plus the aws/event-ruler README (the
// matcher behind EventBridge) where the guide is silent.

type Row = { name: string; pattern: Record<string, unknown>; event: Record<string, unknown>; expected: boolean };

/** The EC2 state-change envelope used throughout the guide, with a replaceable detail. */
function ec2Event(detail: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail,
    ...overrides,
  };
}

/** The event-ruler README sample event used by the numeric / complex examples. */
const rulerDetail = {
  'c-count': 5,
  'd-count': 3,
  'x-limit': 301.8,
  'source-ip': '10.0.0.33',
  'instance-id': 'i-000000aaaaaa00000',
  state: 'running',
};
const rulerEvent = (detail: Record<string, unknown> = {}) =>
  ec2Event({ ...rulerDetail, ...detail }, { time: '2017-10-02T16:24:49Z' });

function runTable(rows: Row[]): void {
  it.each(rows)('$name → $expected', ({ pattern, event, expected }) => {
    expect(() => validatePattern(pattern)).not.toThrow();
    expect(matchesPattern(pattern, event)).toBe(expected);
  });
}

// "Amazon EventBridge event patterns" — the EC2 instance-termination example, match values and
// "Example events and event patterns" (field matching, value matching).
describe('event patterns: exact values', () => {
  const terminated = ec2Event({ 'instance-id': 'i-1234567890abcdef0', state: 'terminated' });
  const ec2Termination = {
    source: ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
    detail: { state: ['terminated'] },
  };
  const macie = {
    version: '0',
    'detail-type': 'Macie Finding',
    source: 'aws.macie',
    detail: { severity: { score: 1, description: 'Low' }, count: 2 },
  };
  const maciePattern = {
    source: ['aws.macie'],
    'detail-type': ['Macie Finding'],
    detail: { severity: { score: [1] }, count: [2] },
  };
  runTable([
    { name: 'EC2 termination pattern on terminated event', pattern: ec2Termination, event: terminated, expected: true },
    {
      name: 'EC2 termination pattern on running event',
      pattern: ec2Termination,
      event: ec2Event({ state: 'running' }),
      expected: false,
    },
    {
      name: 'strings are case-sensitive (no case folding)',
      pattern: { detail: { state: ['Terminated'] } },
      event: terminated,
      expected: false,
    },
    {
      name: 'pattern field missing from event',
      pattern: { detail: { 'previous-state': ['running'] } },
      event: terminated,
      expected: false,
    },
    {
      name: 'match values array is OR (aws.ec2 or aws.fargate)',
      pattern: { source: ['aws.ec2', 'aws.fargate'] },
      event: terminated,
      expected: true,
    },
    { name: 'match values array without the source', pattern: { source: ['aws.s3', 'aws.fargate'] }, event: terminated, expected: false },
    { name: 'Macie severity score 1 and count 2', pattern: maciePattern, event: macie, expected: true },
    {
      name: 'Macie count 3 does not match',
      pattern: maciePattern,
      event: { ...macie, detail: { ...macie.detail, count: 3 } },
      expected: false,
    },
    { name: 'numbers do not match their string form', pattern: { detail: { count: ['2'] } }, event: macie, expected: false },
    { name: 'boolean true matches JSON true', pattern: { detail: { ok: [true] } }, event: { detail: { ok: true } }, expected: true },
    { name: 'boolean true does not match "true"', pattern: { detail: { ok: [true] } }, event: { detail: { ok: 'true' } }, expected: false },
    {
      name: 'a leaf pattern does not match an object value',
      pattern: { detail: ['x'] },
      event: terminated,
      expected: false,
    },
  ]);
});

// "Matching null values and empty strings in Amazon EventBridge event patterns".
describe('null values and empty strings', () => {
  const autoscaling = {
    version: '0',
    id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    account: '123456789012',
    time: '2015-11-11T21:31:47Z',
    region: 'us-east-1',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };
  runTable([
    { name: 'empty string matches ""', pattern: { detail: { eventVersion: [''] } }, event: autoscaling, expected: true },
    { name: 'null matches null', pattern: { detail: { responseElements: [null] } }, event: autoscaling, expected: true },
    {
      name: 'field matching example with source, detail-type and null',
      pattern: {
        source: ['aws.autoscaling'],
        'detail-type': ['EC2 Instance Launch Successful'],
        detail: { responseElements: [null] },
      },
      event: autoscaling,
      expected: true,
    },
    { name: '"" does not match null', pattern: { detail: { responseElements: [''] } }, event: autoscaling, expected: false },
    { name: 'null does not match ""', pattern: { detail: { eventVersion: [null] } }, event: autoscaling, expected: false },
    { name: 'null does not match a missing field', pattern: { detail: { missing: [null] } }, event: autoscaling, expected: false },
    { name: 'an empty event array matches no value', pattern: { resources: [''] }, event: autoscaling, expected: false },
  ]);
});

// "Arrays in Amazon EventBridge event patterns" and the event-ruler README "JSON Array Matching".
describe('arrays', () => {
  const resourcesPattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  const order = { detail: { items: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 5 }] } };
  runTable([
    {
      name: 'event array intersects pattern array',
      pattern: resourcesPattern,
      event: {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      expected: true,
    },
    {
      name: 'event array does not intersect',
      pattern: resourcesPattern,
      event: { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] },
      expected: false,
    },
    { name: 'object array is flattened (Anna)', pattern: { employees: { firstName: ['Anna'] } }, event: employees, expected: true },
    { name: 'object array has no Maria', pattern: { employees: { firstName: ['Maria'] } }, event: employees, expected: false },
    {
      name: 'fields must come from the same array element (Anna Jones)',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      event: employees,
      expected: false,
    },
    {
      name: 'fields from the same array element (Anna Smith)',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
      event: employees,
      expected: true,
    },
    {
      name: 'multi-level arrays are flattened',
      pattern: { employees: { firstName: ['Peter'] } },
      event: { employees: [[employees.employees[0], employees.employees[1]], [employees.employees[2]]] },
      expected: true,
    },
    { name: 'items sku A', pattern: { detail: { items: { sku: ['A'] } } }, event: order, expected: true },
    { name: 'items sku C', pattern: { detail: { items: { sku: ['C'] } } }, event: order, expected: false },
    {
      name: 'operators apply per element (qty > 3)',
      pattern: { detail: { items: { qty: [{ numeric: ['>', 3] }] } } },
      event: order,
      expected: true,
    },
    {
      name: 'sku A with qty > 3 is not in one element',
      pattern: { detail: { items: { sku: ['A'], qty: [{ numeric: ['>', 3] }] } } },
      event: order,
      expected: false,
    },
    {
      name: 'prefix over a string array matches any element',
      pattern: { detail: { tags: [{ prefix: 'env:' }] } },
      event: { detail: { tags: ['team:ops', 'env:prod'] } },
      expected: true,
    },
  ]);
});

// "Content filtering" › Prefix matching, Prefix matching while ignoring case (and the older guide's
// "Prefix Matching Example" for Auto Scaling events from European regions).
describe('prefix', () => {
  const timePrefix = { time: [{ prefix: '2017-10-02' }] };
  const servicePrefix = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
  const euAutoscaling = { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] };
  runTable([
    { name: 'time starts with 2017-10-02', pattern: timePrefix, event: { time: '2017-10-02T18:43:48Z' }, expected: true },
    { name: 'time on another day', pattern: timePrefix, event: { time: '2017-10-03T18:43:48Z' }, expected: false },
    { name: 'prefix is case-sensitive', pattern: { source: [{ prefix: 'AWS.' }] }, event: { source: 'aws.ec2' }, expected: false },
    { name: 'prefix only matches strings', pattern: { detail: { n: [{ prefix: '12' }] } }, event: { detail: { n: 123 } }, expected: false },
    { name: 'ignore-case prefix: EventBridge', pattern: servicePrefix, event: { detail: { service: 'EventBridge' } }, expected: true },
    { name: 'ignore-case prefix: EVENTB', pattern: servicePrefix, event: { detail: { service: 'EVENTB' } }, expected: true },
    { name: 'ignore-case prefix: eventbus', pattern: servicePrefix, event: { detail: { service: 'eventbus' } }, expected: true },
    { name: 'ignore-case prefix: MyEventBridge', pattern: servicePrefix, event: { detail: { service: 'MyEventBridge' } }, expected: false },
    {
      name: 'Auto Scaling event from eu-west-1',
      pattern: euAutoscaling,
      event: { source: 'aws.autoscaling', region: 'eu-west-1' },
      expected: true,
    },
    {
      name: 'Auto Scaling event from us-east-1',
      pattern: euAutoscaling,
      event: { source: 'aws.autoscaling', region: 'us-east-1' },
      expected: false,
    },
  ]);
});

// "Content filtering" › Suffix matching, Suffix matching while ignoring case.
describe('suffix', () => {
  const png = { FileName: [{ suffix: '.png' }] };
  const pngIgnoreCase = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
  runTable([
    { name: 'image.png ends with .png', pattern: png, event: { FileName: 'image.png' }, expected: true },
    { name: 'image.jpg', pattern: png, event: { FileName: 'image.jpg' }, expected: false },
    { name: 'suffix is case-sensitive', pattern: png, event: { FileName: 'IMAGE.PNG' }, expected: false },
    { name: 'ignore-case suffix: IMAGE.PNG', pattern: pngIgnoreCase, event: { detail: { FileName: 'IMAGE.PNG' } }, expected: true },
    { name: 'ignore-case suffix: photo.Png', pattern: pngIgnoreCase, event: { detail: { FileName: 'photo.Png' } }, expected: true },
    { name: 'ignore-case suffix: photo.gif', pattern: pngIgnoreCase, event: { detail: { FileName: 'photo.gif' } }, expected: false },
  ]);
});

// "Content filtering" › Anything-but matching (strings, numbers, lists, prefix, suffix,
// equals-ignore-case, wildcard).
describe('anything-but', () => {
  const state = (value: unknown) => ({ detail: { state: value } });
  const notInitializing = { detail: { state: [{ 'anything-but': 'initializing' }] } };
  const not123 = { detail: { 'x-limit': [{ 'anything-but': 123 }] } };
  const notStoppedOrOverloaded = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
  const notHundreds = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
  const notInitPrefix = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
  const notTxt = { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } };
  const notInitIgnoreCase = { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } };
  const notInitOrStopped = {
    detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
  };
  const notLib = { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } };
  const notLibOrBin = { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } };
  runTable([
    { name: 'string: running', pattern: notInitializing, event: state('running'), expected: true },
    { name: 'string: initializing', pattern: notInitializing, event: state('initializing'), expected: false },
    { name: 'string: field missing', pattern: notInitializing, event: { detail: {} }, expected: false },
    { name: 'number: 456', pattern: not123, event: { detail: { 'x-limit': 456 } }, expected: true },
    { name: 'number: 123', pattern: not123, event: { detail: { 'x-limit': 123 } }, expected: false },
    { name: 'string list: running', pattern: notStoppedOrOverloaded, event: state('running'), expected: true },
    { name: 'string list: overloaded', pattern: notStoppedOrOverloaded, event: state('overloaded'), expected: false },
    { name: 'number list: 150', pattern: notHundreds, event: { detail: { 'x-limit': 150 } }, expected: true },
    { name: 'number list: 200', pattern: notHundreds, event: { detail: { 'x-limit': 200 } }, expected: false },
    { name: 'prefix: running', pattern: notInitPrefix, event: state('running'), expected: true },
    { name: 'prefix: initializing', pattern: notInitPrefix, event: state('initializing'), expected: false },
    { name: 'suffix: report.pdf', pattern: notTxt, event: { detail: { FileName: 'report.pdf' } }, expected: true },
    { name: 'suffix: notes.txt', pattern: notTxt, event: { detail: { FileName: 'notes.txt' } }, expected: false },
    { name: 'ignore case: running', pattern: notInitIgnoreCase, event: state('running'), expected: true },
    { name: 'ignore case: INITIALIZING', pattern: notInitIgnoreCase, event: state('INITIALIZING'), expected: false },
    { name: 'ignore case list: pending', pattern: notInitOrStopped, event: state('pending'), expected: true },
    { name: 'ignore case list: Stopped', pattern: notInitOrStopped, event: state('Stopped'), expected: false },
    { name: 'wildcard: /usr/bin/node', pattern: notLib, event: { detail: { FilePath: '/usr/bin/node' } }, expected: true },
    { name: 'wildcard: /usr/lib/libc.so', pattern: notLib, event: { detail: { FilePath: '/usr/lib/libc.so' } }, expected: false },
    { name: 'wildcard list: /etc/hosts', pattern: notLibOrBin, event: { detail: { FilePath: '/etc/hosts' } }, expected: true },
    { name: 'wildcard list: /usr/bin/node', pattern: notLibOrBin, event: { detail: { FilePath: '/usr/bin/node' } }, expected: false },
    {
      name: 'array value with one allowed element',
      pattern: notStoppedOrOverloaded,
      event: state(['stopped', 'running']),
      expected: true,
    },
    { name: 'array value with only excluded elements', pattern: notStoppedOrOverloaded, event: state(['stopped']), expected: false },
  ]);
});

// "Content filtering" › Numeric matching (values are JSON numbers) and the guide's comparison
// operator table (Price = 100, Price > 10 and <= 20).
describe('numeric', () => {
  const docPattern = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };
  const priceEquals = { Price: [{ numeric: ['=', 100] }] };
  const priceRange = { Price: [{ numeric: ['>', 10, '<=', 20] }] };
  const atLeast = { Price: [{ numeric: ['>=', 10, '<', 20] }] };
  runTable([
    { name: 'all three numeric fields satisfied', pattern: docPattern, event: rulerEvent(), expected: true },
    { name: 'c-count 0 is not > 0', pattern: docPattern, event: rulerEvent({ 'c-count': 0 }), expected: false },
    { name: 'c-count 6 is not <= 5', pattern: docPattern, event: rulerEvent({ 'c-count': 6 }), expected: false },
    { name: 'd-count 10 is not < 10', pattern: docPattern, event: rulerEvent({ 'd-count': 10 }), expected: false },
    { name: 'x-limit 301.9 is not 3.018e2', pattern: docPattern, event: rulerEvent({ 'x-limit': 301.9 }), expected: false },
    { name: 'numeric ignores a numeric string', pattern: docPattern, event: rulerEvent({ 'x-limit': '301.8' }), expected: false },
    { name: 'Price = 100', pattern: priceEquals, event: { Price: 100 }, expected: true },
    { name: 'Price = 100 vs 100.5', pattern: priceEquals, event: { Price: 100.5 }, expected: false },
    { name: 'range: 10 is excluded', pattern: priceRange, event: { Price: 10 }, expected: false },
    { name: 'range: 10.5', pattern: priceRange, event: { Price: 10.5 }, expected: true },
    { name: 'range: 20 is included', pattern: priceRange, event: { Price: 20 }, expected: true },
    { name: 'range: 20.000001', pattern: priceRange, event: { Price: 20.000001 }, expected: false },
    { name: '>= / <: 10 is included', pattern: atLeast, event: { Price: 10 }, expected: true },
    { name: '>= / <: 20 is excluded', pattern: atLeast, event: { Price: 20 }, expected: false },
    { name: 'negative numbers', pattern: { t: [{ numeric: ['<', -5.5] }] }, event: { t: -10 }, expected: true },
  ]);
});

// "Content filtering" › IP address matching (IPv4 and IPv6).
describe('cidr', () => {
  const v4 = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };
  const v6 = { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } };
  const ip = (value: unknown) => ({ detail: { sourceIPAddress: value } });
  runTable([
    { name: '10.0.0.0', pattern: v4, event: ip('10.0.0.0'), expected: true },
    { name: '10.0.0.255', pattern: v4, event: ip('10.0.0.255'), expected: true },
    { name: '10.0.1.1', pattern: v4, event: ip('10.0.1.1'), expected: false },
    { name: 'not an IP string', pattern: v4, event: ip('ten.zero.zero.one'), expected: false },
    { name: 'a number is not an IP', pattern: v4, event: ip(10), expected: false },
    { name: 'IPv6 inside 2001:db8::/32', pattern: v6, event: ip('2001:db8:1234::1'), expected: true },
    { name: 'IPv6 outside 2001:db8::/32', pattern: v6, event: ip('2001:db9::1'), expected: false },
    { name: 'IPv4 value against IPv6 block', pattern: v6, event: ip('10.0.0.1'), expected: false },
    {
      name: 'ruler example source-ip in 10.0.0.0/8',
      pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/8' }] } },
      event: rulerEvent(),
      expected: true,
    },
  ]);
});

// "Content filtering" › Exists matching (leaf nodes only).
describe('exists', () => {
  const hasState = { detail: { state: [{ exists: true }] } };
  const noCCount = { detail: { 'c-count': [{ exists: false }] } };
  const pending = {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '123456789012',
    time: '2015-11-11T21:29:54Z',
    region: 'us-east-1',
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
    detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
  };
  const cCountObject = {
    'detail-type': ['EC2 Instance State-change Notification'],
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
    detail: { 'c-count': { c1: 100 } },
  };
  const withState = {
    'detail-type': ['EC2 Instance State-change Notification'],
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
    detail: { state: ['initializing', 'running'] },
  };
  runTable([
    { name: 'exists true: detail.state present', pattern: hasState, event: pending, expected: true },
    { name: 'exists true: detail.state absent', pattern: hasState, event: cCountObject, expected: false },
    { name: 'exists true: state is null (a value)', pattern: hasState, event: { detail: { state: null } }, expected: true },
    {
      name: 'exists true: intermediate node does not count',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: cCountObject,
      expected: false,
    },
    { name: 'exists false: c-count absent', pattern: noCCount, event: withState, expected: true },
    { name: 'exists false: c-count is not a leaf', pattern: noCCount, event: cCountObject, expected: true },
    { name: 'exists false: c-count present', pattern: noCCount, event: rulerEvent(), expected: false },
    { name: 'exists false: whole detail absent', pattern: noCCount, event: { source: 'x' }, expected: true },
    { name: 'exists false: empty array has no values', pattern: noCCount, event: { detail: { 'c-count': [] } }, expected: true },
    {
      name: 'exists combined with a value (either)',
      pattern: { detail: { state: [{ exists: false }, 'running'] } },
      event: rulerEvent(),
      expected: true,
    },
  ]);
});

// "Content filtering" › Equals-ignore-case matching.
describe('equals-ignore-case', () => {
  const pattern = { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] };
  runTable([
    {
      name: 'detail-type in any case',
      pattern,
      event: {
        'detail-type': ['EC2 Instance State-change Notification'],
        resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
        detail: { 'c-count': { c1: 100 } },
      },
      expected: true,
    },
    { name: 'different text', pattern, event: { 'detail-type': 'EC2 Instance Launch Successful' }, expected: false },
    { name: 'Name is "Alice" (operator table)', pattern: { Name: [{ 'equals-ignore-case': 'alice' }] }, event: { Name: 'ALICE' }, expected: true },
    { name: 'only strings', pattern: { n: [{ 'equals-ignore-case': '1' }] }, event: { n: 1 }, expected: false },
  ]);
});

// "Content filtering" › Wildcard matching (the * character, escaping with \* and \\) and the
// event-ruler README wildcard example.
describe('wildcard', () => {
  const busArn = { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] };
  runTable([
    {
      name: 'event bus ARN in any account',
      pattern: busArn,
      event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' },
      expected: true,
    },
    {
      name: 'event bus ARN in another region',
      pattern: busArn,
      event: { EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders' },
      expected: false,
    },
    {
      name: 'Simple*Service',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleQueueService' },
      expected: true,
    },
    { name: '* matches zero characters', pattern: { source: [{ wildcard: 'Simple*Service' }] }, event: { source: 'SimpleService' }, expected: true },
    { name: '*.png', pattern: { key: [{ wildcard: '*.png' }] }, event: { key: 'dir/cat.png' }, expected: true },
    { name: '*.png vs .jpg', pattern: { key: [{ wildcard: '*.png' }] }, event: { key: 'dir/cat.jpg' }, expected: false },
    { name: '*Title* in the middle', pattern: { t: [{ wildcard: '*Title*' }] }, event: { t: 'My Title Here' }, expected: true },
    { name: 'wildcard is case-sensitive', pattern: { t: [{ wildcard: '*Title*' }] }, event: { t: 'my title' }, expected: false },
    { name: 'escaped \\* is a literal asterisk', pattern: { s: [{ wildcard: 'a\\*b' }] }, event: { s: 'a*b' }, expected: true },
    { name: 'escaped \\* does not match other text', pattern: { s: [{ wildcard: 'a\\*b' }] }, event: { s: 'axb' }, expected: false },
    { name: 'escaped \\\\ is a literal backslash', pattern: { s: [{ wildcard: 'c:\\\\*' }] }, event: { s: 'c:\\temp' }, expected: true },
    { name: 'regex characters are literal', pattern: { s: [{ wildcard: 'a.c*' }] }, event: { s: 'abc' }, expected: false },
    { name: 'only strings', pattern: { n: [{ wildcard: '1*' }] }, event: { n: 12 }, expected: false },
  ]);
});

// "Content filtering" › Complex example with multiple matching, including the note that a key
// repeated in a pattern keeps only its last occurrence.
describe('complex example with multiple matching', () => {
  const complex = {
    time: [{ prefix: '2017-10-02' }],
    detail: {
      state: [{ 'anything-but': 'initializing' }],
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ 'anything-but': [100, 200, 300] }],
    },
  };
  const duplicateKey = JSON.parse(
    '{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}',
  ) as Record<string, unknown>;
  runTable([
    { name: 'ruler sample event', pattern: complex, event: rulerEvent(), expected: true },
    { name: 'state initializing', pattern: complex, event: rulerEvent({ state: 'initializing' }), expected: false },
    { name: 'x-limit 200', pattern: complex, event: rulerEvent({ 'x-limit': 200 }), expected: false },
    {
      name: 'another day',
      pattern: complex,
      event: { ...rulerEvent(), time: '2017-10-03T00:00:00Z' },
      expected: false,
    },
    { name: 'repeated key: last wins (eu-west)', pattern: duplicateKey, event: { detail: { location: 'eu-west' } }, expected: true },
    { name: 'repeated key: last wins (us-east)', pattern: duplicateKey, event: { detail: { location: 'us-east' } }, expected: false },
  ]);
});

// "Content filtering" › Complex example with $or matching, the operator table's "Or (multiple
// fields)" row, and the event-ruler README "$or" examples (normal, parallel, nested).
describe('$or', () => {
  const docOr = {
    detail: {
      $or: [
        { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
        { 'd-count': [{ numeric: ['<', 10] }] },
        { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
      ],
    },
  };
  const locationOrDay = { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };
  const normalOr = {
    source: ['aws.cloudwatch'],
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  };
  const parallelOr = {
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
  };
  const nestedOr = {
    source: ['aws.cloudwatch'],
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      { scope: ['Service'] },
    ],
  };
  const cw = (fields: Record<string, unknown>) => ({ source: 'aws.cloudwatch', ...fields });
  runTable([
    { name: 'only c-count satisfied', pattern: docOr, event: { detail: { 'c-count': 3, 'd-count': 50 } }, expected: true },
    { name: 'only d-count satisfied', pattern: docOr, event: { detail: { 'd-count': 9 } }, expected: true },
    { name: 'only x-limit satisfied', pattern: docOr, event: { detail: { 'x-limit': 301.8 } }, expected: true },
    { name: 'none satisfied', pattern: docOr, event: { detail: { 'c-count': 9, 'd-count': 10, 'x-limit': 1 } }, expected: false },
    { name: 'Location New York', pattern: locationOrDay, event: { Location: 'New York', Day: 'Friday' }, expected: true },
    { name: 'Day Monday', pattern: locationOrDay, event: { Location: 'Paris', Day: 'Monday' }, expected: true },
    { name: 'neither Location nor Day', pattern: locationOrDay, event: { Location: 'Paris', Day: 'Friday' }, expected: false },
    { name: 'normal: source and namespace', pattern: normalOr, event: cw({ namespace: 'AWS/EC2' }), expected: true },
    { name: 'normal: wrong source', pattern: normalOr, event: { source: 'aws.ec2', namespace: 'AWS/EC2' }, expected: false },
    {
      name: 'parallel: both ORs satisfied',
      pattern: parallelOr,
      event: { metricName: 'ReadLatency', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
      expected: true,
    },
    {
      name: 'parallel: second OR unsatisfied',
      pattern: parallelOr,
      event: { metricName: 'ReadLatency', detail: { source: 'aws.ec2' } },
      expected: false,
    },
    {
      name: 'nested: metricType, namespace and spaceId',
      pattern: nestedOr,
      event: cw({ metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1000 }),
      expected: true,
    },
    {
      name: 'nested: inner OR unsatisfied',
      pattern: nestedOr,
      event: cw({ metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1 }),
      expected: false,
    },
    { name: 'nested: scope alone', pattern: nestedOr, event: cw({ scope: 'Service' }), expected: true },
    {
      name: '$or alternatives at different depths',
      pattern: { $or: [{ source: ['aws.s3'] }, { detail: { state: ['running'] } }] },
      event: rulerEvent(),
      expected: true,
    },
  ]);
});

describe('validatePattern', () => {
  it.each([
    ['the pattern is not an object', ['source'], /Invalid event pattern: the pattern must be a JSON object/],
    ['the pattern is null', null, /must be a JSON object/],
    ['empty pattern', {}, /empty objects are not allowed/],
    ['empty nested object', { detail: {} }, /at detail: empty objects are not allowed/],
    ['leaf is not an array', { source: 'aws.ec2' }, /at source: leaf values must be arrays/],
    ['leaf is a number', { detail: { n: 5 } }, /at detail\.n: leaf values must be arrays/],
    ['empty value array', { source: [] }, /at source: empty arrays are not allowed/],
    ['nested value array', { source: [['aws.ec2']] }, /at source: nested arrays/],
    ['unknown operator', { source: [{ contains: 'ec2' }] }, /at source: unknown operator "contains"/],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, /exactly one key/],
    ['prefix is a number', { source: [{ prefix: 1 }] }, /prefix must be a string/],
    ['prefix object with another key', { source: [{ prefix: { wildcard: 'a*' } }] }, /prefix only accepts/],
    ['suffix equals-ignore-case is a number', { f: [{ suffix: { 'equals-ignore-case': 1 } }] }, /suffix equals-ignore-case must be a string/],
    ['equals-ignore-case is a list', { f: [{ 'equals-ignore-case': ['a'] }] }, /equals-ignore-case must be a string/],
    [
      'numeric without a number',
      { detail: { price: [{ numeric: ['>'] }] } },
      /^Invalid event pattern at detail\.price: numeric operator needs pairs of operator and number$/,
    ],
    ['numeric number given as string', { detail: { price: [{ numeric: ['>', '5'] }] } }, /needs pairs of operator and number/],
    ['numeric is not an array', { price: [{ numeric: 5 }] }, /needs pairs of operator and number/],
    ['numeric with three pairs', { price: [{ numeric: ['>', 0, '<', 5, '<', 6] }] }, /needs pairs/],
    ['numeric unknown operator', { price: [{ numeric: ['!=', 5] }] }, /unknown numeric operator "!="/],
    ['numeric range upper bound first', { price: [{ numeric: ['<', 5, '>', 1] }] }, /numeric range must be/],
    ['numeric range with "="', { price: [{ numeric: ['=', 5, '<', 9] }] }, /numeric range must be/],
    ['numeric range bottom above top', { price: [{ numeric: ['>', 5, '<=', 1] }] }, /bottom 5 must be less than top 1/],
    ['numeric value out of range', { price: [{ numeric: ['>', 6e9] }] }, /outside -5.0e9..5.0e9/],
    ['exists is a string', { f: [{ exists: 'true' }] }, /exists must be true or false/],
    ['anything-but mixed list', { f: [{ 'anything-but': ['a', 1] }] }, /all strings or all numbers/],
    ['anything-but empty list', { f: [{ 'anything-but': [] }] }, /must be non-empty/],
    ['anything-but null', { f: [{ 'anything-but': null }] }, /anything-but must be a string, a number/],
    ['anything-but boolean list', { f: [{ 'anything-but': [true] }] }, /all strings or all numbers/],
    ['anything-but numeric', { f: [{ 'anything-but': { numeric: ['>', 1] } }] }, /anything-but object must be one of/],
    ['anything-but empty prefix', { f: [{ 'anything-but': { prefix: '' } }] }, /anything-but prefix must not be empty/],
    ['anything-but suffix number', { f: [{ 'anything-but': { suffix: 1 } }] }, /anything-but suffix must be a string/],
    ['anything-but bad wildcard', { f: [{ 'anything-but': { wildcard: 'a**' } }] }, /consecutive wildcard characters/],
    ['consecutive wildcards', { f: [{ wildcard: 'a**b' }] }, /at f: consecutive wildcard characters at position 1/],
    ['invalid wildcard escape', { f: [{ wildcard: 'a\\b' }] }, /invalid escape at position 1/],
    ['trailing wildcard escape', { f: [{ wildcard: 'a\\' }] }, /invalid escape/],
    ['cidr without mask', { ip: [{ cidr: '10.0.0.0' }] }, /not a valid IPv4\/IPv6 CIDR/],
    ['cidr mask too large', { ip: [{ cidr: '10.0.0.0/33' }] }, /not a valid/],
    ['cidr /32 (event-ruler requires < 32)', { ip: [{ cidr: '10.0.0.1/32' }] }, /not a valid/],
    ['cidr host name', { ip: [{ cidr: 'example.com/8' }] }, /not a valid/],
    ['cidr is a number', { ip: [{ cidr: 10 }] }, /cidr must be a string/],
    ['$or with one alternative', { $or: [{ a: ['1'] }] }, /at \$or: \$or needs an array of at least two/],
    ['$or is an object', { $or: { a: ['1'] } }, /\$or needs an array/],
    ['$or alternative is not an object', { detail: { $or: [{ a: ['1'] }, ['b']] } }, /at detail\.\$or: \$or needs/],
    ['$or alternative is empty', { $or: [{ a: ['1'] }, {}] }, /at \$or: empty objects are not allowed/],
    ['operator name used as a field in $or', { $or: [{ numeric: [123] }, { prefix: ['abc'] }] }, /"numeric" is an operator/],
    [
      '$or expanding to more than 1000 combinations',
      {
        a: { $or: Array.from({ length: 11 }, (_, i) => ({ [`x${i}`]: ['1'] })) },
        b: { $or: Array.from({ length: 10 }, (_, i) => ({ [`y${i}`]: ['1'] })) },
        c: { $or: Array.from({ length: 10 }, (_, i) => ({ [`z${i}`]: ['1'] })) },
      },
      /1100 rule combinations \(maximum 1000\)/,
    ],
  ])('rejects %s', (_name, pattern, message) => {
    expect(() => validatePattern(pattern)).toThrow(message);
  });

  it.each([
    ['every operator together', {
      source: ['aws.ec2', 1, true, null, ''],
      detail: {
        a: [{ prefix: 'x' }, { prefix: { 'equals-ignore-case': 'X' } }, { suffix: 'y' }, { suffix: { 'equals-ignore-case': 'Y' } }],
        b: [{ 'anything-but': 'x' }, { 'anything-but': 1 }, { 'anything-but': ['x'] }, { 'anything-but': [1, 2] }],
        c: [{ 'anything-but': { prefix: 'x' } }, { 'anything-but': { suffix: 'x' } }],
        d: [{ 'anything-but': { 'equals-ignore-case': ['x'] } }, { 'anything-but': { wildcard: '*x' } }],
        e: [{ numeric: ['>=', -5e9, '<', 5e9] }, { exists: false }, { 'equals-ignore-case': 'x' }],
        f: [{ wildcard: 'a\\*\\\\*' }, { cidr: '10.0.0.0/8' }, { cidr: '2001:db8::/32' }],
      },
    }],
    ['exactly 1000 $or combinations', {
      a: { $or: Array.from({ length: 10 }, (_, i) => ({ [`x${i}`]: ['1'] })) },
      b: { $or: Array.from({ length: 10 }, (_, i) => ({ [`y${i}`]: ['1'] })) },
      c: { $or: Array.from({ length: 10 }, (_, i) => ({ [`z${i}`]: ['1'] })) },
    }],
  ])('accepts %s', (_name, pattern) => {
    expect(() => validatePattern(pattern)).not.toThrow();
  });
});

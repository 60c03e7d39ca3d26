import { describe, expect, it } from 'vitest';
import { transformTargetInput } from './transform';

// The example EC2 event from the AWS EventBridge User Guide, "Amazon EventBridge input transformation".
const event = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
};

// The guide's Input Path example.
const InputPathsMap = {
  timestamp: '$.time',
  instance: '$.detail.instance-id',
  state: '$.detail.state',
  resource: '$.resources[0]',
};

const meta = {
  ruleName: 'example',
  ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example',
  ingestionTime: '2015-11-11T21:29:55Z',
};

const transform = (InputTemplate: string, paths: Record<string, string> = InputPathsMap, ev: Record<string, unknown> = event) =>
  transformTargetInput({ InputTransformer: { InputPathsMap: paths, InputTemplate } }, ev, meta);

// "Input transform examples" table (the CloudWatch log group row is target-specific formatting and is not modelled).
describe('InputTransformer: guide examples', () => {
  it.each([
    ['simple string', '"instance <instance> is in <state>"', '"instance i-0123456789 is in RUNNING"'],
    [
      'string with escaped quotes',
      '"instance \\"<instance>\\" is in <state>"',
      '"instance \\"i-0123456789\\" is in RUNNING"',
    ],
    [
      'simple JSON',
      '{\n  "instance" : <instance>,\n  "state": <state>\n}',
      '{\n  "instance" : "i-0123456789",\n  "state": "RUNNING"\n}',
    ],
    [
      'JSON with strings and variables',
      '{\n "instance" : <instance>,\n "state": "<state>",\n "instanceStatus": "instance \\"<instance>\\" is in <state>"\n}',
      '{\n "instance" : "i-0123456789",\n "state": "RUNNING",\n "instanceStatus": "instance \\"i-0123456789\\" is in RUNNING"\n}',
    ],
    [
      'JSON with a mix of variables and static information',
      '{\n  "instance" : <instance>,\n  "state": [ 9, <state>, true ],\n  "Transformed" : "Yes"\n}',
      '{\n  "instance" : "i-0123456789",\n  "state": [ 9, "RUNNING", true ],\n  "Transformed" : "Yes"\n}',
    ],
    ['reserved variable in a string', '"<aws.events.rule-name> triggered"', '"example triggered"'],
    [
      'timestamp and array index paths',
      '{"at": <timestamp>, "resource": "<resource>"}',
      '{"at": "2015-11-11T21:29:54Z", "resource": "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"}',
    ],
  ])('%s', (_name, template, expected) => {
    expect(transform(template)).toBe(expected);
  });

  it('including reserved variables in JSON', () => {
    const output = transform(
      '{\n  "instance" : <instance>,\n  "state": <state>,\n  "ruleArn" : <aws.events.rule-arn>,\n' +
        '  "ruleName" : <aws.events.rule-name>,\n  "originalEvent" : <aws.events.event.json>\n}',
    );
    expect(JSON.parse(output)).toEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
      ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example',
      ruleName: 'example',
      originalEvent: event,
    });
  });
});

// "Predefined variables" and "Common issues with transforming input".
describe('InputTransformer: variables and edge cases', () => {
  const orderEvent = {
    ...event,
    detail: { orderId: 'o-1', total: 42.5, paid: true, lines: [{ sku: 'A' }, { sku: 'B' }], note: 'say "hi"' },
  };
  it.each([
    ['number in JSON position', '{"total": <total>}', { total: '$.detail.total' }, '{"total": 42.5}'],
    ['number inside a string', '"total <total>"', { total: '$.detail.total' }, '"total 42.5"'],
    ['boolean in JSON position', '{"paid": <paid>}', { paid: '$.detail.paid' }, '{"paid": true}'],
    ['object in JSON position', '{"d": <lines>}', { lines: '$.detail.lines' }, '{"d": [{"sku":"A"},{"sku":"B"}]}'],
    ['wildcard path yields a list', '{"skus": <skus>}', { skus: '$.detail.lines[*].sku' }, '{"skus": ["A","B"]}'],
    ['missing path in JSON position is null', '{"x": <x>}', { x: '$.detail.nope' }, '{"x": null}'],
    ['missing path inside a string is empty', '"x=<x>"', { x: '$.detail.nope' }, '"x="'],
    ['values are not escaped inside strings', '"note: <note>"', { note: '$.detail.note' }, '"note: say "hi""'],
    ['values are JSON-encoded outside strings', '{"note": <note>}', { note: '$.detail.note' }, '{"note": "say \\"hi\\""}'],
    ['undefined placeholders are left alone', '"<orderId> <unknown>"', { orderId: '$.detail.orderId' }, '"o-1 <unknown>"'],
    ['a bare < is plain text', '"a < b, <orderId>"', { orderId: '$.detail.orderId' }, '"a < b, o-1"'],
    ['plain-text template quotes strings', 'Order <orderId> paid', { orderId: '$.detail.orderId' }, 'Order "o-1" paid'],
    ['no InputPathsMap, only predefined variables', '{"rule": <aws.events.rule-arn>}', {}, '{"rule": "arn:aws:events:us-east-2:123456789012:rule/example"}'],
    ['ingestion time', '{"received": <aws.events.event.ingestion-time>}', {}, '{"received": "2015-11-11T21:29:55Z"}'],
  ])('%s', (_name, template, paths, expected) => {
    expect(transform(template, paths, orderEvent)).toBe(expected);
  });

  it('aws.events.event is the payload without detail; aws.events.event.json is the full event', () => {
    const output = JSON.parse(transform('{"e": <aws.events.event>, "full": <aws.events.event.json>}', {}));
    const { detail: _detail, ...withoutDetail } = event;
    expect(output).toEqual({ e: withoutDetail, full: event });
  });

  it('predefined rule variables without meta resolve like missing paths', () => {
    const output = transformTargetInput(
      { InputTransformer: { InputTemplate: '{"rule": <aws.events.rule-name>, "text": "<aws.events.rule-arn>"}' } },
      event,
    );
    expect(output).toBe('{"rule": null, "text": ""}');
  });

  it('rejects InputPathsMap entries that redefine reserved variables', () => {
    expect(() => transform('<aws.events.rule-name>', { 'aws.events.rule-name': '$.source' })).toThrow(
      /reserved variable "aws.events.rule-name"/,
    );
  });
});

// "Configure target input": matched event (default), constant Input, and InputPath.
describe('Input, InputPath and the default', () => {
  it.each([
    ['$', JSON.stringify(event)],
    ['$.detail', '{"instance-id":"i-0123456789","state":"RUNNING"}'],
    ['$.detail.state', '"RUNNING"'],
    ['$.resources[0]', '"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"'],
    ['$.resources', '["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"]'],
    ['$.detail.missing', 'null'],
  ])('InputPath %s', (InputPath, expected) => {
    expect(transformTargetInput({ InputPath }, event)).toBe(expected);
  });

  it('delivers the whole matched event when nothing is configured', () => {
    expect(JSON.parse(transformTargetInput({}, event))).toEqual(event);
  });

  it('delivers constant Input text unchanged', () => {
    const Input = '{ "action": "reindex", "full": true }';
    expect(transformTargetInput({ Input }, event)).toBe(Input);
  });

  it('rejects a target with more than one input option', () => {
    expect(() => transformTargetInput({ Input: '{}', InputPath: '$.detail' }, event)).toThrow(/Only one of Input/);
  });
});

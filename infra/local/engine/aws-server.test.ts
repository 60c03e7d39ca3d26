import { describe, expect, it } from 'vitest';
import { startAccounting } from './capacity-accounting';
import { quickAccounting, trailingCapacity } from './aws-server';

describe('the traced DynamoDB proxy, written without parsing', () => {
  it.each([
    ['GetItem', '{"TableName":"t","Key":{"pk":{"S":"a"}}}'],
    ['ListTables', '{}'],
    ['UpdateItem', '{"TableName":"t","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET x = :x","ConditionExpression":"attribute_exists(pk)","ExpressionAttributeValues":{":x":{"N":"1"}}}'],
    ['PutItem', '{"TableName":"t","Item":{"pk":{"S":"a"}}}'],
    ['TransactWriteItems', '{"TransactItems":[{"Put":{"TableName":"t","Item":{"pk":{"S":"a"}},"ConditionExpression":"attribute_not_exists(pk)"}}]}'],
  ])('sends %s %s as startAccounting would', async (action, request) => {
    const expected = (await startAccounting(action, JSON.parse(request), { endpoint: 'http://127.0.0.1:1' })).request;
    expect(JSON.parse(quickAccounting(action, request)!)).toEqual(expected);
  });

  it.each([
    ['the caller asks for the capacity itself', '{"TableName":"t","ReturnConsumedCapacity":"INDEXES"}'],
    ['the caller asks for the item of a failed condition itself', '{"TableName":"t","ConditionExpression":"a","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}'],
    ['an attribute has one of those names', '{"TableName":"t","Item":{"ReturnConsumedCapacity":{"S":"x"}}}'],
    ['it is not a JSON object', 'not json'],
    ['it is a list', '[1]'],
  ])('leaves the request to be read whole when %s', (_, request) => {
    expect(quickAccounting('PutItem', request)).toBeUndefined();
  });

  it.each([
    ['{"ConsumedCapacity":{"TableName":"t","CapacityUnits":1.0}}', {}, { TableName: 't', CapacityUnits: 1 }],
    ['{"Item":{"pk":{"S":"a"}},"ConsumedCapacity":{"TableName":"t","CapacityUnits":0.5}}', { Item: { pk: { S: 'a' } } }, { TableName: 't', CapacityUnits: 0.5 }],
    ['{"ConsumedCapacity":[{"TableName":"t","CapacityUnits":4.0,"WriteCapacityUnits":4.0}]}', {}, [{ TableName: 't', CapacityUnits: 4, WriteCapacityUnits: 4 }]],
    // An item's attribute of that name stays.
    ['{"Item":{"ConsumedCapacity":{"S":"x"}},"ConsumedCapacity":{"TableName":"t","CapacityUnits":0.5}}', { Item: { ConsumedCapacity: { S: 'x' } } }, { TableName: 't', CapacityUnits: 0.5 }],
  ])('reads the capacity at the end of %s and hands back the answer without it', (answer, rest, consumed) => {
    const taken = trailingCapacity(answer)!;
    expect(taken.consumed).toEqual(consumed);
    expect(JSON.parse(taken.answer)).toEqual(rest);
  });

  it.each([['{"Item":{"ConsumedCapacity":{"S":"x"}}}'], ['{}'], ['{"Items":[],"Count":0} ']])('finds no capacity at the end of %s (the answer is then read whole)', (answer) => {
    expect(trailingCapacity(answer)).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAccounting } from './capacity-accounting';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';

// The accounting against DynamoDB Local itself, sending what the traced endpoint sends.
let db: DynamoDbLocal;
const TABLE = 'capacity-records';
const x = (bytes: number) => ({ S: 'x'.repeat(bytes) });

async function send(target: string, body: Record<string, unknown>) {
  const response = await fetch(db.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${target}`, authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' },
    body: JSON.stringify(body),
  });
  return { status: response.status, result: (await response.json()) as Record<string, unknown> };
}

/** One call as the traced endpoint makes it: the accounting's request, then its settlement. */
async function traced(target: string, request: Record<string, unknown>, sizeTransactions = true) {
  const accounting = await startAccounting(target, request, { endpoint: db.endpoint, sizeTransactions });
  const { status, result } = await send(target, accounting.request);
  return { status, ...(await accounting.settle(status, result)) };
}

beforeAll(async () => {
  db = await startDynamoDbLocal();
  await send('CreateTable', {
    TableName: TABLE,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    GlobalSecondaryIndexes: [{ IndexName: 'gsi1', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
  });
  await send('PutItem', { TableName: TABLE, Item: { pk: { S: 'BIG' }, sk: { S: 'ITEM' }, d: x(2500) } });
}, 90_000);

afterAll(async () => {
  await db?.stop();
});

describe('capacity accounting on the traced endpoint', () => {
  it("bills a write whose condition failed on the item that is there, and hands the caller DynamoDB's error as it asked for it", async () => {
    const put = { TableName: TABLE, Item: { pk: { S: 'BIG' }, sk: { S: 'ITEM' } }, ConditionExpression: 'attribute_not_exists(pk)' };
    const failed = await traced('PutItem', put);
    expect(failed).toMatchObject({ status: 400, writeUnits: 3, answer: { __type: expect.stringMatching(/ConditionalCheckFailedException$/) } });
    expect(failed.answer).not.toHaveProperty('Item');
    // Asked for, the item stays in the error.
    expect((await traced('PutItem', { ...put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })).answer).toHaveProperty('Item');
    // Nothing there: one unit.
    const update = { TableName: TABLE, Key: { pk: { S: 'NONE' }, sk: { S: 'ITEM' } }, UpdateExpression: 'SET a = :a', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':a': { S: 'b' } } };
    expect(await traced('UpdateItem', update)).toMatchObject({ status: 400, writeUnits: 1 });
  });

  it('keeps DynamoDB Local figures where they follow the rules, and takes out the capacity the caller did not ask for', async () => {
    const written = await traced('PutItem', { TableName: TABLE, Item: { pk: { S: 'IDX' }, sk: { S: 'ITEM' }, gsi1pk: { S: 'P' }, gsi1sk: { S: '1' }, d: x(1500) } });
    // 2 units on the table and 2 in the index, which projects the whole item.
    expect(written).toMatchObject({ status: 200, writeUnits: 4, answer: {} });
    expect(written.answer).not.toHaveProperty('ConsumedCapacity');
    const read = await traced('GetItem', { TableName: TABLE, Key: { pk: { S: 'BIG' }, sk: { S: 'ITEM' } }, ReturnConsumedCapacity: 'TOTAL' });
    expect(read).toMatchObject({ readUnits: 0.5, writeUnits: 0, answer: { ConsumedCapacity: expect.anything() } });
  });

  it('bills a transaction two units per KB of each item; without sizing, DynamoDB Local counts each distinct size once at four per KB', async () => {
    const transaction = (id: string) => ({
      TransactItems: [
        { Put: { TableName: TABLE, Item: { pk: { S: `${id}-1` }, sk: { S: 'ITEM' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: TABLE, Item: { pk: { S: `${id}-2` }, sk: { S: 'ITEM' }, d: x(1500) } } },
        { Update: { TableName: TABLE, Key: { pk: { S: 'BIG' }, sk: { S: 'ITEM' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '1' } } } },
      ],
    });
    // 2 × 1 + 2 × 2 + 2 × 3 (the 2.5 KB item updated).
    expect(await traced('TransactWriteItems', transaction('T1'))).toMatchObject({ status: 200, writeUnits: 12 });
    expect(await traced('TransactWriteItems', transaction('T2'), false)).toMatchObject({ status: 200, writeUnits: 4 * (1 + 2 + 3) });
  });
});

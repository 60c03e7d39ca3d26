import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { defineShopApp } from '../infra/aws/shop-app';
import { readLocalModel, synthesizeForLocal } from '../infra/local/engine/assembly';
import { LOCAL_CLIENT_CONFIG, createTablesFromTemplate, startDynamoDbLocal } from '../infra/local/engine/dynamodb-local';
import { SHOP_TEMPLATE_METADATA } from '../infra/local/shop/shop-binding';

/**
 * DynamoDB Local with the production template's tables (keys, indexes, TTL), for repository tests:
 * they run against the tables `cdk deploy` creates, not hand-written copies.
 */
export async function startTestTables() {
  const db = await startDynamoDbLocal();
  const model = readLocalModel(synthesizeForLocal((app) => defineShopApp(app, { stage: 'test', flows: [], checks: false, console: false })), 'test', { metadata: SHOP_TEMPLATE_METADATA });
  const dynamo = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: db.endpoint });
  await createTablesFromTemplate(dynamo, model.tables);
  const docs = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  return {
    dynamo,
    docs,
    /** A table's local name by its logical id prefix, e.g. `RecordsTable`. */
    table: (logicalIdPrefix: string) => model.tables.find((t) => t.logicalId.startsWith(logicalIdPrefix))!.tableName,
    async stop() {
      docs.destroy();
      await db.stop();
    },
  };
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

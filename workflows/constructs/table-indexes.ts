import type { ITable } from 'aws-cdk-lib/aws-dynamodb';

/**
 * The secondary indexes of each table, so grants can name them one by one instead of the
 * `table/index/*` wildcard CDK's grant methods use (least privilege, and cdk-nag IAM5 stays clean).
 */
const indexes = new WeakMap<ITable, string[]>();

export function registerIndex(table: ITable, indexName: string): void {
  indexes.set(table, [...(indexes.get(table) ?? []), indexName]);
}

export function indexesOf(table: ITable): string[] {
  return indexes.get(table) ?? [];
}

import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { documents } from './aws';

/**
 * The few DynamoDB moves every repository makes, written once: a consistent read, a put that
 * happens once per key, a conditional update that reports a failed condition as `undefined`
 * instead of an exception, and a query read to its last page. Repositories (`shared/records/`,
 * `shared/tasks/`) own their keys and expressions; this only runs them.
 */

export type Key = Record<string, string>;
export type Item = Record<string, unknown>;

/** The update parts a repository writes; table name, key and return values are added here. */
export type UpdateExpression = Pick<
  UpdateCommandInput,
  'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

export type QueryExpression = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

export const isConditionFailure = (error: unknown): boolean => (error as Error)?.name === 'ConditionalCheckFailedException';

/** `ExpressionAttributeNames` for `#name` placeholders named after the attributes themselves. */
export function names(...attributes: string[]): Record<string, string> {
  return Object.fromEntries(attributes.map((attribute) => [`#${attribute}`, attribute]));
}

/**
 * An update that sets every field given (or, `ifMissing`, only those the item lacks), with an
 * optional condition. Placeholders are numbered, so any attribute name fits (an event's field
 * names are not always valid placeholders); the condition brings its own names and values.
 */
export function setFields(
  fields: Record<string, unknown>,
  options: { ifMissing?: boolean; condition?: string; names?: Record<string, string>; values?: Record<string, unknown> } = {},
): UpdateExpression {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  const assign = (i: number) => (options.ifMissing ? `#f${i} = if_not_exists(#f${i}, :f${i})` : `#f${i} = :f${i}`);
  return {
    UpdateExpression: `SET ${entries.map((_, i) => assign(i)).join(', ')}`,
    ...(options.condition ? { ConditionExpression: options.condition } : {}),
    ExpressionAttributeNames: { ...Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])), ...options.names },
    ExpressionAttributeValues: { ...Object.fromEntries(entries.map(([, value], i) => [`:f${i}`, value])), ...options.values },
  };
}

export class DynamoTable {
  constructor(
    readonly name: string,
    /** The partition key attribute, for "only if absent" conditions. */
    readonly partitionKey: string,
    readonly client: DynamoDBDocumentClient = documents(),
  ) {}

  async get<T>(key: Key): Promise<T | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }));
    return Item as T | undefined;
  }

  /** Unconditional: the item as given replaces what was there. */
  async put(item: Item): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.name, Item: item }));
  }

  /** Writes the item unless its key exists. True when this call wrote it, false for a repeat. */
  async putOnce(item: Item): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({ TableName: this.name, Item: item, ConditionExpression: `attribute_not_exists(#key)`, ExpressionAttributeNames: { '#key': this.partitionKey } }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** An update; the item as it is afterwards, or undefined when its condition failed. */
  async update<T>(key: Key, expression: UpdateExpression): Promise<T | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({ TableName: this.name, Key: key, ReturnValues: 'ALL_NEW', ...expression }),
      );
      return Attributes as T;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Deletes the item; with a condition, only when it holds (else ConditionalCheckFailedException). */
  async delete(key: Key, condition?: Pick<UpdateExpression, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.name, Key: key, ...condition }));
  }

  /** Every item a query matches, page after page. */
  async queryAll<T>(query: QueryExpression): Promise<T[]> {
    const items: T[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...query, TableName: this.name, ExclusiveStartKey }));
      items.push(...((page.Items ?? []) as T[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** One page of at most `limit` items from where the previous page ended (`after`, its `next`). */
  async queryPage<T>(query: QueryExpression, limit: number, after?: Record<string, unknown>): Promise<{ items: T[]; next?: Record<string, unknown> }> {
    const page = await this.client.send(new QueryCommand({ ...query, TableName: this.name, Limit: limit, ExclusiveStartKey: after }));
    return { items: (page.Items ?? []) as T[], ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}) };
  }

  /** The first `limit` items a query matches, reading on while a page came back short (1 MB). */
  async queryFirst<T>(query: QueryExpression, limit: number): Promise<T[]> {
    const items: T[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ ...query, TableName: this.name, Limit: limit - items.length, ExclusiveStartKey }),
      );
      items.push(...((page.Items ?? []) as T[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey && items.length < limit);
    return items;
  }
}

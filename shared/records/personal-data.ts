import type { DynamoTable } from '../dynamo';
import { recordsTable } from './table';

/**
 * Personal data of the events that start flows (`shipTo`, `phone`, ...), kept out of workflow
 * history: the intake stores the fields here and hands the execution a reference instead (the
 * item's partition key, `personalDataRef`); the steps that need them read them server-side.
 *
 * Items (pk / sk):
 * - `PERSONAL#<flow>#<businessKey>` / `detail`: the personal fields of one flow instance's event,
 *   as the event gave them. No index.
 */

export type PersonalFields = Record<string, unknown>;

/** The reference a flow instance's execution input carries instead of its personal data. */
export const personalDataRef = (flow: string, businessKey: string) => `PERSONAL#${flow}#${businessKey}`;

export const personalDataKey = (ref: string) => ({ pk: ref, sk: 'detail' });

export class PersonalData {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  /** Stores the fields, replacing what an earlier delivery of the event stored, and returns their reference. */
  async keep(flow: string, businessKey: string, fields: PersonalFields): Promise<string> {
    const ref = personalDataRef(flow, businessKey);
    await this.table.put({ ...fields, ...personalDataKey(ref) });
    return ref;
  }

  async read(ref: string): Promise<PersonalFields | undefined> {
    return this.table.get<PersonalFields>(personalDataKey(ref));
  }
}

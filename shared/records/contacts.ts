import type { DynamoTable } from '../dynamo';
import { memberPartition } from './members';
import { recordsTable } from './table';

/**
 * Members' phones in the Records table, the one place they are kept (business rules §5). Read
 * only server-side, when a notification is sent (`shared/notifications/contacts.ts`); never logged.
 *
 * Items (pk / sk):
 * - `MEMBER#<memberId>` / `CONTACT`: `phone` (the default) and optionally `phones: { <ref>: <number> }`
 *   for a notification's `phoneRef`. No index.
 */

export interface MemberContact {
  phone?: string;
  phones?: Record<string, string>;
}

export const memberContactKey = (memberId: string) => ({ pk: memberPartition(memberId), sk: 'CONTACT' });

export class MemberContacts {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  async get(memberId: string): Promise<MemberContact | undefined> {
    return this.table.get<MemberContact>(memberContactKey(memberId));
  }

  /**
   * The member's default phone, as their latest order gave it; named phones stay as they are.
   * Written only when it changed: most orders come from members whose phone is kept already, and
   * a (strongly consistent) read costs a fifth of the write it saves (`npm run bench`).
   */
  async savePhone(memberId: string, phone: string): Promise<void> {
    if ((await this.get(memberId))?.phone === phone) return;
    await this.table.update(memberContactKey(memberId), {
      UpdateExpression: 'SET phone = :phone',
      ExpressionAttributeValues: { ':phone': phone },
    });
  }
}

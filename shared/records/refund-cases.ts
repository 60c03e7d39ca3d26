import { names, type DynamoTable } from '../dynamo';
import { GSI1, GSI2, recordsTable } from './table';

/**
 * Refund cases in the Records table: the request, its assessment and decision, the returned
 * goods, and the case's result. Written by the refund flow; read by the SLA report.
 *
 * Items (pk / sk):
 * - `REFUND#<refundId>` / `REFUND`: the case. Index gsi1: `REFUNDS#<memberId>` / `REFUND#<requestedAt>`
 *   (a member's refunds by time, for the "fewer than 3 in 90 days" rule). Index gsi2, only while
 *   the case is open: `REFUNDS#open` / `<openedAt>` (the SLA report's open cases).
 * - `REFUND#<refundId>` / `RETURN`: when the returned goods arrived; the first receipt counts.
 * - `REFUND#<refundId>` / `RETURN-WAIT`: the task token of the flow waiting for the goods. Never logged.
 */

export interface RefundCase {
  refundId: string;
  memberId: string;
  requestedAt: string;
  openedAt: string;
  /** When the case is past its deadline (business rules §4: closed within 7 working days). */
  closeBy?: string;
  /** Why the case has no deadline: its working days lie past the business calendar's data. */
  deadlineUnknown?: string;
  assessment: unknown;
  decision?: 'approved' | 'rejected';
  decidedAt?: string;
  approvedBy?: string[];
  paidFen?: number;
  result?: unknown;
  closedAt?: string;
  [field: string]: unknown;
}

/** An earlier refund of the member, as the refund rules count it. */
export interface MemberRefund {
  refundId: string;
  requestedAt: string;
  decision?: 'approved' | 'rejected';
  paidFen?: number;
}

const partition = (refundId: string) => `REFUND#${refundId}`;
const caseKey = (refundId: string) => ({ pk: partition(refundId), sk: 'REFUND' });
const returnKey = (refundId: string) => ({ pk: partition(refundId), sk: 'RETURN' });
const returnWaitKey = (refundId: string) => ({ pk: partition(refundId), sk: 'RETURN-WAIT' });
const memberRefunds = (memberId: string) => `REFUNDS#${memberId}`;
const memberRefundOrder = (requestedAt: string) => `REFUND#${requestedAt}`;
const OPEN_CASES = 'REFUNDS#open';

export class RefundCases {
  constructor(private readonly table: DynamoTable = recordsTable()) {}

  async get(refundId: string): Promise<RefundCase | undefined> {
    return this.table.get<RefundCase>(caseKey(refundId));
  }

  /** Opens the case once; a retried assessment finds it open and changes nothing. */
  async open(
    request: { refundId: string; memberId: string; requestedAt: string; [field: string]: unknown },
    opening: { assessment: unknown; openedAt: string } & ({ closeBy: string } | { deadlineUnknown: string }),
  ): Promise<boolean> {
    const { openedAt } = opening;
    return this.table.putOnce({
      ...caseKey(request.refundId),
      ...request,
      ...opening,
      gsi1pk: memberRefunds(request.memberId),
      gsi1sk: memberRefundOrder(request.requestedAt),
      gsi2pk: OPEN_CASES,
      gsi2sk: openedAt,
    });
  }

  /** The member's refunds requested at or after `since`, oldest first. */
  async memberRefundsSince(memberId: string, since: string): Promise<MemberRefund[]> {
    return this.table.queryAll<MemberRefund>({
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :member AND gsi1sk >= :since',
      ExpressionAttributeValues: { ':member': memberRefunds(memberId), ':since': memberRefundOrder(since) },
    });
  }

  async recordDecision(refundId: string, decision: { decision: 'approved' | 'rejected'; decidedAt: string; approvedBy: string[]; lines: unknown }): Promise<void> {
    await this.table.update(caseKey(refundId), {
      UpdateExpression: 'SET #decision = :decision, #decidedAt = :at, #approvedBy = :by, #lines = :lines',
      ExpressionAttributeNames: names('decision', 'decidedAt', 'approvedBy', 'lines'),
      ExpressionAttributeValues: { ':decision': decision.decision, ':at': decision.decidedAt, ':by': decision.approvedBy, ':lines': decision.lines },
    });
  }

  /** The case's result; it leaves the open cases. */
  async close(refundId: string, closing: { result: unknown; decision: 'approved' | 'rejected'; paidFen: number; closedAt: string }): Promise<void> {
    await this.table.update(caseKey(refundId), {
      UpdateExpression: 'SET #result = :result, closedAt = :at, #decision = :decision, paidFen = :paid REMOVE gsi2pk, gsi2sk',
      ExpressionAttributeNames: names('result', 'decision'),
      ExpressionAttributeValues: { ':result': closing.result, ':at': closing.closedAt, ':decision': closing.decision, ':paid': closing.paidFen },
    });
  }

  /** Every case not closed yet, oldest first. */
  async openCases(): Promise<RefundCase[]> {
    return this.table.queryAll<RefundCase>({
      IndexName: GSI2,
      KeyConditionExpression: 'gsi2pk = :open',
      ExpressionAttributeValues: { ':open': OPEN_CASES },
    });
  }

  // --- Returned goods: whichever of the receipt and the wait comes second resumes the flow --------

  /** Records the receipt (the first one counts) and returns the time that counts. */
  async recordReturn(refundId: string, receivedAt: string): Promise<string> {
    const item = await this.table.update<{ receivedAt: string }>(returnKey(refundId), {
      UpdateExpression: 'SET receivedAt = if_not_exists(receivedAt, :at)',
      ExpressionAttributeValues: { ':at': receivedAt },
    });
    return item?.receivedAt ?? receivedAt;
  }

  async returnReceivedAt(refundId: string): Promise<string | undefined> {
    return (await this.table.get<{ receivedAt?: string }>(returnKey(refundId)))?.receivedAt;
  }

  async awaitReturn(refundId: string, taskToken: string): Promise<void> {
    await this.table.put({ ...returnWaitKey(refundId), taskToken });
  }

  /** The token of the flow waiting for the goods, if it waits. */
  async returnWaitToken(refundId: string): Promise<string | undefined> {
    return (await this.table.get<{ taskToken?: string }>(returnWaitKey(refundId)))?.taskToken;
  }
}

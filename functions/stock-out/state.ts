import * as z from 'zod';

/** The stock-out flow's state: the StockOutDetected detail plus what the steps added. */
export const Line = z.object({ skuId: z.string().min(1), quantity: z.number().int().positive(), unitPriceFen: z.number().int().nonnegative() });

export const StockOutState = z.looseObject({
  orderId: z.string().min(1),
  memberId: z.string().min(1),
  placedAt: z.string(),
  totalFen: z.number().int(),
  lines: z.array(Line).min(1),
  unservedLines: z.array(z.object({ skuId: z.string().min(1), quantity: z.number().int().positive() })).min(1),
  contact: z.looseObject({ outcome: z.string(), data: z.record(z.string(), z.unknown()).optional(), decidedBy: z.string() }).optional(),
});
export type StockOutState = z.infer<typeof StockOutState>;

/** What the unserved lines cost the customer: the amount a cancellation refunds in full. */
export function unservedAmountFen(state: Pick<StockOutState, 'lines' | 'unservedLines'>): number {
  return state.unservedLines.reduce((total, unserved) => {
    const line = state.lines.find((l) => l.skuId === unserved.skuId);
    if (!line) throw new Error(`unserved SKU ${unserved.skuId} is not a line of the order`);
    return total + line.unitPriceFen * unserved.quantity;
  }, 0);
}

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

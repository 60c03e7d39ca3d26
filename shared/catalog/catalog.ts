import * as z from 'zod';
import skusJson from './skus.json' with { type: 'json' };
import { toFieldErrors, describeFieldErrors } from '../validation';

/**
 * The SKU catalog as reference data: prices for exchanges, and the attributes the refund rules
 * need (fresh food and custom-made goods are excluded from no-reason returns).
 */
export const Sku = z.object({
  skuId: z.string().min(1),
  name: z.string().min(1),
  category: z.enum(['food', 'cosmetics', 'electronics', 'apparel', 'general']),
  priceFen: z.number().int().positive(),
  fresh: z.boolean(),
  customMade: z.boolean(),
});
export type Sku = z.infer<typeof Sku>;

export function loadCatalog(data: unknown = skusJson): Map<string, Sku> {
  const result = z.array(Sku).safeParse(data);
  if (!result.success) throw new Error(`SKU catalog is invalid: ${describeFieldErrors(toFieldErrors(result.error, 'skus'))}`);
  return new Map(result.data.map((sku) => [sku.skuId, sku]));
}

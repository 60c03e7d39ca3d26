import { describe, expect, it } from 'vitest';
import { loadCatalog } from './catalog';

describe('the SKU catalog', () => {
  it('loads the reference data with prices in fen and the refund attributes', () => {
    const catalog = loadCatalog();
    expect(catalog.get('SKU-LJ-250')).toMatchObject({ priceFen: 29800, fresh: false, customMade: false });
    expect(catalog.get('SKU-DH-1')?.fresh).toBe(true);
    expect(catalog.get('SKU-CUP-ENG')?.customMade).toBe(true);
  });

  it('names the bad entry and field', () => {
    expect(() => loadCatalog([{ skuId: 'X', name: 'x', category: 'food', priceFen: 9.5, fresh: false, customMade: false }])).toThrow(/skus\[0\]\.priceFen/);
  });
});

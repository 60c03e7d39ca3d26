/** EventBridge sources on the `shop-platform` bus. Kept apart from catalog.ts so event modules can import it without a cycle. */
export const sources = {
  listings: 'shop.listings',
  orders: 'shop.orders',
  inventory: 'shop.inventory',
  aftersales: 'shop.aftersales',
  workflows: 'shop.workflows',
} as const;

export type Source = (typeof sources)[keyof typeof sources];

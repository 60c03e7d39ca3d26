// Valid sample details, one per event, telling one story: a Hangzhou tea seller lists Longjing,
// stock arrives in Shanghai, a Tmall member in Shanghai buys two boxes (a high-value order),
// gets them, returns one for a quality issue and complains. Clone before changing them.
import type * as z from 'zod';
import type { ComplaintFiledDetail } from './complaint-filed';
import type { ListingSubmittedDetail } from './listing-submitted';
import type { OrderDeliveredDetail } from './order-delivered';
import type { OrderPlacedDetail } from './order-placed';
import type { OrderShippedDetail } from './order-shipped';
import type { RefundRequestedDetail } from './refund-requested';
import type { ReturnReceivedDetail } from './return-received';
import type { StockReceivedDetail } from './stock-received';

/** Delivery addresses near the stores ST-SH-01, ST-HZ-01 and ST-BJ-01 (real district coordinates). */
export const addresses = {
  shanghai: { province: '上海市', city: '上海市', district: '静安区', lat: 31.2286, lng: 121.4474 },
  hangzhou: { province: '浙江省', city: '杭州市', district: '西湖区', lat: 30.2595, lng: 120.13 },
  beijing: { province: '北京市', city: '北京市', district: '朝阳区', lat: 39.9219, lng: 116.4436 },
} as const satisfies Record<string, z.input<typeof OrderPlacedDetail>['shipTo']>;

export const listingSubmitted = {
  listingId: 'L-20261120-0001',
  revision: 1,
  sellerId: 'S-HZ-0042',
  category: 'food',
  title: '西湖龙井 明前特级 绿茶 250g 礼盒装',
  description: '产自杭州西湖核心产区，明前手工采摘炒制，扁平挺直，汤色嫩绿明亮，适合送礼与自饮。',
  images: [
    // The platform's image bucket, in two of the URL forms the review accepts (s3:// and the bucket's HTTPS URL).
    { url: 's3://shop-listing-images/listings/L-20261120-0001/main.jpg', width: 800, height: 800, background: '#FFFFFF' },
    { url: 'https://shop-listing-images.s3.cn-north-1.amazonaws.com.cn/listings/L-20261120-0001/detail-1.jpg', width: 1000, height: 1000, background: 'white' },
  ],
  attributes: { origin: '浙江杭州西湖', netWeight: '250g', grade: '特级', harvest: '2026 明前', shelfLifeDays: 540 },
  qualifications: [
    { type: 'production-licence', number: 'SC11433010600217', issuedAt: '2024-03-01T00:00:00Z', expiresAt: '2029-02-28T00:00:00Z' },
    { type: 'inspection-report', number: 'ZJQI-2026-087341', issuedAt: '2026-10-15T00:00:00Z' },
    { type: 'brand-authorisation', number: 'BA-SF-2026-0118', issuedAt: '2026-01-01T00:00:00Z', expiresAt: '2027-12-31T00:00:00Z' },
  ],
  skus: [
    { skuId: 'SKU-LJ-250', priceFen: 29800, stock: 120 },
    { skuId: 'SKU-LJ-500', priceFen: 56800, stock: 60 },
  ],
  brand: { name: '狮峰', authorized: true },
} satisfies z.input<typeof ListingSubmittedDetail>;

export const stockReceived = {
  skuId: 'SKU-LJ-250',
  locationId: 'ST-SH-01',
  quantity: 200,
  receivedAt: '2026-11-20T06:00:00Z',
} satisfies z.input<typeof StockReceivedDetail>;

export const orderPlaced = {
  orderId: 'O-20261121-000318',
  memberId: 'M-100862',
  channel: 'tmall',
  placedAt: '2026-11-21T03:15:00Z',
  totalFen: 59600,
  lines: [{ skuId: 'SKU-LJ-250', quantity: 2, unitPriceFen: 29800 }],
  shipTo: { ...addresses.shanghai },
  phone: '13800138000',
} satisfies z.input<typeof OrderPlacedDetail>;

export const orderShipped = {
  orderId: 'O-20261121-000318',
  carrier: 'SF Express',
  trackingNumber: 'SF1402837465921',
  shippedAt: '2026-11-21T09:40:00Z',
} satisfies z.input<typeof OrderShippedDetail>;

export const orderDelivered = {
  orderId: 'O-20261121-000318',
  deliveredAt: '2026-11-22T06:20:00Z',
} satisfies z.input<typeof OrderDeliveredDetail>;

export const refundRequested = {
  refundId: 'R-20261123-000041',
  orderId: 'O-20261121-000318',
  memberId: 'M-100862',
  kind: 'return',
  reason: 'quality',
  lines: [{ skuId: 'SKU-LJ-250', quantity: 1, amountFen: 29800 }],
  requestedAt: '2026-11-23T02:00:00Z',
} satisfies z.input<typeof RefundRequestedDetail>;

export const returnReceived = {
  refundId: 'R-20261123-000041',
  receivedAt: '2026-11-24T08:30:00Z',
} satisfies z.input<typeof ReturnReceivedDetail>;

export const complaintFiled = {
  complaintId: 'C-20261123-000007',
  orderId: 'O-20261121-000318',
  memberId: 'M-100862',
  text: '快递外包装破损，茶叶礼盒压坏了一角，希望尽快处理。',
  filedAt: '2026-11-23T03:00:00Z',
} satisfies z.input<typeof ComplaintFiledDetail>;

/** By detail-type, for table-driven tests and the demo. */
/** The stock-out contact for that order was not answered within its hour. */
export const taskEscalated = {
  taskId: '01JD3K9Q7X2V5M8N4P6R0S1T2W',
  kind: 'stock-out-contact',
  flow: 'stock-out',
  businessKey: 'ORD-20261123-0001',
  escalationLevel: 1,
  role: 'ops-lead',
  dueAt: '2026-11-23T04:30:00Z',
  escalatedAt: '2026-11-23T03:30:00Z',
};

export const orderRouted = {
  orderId: 'ORD-20261123-0001',
  memberId: 'MEM-88001',
  totalFen: 59600,
  rule: 'nearest-store',
  reason: 'Shipped from store ST-SH-01, 2.1 km from the customer, the nearest store within 50 km that has every item.',
  allocations: [{ locationId: 'ST-SH-01', skuId: 'SKU-LJ-250', quantity: 2 }],
  highValue: true,
  routedAt: '2026-11-23T02:31:05Z',
};

export const stockOutDetected = {
  orderId: 'ORD-20261123-0002',
  memberId: 'MEM-88002',
  placedAt: '2026-11-23T03:00:00Z',
  totalFen: 29800,
  lines: [{ skuId: 'SKU-LJ-250', quantity: 1, unitPriceFen: 29800 }],
  unservedLines: [{ skuId: 'SKU-LJ-250', quantity: 1 }],
  detectedAt: '2026-11-23T03:00:02Z',
};

export const refundDecided = {
  refundId: 'R-20261125-0007',
  orderId: 'O-20261121-000318',
  memberId: 'M-100862',
  decision: 'approved',
  auto: false,
  reasons: ['QUALITY_ISSUE'],
  approvedBy: ['alice'],
  refundFen: 29800,
  decidedAt: '2026-11-25T03:00:00Z',
};

export const refundPaid = {
  refundId: 'R-20261125-0007',
  orderId: 'O-20261121-000318',
  memberId: 'M-100862',
  paidFen: 29800,
  providerRefundId: 'LR-01JD3K9Q7X2V5M8N4P6R0S1T2W',
  paidAt: '2026-11-26T09:00:00Z',
};

export const aftersalesCompleted = {
  caseId: 'R-20261125-0007',
  kind: 'refund',
  orderId: 'O-20261121-000318',
  memberId: 'M-100862',
  outcome: 'approved',
  completedAt: '2026-11-26T09:00:05Z',
};

export const listingRejected = {
  listingId: 'L-20261120-0001',
  revision: 1,
  reasons: [{ code: 'BANNED_WORD', field: 'title', message: 'title contains "最好" (absolute claims): advertising law forbids it' }],
  rejectedAt: '2026-11-20T02:00:05Z',
};

export const listingPublished = {
  listingId: 'L-20261120-0001',
  revision: 2,
  publishedAt: '2026-11-21T00:00:00Z',
  skus: [{ skuId: 'SKU-LJ-250', priceFen: 29800 }],
};

export const skuSlowMoving = {
  listingId: 'L-20261120-0001',
  skuId: 'SKU-LJ-500',
  publishedAt: '2026-11-21T00:00:00Z',
  flaggedAt: '2026-11-28T00:00:00Z',
  daysWithoutSale: 7,
};

export const memberTierChanged = {
  memberId: 'M-100862',
  from: 'regular',
  to: 'silver',
  changedAt: '2026-11-21T03:15:02Z',
};

export const callbackCompleted = {
  callbackId: 'purchase-O-20261121-000318',
  memberId: 'M-100862',
  reason: 'purchase',
  outcome: 'reached',
  attempts: 1,
  satisfaction: 5,
  completedAt: '2026-11-24T03:00:00Z',
};

export const memberRecalled = {
  memberId: 'M-100862',
  couponId: 'recall-2026-11-24',
  lastPurchaseAt: '2026-08-21T03:15:02Z',
  recalledAt: '2026-11-24T02:00:00Z',
};

export const samples = {
  ListingSubmitted: listingSubmitted,
  OrderPlaced: orderPlaced,
  OrderShipped: orderShipped,
  OrderDelivered: orderDelivered,
  StockReceived: stockReceived,
  RefundRequested: refundRequested,
  ReturnReceived: returnReceived,
  ComplaintFiled: complaintFiled,
  TaskEscalated: taskEscalated,
  OrderRouted: orderRouted,
  StockOutDetected: stockOutDetected,
  RefundDecided: refundDecided,
  RefundPaid: refundPaid,
  AftersalesCompleted: aftersalesCompleted,
  ListingRejected: listingRejected,
  ListingPublished: listingPublished,
  SkuSlowMoving: skuSlowMoving,
  MemberTierChanged: memberTierChanged,
  CallbackCompleted: callbackCompleted,
  MemberRecalled: memberRecalled,
} as const;

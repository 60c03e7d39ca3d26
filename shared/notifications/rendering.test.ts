import { describe, expect, it } from 'vitest';
import { renderText } from './rendering';
import { confirmation } from './test-fixtures';

describe('renderText', () => {
  it('renders every known type without personal data', () => {
    expect(renderText(confirmation({ key: 'O-1' }))).toBe(
      'Your order O-1 is confirmed: 2 items (Longjing tea x2), ships by 23 Nov 2026, 18:00 (Beijing time). Thank you for shopping with us!',
    );
    expect(renderText({ key: 'O-1', type: 'shipping-notice', data: { carrier: 'SF Express', trackingNumber: 'SF1234567890123' } })).toBe(
      'Good news! Your order O-1 has shipped with SF Express, tracking number SF1234567890123.',
    );
    expect(renderText({ key: 'R-1', type: 'refund-issued', data: { amountFen: 12_345 } })).toBe(
      'Your refund of ¥123.45 for R-1 has been issued to your original payment method.',
    );
    const offer = { skuId: 'SKU-2', name: 'Green tea', priceFen: 1799 };
    expect(renderText({ key: 'O-1', type: 'exchange-offer', data: { offer, respondBy: '2026-11-25T10:00:00Z' } })).toBe(
      'For order O-1 we can offer Green tea at ¥17.99 (extra 10% off). Please reply by 25 Nov 2026, 18:00 (Beijing time).',
    );
    expect(renderText({ key: 'C-1', type: 'apology', data: { couponFen: 1000 } })).toBe(
      'We are sorry about C-1. A ¥10.00 red packet has been added to your account.',
    );
    expect(renderText({ key: 'O-1', type: 'stock-out-contact', data: { items: [{ skuId: 'SKU-1', quantity: 1 }] } })).toContain(
      'Sorry, 1 item (SKU-1 x1) in your order O-1 is out of stock.',
    );
    expect(renderText({ key: 'C-1', type: 'complaint-follow-up', data: { carrier: 'JD', trackingNumber: 'JD001' } })).toContain(
      'tracking number JD001',
    );
    expect(renderText({ key: 'M-1', type: 'member-recall', data: { coupon: { discountFen: 5000, minSpendFen: 19900, expiresAt: '2026-12-31T02:00:00Z' } } })).toBe(
      'We miss you! Here is ¥50.00 off your next order of ¥199.00 or more, until 31 Dec 2026, 10:00 (Beijing time).',
    );
    expect(renderText({ key: 'X-1', type: 'something-new', data: { note: 'a note' } })).toBe('Update on X-1: a note');
  });
});

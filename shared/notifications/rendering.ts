import { formatYuan } from '../money';
import type { KnownNotificationType, Notification, NotificationLine } from './model';

const shanghai = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const when = (iso: string) => `${shanghai.format(new Date(iso))} (Beijing time)`;
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function itemsText(items: NotificationLine[] = []): string {
  const count = items.reduce((total, line) => total + line.quantity, 0);
  const names = items.map((line) => `${line.name ?? line.skuId} x${line.quantity}`).join(', ');
  return names ? `${plural(count, 'item')} (${names})` : plural(count, 'item');
}

/** The SMS text. Built only from the item, which holds no personal data. */
export function renderText(notification: Pick<Notification, 'key' | 'type' | 'data'>): string {
  const { key, type } = notification;
  const data = notification.data ?? {};
  const note = data.note ? ` ${data.note}` : '';
  const reply = data.respondBy ? ` Please reply by ${when(data.respondBy)}.` : '';
  switch (type as KnownNotificationType) {
    case 'order-confirmation':
      return (
        `Your order ${key} is confirmed: ${itemsText(data.items)}, ships by ${when(data.expectedShipBy!)}. ` +
        `Thank you for shopping with us!${note}`
      );
    case 'shipping-notice':
      return `Good news! Your order ${key} has shipped with ${data.carrier}, tracking number ${data.trackingNumber}.${note}`;
    case 'stock-out-contact':
      return (
        `Sorry, ${itemsText(data.items)} in your order ${key} is out of stock. You can exchange for another product ` +
        `at an extra 10% off, or get priority shipping within 24 hours of restock.${reply}${note}`
      );
    case 'exchange-offer': {
      const offer = data.offer!;
      return `For order ${key} we can offer ${offer.name ?? offer.skuId} at ${formatYuan(offer.priceFen)} (extra 10% off).${reply}${note}`;
    }
    case 'refund-issued':
      return `Your refund of ${formatYuan(data.amountFen!)} for ${key} has been issued to your original payment method.${note}`;
    case 'apology':
      const gift = data.couponFen ? ` A ${formatYuan(data.couponFen)} red packet has been added to your account.` : '';
      return `We are sorry about ${key}.${gift}${note}`;
    case 'complaint-follow-up':
      return (
        `Following up on ${key}: your replacement ships with ${data.carrier}, tracking number ${data.trackingNumber}. ` +
        `Thank you for your patience.${note}`
      );
    case 'member-recall': {
      const coupon = data.coupon!;
      return `We miss you! Here is ${formatYuan(coupon.discountFen)} off your next order of ${formatYuan(coupon.minSpendFen)} or more, until ${when(coupon.expiresAt)}.${note}`;
    }
    default:
      return `Update on ${key}: ${data.note ?? type}`;
  }
}

import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { envelopeHandler, eventHandler } from './event';

const context = { functionName: 'test', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;
const handler = eventHandler(z.object({ orderId: z.string().min(1) }), async (detail) => ({ got: detail.orderId }));

describe('eventHandler', () => {
  it('runs on the validated detail of an EventBridge event', async () => {
    await expect(handler({ source: 'shop.orders', 'detail-type': 'OrderShipped', detail: { orderId: 'O-1' } } as never, context)).resolves.toEqual({ got: 'O-1' });
  });

  it('names the bad field of the detail', async () => {
    await expect(handler({ source: 'shop.orders', 'detail-type': 'OrderShipped', detail: { orderId: '' } } as never, context)).rejects.toMatchObject({
      name: 'ValidationError',
      fieldErrors: [{ field: 'orderId' }],
    });
  });

  it('refuses what is not an EventBridge event', async () => {
    await expect(handler({ orderId: 'O-1' } as never, context)).rejects.toMatchObject({ name: 'ValidationError', message: /Not an EventBridge event/ });
  });
});

describe('envelopeHandler', () => {
  const whole = envelopeHandler(async (event) => ({ id: event.id, type: event['detail-type'], detail: event.detail }));

  it('runs on the whole event, the detail left to the target', async () => {
    const event = { id: 'e-1', source: 'shop.orders', 'detail-type': 'OrderShipped', time: '2026-11-21T00:00:00Z', detail: { orderId: '' } };
    await expect(whole(event as never, context)).resolves.toEqual({ id: 'e-1', type: 'OrderShipped', detail: { orderId: '' } });
  });

  it('refuses what is not an EventBridge event', async () => {
    await expect(whole({ detail: {} } as never, context)).rejects.toMatchObject({ name: 'ValidationError', message: /Not an EventBridge event/ });
  });
});

import { ulid } from 'ulid';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import type { Notification } from './model';

/** For the notification tests only: a member's phone, a valid notification, and a check on what they print. */

export const PHONE = '13800138000';

export function confirmation(overrides: Partial<Notification> = {}): Notification {
  return {
    key: `O-${ulid()}`,
    type: 'order-confirmation',
    recipient: { memberId: `M-${ulid()}` },
    data: { items: [{ skuId: 'SKU-TEA', name: 'Longjing tea', quantity: 2 }], expectedShipBy: '2026-11-23T10:00:00Z' },
    ...overrides,
  };
}

/** Captures everything printed during each test of the file; afterwards no line may hold the phone (rules §5). */
export function capturePrinted(): { lines: () => string[] } {
  let logged: string[] = [];
  beforeEach(() => {
    logged = [];
    const capture = (chunk: string | Uint8Array) => (logged.push(String(chunk)), true);
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
    expect(logged.join('\n')).not.toContain(PHONE);
  });
  return { lines: () => logged };
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { REDACTED, logger, redactingReplacer } from './logger';

afterEach(() => vi.restoreAllMocks());

function captureLog(write: () => void): string {
  const lines: string[] = [];
  // Powertools writes through the console it was given; capture whatever it prints.
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  }
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  write();
  return lines.join('\n');
}

describe('the logger', () => {
  it('never prints personal data or tokens, at any depth, but keeps the rest', () => {
    const line = captureLog(() =>
      logger.info('order received', {
        order: { orderId: 'O-1', phone: '13800138000', shipTo: { city: 'Shanghai', street: '1 Nanjing Rd' } },
        task: { taskToken: 'AQabc123secret', taskId: 'T-1' },
        Authorization: 'Bearer eyJ...',
      }),
    );
    expect(line).toContain('O-1');
    expect(line).toContain('T-1');
    expect(line).not.toMatch(/13800138000|Nanjing|AQabc123secret|eyJ/);
    expect(line).toContain(REDACTED);
  });

  it('redacts by key name, whatever the case', () => {
    expect(redactingReplacer('Phone', '138')).toBe(REDACTED);
    expect(redactingReplacer('orderId', 'O-1')).toBe('O-1');
    expect(redactingReplacer('phone', undefined)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { parseDuration } from './durations';

describe('parseDuration', () => {
  it.each([
    ['3d', 259_200],
    ['90s', 90],
    ['15m', 900],
    ['2h', 7200],
    ['1w', 604_800],
    ['1d12h', 129_600],
    ['3600', 3600],
  ])('%s is %i seconds', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['', '3 days', 'd3', '1x', '1d 2h'])('refuses %j with an example of what works', (text) => {
    expect(() => parseDuration(text)).toThrow(/use e\.g\. 90s, 15m, 2h, 3d/);
  });
});

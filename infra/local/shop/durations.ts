const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `90s`, `15m`, `2h`, `3d`, `1w`, `1d12h` or a plain number of seconds → seconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new Error(`"${text}" is not a duration: use e.g. 90s, 15m, 2h, 3d, 1w or 1d12h`);
  }
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNITS[unit], 0);
}

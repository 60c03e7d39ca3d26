/** One line of the reliability table: what was checked, the figure measured, and whether it held. */
export interface CheckRow {
  check: string;
  figure: string;
  pass: boolean;
}

export function formatRows(rows: CheckRow[]): string {
  const width = (pick: (r: CheckRow) => string, head: string) => Math.max(head.length, ...rows.map((r) => pick(r).length));
  const w1 = width((r) => r.check, 'CHECK');
  const w2 = width((r) => r.figure, 'FIGURE');
  const line = (a: string, b: string, c: string) => `${a.padEnd(w1)}  ${b.padEnd(w2)}  ${c}`;
  return [line('CHECK', 'FIGURE', 'RESULT'), ...rows.map((r) => line(r.check, r.figure, r.pass ? 'pass' : 'FAIL'))].join('\n');
}

/** Runs one check; an exception is a failed line naming it, never a crash of the suite. */
export async function runCheck(check: string, run: () => Promise<Omit<CheckRow, 'check'>>): Promise<CheckRow> {
  try {
    return { check, ...(await run()) };
  } catch (error) {
    return { check, figure: `error: ${(error as Error).message.split('\n')[0].slice(0, 200)}`, pass: false };
  }
}

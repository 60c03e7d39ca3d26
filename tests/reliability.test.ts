import { describe, expect, it } from 'vitest';
import { SMALL_SIZE } from '../infra/local/shop/reliability/policy';
import { formatRows } from '../infra/local/shop/reliability/report';
import { runReliability } from '../infra/local/shop/reliability/run';

/**
 * `npm run reliability` at its small size: its own platform, every check of the full run (same
 * code, smaller counts), and every line must hold. The table is printed when one does not.
 */
describe('npm run reliability (small size)', () => {
  it('holds on every line: duplicates, malformed events, faults and redrive, races, escalations, personal data, JWT attacks, keep-alive, template', async () => {
    const report = await runReliability(SMALL_SIZE);
    const failed = report.rows.filter((row) => !row.pass);
    expect(report.rows.length).toBeGreaterThanOrEqual(15);
    expect(failed, formatRows(report.rows)).toEqual([]);
  }, 240_000);
});

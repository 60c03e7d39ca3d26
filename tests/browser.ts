import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoPath } from '../workflows/constructs/repo-paths';

/** Debian's Chromium (`.ci/run` installs it); Playwright's own browser downloads do not work here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where browser tests write their screenshots when they fail (gitignored with the rest of .local/). */
export const SCREENSHOT_DIR = repoPath('.local', 'console-screenshots');

/**
 * Chromium, headless, with a fresh profile and nothing that reaches out: without the background
 * networking flags it keeps trying hosts this machine cannot reach.
 */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`the console's browser tests need Chromium at ${CHROMIUM} (Debian/Ubuntu: apt-get install -y chromium; or set CHROMIUM_PATH)`);
  const profile = mkdtempSync(path.join(tmpdir(), 'console-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's findings on the page as it is now, of the given impacts (critical and serious unless told). */
export async function accessibilityViolations(page: Page, impacts: string[] = ['critical', 'serious']): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') rightly refuses an injected script tag.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact?: string; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe.run());
  return results.violations
    .filter((v) => impacts.includes(v.impact ?? ''))
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Screenshots of every open page of `context`, named after the test; returns the files written. */
export async function screenshotAll(context: BrowserContext, testName: string): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const stem = testName.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
  const files: string[] = [];
  for (const [i, page] of context.pages().entries()) {
    const file = path.join(SCREENSHOT_DIR, `${stem}-${i + 1}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    files.push(file);
  }
  return files;
}

import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addresses, orderPlaced } from '../events/samples';
import { EVENT_BUS_NAME } from '../infra/aws/stacks/bus-stack';
import type { Platform } from '../infra/local/engine/platform';
import { accessibilityViolations, launchBrowser, screenshotAll } from './browser';
import { eventually, opsApi, startLocalPlatform } from './support';

/**
 * The ops console in a real Chromium against one local platform: people sign in, work their inbox,
 * decide tasks and follow the flow they moved. One browser for the file; each page is one person
 * (the token lives in the page's memory).
 */

let clients: Awaited<ReturnType<typeof startLocalPlatform>>;
let platform: Platform;
let browser: BrowserContext;
let consoleUrl: string;
const ops = { user: 'olivia', roles: ['ops-lead'] };

beforeAll(async () => {
  [clients, browser] = await Promise.all([startLocalPlatform(), launchBrowser()]);
  platform = clients.platform;
  consoleUrl = `${platform.apiEndpoint}/console/`;
  await put(['shop.inventory', 'StockReceived', { skuId: 'SKU-SET-01', locationId: 'ST-SH-01', quantity: 10, receivedAt: now() }]);
  for (const orderId of ['CON-ORD-1', 'CON-ORD-2']) {
    await put(['shop.orders', 'OrderPlaced', { ...orderPlaced, orderId, memberId: `M-${orderId}`, placedAt: now(), shipTo: { ...addresses.shanghai }, lines: [{ skuId: 'SKU-SET-01', quantity: 3, unitPriceFen: 100_000 }], totalFen: 300_000 }]);
    await eventually(() => opsApi(platform, 'GET', `/flows/order-routing/${orderId}`, ops), (r) => r.body?.status === 'SUCCEEDED', `${orderId} routed`);
    await put(['shop.orders', 'OrderDelivered', { orderId, deliveredAt: now() }]);
  }
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && browser) {
    const files = await screenshotAll(browser, context.task.name);
    context.task.result.errors?.push({ message: `screenshots: ${files.join(', ')}`, name: 'Screenshots' } as never);
  }
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const now = () => new Date(platform.clock.now()).toISOString();

/** expect.poll with room for a busy machine: a decision goes through the flow before the page shows it. */
const until = <T>(read: () => Promise<T> | T, options: { timeout?: number } = {}) => expect.poll(read, { timeout: 15_000, interval: 100, ...options });

async function put(...events: Array<[string, string, unknown]>) {
  const result = await clients.events.send(
    new PutEventsCommand({ Entries: events.map(([source, type, detail]) => ({ EventBusName: EVENT_BUS_NAME, Source: source, DetailType: type, Detail: JSON.stringify(detail) })) }),
  );
  expect(result.FailedEntryCount).toBe(0);
  await platform.clock.settle();
}

async function openTask(kind: string, businessKey: string) {
  const { body } = await eventually(
    () => opsApi(platform, 'GET', `/tasks?businessKey=${businessKey}&kind=${kind}`, ops),
    (r) => r.body?.items?.some((t: any) => t.status === 'open'),
    `an open ${kind} task for ${businessKey}`,
  );
  return body.items.find((t: any) => t.status === 'open') as { taskId: string; summary: string };
}

/** A new page signed in as `user` with `groups`, at `path` under /console/ (a direct link signs in first, then shows it). */
async function signIn(user: string, groups: string, path = ''): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(consoleUrl + path);
  await page.getByLabel('User').fill(user);
  await page.getByLabel('Groups').fill(groups);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await until(() => page.getByTestId('user').textContent()).toBe(user);
  return page;
}

/** The same, with the keyboard only: Tab to the fields, type, Enter. */
async function signInByKeyboard(user: string, groups: string, path = ''): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(consoleUrl + path);
  await page.getByLabel('User').waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.type(user);
  await page.keyboard.press('Tab');
  await page.keyboard.type(groups);
  await page.keyboard.press('Enter');
  await until(() => page.getByTestId('user').textContent()).toBe(user);
  return page;
}

/** Presses a control from the keyboard: focus it (as Tab would), then Enter. */
async function press(page: Page, name: string | RegExp) {
  await page.getByRole('button', { name, exact: typeof name === 'string' }).focus();
  await page.keyboard.press('Enter');
}

async function expectAccessible(page: Page) {
  expect(await accessibilityViolations(page)).toEqual([]);
}

async function choose(page: Page, outcome: string) {
  await page.getByRole('button', { name: outcome, exact: true }).click();
  await until(() => page.getByRole('button', { name: outcome, exact: true }).getAttribute('aria-pressed')).toBe('true');
}

describe('ops console', () => {
  let alice: Page;
  let approval: { taskId: string; summary: string };

  it('signs in, shows who you are, and lists the task a flow opened; the business-key filter stays in the URL', async () => {
    await put(['shop.aftersales', 'RefundRequested', { refundId: 'RF-CON-1', orderId: 'CON-ORD-1', memberId: 'M-CON-ORD-1', kind: 'refund-only', reason: 'damaged', lines: [{ skuId: 'SKU-SET-01', quantity: 3, amountFen: 300_000 }], requestedAt: now() }]);
    approval = await openTask('refund-approval', 'RF-CON-1');

    const signInPage = await browser.newPage();
    await signInPage.goto(consoleUrl);
    await expectAccessible(signInPage);
    await signInPage.close();

    alice = await signIn('alice', 'aftersales, finance');
    await until(() => alice.getByTestId('roles').textContent()).toBe('aftersales, finance');
    const row = alice.locator(`tr[data-task-id="${approval.taskId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('refund-approval');
    expect(await row.textContent()).toMatch(/in \d+ (min|h)/);
    await expectAccessible(alice);

    await alice.getByLabel('Business key').fill('RF-CON-1');
    await alice.getByRole('button', { name: 'Filter' }).click();
    await until(() => new URL(alice.url()).searchParams.get('businessKey')).toBe('RF-CON-1');
    await until(() => alice.locator('tbody tr').count()).toBe(1);
    expect(await alice.locator('tbody tr').first().getAttribute('data-task-id')).toBe(approval.taskId);
  });

  it('claims and approves with a reason; the flow page draws the graph with the next step current', async () => {
    await alice.getByRole('link', { name: approval.summary }).click();
    await until(() => alice.getByTestId('summary').textContent()).toBe(approval.summary);
    await alice.getByRole('button', { name: 'Claim' }).click();
    await until(() => alice.getByTestId('holder').textContent()).toBe('alice');
    await choose(alice, 'approve');
    await alice.getByLabel(/^Reason/).fill('damage confirmed on the delivery photos');
    await expectAccessible(alice);
    await alice.getByRole('button', { name: 'Complete' }).click();
    await until(() => alice.getByRole('status').textContent()).toContain('Decided: approve');
    await until(() => alice.getByTestId('status').textContent()).toBe('completed');

    await alice.getByRole('link', { name: 'RF-CON-1' }).click();
    await until(() => alice.getByTestId('current-step').textContent()).toBe('Second approval (finance)');
    const node = (state: string) => alice.locator(`svg.flow-graph [data-state="${state}"]`);
    await until(() => node('Second approval (finance)').getAttribute('data-status')).toBe('current');
    expect(await node('Approve the refund').getAttribute('data-status')).toBe('taken');
    expect(await node('Pay the refund once').getAttribute('data-status')).toBe('not-taken');
    expect(await alice.locator('table.timeline').textContent()).toContain('Approve the refund');
    await expectAccessible(alice);
  });

  it('refuses the same person the second approval above 2,000 yuan, in words (four-eyes)', async () => {
    const second = await openTask('refund-second-approval', 'RF-CON-1');
    await alice.getByRole('link', { name: second.summary }).first().waitFor();
    await alice.locator(`a[href$="/tasks/${second.taskId}"]`).click();
    await choose(alice, 'approve');
    await alice.getByRole('button', { name: 'Complete' }).click();
    await until(() => alice.getByTestId('problem').textContent()).toMatch(/^Four-eyes rule: you already decided the refund-approval step/);
  });

  it('tells a second person in words that someone else decided first (409)', async () => {
    const second = await openTask('refund-second-approval', 'RF-CON-1');
    const [bob, fiona] = await Promise.all([signIn('bob', 'finance', `tasks/${second.taskId}`), signIn('fiona', 'finance', `tasks/${second.taskId}`)]);
    await choose(bob, 'approve');
    await choose(fiona, 'approve');
    await fiona.getByRole('button', { name: 'Complete' }).click();
    await until(() => fiona.getByTestId('status').textContent()).toBe('completed');
    await bob.getByRole('button', { name: 'Complete' }).click();
    await until(() => bob.getByTestId('problem').textContent()).toMatch(/^Someone else already decided this task/);
    await until(() => bob.getByTestId('status').textContent()).toBe('completed');
    await Promise.all([bob.close(), fiona.close()]);
  });

  it('completes an outcome with schema data and a reason, by keyboard: the field the API refuses is marked, then the flow closes with it', async () => {
    await put(['shop.aftersales', 'ComplaintFiled', { complaintId: 'CMP-CON-1', orderId: 'CON-ORD-2', memberId: 'M-CON-ORD-2', text: 'Box arrived crushed', filedAt: now() }]);
    const respond = await openTask('complaint-response', 'CMP-CON-1');
    // Carl works from the keyboard only.
    const carl = await signInByKeyboard('carl', 'cs-agent', '?businessKey=CMP-CON-1');
    await carl.getByRole('link', { name: respond.summary }).focus();
    await carl.keyboard.press('Enter');
    await press(carl, 'reship');
    await until(() => carl.getByRole('button', { name: 'reship', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await carl.getByLabel(/carrier/i).focus();
    await carl.keyboard.type('SF Express');
    await carl.getByLabel(/^Reason/).focus();
    await carl.keyboard.type('the customer prefers new goods');
    await press(carl, 'Complete');
    await until(() => carl.getByTestId('problem').textContent()).toMatch(/^Some of what you entered needs fixing/);
    expect(await carl.locator('.outcome-data').textContent()).toMatch(/trackingNumber|required/i);
    await expectAccessible(carl);

    await carl.getByLabel(/tracking ?number/i).focus();
    await carl.keyboard.type('SF998877');
    await press(carl, 'Complete');
    await until(() => carl.getByTestId('status').textContent()).toBe('completed');
    const decided = await opsApi(platform, 'GET', `/tasks/${respond.taskId}`, { user: 'carl', roles: ['cs-agent'] });
    expect(decided.body.decision).toMatchObject({ outcome: 'reship', reason: 'the customer prefers new goods', data: { carrier: 'SF Express', trackingNumber: 'SF998877' } });

    await carl.getByRole('link', { name: 'CMP-CON-1' }).click();
    await until(() => carl.getByTestId('flow-status').textContent(), { timeout: 20_000 }).toBe('SUCCEEDED');
    expect(await carl.getByTestId('result').textContent()).toContain('SF998877');
    await carl.close();
  });

  it('shows a role without access no such task, and a 403 in words on a direct link', async () => {
    const rita = await signIn('rita', 'reviewer', '?businessKey=RF-CON-1');
    await rita.getByTestId('empty').waitFor();
    expect(await rita.locator('tbody tr').count()).toBe(0);
    await rita.close();

    const direct = await signIn('rita', 'reviewer', `tasks/${approval.taskId}`);
    await until(() => direct.getByTestId('problem').textContent()).toMatch(/You may not open this task: it is for the role aftersales/);
    await direct.close();
  });

  it('shows the SLA and quarantine reports, and callback coverage per week as a chart', async () => {
    await alice.getByRole('link', { name: 'Reports' }).click();
    await alice.getByTestId('sla').waitFor();
    expect(await alice.getByTestId('sla').textContent()).toContain('refund-case');
    // GET /reports/callbacks is served: coverage per week for the last 8 ISO weeks, against the target.
    const chart = alice.locator('section[aria-labelledby="callbacks-heading"] figure svg');
    await chart.waitFor();
    const title = await chart.locator('title').textContent();
    expect(title).toMatch(/^Callback coverage per week: (\d{4}-W\d{2} (none due|\d+ % of \d+), ){7}\d{4}-W\d{2} (none due|\d+ % of \d+); target 80 %$/);
    expect(await chart.locator('g.bar').count()).toBe(8);
    await expectAccessible(alice);
  });

  it('shows an escalated task to ops-lead with its escalation level; an expired sign-in asks again and comes back to the page', async () => {
    const olivia = await signIn('olivia', 'ops-lead', '?kind=refund-approval');
    await olivia.getByTestId('empty').waitFor();
    await put(['shop.aftersales', 'RefundRequested', { refundId: 'RF-CON-2', orderId: 'CON-ORD-2', memberId: 'M-CON-ORD-2', kind: 'refund-only', reason: 'damaged', lines: [{ skuId: 'SKU-SET-01', quantity: 1, amountFen: 100_000 }], requestedAt: now() }]);
    const task = await openTask('refund-approval', 'RF-CON-2');
    // The approval's 24-hour SLA passes: it escalates to ops-lead, level 1.
    await platform.clock.advance(24 * 3600 + 60);
    await eventually(() => opsApi(platform, 'GET', `/tasks/${task.taskId}`, ops), (r) => r.body?.escalationLevel === 1, 'the escalation');
    // A day later her token (an hour) has expired: the next refresh asks her to sign in again, on the same page.
    await olivia.getByLabel('User').waitFor({ timeout: 30_000 });
    expect(await olivia.getByRole('status').textContent()).toContain('Your sign-in has expired');
    await olivia.getByLabel('User').fill('olivia');
    await olivia.getByLabel('Groups').fill('ops-lead');
    await olivia.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(olivia.url()).searchParams.get('kind')).toBe('refund-approval');
    const row = olivia.locator(`tr[data-task-id="${task.taskId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('level 1');
    await olivia.close();
  });
});

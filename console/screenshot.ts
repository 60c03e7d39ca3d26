// `npm run console:screenshot`: boots a private platform, takes a refund to its second approval
// through the ops API and writes the console's flow page to docs/console.png (the README's picture).
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { addresses, orderPlaced } from '../events/samples';
import { EVENT_BUS_NAME } from '../infra/aws/stacks/bus-stack';
import { launchBrowser } from '../tests/browser';
import { eventually, opsApi, startLocalPlatform } from '../tests/support';
import { repoPath } from '../workflows/constructs/repo-paths';

const { platform, events } = await startLocalPlatform();
const browser = await launchBrowser();
try {
  const now = () => new Date(platform.clock.now()).toISOString();
  const put = async (source: string, type: string, detail: unknown) => {
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: EVENT_BUS_NAME, Source: source, DetailType: type, Detail: JSON.stringify(detail) }] }));
    await platform.clock.settle();
  };
  const lead = { user: 'olivia', roles: ['ops-lead'] };
  await put('shop.inventory', 'StockReceived', { skuId: 'SKU-SET-01', locationId: 'ST-SH-01', quantity: 10, receivedAt: now() });
  await put('shop.orders', 'OrderPlaced', { ...orderPlaced, orderId: 'O-1001', memberId: 'M-1001', placedAt: now(), shipTo: { ...addresses.shanghai }, lines: [{ skuId: 'SKU-SET-01', quantity: 3, unitPriceFen: 100_000 }], totalFen: 300_000 });
  await eventually(() => opsApi(platform, 'GET', '/flows/order-routing/O-1001', lead), (r) => r.body?.status === 'SUCCEEDED', 'the order routed');
  await put('shop.orders', 'OrderDelivered', { orderId: 'O-1001', deliveredAt: now() });
  await put('shop.aftersales', 'RefundRequested', { refundId: 'R-1001', orderId: 'O-1001', memberId: 'M-1001', kind: 'refund-only', reason: 'damaged', lines: [{ skuId: 'SKU-SET-01', quantity: 3, amountFen: 300_000 }], requestedAt: now() });
  const task = async (kind: string) =>
    (await eventually(() => opsApi(platform, 'GET', `/tasks?businessKey=R-1001&kind=${kind}`, lead), (r) => r.body?.items?.length > 0, kind)).body.items[0];
  await opsApi(platform, 'POST', `/tasks/${(await task('refund-approval')).taskId}/complete`, { user: 'alice', roles: ['aftersales'] }, { outcome: 'approve', reason: 'damage confirmed on the delivery photos' });
  await task('refund-second-approval');

  const page = await browser.newPage();
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.goto(`${platform.apiEndpoint}/console/flows/refund/R-1001`);
  await page.getByLabel('User').fill('fiona');
  await page.getByLabel('Groups').fill('finance');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('svg.flow-graph').waitFor();
  const file = repoPath('docs', 'console.png');
  // The top of the page: the header, the facts and the graph down to the current step.
  await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: 1100, height: 1150 } });
  console.log(`wrote ${file}`);
} finally {
  await browser.close();
  await platform.stop();
}

import { describe, expect, it } from 'vitest';
import {
  alignRows,
  checkImageKey,
  declaredImage,
  defaultImageKey,
  describeMeasurement,
  displayWidth,
  dueClause,
  formatBytes,
  formatCatalogEntry,
  formatDuration,
  formatFlow,
  formatHttpError,
  formatListing,
  formatPrice,
  formatUpload,
  formatSlaReport,
  formatCallbacksReport,
  formatSpan,
  formatTable,
  formatTaskChange,
  formatTaskDetail,
  formatTaskList,
  formatTime,
  formatWhoAmI,
  imageContentType,
  parseAs,
  parseDataOption,
  pickListingImagesBucket,
  relativeDue,
  replaceImages,
  requiredDataFields,
  type CatalogEntryShape,
  type ImageMeasurementShape,
  type ListingViewShape,
  type TaskView,
} from './cli-format';

const NOW = new Date('2025-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

const task: TaskView = {
  taskId: '01JQ8Z6W3D5V0K2M7N4P9R1S3T',
  kind: 'refund-approval',
  flow: 'refund',
  businessKey: 'R-1001',
  summary: 'Approve a refund of 129.00 for 2 items',
  role: 'aftersales',
  status: 'open',
  dueAt: at(42 * M + 30 * S),
  escalationLevel: 0,
};

describe('durations and relative times', () => {
  it.each([
    [0, '0ms'],
    [350, '350ms'],
    [12 * S + 900, '12s'],
    [2 * M + 5 * S, '2m 5s'],
    [2 * M, '2m'],
    [3 * H, '3h'],
    [H + 20 * M + 59 * S, '1h 20m'],
    [2 * D + 4 * H + 59 * M, '2d 4h'],
    [-5 * S, '0ms'],
  ])('formatDuration(%i) is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    [45 * S, '45s'],
    [42 * M + 59 * S, '42m'],
    [2 * H + 15 * M + 10 * S, '2h 15m'],
    [3 * D + 4 * H, '3d 4h'],
  ])('formatSpan(%i) is %s', (ms, text) => expect(formatSpan(ms)).toBe(text));

  it.each([
    [42 * M + 30 * S, 'in 42m'],
    [-(3 * H + 10 * S), '3h overdue'],
    [-(2 * H + 15 * M), '2h 15m overdue'],
    [30 * S, 'in 30s'],
    [3 * D, 'in 3d'],
    [400, 'due now'],
    [-400, 'due now'],
  ])('relativeDue(now %+i ms) is %s', (offset, text) => expect(relativeDue(at(offset), NOW)).toBe(text));

  it('shows an unparseable due time as it is', () => {
    expect(relativeDue('soon', NOW)).toBe('soon');
    expect(relativeDue('', NOW)).toBe('-');
  });

  it('dueClause reads as part of a sentence', () => {
    expect(dueClause(at(42 * M), NOW)).toBe('due in 42m');
    expect(dueClause(at(-3 * H), NOW)).toBe('3h overdue');
    expect(dueClause(at(0), NOW)).toBe('due now');
  });

  it('formatTime prints UTC to the second', () => {
    expect(formatTime('2025-03-01T10:00:00.123Z')).toBe('2025-03-01 10:00:00Z');
    expect(formatTime('2025-03-01T12:00:00+02:00')).toBe('2025-03-01 10:00:00Z');
    expect(formatTime(undefined)).toBe('-');
    expect(formatTime('later')).toBe('later');
  });
});

describe('tables', () => {
  it('aligns columns, two spaces apart, without trailing spaces', () => {
    expect(formatTable(['A', 'LONGER'], [['wide cell', 'x'], ['y', '']])).toBe(['A          LONGER', 'wide cell  x', 'y'].join('\n'));
  });

  it('counts wide (CJK) characters as two columns', () => {
    expect(displayWidth('退款-7')).toBe(6);
    expect(alignRows([['退款', '|'], ['abcd', '|']])).toBe('退款  |\nabcd  |');
  });

  it('handles rows of different lengths', () => {
    expect(alignRows([['a', 'b', 'c'], ['dd']])).toBe('a   b  c\ndd');
  });
});

describe('views', () => {
  it('lists tasks with relative due times and a count', () => {
    const text = formatTaskList(
      [
        task,
        { ...task, taskId: 'T2', status: 'claimed', claimedBy: 'alice', dueAt: at(-3 * H - 5 * S), escalationLevel: 1 },
        { ...task, taskId: 'T3', status: 'completed', dueAt: at(-D) },
      ],
      NOW,
    );
    const lines = text.split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['TASK', 'KIND', 'BUSINESS KEY', 'ROLE', 'STATUS', 'DUE', 'LEVEL', 'CLAIMED BY']);
    expect(lines[1].split(/\s{2,}/)).toEqual([task.taskId, 'refund-approval', 'R-1001', 'aftersales', 'open', 'in 42m', '0', '-']);
    expect(lines[2].split(/\s{2,}/)).toEqual(['T2', 'refund-approval', 'R-1001', 'aftersales', 'claimed', '3h overdue', '1', 'alice']);
    // A finished task is not "overdue".
    expect(lines[3].split(/\s{2,}/)).toEqual(['T3', 'refund-approval', 'R-1001', 'aftersales', 'completed', '-', '0', '-']);
    expect(lines[4]).toBe('3 tasks');
    expect(formatTaskList([], NOW)).toBe('no tasks');
    expect(formatTaskList([task], NOW).endsWith('\n1 task')).toBe(true);
  });

  it('shows a task with its outcomes (reason, required data) and history', () => {
    const text = formatTaskDetail(
      {
        ...task,
        status: 'claimed',
        claimedBy: 'alice',
        allowedOutcomes: [
          { name: 'approve' },
          { name: 'reject', reasonRequired: true },
          {
            name: 'exchange',
            dataSchema: { type: 'object', properties: { skuId: { type: 'string' }, quantity: { type: 'integer' } }, required: ['skuId', 'quantity'] },
          },
          { name: 'note', dataSchema: { type: 'object' } },
        ],
        history: [
          { type: 'created', actor: 'system', at: at(-H) },
          { type: 'escalated', actor: 'system', at: at(-10 * M), level: 1, role: 'ops-lead' },
          { type: 'released', actor: 'bob', at: at(-5 * M), reason: 'lunch' },
        ],
      },
      NOW,
    );
    expect(text).toContain('task          01JQ8Z6W3D5V0K2M7N4P9R1S3T');
    expect(text).toContain('business key  R-1001');
    expect(text).toContain('status        claimed by alice');
    expect(text).toContain('due           2025-03-01 10:42:30Z (in 42m)');
    expect(text).toContain(
      [
        'outcomes',
        '  approve   reason optional',
        '  reject    reason required',
        '  exchange  reason optional; data required: skuId (string), quantity (integer)',
        '  note      reason optional; data optional',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        'history',
        '  2025-03-01 09:00:00Z  created    system',
        '  2025-03-01 09:50:00Z  escalated  system  level 1, to ops-lead',
        '  2025-03-01 09:55:00Z  released   bob     reason: lunch',
      ].join('\n'),
    );
    expect(text).not.toMatch(/ +$/m);
  });

  it('shows a decided task with its decision and no history as (none)', () => {
    const text = formatTaskDetail(
      { ...task, status: 'completed', decision: { outcome: 'reject', reason: 'late', decidedBy: 'bob', decidedAt: at(0), data: { a: 1 } } },
      NOW,
    );
    expect(text).toContain('decision      reject by bob at 2025-03-01 10:00:00Z; reason: late; data: {"a":1}');
    expect(text).toContain('due           2025-03-01 10:42:30Z\n');
    expect(text).toContain('outcomes\n  (none)');
    expect(text).toContain('history\n  (none)');
  });

  it('requiredDataFields reads required properties and their types', () => {
    expect(requiredDataFields({ required: ['a', 'b', 'c'], properties: { a: { type: 'string' }, b: { type: ['string', 'null'] } } })).toEqual([
      'a (string)',
      'b (string|null)',
      'c',
    ]);
    expect(requiredDataFields({ type: 'object' })).toEqual([]);
    expect(requiredDataFields(undefined)).toEqual([]);
  });

  it('says in one line what claim, release and complete did', () => {
    expect(formatTaskChange('claimed', { ...task, status: 'claimed', claimedBy: 'alice' }, NOW)).toBe(
      'claimed 01JQ8Z6W3D5V0K2M7N4P9R1S3T (refund-approval R-1001): claimed by alice, due in 42m',
    );
    expect(formatTaskChange('released', { ...task, dueAt: at(-H) }, NOW)).toBe('released 01JQ8Z6W3D5V0K2M7N4P9R1S3T (refund-approval R-1001): open for aftersales, 1h overdue');
    expect(
      formatTaskChange('completed', { ...task, status: 'completed', decision: { outcome: 'approve', decidedBy: 'alice', decidedAt: at(0) } }, NOW),
    ).toBe('completed 01JQ8Z6W3D5V0K2M7N4P9R1S3T (refund-approval R-1001): completed, outcome approve by alice');
  });

  it('shows a flow with step times and durations, and its result as indented JSON', () => {
    const text = formatFlow(
      {
        flow: 'refund',
        businessKey: 'R-1001',
        status: 'RUNNING',
        currentStep: 'AwaitApproval',
        startedAt: at(-2 * H),
        steps: [
          { name: 'CheckPolicy', enteredAt: at(-2 * H), exitedAt: at(-2 * H + 350) },
          { name: 'AwaitApproval', enteredAt: at(-2 * H + S), exitedAt: undefined },
        ],
        result: { decision: 'approved', paidFen: 12900 },
      },
      NOW,
    );
    expect(text).toContain('flow          refund R-1001\nstatus        RUNNING\ncurrent step  AwaitApproval\nstarted       2025-03-01 08:00:00Z');
    expect(text).not.toContain('stopped');
    expect(text).toContain(
      [
        'steps',
        '  STEP           ENTERED               EXITED                DURATION',
        '  CheckPolicy    2025-03-01 08:00:00Z  2025-03-01 08:00:00Z  350ms',
        '  AwaitApproval  2025-03-01 08:00:01Z  (in progress)         1h 59m so far',
      ].join('\n'),
    );
    expect(text).toContain('result\n  {\n    "decision": "approved",\n    "paidFen": 12900\n  }');
  });

  it('shows a finished flow with its stop time, total duration and error', () => {
    const text = formatFlow({ flow: 'stock-out', businessKey: 'O-1', status: 'FAILED', startedAt: at(-3 * D), stoppedAt: at(-D), error: 'States.Timeout', steps: [] }, NOW);
    expect(text).toContain('stopped  2025-02-28 10:00:00Z\ntook     2d\nerror    States.Timeout');
    expect(text).toContain('steps\n  (none yet)');
    expect(text).not.toContain('result');
  });

  it('shows the SLA report per kind', () => {
    const text = formatSlaReport(
      { generatedAt: at(0), kinds: [{ kind: 'refund-approval', open: 3, breached: 1, oldestDueAt: at(-5 * H) }, { kind: 'inspection', open: 0, breached: 0 }] },
      NOW,
    );
    expect(text).toBe(
      [
        'SLA report generated 2025-03-01 10:00:00Z',
        '',
        'KIND             OPEN  BREACHED  OLDEST DUE',
        'refund-approval  3     1         5h overdue',
        'inspection       0     0         -',
      ].join('\n'),
    );
    expect(formatSlaReport({ generatedAt: at(0), kinds: [] }, NOW)).toContain('no open tasks');
  });

  it('shows who the token says you are', () => {
    expect(formatWhoAmI({ user: 'alice', roles: [{ role: 'aftersales', description: 'Refunds' }, { role: 'finance', description: 'Second approval' }] })).toBe(
      'alice\n  aftersales  Refunds\n  finance     Second approval',
    );
    expect(formatWhoAmI({ user: 'bob', roles: [] })).toBe('bob\n  (no roles)');
  });
});

describe('HTTP errors', () => {
  it('prints status and message, then each field error on its own line', () => {
    expect(
      formatHttpError(400, { message: 'body is invalid', errors: [{ field: 'data.skuId', message: 'must be string' }, { field: '', message: 'unknown outcome' }] }),
    ).toEqual(['400 body is invalid', '  data.skuId: must be string', '  unknown outcome']);
    expect(formatHttpError(409, { message: 'task is claimed by bob' })).toEqual(['409 task is claimed by bob']);
  });

  it('copes with bodies that are not the API error shape', () => {
    expect(formatHttpError(502, 'Bad Gateway\n')).toEqual(['502 Bad Gateway']);
    expect(formatHttpError(401, undefined)).toEqual(['401 unauthorized']);
    expect(formatHttpError(418, { error: 'teapot' })).toEqual(['418 request failed']);
  });
});

describe('option values', () => {
  it('parses --as user:roles', () => {
    expect(parseAs('alice:aftersales')).toEqual({ user: 'alice', groups: ['aftersales'] });
    expect(parseAs('bob:aftersales, finance')).toEqual({ user: 'bob', groups: ['aftersales', 'finance'] });
    expect(parseAs('carol')).toEqual({ user: 'carol', groups: [] });
    expect(parseAs('carol:')).toEqual({ user: 'carol', groups: [] });
  });

  it('refuses --as without a user or with an unknown role, naming the roles', () => {
    expect(() => parseAs(':aftersales')).toThrow(/no user.*--as alice:aftersales/);
    expect(() => parseAs('alice:admin')).toThrow(/unknown role admin: roles are reviewer, merchandiser/);
  });

  it('parses --data as a JSON object and explains what is wrong otherwise', () => {
    expect(parseDataOption('{"skuId":"S1","quantity":2}')).toEqual({ skuId: 'S1', quantity: 2 });
    expect(() => parseDataOption('{"skuId":')).toThrow(/--data is not valid JSON \(.+\): pass an object/);
    expect(() => parseDataOption("{skuId:'S1'}")).toThrow(/--data is not valid JSON/);
    expect(() => parseDataOption('[1]')).toThrow(/--data must be a JSON object, got an array/);
    expect(() => parseDataOption('null')).toThrow(/--data must be a JSON object, got null/);
    expect(() => parseDataOption('"x"')).toThrow(/--data must be a JSON object, got "x"/);
  });
});

const entry: CatalogEntryShape = {
  skuId: 'SKU-LJ-250',
  listingId: 'L-1',
  revision: 2,
  title: '西湖龙井 明前特级 绿茶 250g 礼盒装',
  category: 'food',
  priceFen: 29_800,
  fresh: false,
  customMade: false,
  status: 'active',
  publishedAt: at(-H),
  updatedAt: at(-H),
};

const rejectedThenApproved: ListingViewShape = {
  listingId: 'L-1',
  status: 'published',
  revision: 2,
  sellerId: 'S-HZ-0042',
  publishAt: at(-H),
  publishedAt: at(-H + 2 * S),
  revisions: [
    {
      revision: 1,
      receivedAt: at(-2 * D),
      outcome: 'rejected',
      reasons: [
        { code: 'BANNED_WORD', field: 'title', message: 'the title contains the banned word "最好"' },
        { code: 'IMAGE_UNREADABLE', field: 'images[0]', message: 'images[0] could not be read' },
      ],
      reviews: [],
    },
    {
      revision: 2,
      receivedAt: at(-D),
      outcome: 'approved',
      reasons: [],
      reviews: [
        { kind: 'listing-compliance-review', outcome: 'approve', decidedBy: 'rita', decidedAt: at(-3 * H) },
        { kind: 'listing-inventory-review', outcome: 'approve', reason: 'stock counted', decidedBy: 'max', decidedAt: at(-2 * H) },
      ],
    },
  ],
  skus: [
    { skuId: 'SKU-LJ-250', priceFen: 29_800, stock: 1_500, catalog: entry },
    { skuId: 'SKU-LJ-500', priceFen: 56_800, stock: 0, catalog: { ...entry, skuId: 'SKU-LJ-500', priceFen: 49_900, status: 'delisted', updatedAt: at(-M) } },
    { skuId: 'SKU-LJ-1K', priceFen: 100_050, stock: 3 },
  ],
};

describe('listings and the catalog', () => {
  it.each([
    [29_800, '¥298.00'],
    [5, '¥0.05'],
    [100_050, '¥1,000.50'],
    [0, '¥0.00'],
    [12.5, '12.5 fen'],
  ])('formatPrice(%d) is %s', (fen, text) => expect(formatPrice(fen)).toBe(text));

  it('shows a listing: status and dates, every revision with its reasons and reviews, the SKUs with their catalog state', () => {
    const text = formatListing(rejectedThenApproved);
    expect(text).toBe(
      [
        'listing     L-1',
        'seller      S-HZ-0042',
        'status      published',
        'revision    2',
        'publish at  2025-03-01 09:00:00Z',
        'published   2025-03-01 09:00:02Z',
        '',
        'revision 1  received 2025-02-27 10:00:00Z  rejected',
        '  reasons',
        '    BANNED_WORD       title      the title contains the banned word "最好"',
        '    IMAGE_UNREADABLE  images[0]  images[0] could not be read',
        '  reviews',
        '    (none)',
        '',
        'revision 2 (current)  received 2025-02-28 10:00:00Z  approved',
        '  reasons',
        '    (none)',
        '  reviews',
        '    2025-03-01 07:00:00Z  listing-compliance-review  approve  by rita',
        '    2025-03-01 08:00:00Z  listing-inventory-review   approve  by max   reason: stock counted',
        '',
        'skus',
        '  SKU         PRICE      STOCK  CATALOG',
        '  SKU-LJ-250  ¥298.00    1500   active (published 2025-03-01 09:00:00Z)',
        '  SKU-LJ-500  ¥568.00    0      delisted (updated 2025-03-01 09:59:00Z, catalog price ¥499.00)',
        '  SKU-LJ-1K   ¥1,000.50  3      not published',
      ].join('\n'),
    );
  });

  it.each<[string, Partial<ListingViewShape>, string[], string[]]>([
    [
      'under review: the current revision has no outcome yet',
      { status: 'in-review', revision: 1, revisions: [{ revision: 1, receivedAt: at(0), reasons: [], reviews: [] }], skus: [] },
      ['status    in-review', 'revision 1 (current)  received 2025-03-01 10:00:00Z  no outcome yet (in-review)', 'skus\n  (none)'],
      ['publish at', 'published', 'seller'],
    ],
    [
      'scheduled: publish time, no publish yet',
      { status: 'scheduled', revision: 1, publishAt: at(2 * H), revisions: [{ revision: 1, receivedAt: at(0), outcome: 'approved', reasons: [], reviews: [] }] },
      ['publish at  2025-03-01 12:00:00Z', '  approved'],
      ['published '],
    ],
    [
      'a superseded revision without an outcome, and no SKUs or revisions given at all',
      { status: 'checking', revision: 2, revisions: [{ revision: 1, receivedAt: at(-H) }] },
      ['revision 1  received 2025-03-01 09:00:00Z  no outcome', '  reasons\n    (none)\n  reviews\n    (none)'],
      ['(current)'],
    ],
    ['no revisions', { status: 'checking', revision: 1, revisions: undefined, skus: undefined }, ['revisions\n  (none)', 'skus\n  (none)'], []],
  ])('shows a listing %s', (_name, changes, contains, absent) => {
    const text = formatListing({ listingId: 'L-2', ...changes } as ListingViewShape);
    for (const part of contains) expect(text).toContain(part);
    for (const part of absent) expect(text).not.toContain(part);
    expect(text).not.toMatch(/ +$/m);
  });

  it('shows a catalog entry field by field', () => {
    expect(formatCatalogEntry(entry)).toBe(
      [
        'sku          SKU-LJ-250',
        'title        西湖龙井 明前特级 绿茶 250g 礼盒装',
        'listing      L-1 revision 2',
        'category     food',
        'price        ¥298.00',
        'status       active',
        'fresh        no',
        'custom-made  no',
        'published    2025-03-01 09:00:00Z',
        'updated      2025-03-01 09:00:00Z',
        'last sold    never',
      ].join('\n'),
    );
    const sold = formatCatalogEntry({ ...entry, fresh: true, status: 'delisted', lastSoldAt: at(-5 * M) });
    expect(sold).toContain('fresh        yes');
    expect(sold).toContain('status       delisted');
    expect(sold).toContain('last sold    2025-03-01 09:55:00Z');
  });
});

const white800: ImageMeasurementShape = { format: 'png', width: 800, height: 800, background: 'white', backgroundHex: '#FFFFFF', whiteBorderPercent: 100 };
const grey400: ImageMeasurementShape = { format: 'jpeg', width: 400, height: 300, background: 'not-white', backgroundHex: '#C8C8C8', whiteBorderPercent: 0 };

describe('listing images', () => {
  it.each([
    ['main.png', 'image/png'],
    ['photos/Main.PNG', 'image/png'],
    ['a.jpg', 'image/jpeg'],
    ['a.b.JPEG', 'image/jpeg'],
  ])('imageContentType(%s) is %s', (file, type) => expect(imageContentType(file)).toBe(type));

  it.each([
    ['logo.gif', /logo\.gif is not a PNG or JPEG image by its name \(its extension is \.gif\): listing images are \.png, \.jpg or \.jpeg files/],
    ['README', /README is not a PNG or JPEG image by its name \(it has no extension\)/],
    ['main.png.txt', /its extension is \.txt/],
  ])('imageContentType refuses %s', (file, message) => expect(() => imageContentType(file)).toThrow(message));

  const bytes = new TextEncoder().encode('pixels');
  const digest = '6ec9c2b0eb14'; // first 12 hex of sha256("pixels")

  it.each([
    ['main.png', `listings/${digest}-main.png`],
    ['/tmp/photos/Main Photo.PNG', `listings/${digest}-Main-Photo.png`],
    ['主图.jpg', `listings/${digest}-image.jpg`],
    ['./a--b (1).jpeg', `listings/${digest}-a-b-1.jpeg`],
    ['.hidden.png', `listings/${digest}-hidden.png`],
  ])('defaultImageKey(%s) is %s', (file, key) => expect(defaultImageKey(file, bytes)).toBe(key));

  it('gives the same bytes the same key and other bytes another', () => {
    expect(defaultImageKey('a.png', bytes)).toBe(defaultImageKey('a.png', new TextEncoder().encode('pixels')));
    expect(defaultImageKey('a.png', bytes)).not.toBe(defaultImageKey('a.png', new TextEncoder().encode('pixels!')));
  });

  it.each([
    ['listings/L-1/main.png', undefined],
    ['', /--key is empty/],
    ['/listings/main.png', /--key "\/listings\/main\.png" starts with "\/": keys are relative, e.g\. listings\/main\.png/],
    ['a\nb', /control characters/],
    ['k'.repeat(1025), /1,024 bytes/],
  ])('checkImageKey(%j)', (key, error) => {
    if (error) expect(() => checkImageKey(key)).toThrow(error);
    else expect(checkImageKey(key)).toBe(key);
  });

  it.each<[string[], string | RegExp]>([
    [['shop-listing-images-000000000000-us-east-1-local'], 'shop-listing-images-000000000000-us-east-1-local'],
    [['exports', 'shop-listing-images-1-us-east-1-dev'], 'shop-listing-images-1-us-east-1-dev'],
    [['shop-listing-images'], /serves no listing-images bucket \(shop-listing-images-…; its buckets: shop-listing-images\)/],
    [[], /its buckets: none/],
    [['shop-listing-images-a', 'shop-listing-images-b'], /several listing-images buckets \(shop-listing-images-a, shop-listing-images-b\): pick one with --bucket/],
  ])('pickListingImagesBucket(%j)', (names, expected) => {
    if (typeof expected === 'string') expect(pickListingImagesBucket(names, 'http://127.0.0.1:4566')).toBe(expected);
    else expect(() => pickListingImagesBucket(names, 'http://127.0.0.1:4566')).toThrow(expected);
  });

  it('describes a measurement and declares what it measured', () => {
    expect(describeMeasurement(white800)).toBe('800×800 png, background white (#FFFFFF, 100 % of the border white)');
    expect(declaredImage(white800)).toEqual({ width: 800, height: 800, background: '#FFFFFF' });
    expect(declaredImage(grey400)).toEqual({ width: 400, height: 300, background: '#C8C8C8' });
  });

  it.each<[string, Parameters<typeof replaceImages>, ReturnType<typeof replaceImages>]>([
    [
      'declares each URL as it measured',
      [[{ url: 's3://old/a.jpg', width: 1000, height: 1000, background: 'white' }], ['s3://b/1.png', 's3://b/2.jpg'], [white800, grey400]],
      [
        { url: 's3://b/1.png', width: 800, height: 800, background: '#FFFFFF' },
        { url: 's3://b/2.jpg', width: 400, height: 300, background: '#C8C8C8' },
      ],
    ],
    [
      'keeps the declaration at that place, or the last one, for what was not read',
      [
        [
          { url: 's3://old/a.jpg', width: 800, height: 800, background: '#FFFFFF' },
          { url: 's3://old/b.jpg', width: 1000, height: 1000, background: 'white' },
        ],
        ['s3://b/x.png', 's3://b/y.png', 's3://b/z.png'],
        [undefined, undefined, undefined],
      ],
      [
        { url: 's3://b/x.png', width: 800, height: 800, background: '#FFFFFF' },
        { url: 's3://b/y.png', width: 1000, height: 1000, background: 'white' },
        { url: 's3://b/z.png', width: 1000, height: 1000, background: 'white' },
      ],
    ],
    ['cuts the list to the URLs given', [[{ url: 's3://old/a', width: 1, height: 1, background: 'white' }, { url: 's3://old/b', width: 2, height: 2, background: 'white' }], ['s3://b/1.png'], [white800]], [{ url: 's3://b/1.png', width: 800, height: 800, background: '#FFFFFF' }]],
    ['declares 800×800 white without any listing image to go by', [undefined, ['s3://b/1.png'], []], [{ url: 's3://b/1.png', width: 800, height: 800, background: '#FFFFFF' }]],
  ])('replaceImages %s', (_name, args, expected) => expect(replaceImages(...args)).toEqual(expected));

  it.each([
    [512, '512 B'],
    [6083, '5.9 KiB'],
    [3 * 1024 * 1024 + 100_000, '3.1 MiB'],
  ])('formatBytes(%i) is %s', (size, text) => expect(formatBytes(size)).toBe(text));

  const upload = {
    file: 'main.png',
    size: 6083,
    contentType: 'image/png',
    bucket: 'shop-listing-images-000000000000-us-east-1-local',
    key: 'listings/32eee8bc890a-main.png',
    url: 's3://shop-listing-images-000000000000-us-east-1-local/listings/32eee8bc890a-main.png',
    measured: white800,
    refusals: [],
  };

  it('says what was uploaded and what it measures, the URL last', () => {
    expect(formatUpload(upload)).toBe(
      [
        'uploaded main.png (5.9 KiB, image/png) to bucket shop-listing-images-000000000000-us-east-1-local',
        'measured 800×800 png, background white (#FFFFFF, 100 % of the border white); a listing declares it as width 800, height 800, background #FFFFFF',
        's3://shop-listing-images-000000000000-us-east-1-local/listings/32eee8bc890a-main.png',
      ].join('\n'),
    );
  });

  it('lists what the review would refuse before the URL', () => {
    const text = formatUpload({
      ...upload,
      measured: grey400,
      refusals: [
        { code: 'IMAGE_TOO_SMALL', message: 'images[0] is 400×300 px; images must be at least 800×800 px' },
        { code: 'IMAGE_NOT_SQUARE', message: 'images[0] is 400×300 px; images must be square' },
      ],
    });
    expect(text.split('\n').slice(2)).toEqual([
      'as a listing image the review would refuse it:',
      '  IMAGE_TOO_SMALL   it is 400×300 px; images must be at least 800×800 px',
      '  IMAGE_NOT_SQUARE  it is 400×300 px; images must be square',
      upload.url,
    ]);
  });
});

describe('formatCallbacksReport', () => {
  it('prints each reason and the total with the verdict against the target', () => {
    const figures = { due: 4, completed: 3, unreachable: 1, open: 0, coverage: 0.75 };
    const text = formatCallbacksReport({ generatedAt: at(0), week: '2026-W48', ...figures, target: 0.8, met: false, byReason: [{ reason: 'purchase', ...figures }] });
    expect(text.split('\n')).toEqual([
      'Callbacks of 2026-W48 (Asia/Shanghai)',
      '',
      expect.stringMatching(/^REASON\s+DUE\s+COMPLETED\s+UNREACHABLE\s+OPEN\s+COVERAGE$/),
      expect.stringMatching(/^purchase\s+4\s+3\s+1\s+0\s+75 %$/),
      expect.stringMatching(/^all\s+4\s+3\s+1\s+0\s+75 %$/),
      '',
      'coverage 75 % of 4 due: target 80 % NOT met',
    ]);
  });
});

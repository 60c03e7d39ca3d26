import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categories, ListingSubmitted, qualificationTypes } from '../../events/listing-submitted';
import { listingSubmitted } from '../../events/samples';
import { DAY, SECOND, addMs } from '../../shared/clock';
import { loadBannedWords } from './banned-words';
import type { Measurement } from './image';
import { listingReviewPolicy as policy, type ListingReviewPolicy } from './policy';
import {
  catalogAttributes,
  checkListing,
  declaredWhite,
  discountAllowed,
  needsInventoryReview,
  reasonCodes,
  reasonDescriptions,
  titleLength,
  titleSegments,
  type Listing,
  type MeasuredImage,
  type ReasonCode,
} from './rules';

const bannedWords = loadBannedWords();
/** The review runs the morning the sample listing was submitted. */
const NOW = '2026-11-20T08:00:00.000Z';
const ago = (days: number, ms = 0) => addMs(NOW, -days * DAY - ms);
const later = (ms: number) => addMs(NOW, ms);

const measurement = (width: number, height = width, background: Measurement['background'] = 'white'): Measurement => ({
  format: 'jpeg',
  width,
  height,
  background,
  backgroundHex: background === 'white' ? '#FFFFFF' : '#F5F0E6',
  whiteBorderPercent: background === 'white' ? 100 : 0,
});

/** The sample listing, through its contract: a food listing that passes every check. */
const sample = (): Listing => ListingSubmitted.parse(structuredClone(listingSubmitted));
/** What its two images measure: white squares, 800 and 1000 px, as declared. */
const sampleMeasured = () => new Map<number, MeasuredImage>([[0, measurement(800)], [1, measurement(1000)]]);

interface Case {
  listing?: (listing: Listing) => void;
  measured?: (measured: Map<number, MeasuredImage>) => void;
  now?: string;
  policy?: Partial<ListingReviewPolicy>;
}

function check(c: Case = {}) {
  const listing = sample();
  c.listing?.(listing);
  const measured = sampleMeasured();
  c.measured?.(measured);
  return checkListing(listing, { now: c.now ?? NOW, measured, policy: { ...policy, ...c.policy }, bannedWords });
}

const TYPES = { licence: 'production-licence', report: 'inspection-report', brand: 'brand-authorisation' } as const;
const withoutType = (type: string) => (l: Listing) => {
  l.qualifications = l.qualifications.filter((q) => q.type !== type);
};
const addQualification = (type: (typeof qualificationTypes)[number], extra: { issuedAt?: string; expiresAt?: string } = {}) => (l: Listing) => {
  l.qualifications.push({ type, number: `${type.toUpperCase()}-001`, issuedAt: ago(30), ...extra });
};
const report = (l: Listing) => l.qualifications.find((q) => q.type === TYPES.report)!;
const all =
  (...changes: ((l: Listing) => void)[]) =>
  (l: Listing) => {
    for (const change of changes) change(l);
  };
const category = (name: string) => (l: Listing) => {
  l.category = name;
};
/** A three-segment title of exactly `n` code points. */
const titleOf = (n: number) => `龙井 绿茶 ${'礼'.repeat(n - 6)}`;
const title = (text: string) => (l: Listing) => {
  l.title = text;
};
const sku = (i: number, change: Partial<Listing['skus'][number]>) => (l: Listing) => {
  Object.assign(l.skus[i], change);
};
const image = (i: number, change: Partial<Listing['images'][number]>) => (l: Listing) => {
  Object.assign(l.images[i], change);
};
const measured = (i: number, value: MeasuredImage | undefined) => (m: Map<number, MeasuredImage>) => {
  if (value === undefined) m.delete(i);
  else m.set(i, value);
};

type Row = [string, Case, [ReasonCode, string][]];

describe('checkListing: every code, failing and passing', () => {
  const rows: Row[] = [
    ['the sample listing passes', {}, []],

    ['a category outside the tree (CATEGORY_UNKNOWN)', { listing: category('toys') }, [['CATEGORY_UNKNOWN', 'category']]],
    ['an empty category (CATEGORY_UNKNOWN)', { listing: category('') }, [['CATEGORY_UNKNOWN', 'category']]],
    ['categories are exact: Food is not food (CATEGORY_UNKNOWN)', { listing: category('Food') }, [['CATEGORY_UNKNOWN', 'category']]],
    ['a category named like an object property is still unknown (CATEGORY_UNKNOWN)', { listing: category('constructor') }, [['CATEGORY_UNKNOWN', 'category']]],

    ['food without a production licence (QUALIFICATION_MISSING)', { listing: withoutType(TYPES.licence) }, [['QUALIFICATION_MISSING', 'qualifications']]],
    ['food without an inspection report (QUALIFICATION_MISSING)', { listing: withoutType(TYPES.report) }, [['QUALIFICATION_MISSING', 'qualifications']]],
    [
      'food without either (QUALIFICATION_MISSING twice)',
      { listing: all(withoutType(TYPES.licence), withoutType(TYPES.report)) },
      [['QUALIFICATION_MISSING', 'qualifications'], ['QUALIFICATION_MISSING', 'qualifications']],
    ],
    ['cosmetics without a filing certificate (QUALIFICATION_MISSING)', { listing: category('cosmetics') }, [['QUALIFICATION_MISSING', 'qualifications']]],
    ['cosmetics with a filing certificate pass', { listing: all(category('cosmetics'), addQualification('cosmetics-filing')) }, []],
    ['electronics without a CCC certificate (QUALIFICATION_MISSING)', { listing: category('electronics') }, [['QUALIFICATION_MISSING', 'qualifications']]],
    ['electronics with a CCC certificate pass', { listing: all(category('electronics'), addQualification('ccc-certificate')) }, []],
    ['an unknown category requires no qualification', { listing: all(category('toys'), withoutType(TYPES.licence)) }, [['CATEGORY_UNKNOWN', 'category']]],

    ['a licence expiring exactly now has expired (QUALIFICATION_EXPIRED)', { listing: (l) => void (l.qualifications[0].expiresAt = NOW) }, [['QUALIFICATION_EXPIRED', 'qualifications[0].expiresAt']]],
    ['a licence expiring a second from now is valid', { listing: (l) => void (l.qualifications[0].expiresAt = later(SECOND)) }, []],
    ['a licence that expired yesterday (QUALIFICATION_EXPIRED)', { listing: (l) => void (l.qualifications[0].expiresAt = ago(1)) }, [['QUALIFICATION_EXPIRED', 'qualifications[0].expiresAt']]],
    ['an inspection report issued exactly 180 days ago is accepted', { listing: (l) => void (report(l).issuedAt = ago(180)) }, []],
    ['an inspection report issued 180 days and a second ago is too old (QUALIFICATION_EXPIRED)', { listing: (l) => void (report(l).issuedAt = ago(180, SECOND)) }, [['QUALIFICATION_EXPIRED', 'qualifications[1].issuedAt']]],
    ['an inspection report issued 181 days ago is too old (QUALIFICATION_EXPIRED)', { listing: (l) => void (report(l).issuedAt = ago(181)) }, [['QUALIFICATION_EXPIRED', 'qualifications[1].issuedAt']]],
    [
      'a report both expired and too old: two reasons (QUALIFICATION_EXPIRED)',
      { listing: (l) => void Object.assign(report(l), { issuedAt: ago(200), expiresAt: ago(20) }) },
      [['QUALIFICATION_EXPIRED', 'qualifications[1].expiresAt'], ['QUALIFICATION_EXPIRED', 'qualifications[1].issuedAt']],
    ],
    ['the report age follows the policy', { listing: () => {}, policy: { inspectionReportMaxAgeDays: 30 } }, [['QUALIFICATION_EXPIRED', 'qualifications[1].issuedAt']]],
    ['any expired document fails, required or not (QUALIFICATION_EXPIRED)', { listing: addQualification('ccc-certificate', { expiresAt: ago(1) }) }, [['QUALIFICATION_EXPIRED', 'qualifications[3].expiresAt']]],
    ['an expired brand authorisation is expired, not unauthorised (QUALIFICATION_EXPIRED)', { listing: (l) => void (l.qualifications[2].expiresAt = ago(1)) }, [['QUALIFICATION_EXPIRED', 'qualifications[2].expiresAt']]],
    ['a valid second report next to a stale one: the stale one still fails', { listing: addQualification('inspection-report', { issuedAt: ago(400) }) }, [['QUALIFICATION_EXPIRED', 'qualifications[3].issuedAt']]],

    ['a brand the seller is not authorised for (BRAND_NOT_AUTHORISED)', { listing: (l) => void (l.brand!.authorized = false) }, [['BRAND_NOT_AUTHORISED', 'brand.authorized']]],
    ['a brand without a brand authorisation (BRAND_NOT_AUTHORISED)', { listing: withoutType(TYPES.brand) }, [['BRAND_NOT_AUTHORISED', 'qualifications']]],
    [
      'both (BRAND_NOT_AUTHORISED twice)',
      { listing: all(withoutType(TYPES.brand), (l) => void (l.brand!.authorized = false)) },
      [['BRAND_NOT_AUTHORISED', 'brand.authorized'], ['BRAND_NOT_AUTHORISED', 'qualifications']],
    ],
    ['no brand needs no brand authorisation', { listing: all(withoutType(TYPES.brand), (l) => void delete l.brand) }, []],

    [
      'apparel without a parameter table (ATTRIBUTE_MISSING per attribute)',
      { listing: category('apparel') },
      [['ATTRIBUTE_MISSING', 'attributes.size'], ['ATTRIBUTE_MISSING', 'attributes.material'], ['ATTRIBUTE_MISSING', 'attributes.weight']],
    ],
    ['apparel with size, material and weight passes', { listing: all(category('apparel'), (l) => void Object.assign(l.attributes, { size: 'M', material: '纯棉', weight: 220 })) }, []],
    [
      'general goods: a blank text or a flag is no value (ATTRIBUTE_MISSING)',
      { listing: all(category('general'), (l) => void Object.assign(l.attributes, { size: '  ', material: true, weight: 0 })) },
      [['ATTRIBUTE_MISSING', 'attributes.size'], ['ATTRIBUTE_MISSING', 'attributes.material']],
    ],
    ['food needs no parameter table', { listing: (l) => void (l.attributes = {}) }, []],

    ['a 9-character title (TITLE_LENGTH)', { listing: title(titleOf(9)) }, [['TITLE_LENGTH', 'title']]],
    ['a 10-character title passes', { listing: title(titleOf(10)) }, []],
    ['a 60-character title passes', { listing: title(titleOf(60)) }, []],
    ['a 61-character title (TITLE_LENGTH)', { listing: title(titleOf(61)) }, [['TITLE_LENGTH', 'title']]],
    ['trailing spaces do not count (TITLE_LENGTH)', { listing: title(`${titleOf(9)}    `) }, [['TITLE_LENGTH', 'title']]],
    ['zero-width characters do not count (TITLE_LENGTH)', { listing: title(`${titleOf(9)}\u200b\u200b`) }, [['TITLE_LENGTH', 'title']]],
    ['characters outside the BMP count once each', { listing: title(`龙井 绿茶 𠀀𠀀𠀀𠀀`) }, []],
    ['one segment (TITLE_STRUCTURE)', { listing: title('西湖龙井明前特级绿茶礼盒装') }, [['TITLE_STRUCTURE', 'title']]],
    ['two segments (TITLE_STRUCTURE)', { listing: title('西湖龙井明前 特级绿茶礼盒装') }, [['TITLE_STRUCTURE', 'title']]],
    ['three segments on CJK separators pass', { listing: title('西湖龙井，明前特级、绿茶礼盒') }, []],
    ['zero-width characters do not separate (TITLE_STRUCTURE)', { listing: title('西湖龙井\u200b明前特级\u200b绿茶礼盒') }, [['TITLE_STRUCTURE', 'title']]],
    ['an empty title (TITLE_LENGTH, TITLE_STRUCTURE)', { listing: title('') }, [['TITLE_LENGTH', 'title'], ['TITLE_STRUCTURE', 'title']]],

    ['a banned word in the title (BANNED_WORD)', { listing: title('西湖龙井 最 好 绿茶 礼盒装') }, [['BANNED_WORD', 'title']]],
    ['a medical claim in a food description (BANNED_WORD)', { listing: (l) => void (l.description += '长期饮用可治疗失眠。') }, [['BANNED_WORD', 'description']]],
    [
      'two banned words in the title and one in the description: one reason each (BANNED_WORD)',
      { listing: all(title('全网第一 顶级 绿茶 礼盒装'), (l) => void (l.description += '国家领导人推荐')) },
      [['BANNED_WORD', 'title'], ['BANNED_WORD', 'title'], ['BANNED_WORD', 'description']],
    ],
    ['a medical term in electronics is not a food claim', { listing: all(category('electronics'), addQualification('ccc-certificate'), title('颈部 按摩仪 治疗模式')) }, []],

    ['no image (NO_IMAGES)', { listing: (l) => void (l.images = []), measured: (m) => m.clear() }, [['NO_IMAGES', 'images']]],
    ['an image nobody measured (IMAGE_UNREADABLE)', { measured: measured(1, undefined) }, [['IMAGE_UNREADABLE', 'images[1]']]],
    ['an image that could not be read (IMAGE_UNREADABLE)', { measured: measured(0, { error: 'not a PNG or JPEG image' }) }, [['IMAGE_UNREADABLE', 'images[0]']]],
    ['a 799 px image (IMAGE_TOO_SMALL)', { listing: image(0, { width: 799, height: 799 }), measured: measured(0, measurement(799)) }, [['IMAGE_TOO_SMALL', 'images[0]']]],
    ['an 800 px image passes (the sample)', {}, []],
    ['800 × 799 is too small and not square', { listing: image(0, { height: 799 }), measured: measured(0, measurement(800, 799)) }, [['IMAGE_TOO_SMALL', 'images[0]'], ['IMAGE_NOT_SQUARE', 'images[0]']]],
    ['a 1000 × 1200 image (IMAGE_NOT_SQUARE)', { listing: image(1, { height: 1200 }), measured: measured(1, measurement(1000, 1200)) }, [['IMAGE_NOT_SQUARE', 'images[1]']]],
    [
      'a cream background, declared as such (IMAGE_BACKGROUND)',
      { listing: image(1, { background: '#F5F0E6' }), measured: measured(1, measurement(1000, 1000, 'not-white')) },
      [['IMAGE_BACKGROUND', 'images[1]']],
    ],
    [
      'a cream background declared white (IMAGE_BACKGROUND, IMAGE_MISMATCH)',
      { measured: measured(0, measurement(800, 800, 'not-white')) },
      [['IMAGE_BACKGROUND', 'images[0]'], ['IMAGE_MISMATCH', 'images[0].background']],
    ],
    ['a white image declared cream (IMAGE_MISMATCH)', { listing: image(1, { background: '#F5F0E6' }) }, [['IMAGE_MISMATCH', 'images[1].background']]],
    ['a declared width the pixels do not have (IMAGE_MISMATCH)', { listing: image(0, { width: 1000 }) }, [['IMAGE_MISMATCH', 'images[0].width']]],
    [
      'declared 800 × 800, measured 600 × 600 (IMAGE_TOO_SMALL, IMAGE_MISMATCH)',
      { measured: measured(0, measurement(600)) },
      [['IMAGE_TOO_SMALL', 'images[0]'], ['IMAGE_MISMATCH', 'images[0].width'], ['IMAGE_MISMATCH', 'images[0].height']],
    ],
    ['#FFF, white and lower case all mean white', { listing: all(image(0, { background: '#fff' }), image(1, { background: ' White ' })) }, []],

    ['no SKU (NO_SKUS)', { listing: (l) => void (l.skus = []) }, [['NO_SKUS', 'skus']]],
    ['two SKUs with one skuId (SKU_DUPLICATE)', { listing: sku(1, { skuId: 'SKU-LJ-250' }) }, [['SKU_DUPLICATE', 'skus[1].skuId']]],
    ['a price of 0 (SKU_PRICE)', { listing: sku(0, { priceFen: 0 }) }, [['SKU_PRICE', 'skus[0].priceFen']]],
    ['a price of 1 fen passes', { listing: sku(0, { priceFen: 1 }) }, []],
    ['a stock of -1 (SKU_STOCK)', { listing: sku(1, { stock: -1 }) }, [['SKU_STOCK', 'skus[1].stock']]],
    ['a stock of 0 passes', { listing: sku(1, { stock: 0 }) }, []],
    ['presale without a ship-by date (SKU_PRESALE_SHIP_BY)', { listing: sku(0, { presale: true }) }, [['SKU_PRESALE_SHIP_BY', 'skus[0].shipBy']]],
    ['presale shipping by now has passed (SKU_PRESALE_SHIP_BY)', { listing: sku(0, { presale: true, shipBy: NOW }) }, [['SKU_PRESALE_SHIP_BY', 'skus[0].shipBy']]],
    ['presale shipping by yesterday (SKU_PRESALE_SHIP_BY)', { listing: sku(0, { presale: true, shipBy: ago(1) }) }, [['SKU_PRESALE_SHIP_BY', 'skus[0].shipBy']]],
    ['presale shipping by a second from now passes', { listing: sku(0, { presale: true, shipBy: later(SECOND) }) }, []],
    ['a past ship-by date on a SKU in stock does not matter', { listing: sku(0, { presale: false, shipBy: ago(10) }) }, []],
  ];

  it.each(rows)('%s', (_, c, expected) => {
    const result = check(c);
    expect(result.reasons.map((r) => [r.code, r.field])).toEqual(expected);
    expect(result.passed).toBe(expected.length === 0);
  });

  it('has a failing row for every code', () => {
    expect(new Set(rows.flatMap(([, , reasons]) => reasons.map(([code]) => code)))).toEqual(new Set(reasonCodes));
    expect(Object.keys(reasonDescriptions).sort()).toEqual([...reasonCodes].sort());
  });

  it('reports every failure at once, in a stable order: the listing from top to bottom', () => {
    const everything: Case = {
      listing: all(
        category('cosmetics'),
        (l) => void (l.qualifications[1].issuedAt = ago(365)),
        (l) => void (l.brand!.authorized = false),
        title('最好 面霜'),
        (l) => void (l.description = '美白祛斑，无副作用。'),
        image(1, { width: 1200 }),
        (l) => void l.skus.push({ skuId: 'SKU-LJ-250', priceFen: 0, stock: -3, presale: true }),
      ),
      measured: (m) => {
        measured(0, { error: 'the image is in bucket "other", not the platform\'s image bucket' })(m);
        measured(1, measurement(1000, 1000, 'not-white'))(m);
      },
    };
    const first = check(everything);
    expect(first.passed).toBe(false);
    expect(first.reasons.map((r) => [r.code, r.field])).toEqual([
      ['QUALIFICATION_MISSING', 'qualifications'],
      ['QUALIFICATION_EXPIRED', 'qualifications[1].issuedAt'],
      ['BRAND_NOT_AUTHORISED', 'brand.authorized'],
      ['TITLE_LENGTH', 'title'],
      ['TITLE_STRUCTURE', 'title'],
      ['BANNED_WORD', 'title'],
      ['BANNED_WORD', 'description'],
      ['BANNED_WORD', 'description'],
      ['BANNED_WORD', 'description'],
      ['IMAGE_UNREADABLE', 'images[0]'],
      ['IMAGE_BACKGROUND', 'images[1]'],
      ['IMAGE_MISMATCH', 'images[1].width'],
      ['IMAGE_MISMATCH', 'images[1].background'],
      ['SKU_DUPLICATE', 'skus[2].skuId'],
      ['SKU_PRICE', 'skus[2].priceFen'],
      ['SKU_STOCK', 'skus[2].stock'],
      ['SKU_PRESALE_SHIP_BY', 'skus[2].shipBy'],
    ]);
    expect(check(everything)).toEqual(first);
  });

  it('words every reason so the seller can act on it', () => {
    const result = check({
      listing: all(
        category('toys'),
        (l) => void (l.qualifications[0].expiresAt = ago(1)),
        (l) => void (report(l).issuedAt = ago(181)),
        withoutType(TYPES.brand),
        title('最 好茶'),
        (l) => void (l.skus[0].priceFen = 0),
      ),
      measured: measured(0, measurement(600, 600, 'not-white')),
    });
    expect(result.reasons).toEqual([
      { code: 'CATEGORY_UNKNOWN', field: 'category', message: 'category "toys" is not in the category tree; choose one of food, cosmetics, electronics, apparel, general' },
      { code: 'QUALIFICATION_EXPIRED', field: 'qualifications[0].expiresAt', message: 'the production licence SC11433010600217 expired at 2026-11-19T08:00:00.000Z; attach a valid one' },
      {
        code: 'QUALIFICATION_EXPIRED',
        field: 'qualifications[1].issuedAt',
        message: 'the inspection report ZJQI-2026-087341 was issued at 2026-05-23T08:00:00.000Z, 181 days ago; inspection reports are accepted for 180 days, attach a recent one',
      },
      { code: 'BRAND_NOT_AUTHORISED', field: 'qualifications', message: 'brand 狮峰 needs a brand authorisation (qualification type brand-authorisation)' },
      { code: 'TITLE_LENGTH', field: 'title', message: 'the title has 4 characters; it must have 10 to 60' },
      {
        code: 'TITLE_STRUCTURE',
        field: 'title',
        message: 'the title has 2 segments (最 | 好茶); it needs at least 3 (a core word, an attribute word and a scenario word) separated by spaces or punctuation such as / | ,',
      },
      { code: 'BANNED_WORD', field: 'title', message: 'the title contains "最 好": "最好" is banned as absolute claims (绝对化用语); remove or rephrase it' },
      { code: 'IMAGE_TOO_SMALL', field: 'images[0]', message: 'images[0] is 600×600 px; images must be at least 800×800 px' },
      {
        code: 'IMAGE_BACKGROUND',
        field: 'images[0]',
        message: 'images[0] does not have a white background: its border is #F5F0E6, 0 % white (at least 98 % of the border must be white)',
      },
      { code: 'IMAGE_MISMATCH', field: 'images[0].width', message: 'images[0] declares a width of 800 px, but the image is 600 px wide' },
      { code: 'IMAGE_MISMATCH', field: 'images[0].height', message: 'images[0] declares a height of 800 px, but the image is 600 px high' },
      {
        code: 'IMAGE_MISMATCH',
        field: 'images[0].background',
        message: 'images[0] declares the background "#FFFFFF" (white), but the image\'s border is not white (#F5F0E6)',
      },
      { code: 'SKU_PRICE', field: 'skus[0].priceFen', message: 'SKU-LJ-250 costs ¥0.00; the price must be above zero' },
    ]);
  });
});

describe('checkListing: properties', () => {
  const iso = fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  const text = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom(listingSubmitted.title, listingSubmitted.description, '最好 绿茶 礼盒装', '治疗 失眠 好茶', ''));
  const listing: fc.Arbitrary<Listing> = fc.record(
    {
      listingId: fc.constant('L-1'),
      revision: fc.integer({ min: 1, max: 5 }),
      sellerId: fc.constant('S-1'),
      category: fc.constantFrom(...categories, 'toys', ''),
      title: text,
      description: text,
      images: fc.array(
        fc.record({
          url: fc.constant('s3://shop-listing-images/l/1.jpg'),
          width: fc.constantFrom(600, 799, 800, 1000),
          height: fc.constantFrom(600, 799, 800, 1000),
          background: fc.constantFrom('#FFFFFF', 'white', '#fff', '#F5F0E6', 'transparent'),
        }),
        { maxLength: 3 },
      ),
      attributes: fc.dictionary(fc.constantFrom('size', 'material', 'weight', 'fresh', 'customMade', 'origin'), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
      qualifications: fc.array(
        fc.record({ type: fc.constantFrom(...qualificationTypes), number: fc.constant('Q-1'), issuedAt: iso, expiresAt: iso }, { requiredKeys: ['type', 'number', 'issuedAt'] }),
        { maxLength: 5 },
      ),
      skus: fc.array(
        fc.record(
          { skuId: fc.constantFrom('A', 'B', 'C'), priceFen: fc.nat({ max: 100_000 }), stock: fc.integer({ min: -5, max: 2_000 }), presale: fc.boolean(), shipBy: iso },
          { requiredKeys: ['skuId', 'priceFen', 'stock'] },
        ),
        { maxLength: 4 },
      ),
      brand: fc.record({ name: fc.constant('狮峰'), authorized: fc.boolean() }),
    },
    { requiredKeys: ['listingId', 'revision', 'sellerId', 'category', 'title', 'description', 'images', 'attributes', 'qualifications', 'skus'] },
  );
  const measuredImage: fc.Arbitrary<MeasuredImage | undefined> = fc.oneof(
    fc.constant(undefined),
    fc.constant({ error: 'not a PNG or JPEG image' }),
    fc.record({
      format: fc.constantFrom('png' as const, 'jpeg' as const),
      width: fc.constantFrom(600, 800, 1000),
      height: fc.constantFrom(600, 800, 1000),
      background: fc.constantFrom('white' as const, 'not-white' as const),
      backgroundHex: fc.constant('#FFFFFF'),
      whiteBorderPercent: fc.constant(100),
    }),
  );
  const sections: Record<string, number> = { category: 0, qualifications: 1, brand: 2, attributes: 3, title: 4, description: 4, images: 5, skus: 6 };
  const sectionOf = (code: ReasonCode) =>
    code === 'CATEGORY_UNKNOWN' ? 0 : code.startsWith('QUALIFICATION') ? 1 : code === 'BRAND_NOT_AUTHORISED' ? 2 : code === 'ATTRIBUTE_MISSING' ? 3 : code.startsWith('TITLE') ? 4 : code === 'BANNED_WORD' ? 5 : code.includes('IMAGE') ? 6 : 7;

  it('always returns reasons with a known code, a field in the listing and a message; passed exactly when there are none; stable', () => {
    fc.assert(
      fc.property(listing, fc.array(measuredImage, { minLength: 3, maxLength: 3 }), iso, (l, images, now) => {
        const measuredMap = new Map<number, MeasuredImage>();
        images.forEach((m, i) => m && measuredMap.set(i, m));
        const options = { now, measured: measuredMap, policy, bannedWords };
        const result = checkListing(l, options);
        expect(result.passed).toBe(result.reasons.length === 0);
        for (const reason of result.reasons) {
          expect(Object.keys(reason).sort()).toEqual(['code', 'field', 'message']);
          expect(reasonCodes).toContain(reason.code);
          const top = reason.field.split(/[.[]/)[0];
          expect(Object.keys(sections)).toContain(top);
          for (const [, array, index] of reason.field.matchAll(/(\w+)\[(\d+)\]/g)) expect(Number(index)).toBeLessThan((l as any)[array].length);
          expect(reason.message.length).toBeGreaterThan(10);
        }
        const order = result.reasons.map((r) => sectionOf(r.code));
        expect(order).toEqual([...order].sort((a, b) => a - b));
        expect(checkListing(structuredClone(l), options)).toEqual(result);
      }),
      { numRuns: 300 },
    );
  });

  it('the policy numbers move the boundaries they name', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 60 }), fc.integer({ min: 0, max: 40 }), (min, extra) => {
        const custom = { titleMinChars: min, titleMaxChars: min + extra };
        const codes = (n: number) => check({ listing: title(titleOf(n)), policy: custom }).reasons.map((r) => r.code);
        expect(codes(min - 1)).toEqual(['TITLE_LENGTH']);
        expect(codes(min)).toEqual([]);
        expect(codes(min + extra)).toEqual([]);
        expect(codes(min + extra + 1)).toEqual(['TITLE_LENGTH']);
      }),
      { numRuns: 50 },
    );
  });
});

describe('titleSegments and titleLength', () => {
  it.each<[string, string[]]>([
    ['西湖龙井 明前特级 绿茶 250g 礼盒装', ['西湖龙井', '明前特级', '绿茶', '250g', '礼盒装']],
    ['西湖龙井\u3000明前特级\u3000绿茶', ['西湖龙井', '明前特级', '绿茶']],
    ['西湖龙井/明前特级|绿茶', ['西湖龙井', '明前特级', '绿茶']],
    ['西湖龙井，明前特级、绿茶；礼盒', ['西湖龙井', '明前特级', '绿茶', '礼盒']],
    ['【新品】西湖龙井《明前》', ['新品', '西湖龙井', '明前']],
    ['T-shirt 2.5kg No.1', ['T-shirt', '2.5kg', 'No.1']],
    ['龙井 - 绿茶 - 礼盒', ['龙井', '绿茶', '礼盒']],
    ['  龙井   绿茶  ', ['龙井', '绿茶']],
    ['龙井\u200b绿茶', ['龙井绿茶']],
    ['/|、', []],
    ['', []],
  ])('%j → %j', (title, segments) => {
    expect(titleSegments(title)).toEqual(segments);
  });

  it.each<[string, number]>([
    ['西湖龙井', 4],
    ['  西湖  龙井  ', 5],
    ['𠀀𠀁', 2],
    ['茶😀', 2],
    ['茶\u200b\ufeff', 1],
    ['', 0],
  ])('length of %j is %i', (title, length) => {
    expect(titleLength(title)).toBe(length);
  });

  it('segments joined by any separator come back as they were', () => {
    const segment = fc.string({ unit: fc.constantFrom('龙', '井', '茶', 'a', 'B', '1', '-', '.'), minLength: 1, maxLength: 6 }).filter((s) => /[\p{L}\p{N}]/u.test(s));
    const separator = fc.constantFrom(' ', '\u3000', '/', '|', ',', '，', '、', '；', '【', '】', ' / ');
    fc.assert(
      fc.property(fc.array(fc.tuple(segment, separator), { minLength: 1, maxLength: 8 }), (parts) => {
        const title = parts.map(([s, sep]) => s + sep).join('');
        expect(titleSegments(title)).toEqual(parts.map(([s]) => s));
      }),
    );
  });
});

describe('declaredWhite', () => {
  it.each<[string, boolean]>([
    ['#FFFFFF', true],
    ['#ffffff', true],
    ['#FFF', true],
    ['white', true],
    [' White ', true],
    ['#FFFFFFFF', true],
    ['#FAFAFA', true],
    ['#F5F5F5', true],
    ['#F4F4F4', false],
    ['#FFFFF0', false],
    ['#FFFFFF00', false],
    ['#F5F0E6', false],
    ['ivory', false],
    ['transparent', false],
    ['FFFFFF', false],
    ['#FFFFF', false],
  ])('%j → %s', (background, white) => {
    expect(declaredWhite(background, policy)).toBe(white);
  });
});

describe('needsInventoryReview', () => {
  const skus = (...list: Partial<Listing['skus'][number]>[]) => ({ skus: list.map((s, i) => ({ skuId: `S-${i}`, priceFen: 100, stock: 10, ...s })) });
  it.each<[string, ReturnType<typeof skus>, boolean]>([
    ['ordinary stock', skus({ stock: 120 }, { stock: 60 }), false],
    ['exactly 1,000 units', skus({ stock: 1_000 }), false],
    ['1,001 units on one SKU', skus({ stock: 10 }, { stock: 1_001 }), true],
    ['a presale SKU', skus({ stock: 0, presale: true }), true],
    ['presale: false', skus({ presale: false }), false],
    ['no SKUs', skus(), false],
  ])('%s → %s', (_, listing, expected) => {
    expect(needsInventoryReview(listing, policy)).toBe(expected);
  });

  it('follows the policy limit', () => {
    expect(needsInventoryReview(skus({ stock: 600 }), { inventoryReviewStockAbove: 500 })).toBe(true);
  });
});

describe('catalogAttributes', () => {
  it.each<[string, Listing['attributes'], { fresh: boolean; customMade: boolean }]>([
    ['nothing said', { origin: '杭州' }, { fresh: false, customMade: false }],
    ['fresh: true', { fresh: true }, { fresh: true, customMade: false }],
    ['fresh: "true"', { fresh: 'true' }, { fresh: true, customMade: false }],
    ['fresh: " TRUE "', { fresh: ' TRUE ' }, { fresh: true, customMade: false }],
    ['fresh: 1', { fresh: 1 }, { fresh: true, customMade: false }],
    ['customMade: true', { customMade: true }, { fresh: false, customMade: true }],
    ['both', { fresh: 1, customMade: 'true' }, { fresh: true, customMade: true }],
    ['false, "false", 0 and "yes" are no', { fresh: 'false', customMade: 0 }, { fresh: false, customMade: false }],
    ['"yes" is no', { fresh: 'yes', customMade: false }, { fresh: false, customMade: false }],
  ])('%s', (_, attributes, expected) => {
    expect(catalogAttributes({ attributes })).toEqual(expected);
  });

  it('the sample (a tea, neither fresh nor custom-made) says neither', () => {
    expect(catalogAttributes(sample())).toEqual({ fresh: false, customMade: false });
  });
});

describe('the flow defaults and bounds', () => {
  it('names the policy defaults of the flow', () => {
    expect(policy).toMatchObject({ reviewSlaHours: 24, reviewEscalationRole: 'ops-lead', resubmissionWaitDays: 14, slowMovingAfterDays: 7, slowMovingDecisionDays: 3, slowMovingDefaultDecision: 'keep' });
  });

  it.each<[number, boolean]>([
    [0, false],
    [1, true],
    [35, true],
    [90, true],
    [91, false],
    [12.5, false],
    [-10, false],
  ])('a %d % discount allowed: %s', (percent, allowed) => {
    expect(discountAllowed(percent, policy)).toBe(allowed);
  });

  it('refuses a time that is not one', () => {
    expect(() => check({ now: 'soon' })).toThrow(/now must be an ISO-8601 time/);
  });
});

import { crc32 } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { ImageUnreadableError, imageLocation, measureImage, type Measurement } from './image';
import { listingReviewPolicy as policy } from './policy';
import { checkImages } from './rules';

type Rgba = readonly [number, number, number, number];
const WHITE: Rgba = [255, 255, 255, 255];
const GREY: Rgba = [128, 128, 128, 255];
const RED: Rgba = [180, 20, 30, 255];

interface Picture {
  width: number;
  height: number;
  background?: Rgba;
  /** A product in the middle (half the shorter side), so the picture is not one flat colour. */
  product?: Rgba;
  /** Rectangles painted last, e.g. a product touching the edge or a frame: [x, y, w, h, colour]. */
  paint?: [number, number, number, number, Rgba][];
}

/** RGBA pixels of a picture. */
function pixels({ width, height, background = WHITE, product = RED, paint = [] }: Picture): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  const side = Math.floor(Math.min(width, height) / 2);
  const rects: [number, number, number, number, Rgba][] = [
    [0, 0, width, height, background],
    [Math.floor((width - side) / 2), Math.floor((height - side) / 2), side, side, product],
    ...paint,
  ];
  for (const [x0, y0, w, h, colour] of rects) {
    for (let y = y0; y < Math.min(height, y0 + h); y++) for (let x = x0; x < Math.min(width, x0 + w); x++) data.set(colour, (y * width + x) * 4);
  }
  return data;
}

const png = (picture: Picture) => encodePng({ width: picture.width, height: picture.height, data: pixels(picture), channels: 4, depth: 8 });
const jpeg = (picture: Picture) => new Uint8Array(encodeJpeg({ width: picture.width, height: picture.height, data: pixels(picture) }, 90).data);

/** A PNG chunk, for building the ones the encoder does not write (tRNS on truecolour). */
function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** Inserts a chunk right after IHDR (8-byte signature + 25-byte IHDR chunk). */
const withChunk = (bytes: Uint8Array, extra: Uint8Array) => new Uint8Array([...bytes.subarray(0, 33), ...extra, ...bytes.subarray(33)]);

describe('measureImage', () => {
  const rows: [string, Uint8Array, Partial<Measurement>][] = [
    ['white 800×800 PNG', png({ width: 800, height: 800 }), { format: 'png', width: 800, height: 800, background: 'white', backgroundHex: '#FFFFFF', whiteBorderPercent: 100 }],
    ['white 800×800 JPEG', jpeg({ width: 800, height: 800 }), { format: 'jpeg', width: 800, height: 800, background: 'white', backgroundHex: '#FFFFFF' }],
    ['grey background PNG', png({ width: 800, height: 800, background: GREY }), { background: 'not-white', backgroundHex: '#808080', whiteBorderPercent: 0 }],
    ['grey background JPEG', jpeg({ width: 800, height: 800, background: GREY }), { format: 'jpeg', background: 'not-white' }],
    ['600×600 PNG', png({ width: 600, height: 600 }), { width: 600, height: 600, background: 'white' }],
    ['800×600 JPEG', jpeg({ width: 800, height: 600 }), { format: 'jpeg', width: 800, height: 600, background: 'white' }],
    ['#F5F5F5 is still white (every channel ≥ 245)', png({ width: 64, height: 64, background: [245, 245, 245, 255] }), { background: 'white', backgroundHex: '#F5F5F5' }],
    ['#F4F4F4 is not', png({ width: 64, height: 64, background: [244, 244, 244, 255] }), { background: 'not-white', backgroundHex: '#F4F4F4' }],
    ['one channel below 245 is enough to fail (#FFFFF0 ivory)', png({ width: 64, height: 64, background: [255, 255, 240, 255] }), { background: 'not-white' }],
    ['a transparent border is not white', png({ width: 800, height: 800, background: [255, 255, 255, 0] }), { background: 'not-white', backgroundHex: '#FFFFFF00', whiteBorderPercent: 0 }],
    ['a nearly opaque white border (alpha 250) is white', png({ width: 64, height: 64, background: [255, 255, 255, 250] }), { background: 'white', backgroundHex: '#FFFFFFFA' }],
    [
      'a product touching the edge on under 2 % of the border: still white',
      png({ width: 800, height: 800, paint: [[784, 300, 16, 60, RED]] }), // 960 of 50,176 border pixels
      { background: 'white', whiteBorderPercent: 98 },
    ],
    [
      'a product touching the edge on over 2 % of the border: not white',
      png({ width: 800, height: 800, paint: [[784, 300, 16, 70, RED]] }), // 1,120 of 50,176
      { background: 'not-white', whiteBorderPercent: 97.7, backgroundHex: '#FFFFFF' },
    ],
    [
      'a 1-pixel white frame around a grey photo is not a white background',
      png({ width: 800, height: 800, background: WHITE, paint: [[1, 1, 798, 798, GREY]] }),
      { background: 'not-white' },
    ],
  ];

  it.each(rows)('%s', (_, bytes, expected) => {
    expect(measureImage(bytes)).toMatchObject(expected);
  });

  it('reads grey, grey + alpha, 16-bit, 1-bit, palette and tRNS PNGs', () => {
    const n = 32 * 32;
    const cases: [string, Parameters<typeof encodePng>[0], Partial<Measurement>][] = [
      ['grey 8-bit white', { width: 32, height: 32, channels: 1, depth: 8, data: new Uint8Array(n).fill(250) }, { background: 'white', backgroundHex: '#FAFAFA' }],
      ['grey 8-bit grey', { width: 32, height: 32, channels: 1, depth: 8, data: new Uint8Array(n).fill(200) }, { background: 'not-white', backgroundHex: '#C8C8C8' }],
      ['grey + alpha, transparent', { width: 32, height: 32, channels: 2, depth: 8, data: new Uint8Array(2 * n).map((_, i) => (i % 2 ? 0 : 255)) }, { background: 'not-white', backgroundHex: '#FFFFFF00' }],
      ['RGB 16-bit white', { width: 32, height: 32, channels: 3, depth: 16, data: new Uint16Array(3 * n).fill(65535) }, { background: 'white', backgroundHex: '#FFFFFF' }],
      ['RGBA 16-bit half transparent', { width: 32, height: 32, channels: 4, depth: 16, data: new Uint16Array(4 * n).map((_, i) => (i % 4 === 3 ? 32768 : 65535)) }, { background: 'not-white', backgroundHex: '#FFFFFF80' }],
      ['grey 1-bit, all white', { width: 32, height: 32, channels: 1, depth: 1, data: new Uint8Array((32 / 8) * 32).fill(0xff) }, { background: 'white' }],
      ['grey 1-bit, all black', { width: 32, height: 32, channels: 1, depth: 1, data: new Uint8Array((32 / 8) * 32) }, { background: 'not-white', backgroundHex: '#000000' }],
      ['palette, white', { width: 32, height: 32, channels: 1, depth: 8, data: new Uint8Array(n).fill(1), palette: [[0, 0, 0], [255, 255, 255]] }, { background: 'white' }],
      ['4-bit palette, black', { width: 32, height: 32, channels: 1, depth: 4, data: new Uint8Array(n / 2), palette: [[0, 0, 0], [255, 255, 255]] }, { background: 'not-white' }],
      // (fast-png's encoder writes tRNS for the leading palette entries only, so the transparent one comes first.)
      ['palette with a transparent white (tRNS)', { width: 32, height: 32, channels: 1, depth: 8, data: new Uint8Array(n), palette: [[255, 255, 255, 0], [0, 0, 0, 255]] }, { background: 'not-white', backgroundHex: '#FFFFFF00' }],
    ];
    for (const [name, image, expected] of cases) expect(measureImage(encodePng(image)), name).toMatchObject({ format: 'png', width: 32, height: 32, ...expected });

    // tRNS on truecolour: white is the transparent colour key, so a white border is transparent.
    const rgb = encodePng({ width: 32, height: 32, channels: 3, depth: 8, data: new Uint8Array(3 * n).fill(255) });
    const keyed = withChunk(rgb, chunk('tRNS', new Uint8Array([0, 255, 0, 255, 0, 255])));
    expect(measureImage(rgb).background).toBe('white');
    expect(measureImage(keyed)).toMatchObject({ background: 'not-white', backgroundHex: '#FFFFFF00' });
  });

  it('judges a tiny image on all of it (the border is at least 1 pixel, at most half the side)', () => {
    expect(measureImage(png({ width: 1, height: 1, product: WHITE }))).toMatchObject({ width: 1, height: 1, background: 'white' });
    expect(measureImage(png({ width: 3, height: 2, background: GREY }))).toMatchObject({ background: 'not-white' });
  });

  it('follows the policy thresholds', () => {
    const lightGrey = png({ width: 64, height: 64, background: [240, 240, 240, 255] });
    expect(measureImage(lightGrey).background).toBe('not-white');
    expect(measureImage(lightGrey, { ...policy, whiteChannelMin: 240 }).background).toBe('white');
    const edge = png({ width: 800, height: 800, paint: [[784, 300, 16, 70, RED]] });
    expect(measureImage(edge, { ...policy, whiteBorderMinPercent: 97 }).background).toBe('white');
  });

  const whitePng = png({ width: 64, height: 64 });
  const whiteJpeg = jpeg({ width: 64, height: 64 });
  it.each<[string, Uint8Array, RegExp]>([
    ['empty bytes', new Uint8Array(0), /not a PNG or JPEG image \(it starts with nothing: the file is empty\)/],
    ['text', new TextEncoder().encode('<html>not found</html>'), /not a PNG or JPEG image \(it starts with 3c 68 74 6d 6c 3e 6e 6f\)/],
    ['a GIF', new TextEncoder().encode('GIF89a\u0001\u0000\u0001\u0000'), /not a PNG or JPEG image \(it starts with 47 49 46 38 39 61/],
    ['a PNG signature and then garbage', new Uint8Array([...whitePng.subarray(0, 8), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), /^not a readable PNG: /],
    ['a truncated PNG', whitePng.subarray(0, whitePng.length - 30), /^not a readable PNG: /],
    ['a PNG with corrupt compressed data', new Uint8Array([...whitePng.subarray(0, 45), 0xff, 0xff, 0xff, 0xff, ...whitePng.subarray(49)]), /^not a readable PNG: /],
    ['a JPEG signature and then garbage', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0, 1, 2, 3]), /^not a readable JPEG: /],
    ['a truncated JPEG', whiteJpeg.subarray(0, 300), /^not a readable JPEG: /],
  ])('%s: ImageUnreadableError', (_, bytes, message) => {
    let thrown: unknown;
    try {
      measureImage(bytes);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ImageUnreadableError);
    expect((thrown as Error).name).toBe('ImageUnreadableError');
    expect((thrown as Error).message).toMatch(message);
  });

  it('does not decode images above the megapixel limit', () => {
    const small = { ...policy, maxDecodeMegapixels: 0.5 };
    expect(() => measureImage(png({ width: 800, height: 800 }), small)).toThrow(/the image is 800×800 px, more than the 0.5 megapixels that are decoded/);
    expect(() => measureImage(jpeg({ width: 800, height: 800 }), small)).toThrow(/more than the 0.5 megapixels that are decoded/);
    expect(measureImage(png({ width: 700, height: 700 }), small).width).toBe(700);
  });
});

describe('measured images through checkImages', () => {
  const declared = (width: number, height: number, background = '#FFFFFF') => ({ url: 's3://shop-listing-images/l/1.png', width, height, background });

  it('a white square 800×800 PNG and JPEG pass', () => {
    const measured = new Map([
      [0, measureImage(png({ width: 800, height: 800 }))],
      [1, measureImage(jpeg({ width: 800, height: 800 }))],
    ]);
    expect(checkImages([declared(800, 800), declared(800, 800, 'white')], measured, policy)).toEqual([]);
  });

  it('a grey 600×800 JPEG declared as a white 800×800 fails on everything the pixels show', () => {
    const measured = new Map([[0, measureImage(jpeg({ width: 600, height: 800, background: GREY }))]]);
    expect(checkImages([declared(800, 800)], measured, policy).map((r) => [r.code, r.field])).toEqual([
      ['IMAGE_TOO_SMALL', 'images[0]'],
      ['IMAGE_NOT_SQUARE', 'images[0]'],
      ['IMAGE_BACKGROUND', 'images[0]'],
      ['IMAGE_MISMATCH', 'images[0].width'],
      ['IMAGE_MISMATCH', 'images[0].background'],
    ]);
  });

  it('corrupt bytes become IMAGE_UNREADABLE through the caller', () => {
    let error = '';
    try {
      measureImage(new Uint8Array([1, 2, 3]));
    } catch (e) {
      error = (e as Error).message;
    }
    const [reason] = checkImages([declared(800, 800)], new Map([[0, { error }]]), policy);
    expect(reason).toEqual({
      code: 'IMAGE_UNREADABLE',
      field: 'images[0]',
      message: 'images[0] (s3://shop-listing-images/l/1.png) could not be read: not a PNG or JPEG image (it starts with 01 02 03)',
    });
  });
});

describe('imageLocation', () => {
  const bucket = 'shop-listing-images';
  it.each([
    ['s3://shop-listing-images/listings/L-1/main.jpg', 'listings/L-1/main.jpg'],
    ['s3://shop-listing-images/listings/L-1/a b%20c.jpg', 'listings/L-1/a b%20c.jpg'],
    ['https://shop-listing-images.s3.amazonaws.com/listings/L-1/main.jpg', 'listings/L-1/main.jpg'],
    ['https://shop-listing-images.s3.ap-east-1.amazonaws.com/listings/L-1/main.jpg', 'listings/L-1/main.jpg'],
    ['https://shop-listing-images.s3.cn-north-1.amazonaws.com.cn/listings/L-1/main.jpg', 'listings/L-1/main.jpg'],
    ['https://s3.amazonaws.com/shop-listing-images/listings/L-1/main.jpg', 'listings/L-1/main.jpg'],
    ['https://s3.cn-northwest-1.amazonaws.com.cn/shop-listing-images/listings/L-1/main.jpg', 'listings/L-1/main.jpg'],
    ['https://SHOP-LISTING-IMAGES.S3.AMAZONAWS.COM/listings/L-1/main.jpg', 'listings/L-1/main.jpg'],
    ['https://shop-listing-images.s3.amazonaws.com/listings/L-1/%E4%B8%BB%E5%9B%BE%201.jpg', 'listings/L-1/主图 1.jpg'],
    ['https://shop-listing-images.s3.amazonaws.com/listings/L-1/main.jpg?X-Amz-Signature=abc#top', 'listings/L-1/main.jpg'],
  ])('%s → %s', (url, key) => {
    expect(imageLocation(url, bucket)).toEqual({ ok: true, bucket, key });
  });

  it('accepts a bucket name with dots', () => {
    expect(imageLocation('https://img.shop.example.s3.eu-west-1.amazonaws.com/a.png', 'img.shop.example')).toEqual({ ok: true, bucket: 'img.shop.example', key: 'a.png' });
  });

  it.each([
    ['s3://other-bucket/listings/main.jpg', /in bucket "other-bucket", not the platform's image bucket/],
    ['s3://shop-listing-images', /names no object/],
    ['s3://shop-listing-images/', /names no object/],
    ['http://shop-listing-images.s3.amazonaws.com/main.jpg', /http:\/\/ URLs are not read/],
    ['https://img.shop-platform.example/listings/main.jpg', /img.shop-platform.example is not the platform's image bucket/],
    ['https://shop-listing-images.s3.amazonaws.com.evil.example/main.jpg', /is not the platform's image bucket/],
    ['https://other.s3.amazonaws.com/shop-listing-images/main.jpg', /is not the platform's image bucket/],
    ['https://s3.amazonaws.com/other-bucket/main.jpg', /in bucket "other-bucket"/],
    ['https://s3.amazonaws.com/shop-listing-images', /names no object/],
    ['https://shop-listing-images.s3.amazonaws.com/', /names no object/],
    ['https://shop-listing-images.s3.amazonaws.com:8443/main.jpg', /port or user name/],
    ['https://user@shop-listing-images.s3.amazonaws.com/main.jpg', /port or user name/],
    ['https://shop-listing-images.s3.amazonaws.com/bad%E4.jpg', /malformed escape/],
    ['ftp://shop-listing-images/main.jpg', /ftp:\/\/ URLs are not read/],
    ['main.jpg', /"main.jpg" is not a URL/],
  ])('%s: a reason', (url, reason) => {
    const location = imageLocation(url, bucket);
    expect(location.ok).toBe(false);
    if (!location.ok) expect(location.reason).toMatch(reason);
  });
});

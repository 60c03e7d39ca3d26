import { decode as decodePng, type DecodedPng } from 'fast-png';
import { decode as decodeJpeg } from 'jpeg-js';
import { ShopError } from '../../shared/errors';
import { listingReviewPolicy, type ListingReviewPolicy } from './policy';

// Listing images (business rules §1): where they are, and what they measure. The declared width,
// height and background are the seller's word; these are the pixels'.

export type ImageFormat = 'png' | 'jpeg';

/** What the pixels of one image say. */
export interface Measurement {
  format: ImageFormat;
  width: number;
  height: number;
  /** `white` when at least `whiteBorderMinPercent` of the border pixels are white (see `measureImage`). */
  background: 'white' | 'not-white';
  /** The border's typical colour: the per-channel median, `#RRGGBB`, or `#RRGGBBAA` when it is not opaque. */
  backgroundHex: string;
  /** Share of the border pixels that are white, in percent, to one decimal. */
  whiteBorderPercent: number;
}

/** Bytes that are not a PNG or JPEG we can decode. Not retryable: the same bytes fail again. */
export class ImageUnreadableError extends ShopError {
  override name = 'ImageUnreadableError';
  override readonly status = 422;
}

export type MeasurePolicy = Pick<ListingReviewPolicy, 'whiteChannelMin' | 'whiteBorderMinPercent' | 'borderDepthPercent' | 'maxDecodeMegapixels'>;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Decodes a PNG (fast-png) or JPEG (jpeg-js), found by its signature, not by its name, and
 * measures it.
 *
 * The background is judged on the border: the outermost `borderDepthPercent` of the shorter side
 * (at least 1 pixel) on all four sides. A border pixel is white when red, green and blue are all at
 * least `whiteChannelMin` and, for PNG, so is its alpha: a transparent border is not white, since it
 * shows whatever is behind it. The background is white when at least `whiteBorderMinPercent` of the
 * border pixels are. Grey, 16-bit, palette and tRNS-keyed PNGs are read as RGBA on 0–255; an animated
 * PNG is judged on its default image.
 *
 * Throws ImageUnreadableError for anything else: another format, corrupt or truncated data, or an
 * image above `maxDecodeMegapixels`.
 */
export function measureImage(bytes: Uint8Array, policy: MeasurePolicy = listingReviewPolicy): Measurement {
  if (PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) return measure('png', readPng(bytes, policy), policy);
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return measure('jpeg', readJpeg(bytes, policy), policy);
  const start = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new ImageUnreadableError(`not a PNG or JPEG image (it starts with ${start || 'nothing: the file is empty'})`);
}

/** Pixel access on 0–255: fills `out` with r, g, b, a. */
interface Raster {
  width: number;
  height: number;
  pixel(x: number, y: number, out: Uint8Array): void;
}

function tooLarge(width: number, height: number, policy: MeasurePolicy): void {
  if (width * height > policy.maxDecodeMegapixels * 1_000_000) {
    throw new ImageUnreadableError(`the image is ${width}×${height} px, more than the ${policy.maxDecodeMegapixels} megapixels that are decoded`);
  }
}

function readJpeg(bytes: Uint8Array, policy: MeasurePolicy): Raster {
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: policy.maxDecodeMegapixels });
  } catch (error) {
    const message = (error as Error).message;
    if (/maxResolutionInMP/.test(message)) {
      throw new ImageUnreadableError(`the image has more than the ${policy.maxDecodeMegapixels} megapixels that are decoded`, { cause: error });
    }
    throw new ImageUnreadableError(`not a readable JPEG: ${message}`, { cause: error });
  }
  const { width, height, data } = image;
  if (!width || !height || data.length !== width * height * 4) throw new ImageUnreadableError('not a readable JPEG: no image data');
  return {
    width,
    height,
    pixel(x, y, out) {
      const i = (y * width + x) * 4;
      out[0] = data[i];
      out[1] = data[i + 1];
      out[2] = data[i + 2];
      out[3] = 255;
    },
  };
}

function readPng(bytes: Uint8Array, policy: MeasurePolicy): Raster {
  // IHDR comes first: its size decides whether decoding is worth the memory.
  if (bytes.length >= 24 && String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    tooLarge(view.getUint32(16), view.getUint32(20), policy);
  }
  let png: DecodedPng;
  try {
    png = decodePng(bytes);
  } catch (error) {
    throw new ImageUnreadableError(`not a readable PNG: ${(error as Error).message}`, { cause: error });
  }
  try {
    return pngRaster(png);
  } catch (error) {
    throw new ImageUnreadableError(`not a readable PNG: ${(error as Error).message}`, { cause: error });
  }
}

function pngRaster(png: DecodedPng): Raster {
  const { width, height, depth, channels, data, palette, transparency } = png;
  if (!width || !height) throw new Error('no image data');
  const max = 2 ** depth - 1;
  const packed = depth < 8;
  const rowUnits = packed ? Math.ceil((width * depth) / 8) : width * channels;
  if (data.length < rowUnits * height) throw new Error(`image data is ${data.length} values, expected ${rowUnits * height}`);
  /** Sample `c` of pixel (x, y) as stored (0 … 2^depth − 1). */
  const raw = packed
    ? (x: number, y: number) => {
        const bit = x * depth;
        return (data[y * rowUnits + (bit >> 3)] >> (8 - depth - (bit & 7))) & max;
      }
    : (x: number, y: number, c: number) => data[y * rowUnits + x * channels + c];
  const to8 = (value: number) => (depth === 8 ? value : depth === 16 ? value >> 8 : Math.round((value * 255) / max));

  if (palette) {
    return {
      width,
      height,
      pixel(x, y, out) {
        const colour = palette[raw(x, y, 0)];
        if (!colour) throw new Error('a pixel refers to a colour outside the palette');
        out[0] = colour[0];
        out[1] = colour[1];
        out[2] = colour[2];
        out[3] = colour.length > 3 ? colour[3] : 255;
      },
    };
  }
  // tRNS on grey or truecolour PNGs: the one colour (as stored) that is fully transparent.
  const key = transparency && transparency.length ? [...transparency] : undefined;
  return {
    width,
    height,
    pixel(x, y, out) {
      if (channels <= 2) {
        const grey = raw(x, y, 0);
        out[0] = out[1] = out[2] = to8(grey);
        out[3] = channels === 2 ? to8(raw(x, y, 1)) : key && grey === key[0] ? 0 : 255;
      } else {
        const r = raw(x, y, 0);
        const g = raw(x, y, 1);
        const b = raw(x, y, 2);
        out[0] = to8(r);
        out[1] = to8(g);
        out[2] = to8(b);
        out[3] = channels === 4 ? to8(raw(x, y, 3)) : key && r === key[0] && g === key[1] && b === key[2] ? 0 : 255;
      }
    },
  };
}

function measure(format: ImageFormat, raster: Raster, policy: MeasurePolicy): Measurement {
  const { width, height } = raster;
  const depth = Math.min(Math.max(1, Math.round((Math.min(width, height) * policy.borderDepthPercent) / 100)), Math.ceil(Math.min(width, height) / 2));
  const histograms = [0, 1, 2, 3].map(() => new Uint32Array(256));
  const px = new Uint8Array(4);
  let total = 0;
  let white = 0;
  const visit = (x: number, y: number) => {
    raster.pixel(x, y, px);
    total++;
    if (px[0] >= policy.whiteChannelMin && px[1] >= policy.whiteChannelMin && px[2] >= policy.whiteChannelMin && px[3] >= policy.whiteChannelMin) white++;
    for (let c = 0; c < 4; c++) histograms[c][px[c]]++;
  };
  for (let y = 0; y < height; y++) {
    const fullRow = y < depth || y >= height - depth;
    if (fullRow) {
      for (let x = 0; x < width; x++) visit(x, y);
    } else {
      for (let x = 0; x < Math.min(depth, width); x++) visit(x, y);
      for (let x = Math.max(depth, width - depth); x < width; x++) visit(x, y);
    }
  }
  const [r, g, b, a] = histograms.map((histogram) => median(histogram, total));
  const hex = (value: number) => value.toString(16).padStart(2, '0').toUpperCase();
  return {
    format,
    width,
    height,
    background: white * 100 >= policy.whiteBorderMinPercent * total ? 'white' : 'not-white',
    backgroundHex: `#${hex(r)}${hex(g)}${hex(b)}${a < 255 ? hex(a) : ''}`,
    whiteBorderPercent: Math.floor((white * 1000) / total) / 10,
  };
}

function median(histogram: Uint32Array, total: number): number {
  let seen = 0;
  for (let value = 0; value < 256; value++) {
    seen += histogram[value];
    if (seen * 2 >= total) return value;
  }
  return 255;
}

/** Where an image is: its key in the platform's bucket, or why it cannot be read from there. */
export type ImageLocation = { ok: true; bucket: string; key: string } | { ok: false; reason: string };

const REGION = '[a-z0-9-]+';
const AWS_DOMAIN = 'amazonaws\\.com(?:\\.cn)?';
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The key of a listing image in the platform's bucket `bucket`. Accepted forms:
 * - `s3://<bucket>/<key>` (the key as written, not percent-decoded, as the AWS CLI reads it);
 * - virtual-hosted HTTPS: `https://<bucket>.s3.amazonaws.com/<key>`, `https://<bucket>.s3.<region>.amazonaws.com/<key>`;
 * - path-style HTTPS: `https://s3.amazonaws.com/<bucket>/<key>`, `https://s3.<region>.amazonaws.com/<bucket>/<key>`;
 * the HTTPS forms also on the China regions' `amazonaws.com.cn`, with the key percent-decoded. A query
 * (e.g. a presigned URL's) and a fragment are ignored: the image is read with the flow's own rights.
 * Anything else (plain http, another host or bucket, a port, user info, no key) is a reason.
 */
export function imageLocation(url: string, bucket: string): ImageLocation {
  const fail = (reason: string): ImageLocation => ({ ok: false, reason });
  const elsewhere = `it must be uploaded to the platform's image bucket (s3://${bucket}/…)`;
  const s3 = /^s3:\/\/([^/?#]*)(?:\/(.*))?$/is.exec(url);
  if (s3) {
    const [, host, key] = s3;
    if (host !== bucket) return fail(`the image is in bucket "${host}", not the platform's image bucket; ${elsewhere}`);
    return key ? { ok: true, bucket, key } : fail(`${url} names no object in the bucket`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(`"${url}" is not a URL; ${elsewhere}`);
  }
  if (parsed.protocol !== 'https:') return fail(`${parsed.protocol}// URLs are not read; ${elsewhere}`);
  if (parsed.username || parsed.password || parsed.port) return fail(`the URL carries a port or user name; ${elsewhere}`);
  const host = parsed.hostname;
  let path = parsed.pathname.slice(1);
  const virtualHosted = new RegExp(`^${escapeRegex(bucket)}\\.s3(?:\\.${REGION})?\\.${AWS_DOMAIN}$`);
  const pathStyle = new RegExp(`^s3(?:\\.${REGION})?\\.${AWS_DOMAIN}$`);
  if (!virtualHosted.test(host)) {
    if (!pathStyle.test(host)) return fail(`${host} is not the platform's image bucket; ${elsewhere}`);
    const slash = path.indexOf('/');
    const pathBucket = slash < 0 ? path : path.slice(0, slash);
    if (pathBucket !== bucket) return fail(`the image is in bucket "${pathBucket}", not the platform's image bucket; ${elsewhere}`);
    path = slash < 0 ? '' : path.slice(slash + 1);
  }
  if (!path) return fail(`${url} names no object in the bucket`);
  try {
    return { ok: true, bucket, key: decodeURIComponent(path) };
  } catch {
    return fail(`${url} has a malformed escape (%) in its path`);
  }
}

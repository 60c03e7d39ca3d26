/**
 * The digests S3 computes and checks: the ETag (MD5), Content-MD5 and the flexible checksums
 * (`x-amz-checksum-*`) the AWS SDK sends by default since 2025 (CRC32 unless told otherwise).
 */
import { createHash } from 'node:crypto';

/** The checksum algorithms S3 knows, as they appear in `x-amz-checksum-<name>`. */
export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Table of a reflected CRC-32 with the given (reversed) polynomial. */
function crcTable(polynomial: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const CRC32 = crcTable(0xedb88320);
const CRC32C = crcTable(0x82f63b78);

function crc(table: Uint32Array, bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A 32-bit CRC as S3 writes it: the four bytes big-endian, base64. */
function crcBase64(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes.toString('base64');
}

/** The base64 checksum of `body`; undefined for an algorithm not computed locally (CRC64NVME). */
export function checksum(algorithm: string, body: Uint8Array): string | undefined {
  switch (algorithm) {
    case 'crc32':
      return crcBase64(crc(CRC32, body));
    case 'crc32c':
      return crcBase64(crc(CRC32C, body));
    case 'sha1':
    case 'sha256':
      return createHash(algorithm).update(body).digest('base64');
    default:
      return undefined;
  }
}

export const md5Hex = (body: Uint8Array) => createHash('md5').update(body).digest('hex');
export const md5Base64 = (body: Uint8Array) => createHash('md5').update(body).digest('base64');
export const sha256Hex = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

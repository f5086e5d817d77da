import zlib from 'node:zlib';
import { PNG } from 'pngjs';
import { SpeculosError } from './errors.js';

/**
 * A Nano screen as what it is: one bit per pixel, lit or not. Speculos's GET /screenshot returns
 * an 8-bit RGB PNG of the framebuffer (two colours on the Nano S Plus and Nano X); golden files
 * keep only the bits, as 1-bit greyscale PNGs of a few hundred bytes.
 */
export interface ScreenBitmap {
  width: number;
  height: number;
  /** One byte per pixel, row-major: 1 = lit, 0 = off. */
  lit: Uint8Array;
}

/** Any PNG (a Speculos screenshot or a 1-bit golden) as a bitmap: a pixel is lit when it is not dark. */
export function bitmapFromPng(png: Buffer): ScreenBitmap {
  let image: PNG;
  try {
    image = PNG.sync.read(png);
  } catch (err) {
    throw new SpeculosError('BAD_IMAGE', `not a readable PNG (${png.length} bytes): ${(err as Error).message}`);
  }
  const lit = new Uint8Array(image.width * image.height);
  for (let i = 0; i < lit.length; i++) {
    const o = 4 * i;
    const sum = (image.data[o] ?? 0) + (image.data[o + 1] ?? 0) + (image.data[o + 2] ?? 0);
    lit[i] = sum >= 3 * 128 ? 1 : 0;
  }
  return { width: image.width, height: image.height, lit };
}

export function sameBitmap(a: ScreenBitmap, b: ScreenBitmap): boolean {
  return a.width === b.width && a.height === b.height && Buffer.from(a.lit).equals(Buffer.from(b.lit));
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * The bitmap as a 1-bit greyscale PNG (PNG spec: colour type 0, bit depth 1, rows MSB first,
 * filter 0 on every row), compressed at level 9 with no timestamp, so the same screen always
 * gives the same bytes and an unchanged golden stays unchanged in git.
 */
export function bitmapToPng(bitmap: ScreenBitmap): Buffer {
  const rowBytes = Math.ceil(bitmap.width / 8);
  const raw = Buffer.alloc((rowBytes + 1) * bitmap.height);
  for (let y = 0; y < bitmap.height; y++) {
    const row = y * (rowBytes + 1); // raw[row] = 0: filter type None
    for (let x = 0; x < bitmap.width; x++) {
      if (bitmap.lit[y * bitmap.width + x] === 1) {
        const at = row + 1 + (x >> 3);
        raw[at] = (raw[at] ?? 0) | (0x80 >> (x & 7));
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(bitmap.width, 0);
  ihdr.writeUInt32BE(bitmap.height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A picture of what differs, for a person to look at: pixels lit in both are grey, lit only in
 * the actual screen red, lit only in the golden green. Sizes that differ are drawn over the
 * larger of the two.
 */
export function diffPng(actual: ScreenBitmap, golden: ScreenBitmap): Buffer {
  const width = Math.max(actual.width, golden.width);
  const height = Math.max(actual.height, golden.height);
  const at = (b: ScreenBitmap, x: number, y: number): boolean => x < b.width && y < b.height && b.lit[y * b.width + x] === 1;
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = at(actual, x, y);
      const g = at(golden, x, y);
      const rgb = a && g ? [128, 128, 128] : a ? [255, 0, 0] : g ? [0, 200, 0] : [0, 0, 0];
      image.data.set([...rgb, 255], 4 * (y * width + x));
    }
  }
  return PNG.sync.write(image);
}

/** How many pixels differ (sizes that differ count every pixel of the larger screen). */
export function differingPixels(a: ScreenBitmap, b: ScreenBitmap): number {
  if (a.width !== b.width || a.height !== b.height) {
    return Math.max(a.width * a.height, b.width * b.height);
  }
  let n = 0;
  for (let i = 0; i < a.lit.length; i++) {
    n += a.lit[i] === b.lit[i] ? 0 : 1;
  }
  return n;
}

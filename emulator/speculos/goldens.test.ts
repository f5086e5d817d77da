import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { GoldenFlowRecorder, titleSlug } from './goldens.js';
import { bitmapFromPng, bitmapToPng, diffPng, differingPixels, sameBitmap, type ScreenBitmap } from './screen-image.js';

/** A 128x64 screen with the pixels at the given indices lit. */
function screenWith(...litAt: number[]): ScreenBitmap {
  const lit = new Uint8Array(128 * 64);
  for (const i of litAt) lit[i] = 1;
  return { width: 128, height: 64, lit };
}

/** The RGB PNG Speculos would return for a bitmap (lit = 221 grey, off = black). */
function speculosPng(b: ScreenBitmap): Buffer {
  const image = new PNG({ width: b.width, height: b.height });
  b.lit.forEach((v, i) => image.data.set(v === 1 ? [221, 221, 221, 255] : [0, 0, 0, 255], 4 * i));
  return PNG.sync.write(image, { colorType: 2 });
}

describe('screen bitmaps', () => {
  it('a Speculos screenshot reads as its lit pixels, and the 1-bit PNG keeps them exactly', () => {
    const b = screenWith(0, 7, 8, 127, 128, 4000, 128 * 64 - 1);
    const fromSpeculos = bitmapFromPng(speculosPng(b));
    expect(sameBitmap(fromSpeculos, b)).toBe(true);
    const png = bitmapToPng(b);
    expect(png.readUInt8(24)).toBe(1); // IHDR bit depth
    expect(png.readUInt8(25)).toBe(0); // greyscale
    expect(sameBitmap(bitmapFromPng(png), b)).toBe(true);
    expect(bitmapToPng(b).equals(png)).toBe(true); // same screen, same bytes
  });

  it('counts and draws differing pixels', () => {
    const a = screenWith(1, 2, 3);
    const g = screenWith(2, 3, 4);
    expect(differingPixels(a, g)).toBe(2);
    const diff = PNG.sync.read(diffPng(a, g));
    expect([...diff.data.subarray(4, 7)]).toEqual([255, 0, 0]); // lit only in the actual screen
    expect([...diff.data.subarray(16, 19)]).toEqual([0, 200, 0]); // lit only in the golden
    expect([...diff.data.subarray(8, 11)]).toEqual([128, 128, 128]); // lit in both
  });

  it('refuses bytes that are not a PNG with a typed error', () => {
    expect(() => bitmapFromPng(Buffer.from('not a png'))).toThrow(/BAD_IMAGE/);
  });
});

describe('golden flow recorder', () => {
  let root: string;
  const dirs = (): { goldens: string; artifacts: string } => ({ goldens: path.join(root, 'goldens'), artifacts: path.join(root, 'artifacts') });
  const record = (...screens: [string, ScreenBitmap][]): GoldenFlowRecorder => {
    const r = new GoldenFlowRecorder('nanosp', 'demo', dirs());
    for (const [title, bitmap] of screens) r.add(bitmap, title);
    return r;
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'goldens-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('names distinct screens NN-<title> in order of appearance and drops repeats', () => {
    const r = record(['Blind signing', screenWith(1)], ['Message hash', screenWith(2)], ['Blind signing', screenWith(1)], ['Approve', screenWith(3)]);
    expect(r.names).toEqual(['01-blind-signing', '02-message-hash', '03-approve']);
    expect(titleSlug('  <Verify key!>  ')).toBe('verify-key');
  });

  it('UPDATE writes the goldens, which then compare equal; a stale golden is removed by the next update', () => {
    record(['A', screenWith(1)], ['B', screenWith(2)], ['C', screenWith(3)]).verify(true);
    const dir = path.join(dirs().goldens, 'nanosp', 'demo');
    expect(fs.readdirSync(dir).sort()).toEqual(['01-a.png', '02-b.png', '03-c.png']);
    expect(() => record(['A', screenWith(1)], ['B', screenWith(2)], ['C', screenWith(3)]).verify(false)).not.toThrow();
    record(['A', screenWith(1)], ['B', screenWith(2)]).verify(true);
    expect(fs.readdirSync(dir).sort()).toEqual(['01-a.png', '02-b.png']);
  });

  it('a differing screen fails with the golden path and saves the actual screen and a diff', () => {
    record(['A', screenWith(1)], ['B', screenWith(2)]).verify(true);
    let message = '';
    try {
      record(['A', screenWith(1)], ['B', screenWith(2, 5)]).verify(false);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/GOLDEN_MISMATCH/);
    expect(message).toMatch(/goldens\/nanosp\/demo\/02-b\.png: 1 pixels differ/);
    const actual = path.join(dirs().artifacts, 'nanosp', 'demo', '02-b.actual.png');
    expect(message).toMatch(/actual: \S*nanosp\/demo\/02-b\.actual\.png, diff: \S*nanosp\/demo\/02-b\.diff\.png/);
    expect(sameBitmap(bitmapFromPng(fs.readFileSync(actual)), screenWith(2, 5))).toBe(true);
    expect(fs.existsSync(path.join(dirs().artifacts, 'nanosp', 'demo', '02-b.diff.png'))).toBe(true);
    expect(fs.existsSync(path.join(dirs().artifacts, 'nanosp', 'demo', '01-a.actual.png'))).toBe(false);
  });

  it('fails on a screen without a golden and on a golden the flow no longer shows', () => {
    record(['A', screenWith(1)], ['B', screenWith(2)]).verify(true);
    expect(() => record(['A', screenWith(1)], ['B', screenWith(2)], ['C', screenWith(3)]).verify(false)).toThrow(/03-c\.png: no golden/);
    expect(() => record(['A', screenWith(1)]).verify(false)).toThrow(/02-b\.png: golden of a screen the flow no longer shows/);
    expect(() => record().verify(false)).toThrow(/no screen was captured/);
  });
});

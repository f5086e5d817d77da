/**
 * The crypto core in a real browser page (Chromium through playwright-core): src/crypto/index.ts
 * bundled for the browser loads without Node (so without the libsecp256k1 addon), picks the
 * pure-JS curve backend, and computes what Node computes — Spark keys from a seed, the user's
 * FROST share and an aggregate signature (checked against Node's results, which the oracle
 * suites tie to the SDK), and ECIES decryption of a ciphertext made in Node.
 */
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkAccountKeys, aggregateFrost, bytesToHex, encryptEcies, signFrost } from '../../src/crypto/index.js';
import { SeededRandom, aggregateParams, makeGroup, makeRound, operatorShares, userSignParams } from '../../src/crypto/testing/index.js';
import { bundleForPage } from './bundle.js';
import { toWire, type Wire } from './wire.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  const bundle = await bundleForPage('src/crypto/index.ts', 'SparkCrypto');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent('<!doctype html><title>spark crypto core</title>');
  await page.addScriptTag({ content: bundle });
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
});

/** Runs a core function in the page on wire-encoded arguments; returns its result as hex. */
async function inPage(fn: 'signFrost' | 'aggregateFrost' | 'decryptEcies' | 'identityPublicKey', args: Wire[]): Promise<string> {
  return page.evaluate(
    ({ fn, json }) => {
      const fromHex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
      const revive = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(revive);
        if (v !== null && typeof v === 'object') {
          const o = v as Record<string, unknown>;
          if (typeof o.hex === 'string' && Object.keys(o).length === 1) return fromHex(o.hex);
          return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revive(x)]));
        }
        return v;
      };
      // The bundle's exports, as the IIFE published them.
      const core = (globalThis as unknown as { SparkCrypto: Record<string, (...a: unknown[]) => unknown> & { SparkAccountKeys: { fromSeed(s: Uint8Array, a: number): { identityKey(): { publicKey: Uint8Array } } } } }).SparkCrypto;
      const a = (JSON.parse(json) as unknown[]).map(revive);
      const out = fn === 'identityPublicKey' ? core.SparkAccountKeys.fromSeed(a[0] as Uint8Array, a[1] as number).identityKey().publicKey : (core[fn] as (...x: unknown[]) => Uint8Array)(...a);
      return Array.from(out as Uint8Array, (b) => b.toString(16).padStart(2, '0')).join('');
    },
    { fn, json: JSON.stringify(args) },
  );
}

describe('the crypto core in a browser page (Chromium)', () => {
  it('loads without Node and computes on the pure-JS curve backend', async () => {
    const backend = await page.evaluate(() => (globalThis as unknown as { SparkCrypto: { curveBackend(): string } }).SparkCrypto.curveBackend());
    expect(backend).toBe('js');
  });

  it('derives the same Spark identity key as Node from 5 seeds', async () => {
    const rng = new SeededRandom('browser-keys-1');
    for (let i = 0; i < 5; i++) {
      const seed = rng.bytes(32);
      expect(await inPage('identityPublicKey', [toWire(seed), i])).toBe(bytesToHex(SparkAccountKeys.fromSeed(seed, i).identityKey().publicKey));
    }
  });

  it('computes the same user FROST share and aggregate signature as Node (2-of-3 and 3-of-5, with and without adaptor)', { timeout: 120_000 }, async () => {
    const rng = new SeededRandom('browser-frost-1');
    for (const [n, t] of [[3, 2], [5, 3]] as const) {
      const group = makeGroup(rng, n, t, 'dealer');
      for (const withAdaptor of [false, true]) {
        const round = makeRound(rng, group, Array.from({ length: t }, (_, i) => i), withAdaptor);
        const params = userSignParams(round);
        const share = signFrost(params);
        expect(await inPage('signFrost', [toWire(params)])).toBe(bytesToHex(share));
        const agg = aggregateParams(round, share, operatorShares(round));
        expect(await inPage('aggregateFrost', [toWire(agg)])).toBe(bytesToHex(aggregateFrost(agg)));
      }
    }
  });

  it('decrypts an ECIES ciphertext made in Node', async () => {
    const rng = new SeededRandom('browser-ecies-1');
    const keys = SparkAccountKeys.fromSeed(rng.bytes(32), 0).identityKey();
    const message = new TextEncoder().encode('spark leaf key tweak');
    const ct = encryptEcies(message, keys.publicKey);
    expect(await inPage('decryptEcies', [toWire(ct), toWire(keys.privateKey)])).toBe(bytesToHex(message));
  });
});

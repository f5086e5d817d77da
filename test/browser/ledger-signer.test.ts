/**
 * The hardware signer in a browser page: src/browser/index.ts bundled for the browser (esbuild),
 * loaded in Chromium (playwright-core), talking to the Spark app under Speculos through Speculos's
 * HTTP API (SpeculosHttpTransport: a page has no HID to Speculos; users get WebHID). In the page:
 * the crypto core runs on its pure-JS backend, LedgerSparkSigner derives keys on the device, and
 * signs a FROST share the user approves on the device's screen (buttons pressed through Speculos's
 * API); the share is checked in Node and aggregated in the page with the crypto core and with the
 * SDK's own aggregation.
 */
import { schnorr } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApprover, type Approver } from '../../emulator/speculos/approver.js';
import { pageBody, setBlindSigning } from '../../emulator/speculos/flows.js';
import { bytesToHex, taprootOutputKey } from '../../src/crypto/index.js';
import { expectedPublicKey } from '../device/expected-keys.js';
import { startDevice, type DeviceFixture } from '../device/fixture.js';
import { makeOperatorGroup, operatorCommitmentMap, operatorNonces, operatorPublicShares, operatorShares, verifyUserShare, verifyingKeyFor } from '../device/frost-operators.js';
import { waitFor } from '../network/sdk.js';
import { bundleForPage } from './bundle.js';
import { fromWire, toWire, type Wire } from './wire.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LEAF_ID = '0197a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b';

/**
 * The page's side: `SparkBrowser` is the bundle's global; `window.spark` keeps the signer between
 * calls. Arguments and results cross as Wire values.
 */
const PAGE_HELPERS = `
window.wire = {
  revive(v) {
    if (Array.isArray(v)) return v.map(window.wire.revive);
    if (v !== null && typeof v === 'object') {
      if (typeof v.hex === 'string' && Object.keys(v).length === 1) return Uint8Array.from(v.hex.match(/../g) || [], (b) => parseInt(b, 16));
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, window.wire.revive(x)]));
    }
    return v;
  },
  encode(v) {
    if (v instanceof Uint8Array) return { hex: Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('') };
    if (Array.isArray(v)) return v.map(window.wire.encode);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, window.wire.encode(x)]));
    return v;
  },
};`;

describe('LedgerSparkSigner in a browser page (Chromium), the app under Speculos over HTTP', { timeout: 180_000 }, () => {
  let browser: Browser | undefined;
  let page: Page;
  let dev: DeviceFixture | undefined;
  let approver: Approver | undefined;
  const pageErrors: string[] = [];

  /** Runs `body` (an async function of `args`, with SparkBrowser, window.spark and window.wire in scope) in the page. */
  async function inPage(body: string, args: unknown = null): Promise<unknown> {
    const out = await page.evaluate(
      async ({ body, json }) => {
        const w = window as unknown as { wire: { revive(v: unknown): unknown; encode(v: unknown): unknown } };
        const fn = new Function('args', `return (async () => { ${body} })();`) as (a: unknown) => Promise<unknown>;
        return JSON.stringify(w.wire.encode(await fn(w.wire.revive(JSON.parse(json)))) ?? null);
      },
      { body, json: JSON.stringify(toWire(args)) },
    );
    return fromWire(JSON.parse(out) as Wire);
  }

  beforeAll(async () => {
    const bundle = await bundleForPage('src/browser/index.ts', 'SparkBrowser');
    dev = await startDevice();
    // The page talks to Speculos over HTTP only: the fixture's APDU socket would also receive the replies.
    await dev.transport.close();
    await setBlindSigning(dev.screen, true);
    approver = startApprover(dev.screen, ['Blind signing']);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.setContent('<!doctype html><title>spark hardware signer</title>');
    await page.addScriptTag({ content: PAGE_HELPERS });
    await page.addScriptTag({ content: bundle });
    await inPage(`
      const transport = await SparkBrowser.SpeculosHttpTransport.open(args.speculos);
      window.spark = { transport, app: new SparkBrowser.SparkLedgerApp(transport) };
      window.spark.signer = new SparkBrowser.LedgerSparkSigner(window.spark.app);
    `, { speculos: dev.speculos.baseUrl });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await approver?.stop();
    await dev?.stop();
  });

  it('loads without Node: no page error, the crypto core on its pure-JS backend, Buffer provided', async () => {
    expect(pageErrors).toEqual([]);
    expect(await inPage(`return [SparkBrowser.crypto.curveBackend(), typeof Buffer, typeof process];`)).toEqual(['js', 'function', 'undefined']);
  });

  it('WebHID is the users\' transport; where the browser cannot open a device it says so with a typed error', async () => {
    // No user gesture and no device here: WebHID cannot open one, and says why.
    expect(await inPage(`try { await SparkBrowser.openWebHid(); return 'opened'; } catch (e) { return [e.name, e.code]; }`)).toEqual(['SparkDeviceError', 'TRANSPORT_UNAVAILABLE']);
  });

  it('derives the identity key and a leaf key on the device, over Speculos\'s HTTP API', async () => {
    const [identity, leaf, blindSigning] = (await inPage(`
      const identity = await window.spark.signer.getIdentityPublicKey();
      const leaf = await window.spark.signer.getPublicKeyFromDerivation({ type: 'leaf', path: args.leafId });
      const v = await window.spark.app.getVersion();
      return [identity, leaf, v.blindSigningEnabled];
    `, { leafId: LEAF_ID })) as [Uint8Array, Uint8Array, boolean];
    expect(bytesToHex(identity)).toBe(bytesToHex(expectedPublicKey({ kind: 'identity', account: 0 })));
    expect(bytesToHex(leaf)).toBe(bytesToHex(expectedPublicKey({ kind: 'leaf', account: 0, leafId: LEAF_ID })));
    // The setting the test turned on with the buttons, as the app reports it over HTTP.
    expect(blindSigning).toBe(true);
  });

  it('signs a FROST share on the device (approved on screen); it verifies in Node and aggregates in the page into a BIP340 signature', async () => {
    const group = makeOperatorGroup(2, 3);
    const ops = operatorNonces(group.operators.slice(0, 2));
    const [userPub, self] = (await inPage(`
      const pub = await window.spark.signer.getPublicKeyFromDerivation({ type: 'leaf', path: args.leafId });
      const self = await window.spark.signer.getRandomSigningCommitment();
      return [pub, self.commitment, self.nonce === undefined];
    `, { leafId: LEAF_ID })) as [Uint8Array, { hiding: Uint8Array; binding: Uint8Array }, boolean];
    const verifyingKey = verifyingKeyFor(userPub, group);
    const message = sha256(new TextEncoder().encode('refund sighash, signed from a page'));
    const statechainCommitments = operatorCommitmentMap(ops);
    const before = approver?.reviews.length ?? 0;
    const share = (await inPage(`
      window.spark.params = { message: args.message, keyDerivation: { type: 'leaf', path: args.leafId }, publicKey: args.userPub, verifyingKey: args.verifyingKey, selfCommitment: { commitment: args.self }, statechainCommitments: args.statechainCommitments };
      return await window.spark.signer.signFrost(window.spark.params);
    `, { message, leafId: LEAF_ID, userPub, verifyingKey, self, statechainCommitments })) as Uint8Array;
    const round = { message, verifyingKey, userCommitment: self, ops };
    expect(verifyUserShare(round, share, userPub)).toBe(true);
    const [shown] = await waitFor(async () => (approver?.reviews ?? []).slice(before), (r) => r.length === 1, 10_000, 'the FROST review');
    expect(pageBody(shown ?? [], 'Blind signing')).toContain('FROST share');

    const [byCore, bySdk] = (await inPage(`
      const p = { ...window.spark.params, selfSignature: args.share, statechainSignatures: args.sigs, statechainPublicKeys: args.pubs };
      const byCore = SparkBrowser.crypto.aggregateFrost({ ...p, selfCommitment: p.selfCommitment.commitment, selfPublicKey: p.publicKey });
      const bySdk = await window.spark.signer.aggregateFrost(p);
      return [byCore, bySdk];
    `, { share, sigs: operatorShares(round), pubs: operatorPublicShares(ops) })) as [Uint8Array, Uint8Array];
    expect(schnorr.verify(byCore, message, taprootOutputKey(verifyingKey))).toBe(true);
    expect(bytesToHex(bySdk)).toBe(bytesToHex(byCore));
    expect(pageErrors).toEqual([]);
  });
});

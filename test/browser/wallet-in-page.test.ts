/**
 * The unmodified SDK wallet in a browser page on LedgerSparkSigner: the SDK's browser build
 * (gRPC-web over fetch) and the signer bundled with esbuild, run in Chromium; the operators reached
 * through a gRPC-web gateway per operator (gateways.ts: our operators speak gRPC only), the app
 * under Speculos through its HTTP API. The wallet initializes (the operators authenticate the
 * device's identity key: approved on the device), hands out a deposit address for the device's
 * deposit key, and claims the deposit with FROST shares from the device, approved on its screen.
 *
 * On network LOCAL the SDK reads the chain through the bitcoind-style JSON-RPC named by
 * BITCOIN_RPC_* in process.env (docs/sdk-wire.md, section "The browser build"): the bundle
 * defines them, and a CORS gateway lets the page reach the RPC.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetwork, type RunningNetwork } from '../../emulator/network/network.js';
import { startApprover, type Approver } from '../../emulator/speculos/approver.js';
import { setBlindSigning } from '../../emulator/speculos/flows.js';
import { bytesToHex } from '../../src/crypto/index.js';
import { expectedPublicKey } from '../device/expected-keys.js';
import { startDevice, type DeviceFixture } from '../device/fixture.js';
import { sspSwaps } from '../network/leaf-optimizer.js';
import { bundleForPage } from './bundle.js';
import { startCorsProxy, startGrpcWebProxy, type PageGateway } from './gateways.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * The deposit's value. The wallet runs on the network's options as printed (the SDK's defaults,
 * leaf optimization on): a single leaf of at most 14 sats, which the SDK's optimizer leaves alone
 * (test/network/leaf-optimizer.ts), so the claimed leaf stays the wallet's and no swap starts.
 */
const DEPOSIT_SATS = 8;

describe('the SDK wallet in a browser page on the Ledger signer', { timeout: 240_000 }, () => {
  let network: RunningNetwork | undefined;
  let dev: DeviceFixture | undefined;
  let approver: Approver | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const proxies: PageGateway[] = [];
  const pageErrors: string[] = [];
  const consoleLines: string[] = [];
  const pageOperators: Record<string, unknown> = {};

  beforeAll(async () => {
    network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
    const rpc = network.chain.info.bitcoindRpc;
    const rpcGateway = await startCorsProxy(rpc.url);
    proxies.push(rpcGateway);
    const bundle = await bundleForPage('test/browser/wallet-entry.ts', 'SparkBrowser', { 'process.env': JSON.stringify({ BITCOIN_RPC_URL: rpcGateway.url, BITCOIN_RPC_USER: rpc.user, BITCOIN_RPC_PASSWORD: rpc.pass }) });
    dev = await startDevice();
    await dev.transport.close();
    await setBlindSigning(dev.screen, true);
    approver = startApprover(dev.screen, ['Blind signing']);
    const caPath = network.env.GRPC_DEFAULT_SSL_ROOTS_FILE_PATH ?? '';
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => consoleLines.push(m.text()));
    await page.setContent('<!doctype html><title>spark wallet on a Ledger</title>');
    await page.addScriptTag({ content: bundle });
    // The page reaches each operator through its gateway.
    for (const [id, op] of Object.entries(network.walletOptions.signingOperators ?? {})) {
      const proxy = await startGrpcWebProxy(op.address, caPath);
      proxies.push(proxy);
      pageOperators[id] = { ...op, address: proxy.url };
    }
  }, 420_000);

  afterAll(async () => {
    await page?.evaluate(() => (window as unknown as { wallet?: { cleanupConnections(): Promise<void> } }).wallet?.cleanupConnections()).catch(() => undefined);
    await browser?.close();
    for (const p of proxies) await p.close();
    await approver?.stop();
    await dev?.stop();
    await network?.stop();
  });

  let depositAddress = '';

  it('initializes on the device, shows its identity, balance and a deposit address', async () => {
    const options = { ...network!.walletOptions, signingOperators: pageOperators, signerWithPreExistingKeys: true };
    const result = await page.evaluate(
      async ({ speculos, options }) => {
        const B = (globalThis as unknown as { SparkBrowser: Record<string, any> }).SparkBrowser; // eslint-disable-line @typescript-eslint/no-explicit-any
        const transport = await B.SpeculosHttpTransport.open(speculos);
        const signer = new B.LedgerSparkSigner(new B.SparkLedgerApp(transport));
        const { wallet } = await B.SparkWallet.initialize({ signer, options });
        (window as unknown as { wallet: unknown }).wallet = wallet;
        const balance = await wallet.getBalance();
        return { identity: await wallet.getIdentityPublicKey(), available: String(balance.satsBalance.available), address: await wallet.getSingleUseDepositAddress(), spark: await wallet.getSparkAddress() };
      },
      { speculos: dev!.speculos.baseUrl, options: JSON.parse(JSON.stringify(options)) as unknown },
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}\n--- page console ---\n${consoleLines.slice(-40).join('\n')}`);
    });
    expect(result.identity).toBe(bytesToHex(expectedPublicKey({ kind: 'identity', account: 0 })));
    expect(result.available).toBe('0');
    expect(result.address).toMatch(/^bcrt1p/);
    depositAddress = result.address;
    expect(result.spark).toMatch(/^spark/);
    // The operators' authentication challenges were signed on the device, approved on screen.
    expect(approver?.reviews.some((p) => p[0]?.includes('Identity key') === true)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('claims a deposit in the page: the root and refunds FROST-signed with the device, approved on screen', async () => {
    const funded = await network!.chain.fund(depositAddress, BigInt(DEPOSIT_SATS));
    const before = approver?.reviews.length ?? 0;
    const result = await page.evaluate(async (txid) => {
      const wallet = (window as unknown as { wallet: { claimDeposit(t: string): Promise<{ value: number }[]>; getBalance(): Promise<{ satsBalance: { available: bigint } }> } }).wallet;
      const leaves = await wallet.claimDeposit(txid);
      return { values: leaves.map((l) => l.value), available: String((await wallet.getBalance()).satsBalance.available) };
    }, funded.txid).catch((e: unknown) => {
      throw new Error(`${String(e)}\n--- page console ---\n${consoleLines.slice(-40).join('\n')}`);
    });
    expect(result).toEqual({ values: [DEPOSIT_SATS], available: String(DEPOSIT_SATS) });
    // The approver records a review once its walk ends (the screen back home), which may come just
    // after the wallet has its answer.
    const frostReviews = (): number => (approver?.reviews ?? []).slice(before).filter((p) => p[0]?.includes('FROST share') === true).length;
    await expect.poll(frostReviews, { timeout: 10_000 }).toBeGreaterThanOrEqual(3); // root, CPFP refund, direct-from-CPFP refund
    // Leaf optimization on, and nothing for it to do: no swap in the SSP's books.
    expect(sspSwaps(network!.dataDir)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

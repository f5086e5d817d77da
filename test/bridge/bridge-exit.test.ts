import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FundingWallet } from '../../emulator/chain/funding-wallet.js';
import { startApprover, type Approver } from '../../emulator/speculos/approver.js';
import { pageBody } from '../../emulator/speculos/flows.js';
import { AccountStore } from '../../bridge/core/storage/account-store.js';
import { EXIT_DATA_FORMAT, checkExitData, type ExitData } from '../../src/exit/exit-data.js';
import { rpcExitChain } from '../../src/exit/exit-chain.js';
import { DEFAULT_FEE_RATE_SAT_PER_VB, addressScript, sweepVsize } from '../../src/exit/exit-runner.js';
import { freshAddress } from '../exit/fresh-address.js';
import { receivedBy } from '../exit/exit-helpers.js';
import { ladderFor, sspSwaps } from '../network/leaf-optimizer.js';
import { loadSdk, openWallet, waitFor } from '../network/sdk.js';
import { screenshot, startBridgeE2e, type BridgeE2e } from './harness.js';

/**
 * The exiting leaf: large enough that its direct exit leaves more than dust after its fees. The
 * bridge's wallet runs on the network's options as printed (the SDK's defaults, leaf optimization
 * on) and the exit's subject is this very leaf: the wallet first holds a ladder of small powers of
 * two under which the SDK's optimizer leaves it alone (test/network/leaf-optimizer.ts), so no swap
 * replaces it. The ladder's leaves cannot pay for their own exits: "Exit now" leaves them on Spark.
 */
const DEPOSIT_SATS = 2048n;
/** What a fee-paying direct-from-CPFP refund pays (191 vB × 5 sat/vB): the deposit leaf's direct exit. */
const DIRECT_FEE_SATS = 955n;
const START_TIMEOUT_MS = 420_000;
const STEP_TIMEOUT_MS = 300_000;

/**
 * "Exit now" in the headless bridge, driven from Chromium: the wallet on the device deposits, the
 * bridge keeps the account's exit data as the leaves change, every operator stops, and the user
 * exits to a Bitcoin address from the UI; the runner broadcasts on btcd (mining the timelocks) and
 * the sweep is approved on the device, which shows the address. Progress lines appear in the UI.
 */
describe('desktop bridge: exit now, every operator stopped', { timeout: STEP_TIMEOUT_MS }, () => {
  let e2e: BridgeE2e | undefined;
  let approver: Approver | undefined;
  let feeWallet: FundingWallet | undefined;
  /** The ladder's leaf values, deposited before the exiting leaf. */
  let ladder: number[] = [];
  const feeDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-exit-fee-'));
  const run = (): BridgeE2e & { approver: Approver; feeWallet: FundingWallet } => {
    if (e2e === undefined || approver === undefined || feeWallet === undefined) throw new Error('the e2e setup did not start');
    return Object.assign(e2e, { approver, feeWallet });
  };

  beforeAll(async () => {
    e2e = await startBridgeE2e({
      exit: (network) => {
        const chain = rpcExitChain(network.chain.info.bitcoindRpc, { regtest: true });
        feeWallet = FundingWallet.loadOrCreate(path.join(feeDir, 'fee-wallet.json'), chain.rpc);
        return { network: 'LOCAL', chain, feeWallet, mine: true, pollMs: 200 };
      },
    });
    // Asked of the SDK's rule on a wallet with the bridge's options (its own wallet is inside its core).
    const { wallet } = await openWallet(await loadSdk(e2e.network.env), e2e.network.walletOptions);
    try {
      ladder = await ladderFor(wallet, [Number(DEPOSIT_SATS)]);
    } finally {
      await wallet.cleanupConnections();
    }
    // The user approves sign-ins and FROST shares, and now also the exit's sweep.
    await e2e.device.stopApproving();
    approver = startApprover(e2e.device.screen, ['Blind signing', 'Exit sweep']);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await approver?.stop();
    await e2e?.stop();
    rmSync(feeDir, { recursive: true, force: true });
  }, 120_000);

  let kept: ExitData | undefined;

  it('keeps the account\'s exit data in its record once the deposit is claimed', async () => {
    const { page, network, dataDir, bridge } = run();
    await page.waitForSelector('[data-testid="wallet-state"][data-state="open"]', { timeout: STEP_TIMEOUT_MS - 60_000 });
    // The ladder, claimed through the bridge's core; then the exiting leaf through the UI.
    for (const sats of ladder) {
      const fundedStep = await network.chain.fund(await bridge.core.session().depositAddress(), BigInt(sats));
      await bridge.core.claimDeposit(fundedStep.txid);
    }
    const total = BigInt(ladder.reduce((a, b) => a + b, 0)) + DEPOSIT_SATS;
    await page.click('[data-testid="new-deposit"]');
    const address = (await (await page.waitForSelector('[data-testid="deposit-address"]')).textContent()) ?? '';
    const funded = await network.chain.fund(address, DEPOSIT_SATS);
    await page.fill('[data-testid="claim-txid"]', funded.txid);
    await page.click('[data-testid="claim"]');
    await page.waitForSelector('[data-testid="claimed"]', { timeout: STEP_TIMEOUT_MS - 60_000 });
    const leaves = await bridge.core.session().balance();
    expect(leaves.availableSats).toBe(total.toString());
    await page.waitForFunction((want) => document.querySelector('[data-testid="balance"]')?.textContent?.trim() === want, `${Number(total).toLocaleString('en-US')} sats`, { timeout: 60_000 });
    const store = new AccountStore(dataDir, 0);
    const doc = await waitFor(() => store.read(), (d) => ((d?.exitData?.payload as ExitData | undefined)?.leaves.length ?? 0) === ladder.length + 1, 60_000, 'the kept exit data');
    expect(doc?.exitData?.format).toBe(EXIT_DATA_FORMAT);
    kept = checkExitData(doc?.exitData?.payload);
    expect(kept.identityPublicKey).toBe(bridge.core.session().identityInfo().identityPublicKey);
    expect(kept.leaves.map((l) => l.value).sort((a, b) => a - b)).toEqual([...ladder, Number(DEPOSIT_SATS)]);
    for (const leaf of kept.leaves) expect(leaf).toMatchObject({ source: 'owned', refundKey: { kind: 'leaf', account: 0 } });
    // Leaf optimization on, and nothing for it to do: no swap in the SSP's books.
    expect(sspSwaps(network.dataDir)).toEqual([]);
  });

  it('every operator stops; "Exit now" in the UI takes the leaf to the user\'s address, the sweep approved on the device', async () => {
    const { page, network, approver, feeWallet } = run();
    await network.stopOperator(1);
    await network.killOperator(2);
    await network.stopOperator(3);
    await network.chain.fund(feeWallet.address, 30_000n);
    const chain = rpcExitChain(network.chain.info.bitcoindRpc, { regtest: true });
    const to = freshAddress();
    const before = approver.reviews.length;
    await page.fill('[data-testid="exit-to"]', to);
    await page.click('[data-testid="exit-now"]');
    // Progress is shown while the exit runs, for each of the kept leaves.
    const count = ladder.length + 1;
    await page.waitForFunction((n) => new RegExp(`leaf \\d+/${n}: `).test(document.querySelector('[data-testid="progress"]')?.textContent ?? ''), count, { timeout: 120_000 });
    await page.waitForSelector('[data-testid="exit-result"]', { timeout: STEP_TIMEOUT_MS - 60_000 });
    const expected = DEPOSIT_SATS - DIRECT_FEE_SATS - BigInt(Math.ceil(sweepVsize(addressScript(to, 'LOCAL')) * DEFAULT_FEE_RATE_SAT_PER_VB));
    expect(await page.textContent('[data-testid="exit-result"]')).toContain(`${expected} sats swept to ${to}`);
    // The ladder's leaves cannot pay for their own exits: left on Spark, listed, nothing broadcast for them.
    const leftBehind = await page.$$eval('[data-testid="exit-left-behind"]', (items) => items.map((li) => li.textContent ?? ''));
    expect(leftBehind).toHaveLength(ladder.length);
    for (const v of ladder) expect(leftBehind.filter((t) => t.includes(`: ${v} sats left on Spark`))).toHaveLength(1);
    const landed = await receivedBy(chain, to);
    expect(landed.sats).toBe(expected);
    expect(landed.txids).toHaveLength(1);
    const sweeps = await waitFor(async () => approver.reviews.slice(before).filter((p) => p[0]?.includes('Exit sweep') === true), (r) => r.length === 1, 10_000, 'the sweep review');
    expect(pageBody(sweeps[0] ?? [], 'Exit sweep')[0]).toBe('Leaf');
    expect(pageBody(sweeps[0] ?? [], 'To').join('')).toBe(to);
    expect(await page.isVisible('[data-testid="error"]')).toBe(false);
    await screenshot(page, 'exit-1-done');
  });

  it('a second "Exit now" changes nothing on chain and says the refund output is already spent', async () => {
    const { page, network } = run();
    const chain = rpcExitChain(network.chain.info.bitcoindRpc, { regtest: true });
    const height = await chain.height();
    await page.fill('[data-testid="exit-to"]', freshAddress());
    await page.click('[data-testid="exit-now"]');
    await page.waitForSelector('[data-testid="error"][data-code="EXIT_FAILED"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="error"]')).toMatch(/already spent/);
    expect(await chain.height()).toBe(height);
  });
});

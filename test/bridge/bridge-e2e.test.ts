import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BridgeApiClient, BridgeApiError } from '../../bridge/api/client.js';
import type { ExchangeEvent } from '../../bridge/core/device/device-manager.js';
import type { SigningRound } from '../../bridge/core/rounds/round-model.js';
import { ChunkP1, Ins } from '../../src/device/apdu.js';
import { AccountStore } from '../../bridge/core/storage/account-store.js';
import { expectedPublicKey } from '../device/expected-keys.js';
import { WALLET_REVIEW_TITLES } from '../../emulator/speculos/approver.js';
import { expectLeftAlone, sspSwaps } from '../network/leaf-optimizer.js';
import { loadSdk, openWallet } from '../network/sdk.js';
import { ARTIFACTS_DIR, reconnectDevice, screenshot, startBridgeE2e, type BridgeE2e } from './harness.js';

/**
 * Each deposit's value. The bridge's wallet runs on the network's options as printed (the SDK's
 * defaults, leaf optimization on) and holds one, then two of these leaves: values the SDK's
 * optimizer leaves alone (test/network/leaf-optimizer.ts), so no swap (a review of its own on
 * the device) comes between the steps; the SSP's books show none at the end.
 */
const DEPOSIT_SATS = 4n;
/** btcd, three operators with DKG, Speculos and Chromium start on a loaded 2-core machine. */
const START_TIMEOUT_MS = 420_000;
/** Each step waits on the device: every signature is approved with the buttons through Speculos. */
const STEP_TIMEOUT_MS = 300_000;

/** The rounds the UI shows, read from the page (what a user sees). */
async function shownRounds(page: Page): Promise<{ outcome: string; steps: string[] }[]> {
  return await page.$$eval('[data-testid="round"]', (items) =>
    items.map((li) => ({
      outcome: li.getAttribute('data-outcome') ?? '',
      steps: [...li.querySelectorAll('[data-step]')].map((s) => s.getAttribute('data-step') ?? ''),
    })),
  );
}

async function balanceShown(page: Page): Promise<string> {
  return (await page.textContent('[data-testid="balance"]'))?.trim() ?? '';
}

/**
 * The headless bridge end to end: the app under Speculos, the project's 2-of-3 operator network
 * on btcd, and Debian's Chromium driving the UI as a user: connect, deposit and claim (its FROST
 * rounds shown live), a second application paired through the API, an operator down, and the
 * device stopped in the middle of a round and brought back.
 */
describe('desktop bridge, headless, in Chromium', { timeout: STEP_TIMEOUT_MS }, () => {
  let e2e: BridgeE2e | undefined;
  const run = (): BridgeE2e => {
    if (e2e === undefined) throw new Error('the e2e setup did not start');
    return e2e;
  };

  beforeAll(async () => {
    // Screenshots of this run only: a stale one from an earlier run would pass for this one's.
    rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
    // Nobody is at the buttons while the wallet connects: a login that needed a press would hold
    // the connection until the first test times out.
    e2e = await startBridgeE2e({ approveAtStart: false });
    // The bridge's wallet holds one, then two deposit leaves: asked of the SDK's rule on a wallet
    // with the same options (the bridge's own wallet is inside its core).
    const { wallet } = await openWallet(await loadSdk(e2e.network.env), e2e.network.walletOptions);
    try {
      await expectLeftAlone(wallet, [[Number(DEPOSIT_SATS)], [Number(DEPOSIT_SATS), Number(DEPOSIT_SATS)]]);
    } finally {
      await wallet.cleanupConnections();
    }
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await e2e?.stop();
  }, 120_000);

  it('connects: the device is ready and the wallet opens with zero device approvals (every login signed clearly)', async () => {
    const { page, device, startup } = run();
    await page.waitForSelector('[data-testid="device"][data-state="ready"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="wallet-state"][data-state="open"]', { timeout: STEP_TIMEOUT_MS - 60_000 });
    startup.stop();
    const identity = Buffer.from(expectedPublicKey({ kind: 'identity', account: 0 })).toString('hex');
    const shownAddress = await page.textContent('[data-testid="spark-address"]');
    expect(shownAddress).toMatch(/^spark/);
    expect(run().bridge.core.session().identityInfo().identityPublicKey).toBe(identity);
    expect(await balanceShown(page)).toBe('0 sats');

    // Each operator's login challenge went to the device with its preimage (SIGN_IDENTITY_CLEAR,
    // one request per operator of the 3, each accepted), none as a blind hash, and nothing else
    // that can put a review on the screen was asked.
    const sent = (ins: number): ExchangeEvent[] => startup.exchanges.filter((x) => x.ins === ins && x.phase === 'sent');
    const clearLogins = sent(Ins.SIGN_IDENTITY_CLEAR).filter((x) => x.p1 === ChunkP1.FIRST);
    expect(clearLogins.length).toBeGreaterThanOrEqual(3);
    const clearAnswers = startup.exchanges.filter((x) => x.ins === Ins.SIGN_IDENTITY_CLEAR && x.phase !== 'sent');
    expect(clearAnswers.every((x) => x.phase === 'answered' && x.sw === 0x9000)).toBe(true);
    for (const ins of [Ins.SIGN_IDENTITY, Ins.FROST_SIGN, Ins.TRANSFER_INTENT, Ins.KEY_SPLIT]) expect(sent(ins)).toHaveLength(0);
    // Nobody pressed a button and the device drew no review; the UI mirrored no prompt.
    const drawn = await device.screen.allTexts();
    for (const title of [...WALLET_REVIEW_TITLES, 'Approve', 'Reject']) expect(drawn).not.toContain(title);
    expect(startup.prompts).toEqual([]);
    expect(await page.isVisible('[data-testid="device-prompt"]')).toBe(false);
    await screenshot(page, '1-connected');
    // From here on the user approves what the later steps ask for.
    device.approve();
  });

  let depositTxid = '';

  it('deposit: address with QR, funded on chain, claimed clearly signed with zero device approvals, its rounds shown live, balance shown', async () => {
    const { page, network, bridge, device } = run();
    await page.click('[data-testid="new-deposit"]');
    const address = (await page.waitForSelector('[data-testid="deposit-address"]')).textContent();
    const depositAddress = (await address) ?? '';
    expect(depositAddress).toMatch(/^bcrt1p/);
    expect(await page.getAttribute('[data-testid="deposit-qr"]', 'src')).toMatch(/^data:image\/svg\+xml;base64,/);
    // Kept locally before it was shown.
    const stored = await new AccountStore(run().dataDir, 0).read();
    expect(stored?.depositAddresses.map((d) => d.address)).toContain(depositAddress);
    await screenshot(page, '2-deposit-address');

    const funded = await network.chain.fund(depositAddress, DEPOSIT_SATS);
    depositTxid = funded.txid;
    // Nobody is at the buttons during the claim: a review on the device would hold it until the
    // test times out. Speculos' text events (cleared now) show every screen the device draws.
    await device.stopApproving();
    await device.screen.clearEvents();
    const asked: ExchangeEvent[] = [];
    const onExchange = (x: ExchangeEvent): void => void asked.push(x);
    const unsubscribe = bridge.core.device.on('exchange', onExchange);
    await page.fill('[data-testid="claim-txid"]', funded.txid);
    await page.click('[data-testid="claim"]');
    await page.waitForSelector('[data-testid="claimed"]', { timeout: STEP_TIMEOUT_MS - 60_000 });
    unsubscribe();
    expect(await page.textContent('[data-testid="claimed"]')).toContain(`Claimed ${DEPOSIT_SATS} sats`);
    await page.waitForFunction((want) => document.querySelector('[data-testid="balance"]')?.textContent?.trim() === want, `${Number(DEPOSIT_SATS).toLocaleString('en-US')} sats`, { timeout: 60_000 });

    // The bridge told the signer of the deposit: every share went as FROST_SIGN_TX (clear), none
    // blind, and the device showed nothing — no review was walked, no button pressed.
    const started = (ins: number): number => asked.filter((x) => x.ins === ins && x.phase === 'sent' && x.p1 === ChunkP1.FIRST).length;
    expect(started(Ins.FROST_SIGN_TX)).toBeGreaterThanOrEqual(3);
    expect(started(Ins.FROST_SIGN)).toBe(0);
    const drawn = await device.screen.allTexts();
    for (const title of [...WALLET_REVIEW_TITLES, 'Approve', 'Reject']) expect(drawn).not.toContain(title);
    expect(await page.isVisible('[data-testid="device-prompt"]')).toBe(false);
    device.approve();

    // The claim's rounds, each with its steps in order and timings: the deposit tree's root, its
    // refund and its direct refund, each a clear-signed FROST share the device gave without a screen.
    const claim = bridge.core.recorder.operations().find((o) => o.kind === 'claim-deposit' && o.outcome === 'succeeded');
    expect(claim).toBeDefined();
    const rounds = bridge.core.recorder.rounds().filter((r) => r.operationId === claim?.id);
    expect(rounds.length).toBeGreaterThanOrEqual(3);
    for (const r of rounds) {
      expect(r).toMatchObject({ kind: 'frost-share', outcome: 'completed' });
      expect(r.operatorCount).toBeGreaterThanOrEqual(2); // at least the 2-of-3 network's threshold
      const names = r.steps.map((x) => x.name);
      expect(names.slice(0, 3)).toEqual(['commitments-fetched', 'device-asked', 'approved']);
      expect(names.at(-1)).toBe('shares-sent');
      expect(names.every((n) => ['commitments-fetched', 'device-asked', 'approved', 'aggregated', 'shares-sent'].includes(n))).toBe(true);
      expect(r.steps[1]?.detail).toBe('clear signing: the transaction sent');
      expect(r.steps[2]?.detail).toMatch(/without a screen/);
      const times = r.steps.map((x) => x.elapsedMs);
      expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true);
    }
    // The page shows the same rounds and steps.
    const shownRounds_ = await shownRounds(page);
    const completed = shownRounds_.filter((r) => r.outcome === 'completed');
    expect(completed.length).toBeGreaterThanOrEqual(3);
    for (const r of completed) expect(r.steps.slice(0, 3)).toEqual(['commitments-fetched', 'device-asked', 'approved']);
    // Live: the page drew each "device asked" step before the claim ended.
    const shown = await page.evaluate(() => (window as unknown as { bridgeStepsShown: { roundId: string; step: string; happenedAt: number; shownAt: number }[] }).bridgeStepsShown);
    const askedShown = shown.filter((x) => x.step === 'device-asked' && rounds.some((r) => r.id === x.roundId));
    expect(askedShown).toHaveLength(rounds.length);
    for (const x of askedShown) expect(x.shownAt).toBeLessThan(claim?.endedAt ?? 0);
    await screenshot(page, '3-deposit-claimed');
  });

  it('a second application pairs through the API (the user confirms the code in the UI), reads and streams; refusals', async () => {
    const { page, bridge } = run();
    const client = new BridgeApiClient(bridge.server.url);
    const ticket = await client.requestPairing('Example CLI wallet');
    await page.waitForSelector('[data-testid="pairing-request"]', { timeout: 30_000 });
    // The user compares the code the application shows with the one in the bridge.
    expect(await page.textContent('[data-testid="pairing-code"]')).toBe(ticket.code);
    await screenshot(page, '4-pairing-request');
    await page.click('[data-testid="pairing-approve"]');
    const creds = await client.waitForPairing(ticket, 30_000);
    await page.waitForSelector('[data-testid="paired-app"]');

    const identity = (await client.call(creds, 'GET', '/api/v1/identity')) as { identityPublicKey: string; sparkAddress: string };
    expect(identity.identityPublicKey).toBe(bridge.core.session().identityInfo().identityPublicKey);
    expect(await client.call(creds, 'GET', '/api/v1/balance')).toMatchObject({ availableSats: DEPOSIT_SATS.toString() });
    const { address } = (await client.call(creds, 'POST', '/api/v1/deposit-address')) as { address: string };
    expect(address).toMatch(/^bcrt1p/);
    // The stream: the device status arrives first.
    const events: { type: string }[] = [];
    const abort = new AbortController();
    const streaming = client.events(creds, (e) => events.push(e), abort.signal);
    await expect.poll(() => events.map((e) => e.type), { timeout: 10_000 }).toContain('device');
    abort.abort();
    await streaming;

    // Refusals: another site using this app's token, a replayed request, then revoked.
    const otherSite = new BridgeApiClient(bridge.server.url, { origin: 'https://evil.example' });
    await expect(otherSite.call(creds, 'GET', '/api/v1/balance')).rejects.toMatchObject({ code: 'WRONG_ORIGIN' });
    const init = client.signedInit(creds, 'GET', '/api/v1/identity');
    expect((await fetch(`${bridge.server.url}/api/v1/identity`, init)).status).toBe(200);
    expect((await fetch(`${bridge.server.url}/api/v1/identity`, init)).status).toBe(401);
    await page.click('[data-testid="revoke"]');
    await expect.poll(async () => (await client.call(creds, 'GET', '/api/v1/identity').catch((e: unknown) => e)) instanceof BridgeApiError).toBe(true);
    await expect(client.call(creds, 'GET', '/api/v1/identity')).rejects.toMatchObject({ code: 'REVOKED' });
    await screenshot(page, '5-paired-and-revoked');
  });

  it('an operator down: the UI says the operators cannot be reached, and works again when it is back', async () => {
    const { page, network } = run();
    // Operator 1 coordinates the wallet's calls (walletOptions.coordinatorIdentifier).
    await network.stopOperator(1);
    try {
      await page.click('[data-testid="new-deposit"]');
      await page.waitForSelector('[data-testid="error"][data-code="OPERATOR_UNAVAILABLE"]', { timeout: 120_000 });
      expect(await page.textContent('[data-testid="error"]')).toMatch(/operators cannot be reached/);
      await screenshot(page, '6-operator-down');
    } finally {
      await network.restartOperator(1);
    }
    await page.click('[data-testid="error"] button');
    // The operator restarts and catches up: the same action succeeds again.
    await expect
      .poll(
        async () => {
          await page.click('[data-testid="new-deposit"]');
          await page.waitForSelector('[data-testid="new-deposit"]:not([disabled])', { timeout: 120_000 });
          if (!(await page.isVisible('[data-testid="error"]'))) return true;
          await page.click('[data-testid="error"] button');
          return false;
        },
        { timeout: 180_000, interval: 1_000 },
      )
      .toBe(true);
  });

  it('the device stopped mid-round: the round is aborted, the UI says so, nothing is lost, and it recovers when the device is back', async () => {
    const e = run();
    const { page, network } = e;
    const previous = (await page.textContent('[data-testid="deposit-address"]')) ?? '';
    await page.click('[data-testid="new-deposit"]');
    await page.waitForFunction((old) => {
      const shown = document.querySelector('[data-testid="deposit-address"]')?.textContent ?? '';
      return shown !== old && shown.startsWith('bcrt1p');
    }, previous, { timeout: 120_000 });
    const address = (await page.textContent('[data-testid="deposit-address"]')) ?? '';
    const funded = await network.chain.fund(address, DEPOSIT_SATS);
    expect(funded.txid).not.toBe(depositTxid);
    // The claim is clearly signed, so nothing waits on the screen: the device is stopped the
    // moment the claim's first share is sent to it (Speculos gets SIGTERM before the APDU goes out).
    await e.device.stopApproving();
    const before = (await shownRounds(page)).length;
    const lost: { round?: string } = {};
    const stopAtFirstShare = (x: ExchangeEvent): void => {
      if (lost.round !== undefined || x.ins !== Ins.FROST_SIGN_TX || x.phase !== 'sent' || x.tag === undefined) return;
      lost.round = x.tag;
      void e.device.speculos.stop();
    };
    const unsubscribe = e.bridge.core.device.on('exchange', stopAtFirstShare);
    await page.fill('[data-testid="claim-txid"]', funded.txid);
    await page.click('[data-testid="claim"]');
    await expect.poll(() => lost.round, { timeout: 120_000 }).toBeDefined();
    unsubscribe();
    await e.device.stop();

    await page.waitForSelector('[data-testid="error"][data-code="DEVICE_DISCONNECTED"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="device"][data-state="no-device"]', { timeout: 30_000 });
    const rounds = await shownRounds(page);
    expect(rounds.length).toBeGreaterThan(before);
    expect(rounds[0]?.outcome).toBe('aborted');
    expect(rounds[0]?.steps.at(-1)).toBe('aborted');
    expect(await page.isVisible('[data-testid="device-prompt"]')).toBe(false);
    // The round whose share was on its way to the device is the one aborted, with why.
    const cut = e.bridge.core.recorder.rounds().find((r: SigningRound) => r.id === lost.round);
    expect(cut?.outcome).toBe('aborted');
    expect(cut?.steps.map((x) => x.name)).toEqual(['commitments-fetched', 'device-asked', 'aborted']);
    expect(cut?.steps.at(-1)?.detail).toMatch(/disconnected/);
    expect(await balanceShown(page)).toBe(`${Number(DEPOSIT_SATS).toLocaleString('en-US')} sats`);
    await screenshot(page, '8-device-lost');

    // The device comes back (Speculos restarts on new ports: the developer points the bridge at it).
    await reconnectDevice(e);
    // Nothing was lost: the same deposit is claimed now.
    await page.click('[data-testid="claim"]');
    await page.waitForSelector('[data-testid="claimed"]', { timeout: STEP_TIMEOUT_MS - 60_000 });
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="balance"]')?.textContent?.trim() === want,
      `${Number(2n * DEPOSIT_SATS).toLocaleString('en-US')} sats`,
      { timeout: 60_000 },
    );
    // Leaf optimization on, and nothing for it to do: no swap in the SSP's books.
    expect(sspSwaps(e.network.dataDir)).toEqual([]);
    await screenshot(page, '9-recovered');
  });
});

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BridgeApiClient, BridgeApiError } from '../../bridge/api/client.js';
import type { SigningRound } from '../../bridge/core/rounds/round-model.js';
import { AccountStore } from '../../bridge/core/storage/account-store.js';
import { expectedPublicKey } from '../device/expected-keys.js';
import { ARTIFACTS_DIR, reconnectDevice, screenshot, startBridgeE2e, type BridgeE2e } from './harness.js';

const DEPOSIT_SATS = 60_000n;
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
    e2e = await startBridgeE2e();
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await e2e?.stop();
  }, 120_000);

  it('connects: the device is ready and the wallet opens after the sign-in approvals on the device', async () => {
    const { page } = run();
    await page.waitForSelector('[data-testid="device"][data-state="ready"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="wallet-state"][data-state="open"]', { timeout: STEP_TIMEOUT_MS - 60_000 });
    const identity = Buffer.from(expectedPublicKey({ kind: 'identity', account: 0 })).toString('hex');
    const shownAddress = await page.textContent('[data-testid="spark-address"]');
    expect(shownAddress).toMatch(/^spark/);
    expect(run().bridge.core.session().identityInfo().identityPublicKey).toBe(identity);
    expect(await balanceShown(page)).toBe('0 sats');
    await screenshot(page, '1-connected');
  });

  let depositTxid = '';

  it('deposit: address with QR, funded on chain, claimed with its signing rounds shown live, balance shown', async () => {
    const { page, network } = run();
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
    await page.fill('[data-testid="claim-txid"]', funded.txid);
    await page.click('[data-testid="claim"]');
    // Live: a round waiting for the user is on screen while the claim is still running.
    await page.waitForSelector('[data-testid="round"] [data-step="waiting-for-user"]', { timeout: 120_000 });
    expect(await page.isVisible('[data-testid="claimed"]')).toBe(false);
    await page.waitForSelector('[data-testid="claimed"]', { timeout: STEP_TIMEOUT_MS - 60_000 });
    expect(await page.textContent('[data-testid="claimed"]')).toContain(`Claimed ${DEPOSIT_SATS} sats`);
    await page.waitForFunction((want) => document.querySelector('[data-testid="balance"]')?.textContent?.trim() === want, `${Number(DEPOSIT_SATS).toLocaleString('en-US')} sats`, { timeout: 60_000 });

    const rounds = await shownRounds(page);
    const completed = rounds.filter((r) => r.outcome === 'completed');
    // The deposit tree's root, its refund and its direct refund: each a FROST share from the device.
    expect(completed.length).toBeGreaterThanOrEqual(3);
    for (const r of completed) {
      expect(r.steps.slice(0, 4)).toEqual(['commitments-fetched', 'device-asked', 'waiting-for-user', 'approved']);
      expect(r.steps.at(-1)).toBe('shares-sent');
    }
    // The UI drew every step; how long after it happened is what scripts/bench-bridge.ts measures.
    const shown = await page.evaluate(() => (window as unknown as { bridgeStepsShown: { step: string; happenedAt: number; shownAt: number }[] }).bridgeStepsShown);
    expect(shown.filter((s) => s.step === 'waiting-for-user').length).toBeGreaterThanOrEqual(3);
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
    // Nobody presses the buttons this time: the first request stays on the device's screen.
    await e.device.stopApproving();
    const before = (await shownRounds(page)).length;
    await page.fill('[data-testid="claim-txid"]', funded.txid);
    await page.click('[data-testid="claim"]');
    await page.waitForSelector('[data-testid="device-prompt"], [data-testid="error"]', { timeout: 120_000 });
    if (await page.isVisible('[data-testid="error"]')) throw new Error(`the claim failed before reaching the device: ${await page.textContent('[data-testid="error"]')}`);
    // The deposit's shares are blind-signing requests: the page says so, with the device's lines.
    expect(await page.getAttribute('[data-testid="device-prompt"]', 'data-kind')).toBe('blind-frost');
    expect(await page.textContent('[data-testid="device-prompt-text"]')).toMatch(/^Confirm on your Ledger: Blind signing of a FROST share with the Leaf key/);
    const deviceScreen = await e.device.screen.waitForScreen((t) => t.includes('Blind signing'), { timeoutMs: 30_000 });
    const mirrored = await page.$$eval('[data-testid="device-prompt"] .device-screen div', (ds) => ds.map((d) => d.textContent ?? ''));
    // (the screen's text also holds navigation glyphs such as ">")
    expect(mirrored.slice(0, 3)).toEqual(deviceScreen.filter((t) => /\w/.test(t)).slice(0, 3));
    await screenshot(page, '7-device-prompt');
    await e.device.stop();

    await page.waitForSelector('[data-testid="error"][data-code="DEVICE_DISCONNECTED"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="device"][data-state="no-device"]', { timeout: 30_000 });
    const rounds = await shownRounds(page);
    expect(rounds.length).toBeGreaterThan(before);
    expect(rounds[0]?.outcome).toBe('aborted');
    expect(rounds[0]?.steps.at(-1)).toBe('aborted');
    expect(await page.isVisible('[data-testid="device-prompt"]')).toBe(false);
    const recorded = e.bridge.core.recorder.rounds().filter((r: SigningRound) => r.outcome === 'aborted');
    expect(recorded.length).toBeGreaterThanOrEqual(1);
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
    await screenshot(page, '9-recovered');
  });
});

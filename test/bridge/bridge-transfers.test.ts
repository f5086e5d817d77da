import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { BridgeApiClient, BridgeApiError } from '../../bridge/api/client.js';
import type { SigningRound } from '../../bridge/core/rounds/round-model.js';
import type { ReviewPages } from '../../emulator/speculos/approver.js';
import { pageBody } from '../../emulator/speculos/flows.js';
import { expectLeftAlone, sspSwaps } from '../network/leaf-optimizer.js';
import { loadSdk, openWallet, waitFor } from '../network/sdk.js';
import { reconnectDevice, screenshot, startBridgeE2e, type BridgeE2e } from './harness.js';

/**
 * Send and receive through the bridge UI and its API, on the 2-of-3 operator network with the app
 * under Speculos, a software SDK wallet on the other side. The bridge runs without a service
 * provider (its default), so it pays only sums of whole leaves (docs/transfers.md, section "Leaf
 * selection and the SSP"): the bridge's one deposit is one leaf, it moves whole between the two
 * wallets, and an amount that would need a split is refused with a clear error before anything is
 * signed. One network serves the file, in order: each test starts from the balances the previous
 * one left.
 */
/**
 * The one leaf. Both wallets run on the network's options as printed (the SDK's defaults, leaf
 * optimization on) and the subject is this very leaf: a single leaf of at most 14 sats, which the
 * SDK's optimizer leaves alone (checked with its own rule, test/network/leaf-optimizer.ts); the
 * SSP's books show no swap at the end.
 */
const LEAF_SATS = 8n;
/** Amounts no sum of whole leaves makes (the bridge holds one leaf of LEAF_SATS): refused. */
const SPLIT_UI_SATS = 5n;
const SPLIT_API_SATS = 3n;
/** Network (btcd, three operators, DKG) and Speculos start on a loaded 2-core machine. */
const START_TIMEOUT_MS = 420_000;
/** Each step waits for the device: every signature is approved with the buttons through Speculos. */
const STEP_TIMEOUT_MS = 420_000;
/** A receiving wallet claims from its own event stream; with the device, on a loaded machine, it takes a while. */
const SETTLE_MS = 240_000;

const balanceText = (sats: bigint): string => `${sats.toLocaleString('en-US')} sats`;

describe('desktop bridge: send and receive', { timeout: STEP_TIMEOUT_MS }, () => {
  let e2e: BridgeE2e | undefined;
  let receiver: SparkWallet | undefined;
  const run = (): BridgeE2e => {
    if (e2e === undefined) throw new Error('the e2e setup did not start');
    return e2e;
  };
  const other = (): SparkWallet => {
    if (receiver === undefined) throw new Error('no receiver wallet');
    return receiver;
  };
  /**
   * The transfer reviews ("Send", clear signing: total and receiver, approved once per transfer)
   * the approver walked since review index `from`, with the pages the device showed.
   */
  const transferReviews = async (from: number): Promise<ReviewPages[]> => {
    const approver = run().device.approver;
    if (approver === undefined) throw new Error('nobody is approving on the device');
    const sends = (): ReviewPages[] => approver.reviews.slice(from).filter((pages) => pages[0]?.includes('Send') === true);
    // the approver records a review once its last press returned, which may be after the reply
    return await waitFor(async () => sends(), (r) => r.length >= 1, 10_000, 'the "Send" review recorded');
  };
  const sendLeafReviews = (from: number): number => (run().device.approver?.reviews ?? []).slice(from).filter((p) => p[0]?.includes('Send leaf') === true).length;
  const reviewCount = (): number => run().device.approver?.reviews.length ?? 0;
  const available = async (w: SparkWallet): Promise<bigint> => (await w.getBalance()).satsBalance.available;
  const uiBalance = async (sats: bigint): Promise<void> => {
    await run().page.waitForFunction((want) => document.querySelector('[data-testid="balance"]')?.textContent?.trim() === want, balanceText(sats), {
      timeout: SETTLE_MS,
    });
  };

  /**
   * The rounds of the last send operation, checked step by step: its one transfer approval
   * (TRANSFER_INTENT: asked, on the screen, approved) before any share, then each FROST share,
   * clear-signed under the approval with no screen of its own; every step timed.
   */
  const checkSendRounds = (): void => {
    const recorder = run().bridge.core.recorder;
    const send = recorder.operations().filter((o) => o.kind === 'send').at(-1);
    expect(send?.outcome).toBe('succeeded');
    const rounds = recorder.rounds().filter((r) => r.operationId === send?.id);
    const approvals = rounds.filter((r) => r.kind === 'transfer-approval');
    expect(approvals).toHaveLength(1);
    const approval = approvals[0];
    expect(approval?.steps.map((x) => x.name)).toEqual(['device-asked', 'waiting-for-user', 'approved', 'shares-sent']);
    const approvedAt = approval?.steps[2]?.at ?? Infinity;
    const shares = rounds.filter((r) => r.kind === 'frost-share');
    expect(shares.length).toBeGreaterThanOrEqual(1);
    for (const r of shares) {
      expect(r.outcome).toBe('completed');
      const names = r.steps.map((x) => x.name);
      expect(names.slice(0, 3)).toEqual(['commitments-fetched', 'device-asked', 'approved']);
      expect(names.at(-1)).toBe('shares-sent');
      expect(names).not.toContain('waiting-for-user');
      expect(r.steps[1]?.detail).toBe('clear signing: the transaction sent');
      expect(r.steps[1]?.at).toBeGreaterThan(approvedAt);
    }
    for (const r of rounds) {
      const times = r.steps.map((x) => x.elapsedMs);
      expect(times.every((t, i) => t >= 0 && (i === 0 || t >= (times[i - 1] ?? 0)))).toBe(true);
    }
    // the approval comes first among the send's rounds
    expect(send?.roundIds[0]).toBe(approval?.id);
  };

  beforeAll(async () => {
    e2e = await startBridgeE2e();
    const sdk = await loadSdk(e2e.network.env);
    ({ wallet: receiver } = await openWallet(sdk, e2e.network.walletOptions));
    await expectLeftAlone(receiver, [[Number(LEAF_SATS)]]);
    const { page, network } = e2e;
    await page.waitForSelector('[data-testid="wallet-state"][data-state="open"]', { timeout: STEP_TIMEOUT_MS });
    // The bridge's wallet starts empty: one deposit, claimed from the UI, is its one leaf.
    await page.click('[data-testid="new-deposit"]');
    const address = await (await page.waitForSelector('[data-testid="deposit-address"]')).textContent();
    const funded = await network.chain.fund(address ?? '', LEAF_SATS);
    await page.fill('[data-testid="claim-txid"]', funded.txid);
    await page.click('[data-testid="claim"]');
    await page.waitForSelector('[data-testid="claimed"]', { timeout: STEP_TIMEOUT_MS });
    await uiBalance(LEAF_SATS);
  }, START_TIMEOUT_MS + STEP_TIMEOUT_MS);

  afterAll(async () => {
    await receiver?.cleanup().catch(() => undefined);
    await e2e?.stop();
  }, 120_000);

  it('refuses in the UI an amount that would need a leaf split, saying what to send; nothing is signed', async () => {
    const { page, bridge } = run();
    const roundsBefore = bridge.core.recorder.rounds().length;
    const reviewsBefore = reviewCount();
    await page.fill('[data-testid="send-to"]', await other().getSparkAddress());
    await page.fill('[data-testid="send-amount"]', SPLIT_UI_SATS.toString());
    await page.click('[data-testid="send-button"]');
    const error = await page.waitForSelector('[data-testid="error"][data-code="NEEDS_SERVICE_PROVIDER"]', { timeout: 60_000 });
    const text = (await error.textContent()) ?? '';
    expect(text).toContain(`${SPLIT_UI_SATS} sats cannot be sent`);
    expect(text).toContain('service provider');
    expect(text).toContain(`for example ${LEAF_SATS} sats`);
    await screenshot(page, 't0-needs-service-provider');
    // No signing round was started, nothing was shown on the device, and the balance is whole.
    expect(bridge.core.recorder.rounds()).toHaveLength(roundsBefore);
    expect(reviewCount()).toBe(reviewsBefore);
    expect(await page.$('[data-testid="sent"]')).toBeNull();
    expect((await bridge.core.session().balance()).availableSats).toBe(LEAF_SATS.toString());
    await page.click('[data-testid="error"] button');
  });

  it('sends a whole leaf from the UI to another wallet: the UI mirrors the device\'s "Send" review, approved once; the rounds appear live', async () => {
    const { page, device } = run();
    const to = await other().getSparkAddress();
    // The user reads the screen before pressing anything: nobody approves until the UI was checked.
    await device.stopApproving();
    await page.fill('[data-testid="send-to"]', to);
    await page.fill('[data-testid="send-amount"]', LEAF_SATS.toString());
    await page.click('[data-testid="send-button"]');
    const prompt = await page.waitForSelector('[data-testid="device-prompt"][data-kind="transfer"]', { timeout: 120_000 });
    expect(await page.textContent('[data-testid="device-prompt-text"]')).toBe(`Confirm on your Ledger: Send ${LEAF_SATS} sats to ${to}`);
    expect(await prompt.getAttribute('data-amount')).toBe(LEAF_SATS.toString());
    expect(await prompt.getAttribute('data-to')).toBe(to);
    // The device shows the same review at the same time.
    await device.screen.waitForScreen((t) => t.includes('Send'), { timeoutMs: 30_000 });
    await screenshot(page, 't1-send-prompt');
    device.approve();
    const sent = await page.waitForSelector('[data-testid="sent"]', { timeout: STEP_TIMEOUT_MS - 120_000 });
    expect(await sent.textContent()).toContain(`Sent ${LEAF_SATS} sats`);
    expect(await page.$('[data-testid="error"]')).toBeNull();
    // The device showed the same amount and receiver the UI did, in one review for the transfer.
    const reviews = await transferReviews(0);
    expect(reviews).toHaveLength(1);
    const pages = reviews[0] ?? [];
    expect(pageBody(pages, 'Send')).toEqual([`${LEAF_SATS} sats`, 'Leaves 1', 'Account 0']);
    expect(pageBody(pages, 'To').join('')).toBe(to);
    expect(sendLeafReviews(0)).toBe(0);
    // Once approved, the mirror is cleared and says so.
    expect(await page.isVisible('[data-testid="device-prompt"][data-kind="transfer"]')).toBe(false);
    checkSendRounds();
    // The page shows the approval round with its steps.
    const shownApproval = await page.$$eval('[data-testid="round"][data-kind="transfer-approval"]', (items) =>
      items.map((li) => [...li.querySelectorAll('[data-step]')].map((x) => x.getAttribute('data-step'))),
    );
    expect(shownApproval[0]).toEqual(['device-asked', 'waiting-for-user', 'approved', 'shares-sent']);
    await waitFor(() => available(other()), (b) => b === LEAF_SATS, SETTLE_MS, 'the receiver\'s claim');
    await page.waitForSelector('[data-testid="transfer"][data-direction="OUTGOING"]', { timeout: 60_000 });
    await uiBalance(0n);
    await screenshot(page, 't1-sent');
  });

  it('receives from another wallet: the claim is a background round, the balance and history update', async () => {
    const { page, bridge } = run();
    await other().transfer({ receiverSparkAddress: bridge.core.session().identityInfo().sparkAddress, amountSats: Number(LEAF_SATS) });
    await page.waitForSelector('[data-testid="transfer"][data-direction="INCOMING"]', { timeout: SETTLE_MS });
    await uiBalance(LEAF_SATS);
    // The claim's rounds (the SDK's own work) all end with a final step: none is left open.
    const background = (): SigningRound[] => bridge.core.recorder.rounds().filter((x) => x.operationKind === 'background');
    expect(background().length).toBeGreaterThan(0);
    await waitFor(async () => background(), (rs) => rs.every((r) => r.outcome !== 'in-progress'), 60_000, 'the background rounds closed');
    for (const r of background()) expect(['shares-sent', 'aggregated', 'aborted', 'unconfirmed']).toContain(r.steps.at(-1)?.name);
    expect(background().filter((r) => r.outcome === 'completed').length).toBeGreaterThan(0);
    // The claim's shares pay the user: clear-signed, asked and answered without a screen.
    for (const r of background().filter((x) => x.outcome === 'completed')) {
      expect(r.steps.map((x) => x.name).slice(0, 3)).toEqual(['commitments-fetched', 'device-asked', 'approved']);
      expect(r.steps[1]?.detail).toBe('clear signing: the transaction sent');
    }
    expect(await page.$$('[data-testid="round"][data-outcome="in-progress"]')).toHaveLength(0);
    expect(await available(other())).toBe(0n);
    await screenshot(page, 't2-received');
  });

  it('the device stopped while a send waits for approval: the send is aborted, the UI says so, nothing is lost, and it recovers when the device is back', async () => {
    const e = run();
    const { page, bridge } = e;
    const to = await other().getSparkAddress();
    const roundsBefore = bridge.core.recorder.rounds().length;
    await e.device.stopApproving();
    await page.fill('[data-testid="send-to"]', to);
    await page.fill('[data-testid="send-amount"]', LEAF_SATS.toString());
    await page.click('[data-testid="send-button"]');
    await page.waitForSelector('[data-testid="device-prompt"][data-kind="transfer"]', { timeout: 120_000 });
    await e.device.screen.waitForScreen((t) => t.includes('Send'), { timeoutMs: 30_000 });
    await e.device.stop();

    const error = await page.waitForSelector('[data-testid="error"][data-code="DEVICE_DISCONNECTED"]', { timeout: 60_000 });
    expect(await error.textContent()).toContain('nothing was signed');
    const ended = await page.waitForSelector('[data-testid="device-prompt-ended"][data-state="aborted"]', { timeout: 10_000 });
    expect(await ended.textContent()).toContain('The Ledger did not answer');
    expect(await page.isVisible('[data-testid="device-prompt"]')).toBe(false);
    await page.waitForSelector('[data-testid="device"][data-state="no-device"]', { timeout: 30_000 });
    // The send's operation failed with the device's error, and none of its rounds is left open.
    const op = bridge.core.recorder.operations().filter((o) => o.kind === 'send').at(-1);
    expect(op).toMatchObject({ outcome: 'failed', error: { code: 'DEVICE_DISCONNECTED' } });
    for (const r of bridge.core.recorder.rounds().slice(roundsBefore)) expect(r.outcome).not.toBe('in-progress');
    await screenshot(page, 't2b-device-lost-during-send');

    // Nothing was lost: after Speculos restarts (same seed) the balance is whole at the operators
    // and the receiver got nothing; the next test sends the same leaf with the recovered device.
    await reconnectDevice(e);
    expect((await bridge.core.session().balance()).availableSats).toBe(LEAF_SATS.toString());
    await uiBalance(LEAF_SATS);
    expect(await available(other())).toBe(0n);
    await screenshot(page, 't2c-device-back');
  });

  it('a paired application sends through the API; the user approves on the device', async () => {
    const { page, bridge } = run();
    const client = new BridgeApiClient(bridge.server.url);
    const ticket = await client.requestPairing('Example CLI wallet');
    await page.waitForSelector('[data-testid="pairing-request"]');
    await page.click('[data-testid="pairing-approve"]');
    const creds = await client.waitForPairing(ticket, 30_000);
    const to = await other().getSparkAddress();

    // An amount that needs a split: refused with its code, nothing signed.
    const refused = await client.call(creds, 'POST', '/api/v1/send', { receiverSparkAddress: to, amountSats: SPLIT_API_SATS.toString() }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(BridgeApiError);
    expect((refused as BridgeApiError).code).toBe('NEEDS_SERVICE_PROVIDER');
    expect((refused as BridgeApiError).httpStatus).toBe(422);
    expect((await bridge.core.session().balance()).availableSats).toBe(LEAF_SATS.toString());

    const reviewsBefore = reviewCount();
    const sent = (await client.call(creds, 'POST', '/api/v1/send', { receiverSparkAddress: to, amountSats: LEAF_SATS.toString() })) as { amountSats: string; direction: string };
    expect(sent.amountSats).toBe(LEAF_SATS.toString());
    expect(sent.direction).toBe('OUTGOING');
    const reviews = await transferReviews(reviewsBefore);
    expect(reviews).toHaveLength(1);
    expect(pageBody(reviews[0] ?? [], 'Send')[0]).toBe(`${LEAF_SATS} sats`);
    expect(pageBody(reviews[0] ?? [], 'To').join('')).toBe(to);
    checkSendRounds();
    await waitFor(() => available(other()), (b) => b === LEAF_SATS, SETTLE_MS, 'the receiver\'s claim after the API send');
    await uiBalance(0n);
    // Leaf optimization on, and nothing for it to do: no swap in the SSP's books.
    expect(sspSwaps(run().network.dataDir)).toEqual([]);
    await screenshot(page, 't3-api-sent');
  });
});

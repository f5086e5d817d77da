import { beforeAll, describe, expect, it } from 'vitest';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { hexToBytes } from '@noble/hashes/utils';
import { pageBody } from '../../emulator/speculos/flows.js';
import { Ins } from '../../src/device/apdu.js';
import { waitFor } from '../network/sdk.js';
import { FIRST_SATS, SECOND_SATS, SETTLE_MS, START_TIMEOUT_MS, STEP_TIMEOUT_MS, completed, identityStatements, keySplits } from './device-wallet-suite.js';
import { clearSigningSuite } from './clear-signing-device.js';
import { optimizerSettled } from './optimizer-settled.js';
import { reachableData, secretsFound } from './secret-scan.js';
import { accountSecrets } from './seed-keys.js';

/**
 * Clear signing end to end: the unmodified SDK wallet on LedgerSparkSigner (clear signing on)
 * against the project's 2-of-3 operator network, the app under Speculos. Deposits and a claim
 * are FROST-signed with the transaction attached and no FROST review at all (everything stays
 * with the user); a transfer of two leaves is approved once, on a screen that shows the total
 * and the receiver's Spark address, and its key splits and refunds run without a screen. The
 * identity-key signatures (the operators' logins, the transfer's per-leaf and package signatures,
 * the claim package) go with their preimages (SIGN_IDENTITY_CLEAR): blind signing stays off the
 * whole time, so a single blind request would fail the wallet.
 *
 * Both wallets run on the network's wallet options as printed: the SDK's defaults, leaf
 * optimization on. The software wallet swaps what it receives with the service provider in the
 * background. The Ledger wallet's optimizer wants to swap too, but a swap needs the provider's
 * login, which the device signs only blind: with blind signing off the signer refuses the swap
 * before the device is asked (SWAP_NEEDS_BLIND_SIGNING), the SDK puts the leaves back, and the
 * Ledger wallet keeps the leaves it was given.
 */

/** An error and its causes (the SDK wraps what the signer throws). */
function causes(e: unknown): unknown[] {
  const out: unknown[] = [];
  for (let c: unknown = e; c !== undefined && c !== null && out.length < 8; c = (c as { cause?: unknown }).cause) out.push(c);
  return out;
}

describe('clear signing with the SDK wallet on the operator network', { timeout: STEP_TIMEOUT_MS }, () => {
  // blind signing stays off: nothing below may need it; the device prepares transfer splits
  // ahead while idle (splitReserve, device-app/PROTOCOL.md "Prepared splits")
  const suite = clearSigningSuite({ blindSigning: false, signer: { splitReserve: 2 } });
  const { reviews, shownSince } = suite;
  let ledger: SparkWallet;
  let software: SparkWallet;
  const leafIds: string[] = [];

  beforeAll(async () => {
    const { initializeClearSigned } = await import('../../src/signer/clear-signed-wallet.js');
    // clear signing on before initialize, so that the wallet's logins are clear too
    ledger = await initializeClearSigned(suite.sdk.SparkWallet, suite.signer, 'LOCAL', suite.network.walletOptions);
    suite.wallets.push(ledger);
    expect(identityStatements(suite.recorder.sent, 'login')).toBeGreaterThanOrEqual(1);
    expect(completed(suite.recorder.sent, Ins.SIGN_IDENTITY)).toBe(0);
    expect(reviews()).toEqual([]);
  }, START_TIMEOUT_MS);

  async function deposit(sats: bigint): Promise<string> {
    const address = await ledger.getSingleUseDepositAddress();
    const funded = await suite.network.chain.fund(address, sats);
    suite.signer.expectDeposit(hexToBytes(funded.hex));
    const claimed = await ledger.claimDeposit(funded.txid);
    const id = claimed[0]?.id;
    if (id === undefined) throw new Error('deposit not claimed');
    leafIds.push(id);
    return id;
  }

  it('deposits two leaves: root and refunds signed with their transactions, nothing to press', async () => {
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    await deposit(FIRST_SATS);
    await deposit(SECOND_SATS);
    await waitFor(async () => (await ledger.getBalance()).satsBalance.available, (b) => b === FIRST_SATS + SECOND_SATS, 60_000, 'the two deposits');
    const sent = suite.recorder.sent.slice(mark);
    expect(completed(sent, Ins.FROST_SIGN_TX)).toBeGreaterThanOrEqual(6); // root, refund, direct-from-CPFP refund, per deposit
    expect(completed(sent, Ins.FROST_SIGN)).toBe(0); // no blind FROST share
    expect(completed(sent, Ins.SIGN_IDENTITY)).toBe(0); // no blind identity signature
    expect(reviews().slice(before)).toEqual([]); // nothing to press
    // the optimizer's swap was refused before the device saw it: the deposit leaves stay
    expect(completed(sent, Ins.SWAP_INTENT)).toBe(0);
    expect(await ledger.isOptimizationInProgress()).toBe(false);
    expect((await ledger.getLeaves()).map((l) => l.id).sort()).toEqual([...leafIds].sort());
  });

  it('sends both leaves in one transfer, approved once: total and Spark address on screen, its identity signatures and refunds with no further press', async () => {
    ({ wallet: software } = await suite.open(suite.network.walletOptions));
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    const address = await software.getSparkAddress();
    // two splits prepared while the wallet was idle (threshold 2: the network's)
    expect(await suite.signer.fillSplitReserve(2)).toBe(2);
    const prepared = suite.recorder.sent.length;

    const transfer = await ledger.transfer({ receiverSparkAddress: address, amountSats: Number(FIRST_SATS + SECOND_SATS) });
    expect(transfer.leaves).toHaveLength(2);

    const sends = await waitFor(async () => shownSince(before, 'Send'), (r) => r.length >= 1, 10_000, 'the transfer review recorded');
    expect(sends).toHaveLength(1); // once, for two leaves
    const pages = sends[0] ?? [];
    expect(pageBody(pages, 'Send')).toEqual([`${FIRST_SATS + SECOND_SATS} sats`, 'Leaves 2', 'Account 0']);
    expect(pageBody(pages, 'To').join('')).toBe(address);
    expect(shownSince(before, 'Send leaf')).toEqual([]);
    expect(shownSince(before, 'FROST share')).toEqual([]);
    const sent = suite.recorder.sent.slice(mark);
    expect(keySplits(sent, 'transfer')).toBe(2);
    expect(completed(sent, Ins.FROST_SIGN_TX)).toBeGreaterThanOrEqual(4); // CPFP and direct-from-CPFP refund per leaf
    expect(completed(sent, Ins.FROST_SIGN)).toBe(0);
    // the per-leaf and package identity signatures under that one approval, none blind
    expect(identityStatements(sent, 'leaf')).toBe(2);
    expect(identityStatements(sent, 'transfer')).toBe(1);
    expect(completed(sent, Ins.SIGN_IDENTITY)).toBe(0);
    expect(reviews().slice(before)).toHaveLength(1); // one approval for the whole transfer
    // both splits took a prepared entry: the idle refill needs two single-entry steps to bring
    // the device's pool back to 2 (each step adds one; its reply is the count afterwards)
    const refills = async () => {
      const out: number[] = [];
      for (let i = prepared; i < suite.recorder.received.length; i++) {
        if (suite.recorder.sent[i]?.[1] === Ins.SPLIT_PREPARE) out.push(suite.recorder.received[i]?.[0] ?? -1);
      }
      return out;
    };
    await waitFor(refills, (r) => r.length >= 2 && r.at(-1) === 2, 30_000, 'the split pool refilled');
    await new Promise((r) => setTimeout(r, 2_500)); // past the refill's idle pause: nothing more
    expect(await refills()).toHaveLength(2);
    // the receiver claims, then its optimizer swaps the two leaves with the provider in the
    // background (software signer, nothing on the device); it sends back once that is done
    const optimized = await optimizerSettled(software, FIRST_SATS + SECOND_SATS, SETTLE_MS, 'the receiver\'s claim');
    expect(optimized.map((l) => l.value)).not.toContain(Number(FIRST_SATS));
  });

  it('claims a leaf sent back: refunds and the claim package signed clearly, nothing to press', async () => {
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    await software.transfer({ receiverSparkAddress: await ledger.getSparkAddress(), amountSats: Number(SECOND_SATS) });
    await waitFor(async () => (await ledger.getBalance()).satsBalance.available, (b) => b === SECOND_SATS, SETTLE_MS, 'the Ledger wallet\'s claim');
    // the software wallet's leaves are what its optimizer made of 100,000 sats: 40,000 may come
    // as several leaves, each claimed on the device
    const received = await ledger.getLeaves();
    expect(received.reduce((a, l) => a + BigInt(l.value), 0n)).toBe(SECOND_SATS);
    const sent = suite.recorder.sent.slice(mark);
    expect(keySplits(sent, 'claim')).toBe(received.length);
    expect(completed(sent, Ins.SWAP_INTENT)).toBe(0);
    expect(completed(sent, Ins.FROST_SIGN_TX)).toBeGreaterThanOrEqual(2);
    expect(completed(sent, Ins.FROST_SIGN)).toBe(0);
    expect(identityStatements(sent, 'claim')).toBeGreaterThanOrEqual(1);
    expect(completed(sent, Ins.SIGN_IDENTITY)).toBe(0);
    expect(reviews().slice(before)).toEqual([]); // a claim costs no press
  });

  it('the Ledger wallet\'s leaf optimization: its swap with the provider is refused by the signer before the device is asked (the provider\'s login is blind, and blind signing is off); the leaves stay', async () => {
    await waitFor(() => ledger.isOptimizationInProgress(), (busy) => !busy, SETTLE_MS, 'the background optimization to end');
    const held = (await ledger.getLeaves()).map((l) => l.id).sort();
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    // the swaps the SDK's optimizer plans for these leaves: at least one, or there is nothing to refuse
    const run = async (): Promise<number> => {
      let steps = 0;
      for await (const step of ledger.optimizeLeaves()) steps = Math.max(steps, step.total);
      return steps;
    };
    const refused = await run().then((steps) => new Error(`no refusal: ${steps} swap(s) planned and run`), (e: unknown) => e);
    expect(causes(refused).some((e) => (e as { code?: unknown }).code === 'SWAP_NEEDS_BLIND_SIGNING')).toBe(true);
    const sent = suite.recorder.sent.slice(mark);
    expect(completed(sent, Ins.SWAP_INTENT)).toBe(0);
    expect(keySplits(sent, 'transfer')).toBe(0);
    expect(reviews().slice(before)).toEqual([]);
    expect((await ledger.getLeaves()).map((l) => l.id).sort()).toEqual(held);
    expect((await ledger.getBalance()).satsBalance.available).toBe(SECOND_SATS);
  });

  it('the host never held a private key: not in any APDU, reply, the signer (with its transaction catalog) or the wallet', () => {
    expect(leafIds).toHaveLength(2);
    const secrets = accountSecrets({ leafIds });
    expect(suite.recorder.sent.length).toBeGreaterThan(10);
    expect(secretsFound(secrets, { bytes: [...suite.recorder.sent, ...suite.recorder.received], strings: [] })).toEqual([]);
    expect(secretsFound(secrets, reachableData(suite.signer))).toEqual([]);
    expect(secretsFound(secrets, reachableData(ledger))).toEqual([]);
  });

});

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { hexToBytes } from '@noble/hashes/utils';
import { pageBody } from '../../emulator/speculos/flows.js';
import { Books, type BookEntry } from '../../emulator/ssp/books.js';
import { Ins } from '../../src/device/apdu.js';
import { SparkLedgerApp } from '../../src/device/app.js';
import { waitFor } from '../network/sdk.js';
import { FIRST_SATS, SECOND_SATS, SETTLE_MS, START_TIMEOUT_MS, STEP_TIMEOUT_MS, completed, identityStatements, keySplits, leafStatementTransferIds } from './device-wallet-suite.js';
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
 * optimization on. Each swaps what it holds into power-of-two leaves with the service provider
 * in the background; on the Ledger each such swap is approved once on the Swap review (amount
 * and the provider's Spark address), and the provider's login is signed from its challenge
 * (SIGN_IDENTITY_CLEAR mode 0x04), so the Ledger wallet swaps with blind signing off too.
 */

describe('clear signing with the SDK wallet on the operator network', { timeout: STEP_TIMEOUT_MS }, () => {
  // blind signing stays off: nothing below may need it; the device prepares transfer splits
  // ahead while idle (splitReserve, device-app/PROTOCOL.md "Prepared splits")
  const suite = clearSigningSuite({ blindSigning: false, signer: { splitReserve: 2 } });
  const { reviews, shownSince } = suite;
  let ledger: SparkWallet;
  let software: SparkWallet;
  let provider: string;
  const leafIds: string[] = [];
  const books = (): BookEntry[] => new Books(join(suite.network.dataDir, 'ssp', 'books.jsonl')).entries();
  const swapEntries = () => books().filter((e): e is Extract<BookEntry, { kind: 'swap' }> => e.kind === 'swap');
  /** The Ledger wallet's swaps since `mark` in the recorder: approved once each on the Swap review naming the provider. */
  const ledgerSwaps = (mark: number, before: number) => {
    const swapReviews = shownSince(before, 'Swap');
    for (const pages of swapReviews) expect(pageBody(pages, 'Provider').join('')).toBe(provider);
    const sent = suite.recorder.sent.slice(mark);
    expect(completed(sent, Ins.SWAP_INTENT)).toBe(swapReviews.length);
    const shown = swapReviews.reduce((a, pages) => a + Number.parseInt(pageBody(pages, 'Swap')[0] ?? '', 10), 0);
    return { swapReviews, shown, ids: leafStatementTransferIds(sent) };
  };

  beforeAll(async () => {
    const { initializeClearSigned } = await import('../../src/signer/clear-signed-wallet.js');
    // clear signing on before initialize, so that the wallet's logins are clear too
    expect(await new SparkLedgerApp(suite.recorder).getVersion()).toMatchObject({ blindSigningEnabled: false, providerLogin: true });
    const sspKey = suite.network.walletOptions.sspClientOptions?.identityPublicKey;
    if (sspKey === undefined) throw new Error('the network started without its service provider');
    provider = suite.sdk.encodeSparkAddress({ identityPublicKey: sspKey, network: 'LOCAL' });
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
    // nothing to press: the SDK's optimizer runs after a sync or a claimed transfer
    // (spark-sdk services/leaf-manager.ts autoOptimizeIfNeeded), not after a deposit claim
    expect(reviews().slice(before)).toEqual([]);
    expect((await ledger.getLeaves()).map((l) => l.id).sort()).toEqual([...leafIds].sort());
  });

  it('sends all its leaves in one transfer, approved once: total and Spark address on screen, its identity signatures and refunds with no further press', async () => {
    ({ wallet: software } = await suite.open(suite.network.walletOptions));
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    const address = await software.getSparkAddress();
    const n = (await ledger.getLeaves()).length;
    // two splits prepared while the wallet was idle (threshold 2: the network's)
    expect(await suite.signer.fillSplitReserve(2)).toBe(2);
    const prepared = suite.recorder.sent.length;

    const transfer = await ledger.transfer({ receiverSparkAddress: address, amountSats: Number(FIRST_SATS + SECOND_SATS) });
    expect(transfer.leaves).toHaveLength(n);

    const sends = await waitFor(async () => shownSince(before, 'Send'), (r) => r.length >= 1, 10_000, 'the transfer review recorded');
    expect(sends).toHaveLength(1); // once, for all the leaves
    const pages = sends[0] ?? [];
    expect(pageBody(pages, 'Send')).toEqual([`${FIRST_SATS + SECOND_SATS} sats`, `Leaves ${n}`, 'Account 0']);
    expect(pageBody(pages, 'To').join('')).toBe(address);
    expect(shownSince(before, 'Send leaf')).toEqual([]);
    expect(shownSince(before, 'FROST share')).toEqual([]);
    const sent = suite.recorder.sent.slice(mark);
    expect(keySplits(sent, 'transfer')).toBe(n);
    expect(completed(sent, Ins.FROST_SIGN_TX)).toBeGreaterThanOrEqual(2 * n); // CPFP and direct-from-CPFP refund per leaf
    expect(completed(sent, Ins.FROST_SIGN)).toBe(0);
    // the per-leaf and package identity signatures under that one approval, none blind
    expect(identityStatements(sent, 'leaf')).toBe(n);
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

  it('claims what is sent back with no press, then its optimizer swaps it with the provider: each swap approved once on the Swap review, the provider\'s login signed from its challenge, the books balanced', async () => {
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    const swapsBefore = swapEntries().length;
    await software.transfer({ receiverSparkAddress: await ledger.getSparkAddress(), amountSats: Number(SECOND_SATS) });
    // The software wallet sends 40,000 sats as a few power-of-two leaves (its optimizer's, or
    // what its own swap for the amount returned); the Ledger wallet claims them (no press), and
    // the claim runs its optimizer, which with the SDK's multiplicity 1 wants more denominations
    // than a few leaves give (spark-sdk utils/optimize.ts shouldOptimize): so it swaps. Wait for
    // that swap's review, then for the optimizer to be done.
    await waitFor(async () => shownSince(before, 'Swap').length, (n) => n >= 1, SETTLE_MS, 'the Ledger wallet\'s optimizer to swap what it claimed');
    const received = await optimizerSettled(ledger, SECOND_SATS, SETTLE_MS, 'the Ledger wallet\'s claim and optimization');
    leafIds.push(...received.map((l) => l.id));
    const sent = suite.recorder.sent.slice(mark);
    expect(keySplits(sent, 'claim')).toBeGreaterThanOrEqual(1 + received.length);
    expect(completed(sent, Ins.FROST_SIGN_TX)).toBeGreaterThanOrEqual(2);
    expect(completed(sent, Ins.FROST_SIGN)).toBe(0);
    expect(identityStatements(sent, 'claim')).toBeGreaterThanOrEqual(2); // the transfer's, the swap's counter transfer's
    expect(completed(sent, Ins.SIGN_IDENTITY)).toBe(0);
    // the swaps: the only presses (a claim costs none), the provider's login with its challenge
    const { swapReviews, shown, ids } = ledgerSwaps(mark, before);
    expect(swapReviews.length).toBeGreaterThanOrEqual(1);
    expect(reviews().slice(before)).toHaveLength(swapReviews.length);
    expect(identityStatements(sent, 'provider-login')).toBeGreaterThanOrEqual(1);
    // the provider's books: one entry per approved swap, each paying back exactly what it
    // received, together what the user approved
    const mine = swapEntries().slice(swapsBefore).filter((e) => ids.has(e.primary));
    expect(mine).toHaveLength(swapReviews.length);
    for (const e of mine) expect(e.paidSats).toBe(e.receivedSats);
    expect(mine.reduce((a, e) => a + e.receivedSats, 0)).toBe(shown);
    expect((await ledger.getBalance()).satsBalance.available).toBe(SECOND_SATS);
  });

  it('the whole run: no blind request reached the device, and the provider\'s books balance every swap of the Ledger wallet', () => {
    const sent = suite.recorder.sent;
    expect(sent.filter((a) => a[1] === Ins.SIGN_IDENTITY)).toEqual([]);
    expect(sent.filter((a) => a[1] === Ins.FROST_SIGN)).toEqual([]);
    expect(reviews().filter((p) => p[0]?.includes('Blind signing') === true)).toEqual([]);
    const { swapReviews, shown, ids } = ledgerSwaps(0, 0);
    const mine = swapEntries().filter((e) => ids.has(e.primary));
    expect(mine).toHaveLength(swapReviews.length);
    for (const e of mine) expect(e.paidSats).toBe(e.receivedSats);
    expect(mine.reduce((a, e) => a + e.receivedSats, 0)).toBe(shown);
  });

  it('the host never held a private key: not in any APDU, reply, the signer (with its transaction catalog) or the wallet', () => {
    expect(leafIds.length).toBeGreaterThanOrEqual(3); // the two deposits, what the swaps returned
    const secrets = accountSecrets({ leafIds });
    expect(suite.recorder.sent.length).toBeGreaterThan(10);
    expect(secretsFound(secrets, { bytes: [...suite.recorder.sent, ...suite.recorder.received], strings: [] })).toEqual([]);
    expect(secretsFound(secrets, reachableData(suite.signer))).toEqual([]);
    expect(secretsFound(secrets, reachableData(ledger))).toEqual([]);
  });

});

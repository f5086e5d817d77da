import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// The SDK is loaded after the network's CA is trusted (clearSigningSuite): types only here.
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { hexToBytes } from '@noble/hashes/utils';
import { pageBody } from '../../emulator/speculos/flows.js';
import { Books, type BookEntry } from '../../emulator/ssp/books.js';
import { Ins } from '../../src/device/apdu.js';
import { transferStatus, waitFor } from '../network/sdk.js';
import { SparkLedgerApp } from '../../src/device/app.js';
import { SETTLE_MS, START_TIMEOUT_MS, STEP_TIMEOUT_MS, chunkedPayloads, completed, hasAdaptor, identityStatements } from './device-wallet-suite.js';
import { clearSigningSuite } from './clear-signing-device.js';
import { reachableData, secretsFound } from './secret-scan.js';
import { accountSecrets } from './seed-keys.js';

/**
 * The leaf swap on the Ledger: the unmodified SDK wallet on LedgerSparkSigner, started with the
 * network's wallet options as printed (the SDK's defaults: leaf optimization on), sends
 * 12,345 sats from its single 100,000-sat leaf. The wallet first swaps the leaf with the local
 * service provider (emulator/ssp): the user approves the swap once on the device — the amount
 * and the provider's Spark address (SWAP_INTENT) — and the key split and the adaptor-signed
 * refunds of the swap run under that approval; then the 12,345-sat leaf it got back is sent
 * with one "Send" approval. Every press goes through Speculos's API and every screen is checked;
 * the balances and the provider's books are exact to the satoshi, and the host never held a
 * private key of the seed. Blind signing stays off and no blind signature is asked at all: the
 * identity-key signatures go with their preimages (SIGN_IDENTITY_CLEAR), the provider's login
 * included (its challenge names the wallet's identity key, mode 0x04), with no press.
 */

const DEPOSIT_SATS = 100_000n;
const SEND_SATS = 12_345n;

describe('a leaf swap with the service provider, the SDK wallet on the Ledger', { timeout: STEP_TIMEOUT_MS }, () => {
  // the provider's login is a statement the device reads: blind signing stays off
  const suite = clearSigningSuite({ blindSigning: false });
  const { reviews, shownSince } = suite;
  let ledger: SparkWallet;
  let receiver: SparkWallet;
  let sspKey: string;
  const leafIds: string[] = [];

  beforeAll(async () => {
    const { initializeClearSigned } = await import('../../src/signer/clear-signed-wallet.js');
    const options = suite.network.walletOptions;
    if (options.sspClientOptions?.identityPublicKey === undefined) throw new Error('the network started without its service provider');
    sspKey = options.sspClientOptions.identityPublicKey;
    expect(await new SparkLedgerApp(suite.recorder).getVersion()).toMatchObject({ blindSigningEnabled: false, providerLogin: true });
    // clear signing from the first request: the operators' logins are clear too
    ledger = await initializeClearSigned(suite.sdk.SparkWallet, suite.signer, 'LOCAL', options);
    suite.wallets.push(ledger);
    // The receiver, a software wallet, on the same printed options: its own optimizer may swap
    // what it receives, so it is checked by its balance and the sum of its leaves.
    ({ wallet: receiver } = await suite.open(options));
  }, START_TIMEOUT_MS);

  const books = (): BookEntry[] => new Books(join(suite.network.dataDir, 'ssp', 'books.jsonl')).entries();
  const swaps = () => books().filter((e): e is Extract<BookEntry, { kind: 'swap' }> => e.kind === 'swap');
  const available = async (w: SparkWallet): Promise<bigint> => (await w.getBalance()).satsBalance.available;

  it('deposits one 100,000-sat leaf', async () => {
    const funded = await suite.network.chain.fund(await ledger.getSingleUseDepositAddress(), DEPOSIT_SATS);
    suite.signer.expectDeposit(hexToBytes(funded.hex));
    const claimed = await ledger.claimDeposit(funded.txid);
    leafIds.push(...claimed.map((l) => l.id));
    await waitFor(() => available(ledger), (b) => b === DEPOSIT_SATS, 60_000, 'the deposit');
    expect((await ledger.getLeaves()).map((l) => l.value)).toEqual([100_000]);
  });

  it('sends 12,345 sats: the swap is approved once (amount and provider on screen), its adaptor refunds signed under it; every balance exact', async () => {
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    const swapsBefore = swaps().length;
    const address = await receiver.getSparkAddress();

    await ledger.transfer({ amountSats: Number(SEND_SATS), receiverSparkAddress: address });

    const received = await waitFor(
      async () => ({ available: await available(receiver), leaves: await receiver.getLeaves(), optimizing: await receiver.isOptimizationInProgress() }),
      (x) => x.available === SEND_SATS && !x.optimizing && x.leaves.reduce((a, l) => a + l.value, 0) === Number(SEND_SATS),
      SETTLE_MS,
      "the receiver's 12,345 sats",
    );
    expect(received.available).toBe(SEND_SATS);
    // The wallet keeps its change; leaf optimization may swap it further in the background
    // (each such swap approved like the first), so the change is read once nothing is pending.
    const change = await waitFor(
      async () => ({ available: await available(ledger), leaves: await ledger.getLeaves(), optimizing: await ledger.isOptimizationInProgress() }),
      (x) => x.available === DEPOSIT_SATS - SEND_SATS && !x.optimizing && x.leaves.reduce((a, l) => a + l.value, 0) === 87_655,
      SETTLE_MS,
      "the Ledger wallet's change",
    );
    expect(change.available).toBe(87_655n);
    leafIds.push(...change.leaves.map((l) => l.id));

    // The swap: one approval naming the amount and the provider, by its Spark address.
    const provider = suite.sdk.encodeSparkAddress({ identityPublicKey: sspKey, network: 'LOCAL' });
    const swapReviews = await waitFor(async () => shownSince(before, 'Swap'), (r) => r.length >= 1, 10_000, `the swap review among ${JSON.stringify(reviews().slice(before).map((p) => p[0]))}`);
    const pages = swapReviews[0] ?? [];
    expect(pageBody(pages, 'Swap')).toEqual([`${DEPOSIT_SATS} sats`, 'Leaves 1', 'Account 0']);
    expect(pageBody(pages, 'Provider').join('')).toBe(provider);
    // Any later swap (the change's optimization) names the provider too.
    for (const later of swapReviews.slice(1)) expect(pageBody(later, 'Provider').join('')).toBe(provider);
    // The send of the 12,345-sat leaf the swap returned: one "Send" approval to the receiver.
    const sends = shownSince(before, 'Send');
    expect(sends).toHaveLength(1);
    expect(pageBody(sends[0] ?? [], 'Send')).toEqual([`${SEND_SATS} sats`, 'Leaves 1', 'Account 0']);
    expect(pageBody(sends[0] ?? [], 'To').join('')).toBe(address);
    // No payment, per-leaf or blind FROST review: every refund that pays someone else was signed
    // under one of the two approvals.
    expect(shownSince(before, 'Pay')).toEqual([]);
    expect(shownSince(before, 'Send leaf')).toEqual([]);
    expect(reviews().slice(before).filter((p) => p[0]?.includes('FROST share') === true)).toEqual([]);

    const sent = suite.recorder.sent.slice(mark);
    expect(completed(sent, Ins.SWAP_INTENT)).toBe(swapReviews.length);
    expect(completed(sent, Ins.TRANSFER_INTENT)).toBe(1);
    expect(completed(sent, Ins.FROST_SIGN)).toBe(0);
    // The provider's login (the SDK's first provider request after the swap's transfer) went
    // with its challenge: no blind identity signature, no press of its own.
    expect(identityStatements(sent, 'provider-login')).toBeGreaterThanOrEqual(1);
    expect(reviews().slice(before).filter((p) => p[0]?.includes('Blind signing') === true)).toEqual([]);
    // The swap's refunds carry the adaptor point (the SDK signs the CPFP, direct and
    // direct-from-CPFP refunds of a swapped leaf with it), the send's none; all were signed with
    // their transactions (FROST_SIGN_TX), the ones paying someone else under an approval.
    const packages = chunkedPayloads(sent, Ins.FROST_SIGN_TX);
    expect(packages.length).toBe(completed(sent, Ins.FROST_SIGN_TX));
    expect(packages.filter(hasAdaptor).length).toBeGreaterThanOrEqual(2);
    expect(packages.filter((p) => !hasAdaptor(p)).length).toBeGreaterThanOrEqual(2);

    // The provider's books: it received the 100,000-sat leaf and paid 100,000 sats back, and
    // every swap (the Ledger's, found by their primary transfers, and any of the receiver's own
    // optimizer) paid out exactly what it received.
    const newSwaps = swaps().slice(swapsBefore);
    // a primary transfer the operators list for the Ledger's identity key (query_all_transfers)
    const ledgerSwaps: typeof newSwaps = [];
    for (const e of newSwaps) if ((await transferStatus(ledger, e.primary)) !== undefined) ledgerSwaps.push(e);
    expect(ledgerSwaps.length).toBe(swapReviews.length);
    expect(ledgerSwaps[0]?.receivedSats).toBe(100_000);
    expect(ledgerSwaps[0]?.paidSats).toBe(100_000);
    for (const e of newSwaps) expect(e.paidSats).toBe(e.receivedSats);
  });

  it('no blind signature was asked in the whole run: no SIGN_IDENTITY or FROST_SIGN request reached the device (blind signing is off)', () => {
    const sent = suite.recorder.sent;
    expect(identityStatements(sent, 'login')).toBeGreaterThanOrEqual(1);
    expect(sent.filter((a) => a[1] === Ins.SIGN_IDENTITY)).toEqual([]);
    expect(sent.filter((a) => a[1] === Ins.FROST_SIGN)).toEqual([]);
  });

  it('the host never held a private key: not in any APDU, reply, the signer or the wallet', () => {
    expect(leafIds.length).toBeGreaterThanOrEqual(2);
    const secrets = accountSecrets({ leafIds });
    expect(secretsFound(secrets, { bytes: [...suite.recorder.sent, ...suite.recorder.received], strings: [] })).toEqual([]);
    expect(secretsFound(secrets, reachableData(suite.signer))).toEqual([]);
    expect(secretsFound(secrets, reachableData(ledger))).toEqual([]);
  });
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The SDK is loaded after the network's CA is trusted (loadSdk): types only here.
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils';
import { p2wpkh } from '@scure/btc-signer';
import { REGTEST, addressToScript } from '../../emulator/chain/regtest.js';
import { startNetwork, type RunningNetwork } from '../../emulator/network/network.js';
import type { ReviewPages } from '../../emulator/speculos/approver.js';
import { pageBody } from '../../emulator/speculos/flows.js';
import { Books, type BookEntry } from '../../emulator/ssp/books.js';
import { Ins } from '../../src/device/apdu.js';
import { SparkLedgerApp } from '../../src/device/app.js';
import type { LedgerSparkSigner as LedgerSparkSignerType } from '../../src/signer/ledger-signer.js';
import { loadSdk, transferStatus, waitFor } from '../network/sdk.js';
import { SETTLE_MS, START_TIMEOUT_MS, STEP_TIMEOUT_MS, chunkedPayloads, completed, hasAdaptor, identityStatements, keySplits } from './device-wallet-suite.js';
import { startClearSigningDevice, type ClearSigningDevice } from './clear-signing-device.js';
import { type RecordingTransport, reachableData, secretsFound } from './secret-scan.js';
import { accountSecrets } from './seed-keys.js';

/**
 * The cooperative exit on the Ledger: the unmodified SDK wallet on LedgerSparkSigner, started
 * with the SDK's default options except the network's endpoints (leaf optimization on), withdraws
 * its 100,000 sats to a fresh regtest address through the local service provider
 * (emulator/ssp/exit-desk.ts). The user approves the exit once on the device — the amount the
 * address receives and the fee, read by the device from the provider's exit transaction, the
 * address, the provider's Spark address (EXIT_INTENT) — and the key splits, the connector
 * refunds and the identity signatures of the exit's transfer run under that approval. The exit
 * transaction is mined, the address holds exactly the payout, the provider claims the leaves
 * after 6 confirmations, and the host never held a private key of the seed. Blind signing stays
 * off and no blind signature is asked at all: the provider's login challenge names the wallet's
 * identity key and the device reads it (SIGN_IDENTITY_CLEAR mode 0x04), with no press.
 */

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

const DEPOSIT_SATS = 100_000n;
/** spark.TransferStatus */
const KEY_TWEAKED = 2;
const COMPLETED = 5;
/** the SDK's ExitSpeed.FAST (a string enum) */
const FAST = 'FAST' as Parameters<SparkWallet['withdraw']>[0]['exitSpeed'];

describe('a cooperative exit to a Bitcoin address, the SDK wallet on the Ledger', { timeout: STEP_TIMEOUT_MS }, () => {
  let network: RunningNetwork | undefined;
  let sdk: SdkModule;
  let device: ClearSigningDevice | undefined;
  let recorder: RecordingTransport;
  let signer: LedgerSparkSignerType;
  let ledger: SparkWallet;
  let sspKey: string;
  let exitFees: { l1: number; user: number };
  let claimConfirmations: number;
  const leafIds: string[] = [];
  const address = p2wpkh(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true), REGTEST).address as string;

  beforeAll(async () => {
    network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
    sdk = await loadSdk(network.env);
    const { EXIT_FEES, EXIT_CLAIM_CONFIRMATIONS } = await import('../../emulator/ssp/exit-desk.js');
    exitFees = EXIT_FEES.FAST;
    claimConfirmations = EXIT_CLAIM_CONFIRMATIONS;
    const { LedgerSparkSigner } = await import('../../src/signer/ledger-signer.js');
    const { initializeClearSigned } = await import('../../src/signer/clear-signed-wallet.js');
    device = await startClearSigningDevice({ blindSigning: false });
    recorder = device.recorder;
    signer = new LedgerSparkSigner(new SparkLedgerApp(recorder));
    // Only the network's endpoints and the SSP; everything else is the SDK's default.
    const { network: net, signingOperators, coordinatorIdentifier, threshold, electrsUrl, sspClientOptions } = network.walletOptions;
    const defaults = { network: net, signingOperators, coordinatorIdentifier, threshold, electrsUrl, sspClientOptions };
    if (sspClientOptions?.identityPublicKey === undefined) throw new Error('the network started without its service provider');
    sspKey = sspClientOptions.identityPublicKey;
    // clear signing from the first request: the operators' logins are clear too
    ledger = await initializeClearSigned(sdk.SparkWallet, signer, 'LOCAL', defaults);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await ledger?.cleanup().catch(() => undefined);
    await device?.stop();
    await network?.stop();
  });

  const net = (): RunningNetwork => {
    if (network === undefined) throw new Error('network not started');
    return network;
  };
  const reviews = (): ReviewPages[] => device?.approver.reviews ?? [];
  /** Reviews since `from` whose first page is titled `title`. */
  const shownSince = (from: number, title: string): ReviewPages[] => reviews().slice(from).filter((pages) => pages[0]?.includes(title) === true);
  const books = (): BookEntry[] => new Books(join(net().dataDir, 'ssp', 'books.jsonl')).entries();
  const available = async (): Promise<bigint> => (await ledger.getBalance()).satsBalance.available;
  /** What was paid to the address: the outputs paying it in the transactions btcd indexed. */
  const receivedAt = async (addr: string): Promise<number> => {
    const script = Buffer.from(addressToScript(addr)).toString('hex');
    const txs = await net().chain.rpc.searchRawTransactions(addr).catch(() => []);
    return txs.flatMap((t) => t.vout).filter((o) => o.scriptPubKey.hex === script).reduce((a, o) => a + Math.round(o.value * 1e8), 0);
  };

  it('deposits one 100,000-sat leaf', async () => {
    const funded = await net().chain.fund(await ledger.getSingleUseDepositAddress(), DEPOSIT_SATS);
    signer.expectDeposit(hexToBytes(funded.hex));
    await ledger.claimDeposit(funded.txid);
    // leaf optimization may swap the deposit leaf in the background (each swap approved on the device)
    await waitFor(
      async () => ({ available: await available(), optimizing: await ledger.isOptimizationInProgress() }),
      (x) => x.available === DEPOSIT_SATS && !x.optimizing,
      SETTLE_MS,
      'the deposit',
    );
  });

  it('withdraws 100,000 sats: one approval showing the payout, the fee, the address and the provider; the connector refunds signed under it', async () => {
    const payout = Number(DEPOSIT_SATS) - exitFees.l1 - exitFees.user;
    const quote = await ledger.getWithdrawalFeeQuote({ amountSats: Number(DEPOSIT_SATS), withdrawalAddress: address });
    expect(quote?.totalAmount.originalValue).toBe(Number(DEPOSIT_SATS));
    const mark = recorder.sent.length;
    const before = reviews().length;
    leafIds.push(...(await ledger.getLeaves()).map((l) => l.id));

    signer.expectWithdrawal(address);
    const res = await ledger.withdraw({ onchainAddress: address, exitSpeed: FAST, feeQuote: quote as never, amountSats: Number(DEPOSIT_SATS), deductFeeFromWithdrawalAmount: true });
    expect(res?.status).toBe('TX_BROADCASTED');
    const transferId = res?.transfer?.sparkId as string;
    const exitTxid = res?.coopExitTxid as string;
    const sent = recorder.sent.slice(mark);

    // The one approval: what the address receives and the fee, read from the exit transaction;
    // the address; the provider by its Spark address.
    const exits = shownSince(before, 'Withdraw');
    expect(exits).toHaveLength(1);
    const pages = exits[0] ?? [];
    const leaves = keySplits(sent, 'transfer');
    expect(pageBody(pages, 'Withdraw')).toEqual([`${payout} sats`, `Fee ${exitFees.l1 + exitFees.user} sats`, `Leaves ${leaves}`, 'Account 0']);
    expect(pageBody(pages, 'To').join('')).toBe(address);
    expect(pageBody(pages, 'Provider').join('')).toBe(sdk.encodeSparkAddress({ identityPublicKey: sspKey, network: 'LOCAL' }));
    // Nothing else was shown for the exit: no per-leaf review, no payment review, no blind FROST share.
    expect(shownSince(before, 'Send leaf')).toEqual([]);
    expect(shownSince(before, 'Pay')).toEqual([]);
    expect(reviews().slice(before).filter((p) => p[0]?.includes('FROST share') === true)).toEqual([]);

    // On the wire: one EXIT_INTENT; every refund signed with its transaction; the connector
    // refunds (two inputs) carry no adaptor point; the exit's per-leaf and package identity
    // signatures sent with their preimages.
    expect(completed(sent, Ins.EXIT_INTENT)).toBe(1);
    expect(completed(sent, Ins.FROST_SIGN)).toBe(0);
    const packages = chunkedPayloads(sent, Ins.FROST_SIGN_TX);
    const connectorRefunds = packages.filter((p) => !hasAdaptor(p) && inputsOf(p) === 2);
    expect(connectorRefunds.length).toBeGreaterThanOrEqual(2 * leaves);
    expect(identityStatements(sent, 'leaf')).toBe(leaves);
    expect(identityStatements(sent, 'transfer')).toBe(1);
    console.log(`coop exit on the Ledger: ${exits.length} approval, ${leaves} leaves, ${sent.length} APDUs (${completed(sent, Ins.FROST_SIGN_TX)} FROST_SIGN_TX, ${connectorRefunds.length} connector refunds, ${completed(sent, Ins.SIGN_IDENTITY)} blind identity signatures), ${sent.reduce((a, x) => a + x.length, 0)} bytes sent`);

    // Broadcast, not mined: the exit transaction waits in the mempool, the wallet holds nothing.
    expect((await net().chain.rpc.getRawTransaction(exitTxid)).confirmations ?? 0).toBe(0);
    expect(await available()).toBe(0n);

    // Mined: the address holds exactly the payout; the operators apply the exit's tweak.
    await net().chain.mine(1);
    await waitFor(() => transferStatus(ledger, transferId), (s) => s === KEY_TWEAKED, 60_000, 'the exit tweak applied on the operators');
    const tx = await net().chain.rpc.getRawTransaction(exitTxid);
    expect(tx.confirmations).toBe(1);
    expect(tx.vout.filter((o) => o.scriptPubKey.hex === Buffer.from(addressToScript(address)).toString('hex')).map((o) => Math.round(o.value * 1e8))).toEqual([payout]);
    await waitFor(() => receivedAt(address), (v) => v === payout, 30_000, 'the payout at the address');

    // After 6 confirmations the provider claims the leaves; its books balance.
    await net().chain.mine(claimConfirmations - 1);
    await waitFor(async () => books(), (b) => b.some((e) => e.kind === 'claim' && e.transfer === transferId), 120_000, 'the SSP claim');
    expect(await transferStatus(ledger, transferId)).toBe(COMPLETED);
    const entry = books().find((e): e is Extract<BookEntry, { kind: 'exit' }> => e.kind === 'exit' && e.transfer === transferId);
    expect(entry).toMatchObject({ exitTxid, receivedSats: Number(DEPOSIT_SATS), paidSats: payout, l1FeeSats: exitFees.l1, userFeeSats: exitFees.user });
    expect(await receivedAt(address)).toBe(payout);
  });

  it('no blind signature was asked in the whole run: no SIGN_IDENTITY or FROST_SIGN request reached the device (blind signing is off)', () => {
    const sent = recorder.sent;
    expect(identityStatements(sent, 'provider-login')).toBeGreaterThanOrEqual(1);
    expect(sent.filter((a) => a[1] === Ins.SIGN_IDENTITY)).toEqual([]);
    expect(sent.filter((a) => a[1] === Ins.FROST_SIGN)).toEqual([]);
  });

  it('the host never held a private key: not in any APDU, reply, the signer or the wallet', () => {
    expect(leafIds.length).toBeGreaterThanOrEqual(1);
    const secrets = accountSecrets({ leafIds });
    expect(secretsFound(secrets, { bytes: [...recorder.sent, ...recorder.received], strings: [] })).toEqual([]);
    expect(secretsFound(secrets, reachableData(signer))).toEqual([]);
    expect(secretsFound(secrets, reachableData(ledger))).toEqual([]);
  });
});

/** The input count of a FROST_SIGN_TX payload's transaction (leaf KEYREF, package, network, index, tx len, tx). */
function inputsOf(payload: Uint8Array): number {
  const keyref = 1 + 4 + 1 + (payload[5] ?? 0);
  const n = payload[keyref + 33 + 4 + 66] ?? 0;
  let off = keyref + 33 + 4 + 66 + 1 + 98 * n;
  off += payload[off] === 1 ? 34 : 1; // adaptor flag (and point)
  off += 2 + 2; // network, input index, tx length
  return payload[off + 4] ?? 0; // after the version
}

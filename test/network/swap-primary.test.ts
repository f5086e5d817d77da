import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schnorr } from '@noble/curves/secp256k1';
import { hexToBytes } from '@noble/hashes/utils';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { describe, expect, it } from 'vitest';
import { tweakedKey } from '../../src/crypto/index.js';
import { internals } from '../../emulator/ssp/sdk-internals.js';
import { expectLeftAlone, sspViewOptions } from './leaf-optimizer.js';
import { networkSuite, waitFor } from './sdk.js';

type TreeNode = Awaited<ReturnType<SparkWallet['getLeaves']>>[number];

/**
 * The wallet's one deposit leaf. The wallets run on the network's options as printed (leaf
 * optimization on), and the tests swap this very leaf by hand: a value the SDK's optimizer leaves
 * alone (checked in fundedWallet, leaf-optimizer.ts), so the wallet starts no swap of its own.
 */
const DEPOSIT_SATS = 8n;
/** The cheating SSP's counter leaf: less than the primary carries. */
const COUNTER_SATS = 4n;
/** A send no leaf set of the wallet makes exactly: it needs a swap. */
const SWAP_NEEDED_SATS = 3;
/** Short, so that a primary transfer without a counter transfer comes back within the test. */
const SWAP_PRIMARY_TIMEOUT_MS = 12_000;

/** The SDK's own transfer service of a wallet (private in the SDK; reached the way a subclass would). */
interface SdkTransferService {
  sendSwapTransfer(leaves: unknown[], transferId?: string): Promise<{
    swapTransfer: { transfer?: { id: string; status: number; type: number; leaves: { leaf?: TreeNode; intermediateRefundTx: Uint8Array }[] } };
    adaptorPubkey: Uint8Array;
    adaptorAddedSignatureMap: Map<string, Uint8Array>;
  }>;
  queryTransfer(id: string): Promise<{ id: string; status: number; leaves: unknown[] } | undefined>;
  claimTransfer(t: unknown): Promise<unknown>;
}
const transferServiceOf = (w: SparkWallet): SdkTransferService => (w as unknown as { transferService: SdkTransferService }).transferService;

/** spark.TransferStatus / TransferType values (SDK src/proto/spark.ts). */
const SENDER_KEY_TWEAK_PENDING = 1;
const RETURNED = 7;
const PRIMARY_SWAP_V3 = 4;

describe('a leaf swap\'s primary transfer on the operators (initiate_swap_primary_transfer)', { timeout: 120_000 }, () => {
  const suite = networkSuite({ operators: 3, threshold: 2, swapPrimaryTimeoutMs: SWAP_PRIMARY_TIMEOUT_MS });

  async function fundedWallet(): Promise<{ wallet: SparkWallet; seed: string; leaf: TreeNode }> {
    const { wallet, seed } = await suite.open(suite.network.walletOptions);
    await expectLeftAlone(wallet, [[Number(DEPOSIT_SATS)]]);
    const funded = await suite.network.chain.fund(await wallet.getSingleUseDepositAddress(), DEPOSIT_SATS);
    await wallet.claimDeposit(funded.txid);
    await waitFor(() => wallet.getBalance(), (b) => b.satsBalance.available === DEPOSIT_SATS, 30_000, 'the deposit');
    const leaf = (await wallet.getLeaves())[0];
    if (leaf === undefined) throw new Error('no leaf');
    return { wallet, seed, leaf };
  }

  const sspLog = (): string => readFileSync(join(suite.network.dataDir, 'ssp', 'ssp.log'), 'utf8');

  /** The balance as the operators see it now: a fresh wallet on the same seed syncs from them. */
  async function operatorsBalance(seed: string): Promise<bigint> {
    const { wallet } = await suite.open(suite.network.walletOptions, seed);
    return (await wallet.getBalance()).satsBalance.available;
  }

  it('signs the refunds into adaptor signatures for the wallet\'s adaptor point, holds the leaf, and returns it when no counter transfer comes', async () => {
    const { wallet, seed, leaf } = await fundedWallet();
    const sspKey = suite.network.walletOptions.sspClientOptions?.identityPublicKey ?? '';
    const { swapTransfer, adaptorPubkey, adaptorAddedSignatureMap } = await transferServiceOf(wallet).sendSwapTransfer([{
      leaf, keyDerivation: { type: suite.sdk.KeyDerivationType.LEAF, path: leaf.id }, newKeyDerivation: { type: suite.sdk.KeyDerivationType.RANDOM }, receiverIdentityPublicKey: hexToBytes(sspKey),
    }]);
    const transfer = swapTransfer.transfer;
    if (transfer === undefined) throw new Error('no transfer');
    expect(transfer.status).toBe(SENDER_KEY_TWEAK_PENDING);
    expect(transfer.type).toBe(PRIMARY_SWAP_V3);

    // The wallet aggregated the operators' shares with its own into an adaptor signature of its refund.
    const refund = suite.sdk.getTxFromRawTxBytes(transfer.leaves[0]?.intermediateRefundTx ?? new Uint8Array());
    const sighash = suite.sdk.getSigHashFromTx(refund, 0, suite.sdk.getTxFromRawTxBytes(leaf.nodeTx).getOutput(0));
    const adaptorSig = adaptorAddedSignatureMap.get(leaf.id);
    if (adaptorSig === undefined) throw new Error('no adaptor signature');
    // The SDK's check (as an SSP makes it): valid for the leaf's taproot key and this adaptor point
    // (it throws otherwise), yet not a signature until the adaptor secret is added.
    const outputKey = tweakedKey(leaf.verifyingPublicKey).qx;
    expect(suite.sdk.validateOutboundAdaptorSignature(outputKey, sighash, adaptorSig, adaptorPubkey)).toBe(true);
    expect(schnorr.verify(adaptorSig, sighash, outputKey)).toBe(false);
    expect(() => suite.sdk.validateOutboundAdaptorSignature(outputKey, sighash, adaptorSig, hexToBytes(sspKey))).toThrow();

    // Awaiting its counter transfer: the leaf is held, and the receiver cannot claim it.
    expect(await operatorsBalance(seed)).toBe(0n);
    const sspSeed = readFileSync(join(suite.network.dataDir, 'ssp', 'wallet.seed'), 'utf8').trim();
    const { wallet: ssp } = await suite.open(sspViewOptions(suite.network.walletOptions), sspSeed);
    const seen = await transferServiceOf(ssp).queryTransfer(transfer.id);
    expect(seen?.status).toBe(SENDER_KEY_TWEAK_PENDING);
    await expect(transferServiceOf(ssp).claimTransfer(seen)).rejects.toThrow();

    // No counter transfer within the timeout: the primary is returned and the leaf is the sender's again.
    const back = await waitFor(() => operatorsBalance(seed), (b) => b === DEPOSIT_SATS, SWAP_PRIMARY_TIMEOUT_MS + 30_000, 'the leaf back with its owner');
    expect(back).toBe(DEPOSIT_SATS);
    expect((await transferServiceOf(ssp).queryTransfer(transfer.id))?.status).toBe(RETURNED);
  });

  /** A primary transfer of a fresh DEPOSIT_SATS leaf to the SSP, as the wallet's swap starts it. */
  async function primaryToSsp(): Promise<{ wallet: SparkWallet; seed: string; leaf: TreeNode; started: Awaited<ReturnType<SdkTransferService['sendSwapTransfer']>> }> {
    const { wallet, seed, leaf } = await fundedWallet();
    const sspKey = suite.network.walletOptions.sspClientOptions?.identityPublicKey ?? '';
    const started = await transferServiceOf(wallet).sendSwapTransfer([{
      leaf, keyDerivation: { type: suite.sdk.KeyDerivationType.LEAF, path: leaf.id }, newKeyDerivation: { type: suite.sdk.KeyDerivationType.RANDOM }, receiverIdentityPublicKey: hexToBytes(sspKey),
    }]);
    return { wallet, seed, leaf, started };
  }

  it('the SSP refuses a wallet that lies about its adaptor signature, and pays nothing', async () => {
    const { wallet, leaf, started } = await primaryToSsp();
    const transfer = started.swapTransfer.transfer;
    if (transfer === undefined) throw new Error('no transfer');
    const sig = Uint8Array.from(started.adaptorAddedSignatureMap.get(leaf.id) ?? new Uint8Array(64));
    sig[40] = (sig[40] ?? 0) ^ 1;
    const swapsBefore = sspLog().split('\n').filter((l) => l.includes('call request_swap')).length;
    const ssp = (wallet as unknown as { getSspClient(): { requestLeavesSwap(i: unknown): Promise<unknown> } }).getSspClient();
    const refund = Buffer.from(transfer.leaves[0]?.intermediateRefundTx ?? []).toString('hex');
    await expect(ssp.requestLeavesSwap({
      adaptorPubkey: Buffer.from(started.adaptorPubkey).toString('hex'), totalAmountSats: Number(DEPOSIT_SATS), targetAmountSats: [SWAP_NEEDED_SATS], feeSats: 0,
      userOutboundTransferExternalId: transfer.id,
      userLeaves: [{ leaf_id: leaf.id, raw_unsigned_refund_transaction: refund, adaptor_added_signature: Buffer.from(sig).toString('hex'),
        direct_raw_unsigned_refund_transaction: '', direct_adaptor_added_signature: '', direct_from_cpfp_raw_unsigned_refund_transaction: '', direct_from_cpfp_adaptor_added_signature: '' }],
    })).rejects.toThrow(/adaptor_added_signature is not an adaptor signature of its refund/);
    expect(sspLog().split('\n').filter((l) => l.includes('call request_swap')).length).toBe(swapsBefore + 1);
    // Nothing was paid: the primary still waits for a counter transfer.
    expect((await transferServiceOf(wallet).queryTransfer(transfer.id))?.status).toBe(SENDER_KEY_TWEAK_PENDING);
  });

  it('the operators refuse a counter transfer that pays less than the primary, or answers another adaptor point, and nothing moves', async () => {
    const { seed, started } = await primaryToSsp();
    const primary = started.swapTransfer.transfer;
    if (primary === undefined) throw new Error('no transfer');
    // The test plays a cheating SSP with the SSP's own wallet: a COUNTER_SATS leaf for the DEPOSIT_SATS primary.
    const sspSeed = readFileSync(join(suite.network.dataDir, 'ssp', 'wallet.seed'), 'utf8').trim();
    const { wallet: ssp } = await suite.open(sspViewOptions(suite.network.walletOptions), sspSeed);
    const funded = await suite.network.chain.fund(await ssp.getSingleUseDepositAddress(), COUNTER_SATS);
    const [minted] = await ssp.claimDeposit(funded.txid);
    if (minted === undefined) throw new Error('no leaf');
    const node = await waitFor(async () => (await ssp.getLeaves()).find((l) => l.id === minted.id), (l) => l?.status === 'AVAILABLE', 30_000, 'the SSP leaf');
    if (node === undefined) throw new Error('no node');
    const ts = internals(ssp).transferService;
    const user = (await transferServiceOf(ssp).queryTransfer(primary.id)) as unknown as { senderIdentityPublicKey: Uint8Array };
    // Loaded after the SDK: grpc-js reads its root certificates once, when it loads (test/network/suite.sdk.ts).
    const { CoordinatorClient } = await import('../../emulator/ssp/operator-client.js');
    const client = new CoordinatorClient(internals(ssp).config.getCoordinatorAddress(), suite.network.caPath, internals(ssp).config.signer);
    try {
      const counter = async (adaptor: Uint8Array): Promise<unknown> => {
        const id = randomUUID();
        const tweaks = [{ leaf: node, keyDerivation: { type: suite.sdk.KeyDerivationType.LEAF, path: node.id }, newKeyDerivation: { type: suite.sdk.KeyDerivationType.RANDOM }, receiverIdentityPublicKey: user.senderIdentityPublicKey }];
        const pkg = await ts.prepareTransferPackage(id, await ts.prepareSendTransferKeyTweaks(id, tweaks), tweaks);
        return client.counterSwapTransfer({
          transferId: id, ownerIdentityPublicKey: await internals(ssp).config.signer.getIdentityPublicKey(), receiverIdentityPublicKey: user.senderIdentityPublicKey,
          leavesToSend: [], expiryTime: undefined, transferPackage: pkg, sparkInvoice: '',
        }, primary.id, adaptor);
      };
      await expect(counter(started.adaptorPubkey)).rejects.toThrow(new RegExp(`INVALID_ARGUMENT.*carries ${COUNTER_SATS} sat; the primary transfer .* carries ${DEPOSIT_SATS}\\b`));
      await expect(counter(hexToBytes(suite.network.walletOptions.sspClientOptions?.identityPublicKey ?? ''))).rejects.toThrow(/not the adaptor point of swap primary transfer/);
    } finally {
      client.close();
    }
    // Nothing moved: the SSP keeps its leaf, the wallet's leaf is still held for its swap.
    expect((await (await suite.open(sspViewOptions(suite.network.walletOptions), sspSeed)).wallet.getBalance()).satsBalance.available).toBe(COUNTER_SATS);
    expect(await operatorsBalance(seed)).toBe(0n);
    expect((await transferServiceOf(ssp).queryTransfer(primary.id))?.status).toBe(SENDER_KEY_TWEAK_PENDING);
  });

  it('with the SSP down: a send that needs a swap fails with a clear error, no leaf is lost or left locked, and a whole leaf still moves', async () => {
    const { wallet, seed } = await fundedWallet();
    const { wallet: receiver } = await suite.open(suite.network.walletOptions);
    await suite.network.ssp?.stop();
    await expect(wallet.transfer({ amountSats: SWAP_NEEDED_SATS, receiverSparkAddress: await receiver.getSparkAddress() }))
      .rejects.toThrow(/Failed to request leaves swap/);
    // The primary transfer the wallet started before calling the SSP comes back to it.
    const back = await waitFor(() => operatorsBalance(seed), (b) => b === DEPOSIT_SATS, SWAP_PRIMARY_TIMEOUT_MS + 30_000, 'the leaf back with its owner');
    expect(back).toBe(DEPOSIT_SATS);
    expect((await receiver.getBalance()).satsBalance.available).toBe(0n);
    // Whole-leaf transfers need no SSP.
    const { wallet: again } = await suite.open(suite.network.walletOptions, seed);
    await again.transfer({ amountSats: Number(DEPOSIT_SATS), receiverSparkAddress: await receiver.getSparkAddress() });
    const received = await waitFor(() => receiver.getBalance(), (b) => b.satsBalance.available === DEPOSIT_SATS, 60_000, 'the whole leaf at the receiver');
    expect(received.satsBalance.available).toBe(DEPOSIT_SATS);
    expect(await operatorsBalance(seed)).toBe(0n);
  });
});

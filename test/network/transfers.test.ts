/**
 * Transfers and claims between two unmodified SDK wallets (DefaultSparkSigner) on a 2-of-3
 * network on btcd regtest with PGlite (docs/transfers.md). One network is shared by the tests
 * of this file, in order: each starts from the balances the previous one left.
 */
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetwork } from '../../emulator/network/network.js';
import type { RunningNetwork } from '../../emulator/network/network.js';
import { loadSdk, openWallet, waitFor } from './sdk.js';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

const START_TIMEOUT_MS = 300_000;
const FLOW_TIMEOUT_MS = 240_000;
/** Waiting for a wallet to see a claim: its own event stream claims, under a loaded machine. */
const SETTLE_MS = 90_000;

async function available(w: SparkWallet): Promise<bigint> {
  return (await w.getBalance()).satsBalance.available;
}

async function leafIds(w: SparkWallet): Promise<string[]> {
  return (await w.getLeaves()).map((l) => l.id).sort();
}

describe('transfers between two SDK wallets on a 2-of-3 network (PGlite)', { timeout: FLOW_TIMEOUT_MS }, () => {
  let network: RunningNetwork;
  let sdk: SdkModule;
  let alice: SparkWallet;
  let bob: SparkWallet;
  let aliceSeed: string;
  let bobSeed: string;
  const wallets: SparkWallet[] = [];

  async function deposit(w: SparkWallet, sats: bigint): Promise<string> {
    const address = await w.getSingleUseDepositAddress();
    const funded = await network.chain.fund(address, sats);
    const claimed = await w.claimDeposit(funded.txid);
    const id = claimed[0]?.id;
    if (id === undefined) throw new Error('deposit not claimed');
    return id;
  }

  /** A fresh wallet from the same seed: it keeps only leaves every operator agrees on (keys, txs, status). */
  async function reopened(seed: string): Promise<SparkWallet> {
    const { wallet } = await openWallet(sdk, network.walletOptions, seed);
    wallets.push(wallet);
    return wallet;
  }

  beforeAll(async () => {
    network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
    sdk = await loadSdk(network.env);
    ({ wallet: alice, seed: aliceSeed } = await openWallet(sdk, network.walletOptions));
    ({ wallet: bob, seed: bobSeed } = await openWallet(sdk, network.walletOptions));
    wallets.push(alice, bob);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    for (const w of wallets) await w.cleanupConnections().catch(() => undefined);
    await network?.stop();
  });

  it('A sends a whole leaf to B; B\'s wallet claims it by itself from its event stream', async () => {
    const leaf = await deposit(alice, 100_000n);
    await waitFor(() => available(alice), (b) => b === 100_000n, 30_000, 'alice\'s deposit');

    const transfer = await alice.transfer({ receiverSparkAddress: await bob.getSparkAddress(), amountSats: 100_000 });
    expect(transfer.totalValue).toBe(100_000);
    expect(transfer.leaves.map((l) => l.leaf?.id)).toEqual([leaf]);

    await waitFor(() => available(bob), (b) => b === 100_000n, SETTLE_MS, 'bob\'s claim');
    expect(await available(alice)).toBe(0n);
    expect(await leafIds(bob)).toEqual([leaf]);
    const done = await waitFor(() => bob.getTransfer(transfer.id), (t) => t?.status === 'TRANSFER_STATUS_COMPLETED', 30_000, 'the transfer COMPLETED');
    expect(done?.totalValue).toBe(100_000);

    // Every operator applied both tweaks: a wallet from B's seed keeps the leaf, one from A's has nothing.
    const bob2 = await reopened(bobSeed);
    expect(await leafIds(bob2)).toEqual([leaf]);
    expect(await available(bob2)).toBe(100_000n);
    const alice2 = await reopened(aliceSeed);
    expect(await leafIds(alice2)).toEqual([]);
  });
});

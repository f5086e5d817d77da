import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { p2wpkh } from '@scure/btc-signer';
import type { ConfigOptions, SparkWallet } from '@buildonspark/spark-sdk';
import { describe, expect, it } from 'vitest';
import { REGTEST, addressToScript } from '../../emulator/chain/regtest.js';
import type { RunningNetwork } from '../../emulator/network/network.js';
import { openLocalCa } from '../../emulator/network/ca.js';
import { startSsp, withSsp, type SspProcess } from '../../emulator/network/ssp-process.js';
import type { BookEntry } from '../../emulator/ssp/books.js';
import { EXIT_CLAIM_CONFIRMATIONS, EXIT_FEES, type ExitCheat } from '../../emulator/ssp/exit-desk.js';
import { sspViewOptions } from './leaf-optimizer.js';
import { networkSuite, transferStatus, waitFor } from './sdk.js';

const DEPOSIT_SATS = 100_000;
/** spark.TransferStatus */
const KEY_TWEAK_PENDING = 1;
const KEY_TWEAKED = 2;
const COMPLETED = 5;
/** the SDK's ExitSpeed.FAST (a string enum) */
const FAST = 'FAST' as Parameters<SparkWallet['withdraw']>[0]['exitSpeed'];

function books(dir: string): BookEntry[] {
  const path = join(dir, 'books.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BookEntry);
}

/** A fresh regtest P2WPKH address nobody else pays. */
function freshAddress(): string {
  return p2wpkh(secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true), REGTEST).address as string;
}

/** The parts of spark.Transfer the test reads. */
interface QueriedTransfer { id: string; status: number; leaves: { leaf?: { id: string; value: number } }[] }

interface Internals {
  transferService: { queryTransfer(id: string): Promise<QueriedTransfer | undefined>; claimTransfer(t: QueriedTransfer): Promise<unknown> };
}

describe('cooperative exit (withdraw to a Bitcoin address) through the local service provider, with the unmodified SDK wallet', { timeout: 420_000 }, () => {
  const suite = networkSuite({ operators: 3, threshold: 2 });
  // The wallet options exactly as the network prints them: the SDK's defaults, leaf optimization on.
  // The wallet may then swap its deposit leaf for others in the background, so the tests assert
  // totals and the exit's own leaves, never the deposit's leaf.
  const optionsOf = (n: RunningNetwork): ConfigOptions => n.walletOptions;

  async function funded(options: ConfigOptions): Promise<SparkWallet> {
    return (await fundedWithSeed(options)).wallet;
  }

  /** The provider's fee quote for withdrawing the whole deposit to `address`. */
  const quoteAll = (wallet: SparkWallet, address: string) => wallet.getWithdrawalFeeQuote({ amountSats: DEPOSIT_SATS, withdrawalAddress: address });
  /** Withdraws the whole deposit to `address` at the FAST speed of `quote`, the fee taken from the amount. */
  const withdrawAll = (wallet: SparkWallet, address: string, quote: Awaited<ReturnType<typeof quoteAll>>) =>
    wallet.withdraw({ onchainAddress: address, exitSpeed: FAST, feeQuote: quote as never, amountSats: DEPOSIT_SATS, deductFeeFromWithdrawalAmount: true });

  async function fundedWithSeed(options: ConfigOptions): Promise<{ wallet: SparkWallet; seed: string }> {
    const { wallet, seed } = await suite.open(options);
    const deposit = await suite.network.chain.fund(await wallet.getSingleUseDepositAddress(), BigInt(DEPOSIT_SATS));
    await wallet.claimDeposit(deposit.txid);
    await waitFor(() => wallet.getBalance(), (b) => b.satsBalance.available === BigInt(DEPOSIT_SATS), 30_000, 'the deposit');
    return { wallet, seed };
  }

  /** The wallet's balance as the operators hold it: a second instance on the same seed syncs from them. */
  async function operatorsBalance(options: ConfigOptions, seed: string): Promise<bigint> {
    const { wallet } = await suite.open(options, seed);
    return (await wallet.getBalance()).satsBalance.available;
  }

  it('quotes, withdraws a whole leaf to a btcd address: mined, paid the quoted amount, claimed by the SSP after 6 confirmations, books balanced', async () => {
    const { network } = suite;
    const sspDir = join(network.dataDir, 'ssp');
    const alice = await funded(optionsOf(network));
    const address = freshAddress();

    const quote = await quoteAll(alice, address);
    expect(quote?.totalAmount.originalValue).toBe(DEPOSIT_SATS);
    expect(quote?.l1BroadcastFeeFast.originalValue).toBe(EXIT_FEES.FAST.l1);
    expect(quote?.userFeeFast.originalValue).toBe(EXIT_FEES.FAST.user);
    expect(quote?.userFeeSlow.originalValue).toBe(EXIT_FEES.SLOW.user);
    // A quote locks nothing.
    expect((await alice.getBalance()).satsBalance.available).toBe(BigInt(DEPOSIT_SATS));

    const started = Date.now();
    const res = await withdrawAll(alice, address, quote);
    const transferId = res?.transfer?.sparkId as string;
    const exitTxid = res?.coopExitTxid as string;
    expect(res?.status).toBe('TX_BROADCASTED');
    expect(transferId).toMatch(/^[0-9a-f-]{36}$/);
    const payout = DEPOSIT_SATS - EXIT_FEES.FAST.l1 - EXIT_FEES.FAST.user;

    // Broadcast, not mined: the operators hold the leaf for the exit with the user's key and old
    // refund; the SSP cannot claim it.
    expect(await transferStatus(alice, transferId)).toBe(KEY_TWEAK_PENDING);
    expect((await alice.getBalance()).satsBalance.available).toBe(0n);
    const sspSeed = readFileSync(join(sspDir, 'wallet.seed'), 'utf8').trim();
    const { wallet: sspView } = await suite.open(sspViewOptions(network.walletOptions), sspSeed);
    const ts = (sspView as unknown as Internals).transferService;
    const unmined = await ts.queryTransfer(transferId);
    expect(unmined?.status).toBe(KEY_TWEAK_PENDING);
    // The exit carries leaves worth the whole withdrawn amount, whatever the optimizer made of the deposit.
    const exitLeaves = (unmined?.leaves ?? []).map((l) => l.leaf);
    expect(exitLeaves.reduce((a, l) => a + (l?.value ?? 0), 0)).toBe(DEPOSIT_SATS);
    await expect(ts.claimTransfer(unmined as never)).rejects.toThrow(/is not confirmed on operator/);

    // One block: every operator's chain watcher applies the tweak; the claim still waits for 6 confirmations.
    await network.chain.mine(1);
    await waitFor(() => transferStatus(alice, transferId), (s) => s === KEY_TWEAKED, 30_000, 'the exit tweak applied on the operators');
    const tx = await network.chain.rpc.getRawTransaction(exitTxid);
    const paid = tx.vout.find((o) => o.scriptPubKey.hex === Buffer.from(addressToScript(address)).toString('hex'));
    expect(Math.round((paid?.value ?? 0) * 1e8)).toBe(payout);
    const early = await ts.queryTransfer(transferId);
    await expect(ts.claimTransfer(early as never)).rejects.toThrow(/has 1 confirmations on operator .*; 6 are needed to claim/);
    await sspView.cleanupConnections();

    const blocksToClaim = EXIT_CLAIM_CONFIRMATIONS - 1;
    await network.chain.mine(blocksToClaim);
    await waitFor(async () => books(sspDir), (b) => b.some((e) => e.kind === 'claim' && e.transfer === transferId), 60_000, 'the SSP claim');
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeGreaterThan(0);
    expect(await transferStatus(alice, transferId)).toBe(COMPLETED);
    // The SSP holds every leaf the user exited with; its books balance: received = paid + L1 fee + its fee.
    const { wallet: sspAfter } = await suite.open(sspViewOptions(network.walletOptions), sspSeed);
    expect((await sspAfter.getLeaves()).map((l) => l.id)).toEqual(expect.arrayContaining(exitLeaves.map((l) => l?.id)));
    const exit = books(sspDir).find((e): e is Extract<BookEntry, { kind: 'exit' }> => e.kind === 'exit' && e.transfer === transferId);
    expect(exit).toMatchObject({ exitTxid, receivedSats: DEPOSIT_SATS, paidSats: payout, l1FeeSats: EXIT_FEES.FAST.l1, userFeeSats: EXIT_FEES.FAST.user });
    expect((exit?.paidSats ?? 0) + (exit?.l1FeeSats ?? 0) + (exit?.userFeeSats ?? 0)).toBe(exit?.receivedSats);
    expect((await alice.getBalance()).satsBalance.available).toBe(0n);
  });

  it('an operator killed before the exit is mined applies the tweak when it comes back; the SSP claims only once every operator has', async () => {
    const { network } = suite;
    const sspDir = join(network.dataDir, 'ssp');
    const alice = await funded(optionsOf(network));
    const address = freshAddress();
    const quote = await quoteAll(alice, address);
    const res = await withdrawAll(alice, address, quote);
    const transferId = res?.transfer?.sparkId as string;
    await network.killOperator(3);
    try {
      await network.chain.mine(EXIT_CLAIM_CONFIRMATIONS);
      await waitFor(() => transferStatus(alice, transferId), (s) => s === KEY_TWEAKED, 30_000, 'the exit tweak on the coordinator');
      // Operator 3 has not applied it: a claim needs every operator, so the SSP cannot claim yet.
      await new Promise((r) => setTimeout(r, 5_000));
      expect(books(sspDir).some((e) => e.kind === 'claim' && e.transfer === transferId)).toBe(false);
    } finally {
      await network.restartOperator(3);
    }
    // Back, its watcher sees the exit mined and applies the tweak; then the SSP's claim goes through.
    await waitFor(async () => books(sspDir), (b) => b.some((e) => e.kind === 'claim' && e.transfer === transferId), 120_000, 'the SSP claim after the restart');
    expect(await transferStatus(alice, transferId)).toBe(COMPLETED);
  });

  it('the SSP down: the quote and the withdrawal fail with a clear error, and every leaf stays available', async () => {
    const { network } = suite;
    const alice = await funded(optionsOf(network));
    const ssp = network.ssp as SspProcess;
    await ssp.stop();
    try {
      // The SDK retries a provider it cannot reach, then fails with the transport's reason.
      const down = /Failed to execute GraphQL query.*(fetch failed|ECONNREFUSED)/s;
      await expect(quoteAll(alice, freshAddress())).rejects.toThrow(down);
      await expect(alice.withdraw({ onchainAddress: freshAddress(), exitSpeed: FAST, feeAmountSats: 850, feeQuoteId: 'none', amountSats: DEPOSIT_SATS, deductFeeFromWithdrawalAmount: true })).rejects.toThrow(down);
    } finally {
      await ssp.start(120_000);
    }
    expect((await alice.getBalance()).satsBalance.available).toBe(BigInt(DEPOSIT_SATS));
    const leaves = await alice.getLeaves();
    expect(leaves.reduce((a, l) => a + l.value, 0)).toBe(DEPOSIT_SATS);
    // Nothing was locked on the operators: the leaf can still be withdrawn.
    const quote = await quoteAll(alice, freshAddress());
    expect(quote?.totalAmount.originalValue).toBe(DEPOSIT_SATS);
  });

  /** A second service provider that cheats, and a wallet that uses it. */
  async function cheating(cheat: ExitCheat): Promise<{ ssp: SspProcess; options: ConfigOptions }> {
    const { network } = suite;
    const base = optionsOf(network);
    const { sspClientOptions: _honest, ...withoutSsp } = base;
    const ssp = await startSsp({
      dataDir: join(network.dataDir, `cheat-${cheat}`), port: 0, ca: openLocalCa(join(network.dataDir, 'tls')), chain: network.chain,
      walletOptions: withoutSsp, env: network.env, onSpawn: () => undefined, readyTimeoutMs: 120_000, faults: { exit: cheat },
    });
    return { ssp, options: withSsp(base, ssp.ready as NonNullable<SspProcess['ready']>) };
  }

  it('an SSP that pays less than quoted: the wallet refuses before sending anything, and nothing moves', async () => {
    const { ssp, options } = await cheating('short-payout');
    try {
      const { wallet: alice, seed } = await fundedWithSeed(options);
      const address = freshAddress();
      const quote = await quoteAll(alice, address);
      await expect(withdrawAll(alice, address, quote))
        .rejects.toThrow(/does not pay the requested withdrawal address/);
      expect((await alice.getBalance()).satsBalance.available).toBe(BigInt(DEPOSIT_SATS));
      // Nothing was sent to the operators, and the cheat's exit transaction was never broadcast.
      expect(await operatorsBalance(options, seed)).toBe(BigInt(DEPOSIT_SATS));
      expect(books(join(suite.network.dataDir, 'cheat-short-payout', 'ssp')).filter((e) => e.kind === 'exit')).toHaveLength(0);
    } finally {
      await ssp.stop();
    }
  });

  it('an SSP whose connector does not spend the exit transaction: the operators refuse, the leaves come back, nothing moves', async () => {
    const { ssp, options } = await cheating('unbound-connector');
    try {
      const { wallet: alice, seed } = await fundedWithSeed(options);
      const address = freshAddress();
      const quote = await quoteAll(alice, address);
      const err = await withdrawAll(alice, address, quote)
        .then(() => undefined, (e: unknown) => e as Error & { originalError?: Error });
      expect(err?.message).toMatch(/Failed to initiate cooperative exit/);
      expect(err?.originalError?.message).toMatch(/does not bind the exit/);
      // The operators returned the transfer: the leaf is the wallet's again, and the exit was never broadcast.
      expect(await operatorsBalance(options, seed)).toBe(BigInt(DEPOSIT_SATS));
      expect(books(join(suite.network.dataDir, 'cheat-unbound-connector', 'ssp')).filter((e) => e.kind === 'exit')).toHaveLength(0);
    } finally {
      await ssp.stop();
    }
  });
});

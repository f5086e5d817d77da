/**
 * The older owner cannot win: "the previous owner tries, the current owner's coins land".
 *
 * Wallet A deposits and saves its exit data; A transfers the leaf to wallet B, which claims it
 * and saves its own exit data (refund timelock 1900 against A's 2000). Every operator is
 * stopped. A starts its exit (blocks come one at a time, as on a real chain); B's watchtower
 * sees the leaf's node tx confirm and broadcasts B's refund when it matures; A's older refund
 * never can; B sweeps, and B's coins land at B's address while A's gets nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FundingWallet } from '../../emulator/chain/funding-wallet.js';
import { startNetwork, type RunningNetwork } from '../../emulator/network/network.js';
import { hexToBytes } from '../../src/crypto/index.js';
import { blockClock, rpcExitChain } from '../../src/exit/exit-chain.js';
import type { ExitData } from '../../src/exit/exit-data.js';
import { runUnilateralExit, type ExitResult } from '../../src/exit/exit-runner.js';
import { SoftwareSweepSigner } from '../../src/exit/sweep-signer.js';
import { parseExitTx, relativeLockBlocks } from '../../src/exit/transactions.js';
import { collectFromWallet } from '../../src/exit/wallet-source.js';
import { ExitWatchtower } from '../../src/exit/watchtower.js';
import { ladderFor, sspSwaps } from '../network/leaf-optimizer.js';
import { loadSdk, openWallet, waitFor } from '../network/sdk.js';
import { freshAddress } from './fresh-address.js';

/**
 * The leaf's value. The wallets run on the network's options as printed (leaf optimization on)
 * and the exit's subject is this very leaf: each wallet first holds a ladder of small powers of two
 * under which the SDK's optimizer leaves alone the wallet with and without it (leaf-optimizer.ts).
 */
const DEPOSIT_SATS = 4096n;
const INITIAL_TIMELOCK = 2000;
const TIME_LOCK_INTERVAL = 100;

describe('the previous owner of a leaf cannot win its unilateral exit', { timeout: 600_000 }, () => {
  let network: RunningNetwork;
  let dir: string;
  const wallets: SparkWallet[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spark-previous-owner-'));
    network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
  }, 300_000);

  afterAll(async () => {
    for (const w of wallets) await w.cleanupConnections().catch(() => undefined);
    await network?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the previous owner tries, the current owner\'s coins land', async () => {
    const sdk = await loadSdk(network.env);
    const options = network.walletOptions;
    const a = await openWallet(sdk, options);
    const b = await openWallet(sdk, options);
    wallets.push(a.wallet, b.wallet);
    const ladder = await ladderFor(a.wallet, [Number(DEPOSIT_SATS)]);
    const ladderSats = BigInt(ladder.reduce((x, y) => x + y, 0));
    for (const w of [a.wallet, b.wallet]) {
      for (const sats of ladder) await w.claimDeposit((await network.chain.fund(await w.getSingleUseDepositAddress(), BigInt(sats))).txid);
      await waitFor(() => w.getBalance(), (x) => x.satsBalance.available === ladderSats, 60_000, 'the ladder');
    }

    const funded = await network.chain.fund(await a.wallet.getSingleUseDepositAddress(), DEPOSIT_SATS);
    const [leaf] = await a.wallet.claimDeposit(funded.txid);
    if (leaf === undefined) throw new Error('no leaf');
    await waitFor(() => a.wallet.getBalance(), (x) => x.satsBalance.available === ladderSats + DEPOSIT_SATS, 60_000, 'A\'s deposit');
    const dataA: ExitData = await collectFromWallet(a.wallet, { network: 'LOCAL' });

    await a.wallet.transfer({ receiverSparkAddress: await b.wallet.getSparkAddress(), amountSats: Number(DEPOSIT_SATS) });
    await waitFor(() => b.wallet.getBalance(), (x) => x.satsBalance.available === ladderSats + DEPOSIT_SATS, 120_000, 'B\'s claim');
    const dataB: ExitData = await collectFromWallet(b.wallet, { network: 'LOCAL' });

    const leafA = dataA.leaves.find((l) => l.leafId === leaf.id);
    const leafB = dataB.leaves.find((l) => l.leafId === leaf.id && l.source === 'owned');
    if (leafA === undefined || leafB === undefined) throw new Error('the leaf is missing from an exit-data file');
    const nodeTxid = parseExitTx(leafB.nodes[leafB.nodes.length - 1]!.nodeTx, 'node').txid;
    expect(parseExitTx(leafA.nodes[leafA.nodes.length - 1]!.nodeTx, 'node').txid).toBe(nodeTxid);
    expect(relativeLockBlocks(parseExitTx(leafA.refunds.cpfp, 'A'))).toBe(INITIAL_TIMELOCK);
    expect(relativeLockBlocks(parseExitTx(leafB.refunds.cpfp, 'B'))).toBe(INITIAL_TIMELOCK - TIME_LOCK_INTERVAL);

    // Leaf optimization on, and nothing for it to do: no swap in the SSP's books.
    expect(sspSwaps(network.dataDir)).toEqual([]);

    for (const op of network.operators) await network.stopOperator(op.index);

    const chain = rpcExitChain(network.chain.info.bitcoindRpc, { regtest: true });
    const feeWalletA = FundingWallet.loadOrCreate(join(dir, 'fee-a.json'), chain.rpc);
    await network.chain.fund(feeWalletA.address, 50_000n);
    const toA = freshAddress();
    const toB = freshAddress();

    // A's exit waits for blocks like a user would (polling); the test mines them one at a time.
    const exitA: Promise<ExitResult> = runUnilateralExit({
      data: dataA, leafId: leaf.id, variant: 'cpfp', to: toA, chain, feeWallet: feeWalletA,
      signer: new SoftwareSweepSigner(hexToBytes(a.seed)), clock: blockClock(chain, { mine: false, pollMs: 50 }),
    });
    const outcomeA = exitA.then(() => 'swept' as const, (e: unknown) => e);
    const tower = new ExitWatchtower({ chain });
    let towerBroadcast = false;
    for (let i = 0; i < INITIAL_TIMELOCK + 200; i++) {
      await network.chain.mine(1);
      const [s] = (await tower.check(dataB)).filter((x) => x.leafId === leaf.id);
      if (s?.status === 'broadcast') towerBroadcast = true;
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(towerBroadcast).toBe(true);
    expect(await outcomeA).toMatchObject({ code: 'OUTPUT_SPENT_ELSEWHERE' });

    const resultB = await runUnilateralExit({
      data: dataB, leafId: leaf.id, variant: 'direct', to: toB, chain,
      signer: new SoftwareSweepSigner(hexToBytes(b.seed)), clock: blockClock(chain, { mine: true }),
    });
    expect(resultB.sweep.amount).toBeGreaterThan(0n);
    const paid = async (address: string): Promise<bigint> => {
      let sats = 0n;
      for (const tx of await chain.rpc.searchRawTransactions(address)) {
        for (const out of tx.vout) if (out.scriptPubKey.address === address && (tx.confirmations ?? 0) > 0) sats += BigInt(Math.round(out.value * 1e8));
      }
      return sats;
    };
    expect(await paid(toB)).toBe(resultB.sweep.amount);
    expect(await paid(toA)).toBe(0n);
  });
});

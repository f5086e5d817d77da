import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FundingWallet } from '../../emulator/chain/funding-wallet.js';
import type { RunningNetwork } from '../../emulator/network/network.js';
import { hexToBytes } from '../../src/crypto/index.js';
import { blockClock, rpcExitChain } from '../../src/exit/exit-chain.js';
import { readExitDataFile, writeExitDataFile } from '../../src/exit/exit-data-file.js';
import type { ExitData } from '../../src/exit/exit-data.js';
import { DEFAULT_FEE_RATE_SAT_PER_VB, addressScript, runUnilateralExit, sweepVsize } from '../../src/exit/exit-runner.js';
import { SoftwareSweepSigner } from '../../src/exit/sweep-signer.js';
import { collectFromWallet } from '../../src/exit/wallet-source.js';
import { keepExitData } from '../../src/exit/keeper.js';
import { ExitWatchtower } from '../../src/exit/watchtower.js';
import { parseExitTx, relativeLockBlocks } from '../../src/exit/transactions.js';
import { loadSdk, openWallet, waitFor } from '../network/sdk.js';
import { freshAddress } from './fresh-address.js';
import { operatorsGoneFeeWalletFunded, receivedBy } from './exit-helpers.js';

const execFileAsync = promisify(execFile);
/** The exit command line, run as a user would (tsx in this repo's node). */
const CLI = ['--import', 'tsx', 'src/exit/cli.ts'];
const DEPOSIT_SATS = 100_000n;
/** The SDK's initial refund timelock and the direct variants' offset (docs/transfers.md, "Constants and timelock scheme"). */
const INITIAL_TIMELOCK = 2000;
const DIRECT_TIMELOCK_OFFSET = 50;
/** What a fee-paying direct variant pays (191 vB × 5 sat/vB). */
const DIRECT_FEE_SATS = 955n;
const FLOW_TIMEOUT_MS = 300_000;
const START_TIMEOUT_MS = 300_000;

/** Leaf id → its signed CPFP refund, in id order. */
function byLeaf(d: ExitData): [string, string][] {
  return d.leaves.map((l): [string, string] => [l.leafId, l.refunds.cpfp]).sort((a, b) => a[0].localeCompare(b[0]));
}

/**
 * Unilateral exit with every operator stopped: deposits claimed by the unmodified SDK wallet,
 * exit data collected and saved, all operators stopped (SIGTERM and SIGKILL), then each leaf
 * exits on btcd — one through the zero-fee CPFP variants with anchor children, one through the
 * fee-paying direct variant — and its refund is swept to a fresh L1 address.
 */
export function exitFlows(label: string, start: () => Promise<{ network: RunningNetwork; cleanup: () => Promise<void> }>): void {
  describe(`unilateral exit on ${label}, every operator stopped`, { timeout: FLOW_TIMEOUT_MS }, () => {
    let network: RunningNetwork;
    let cleanup: () => Promise<void> = async () => undefined;
    let wallet: SparkWallet | undefined;
    let seed: string;
    let dir: string;
    let data: ExitData;
    let chain: ReturnType<typeof rpcExitChain>;
    let feeWallet: FundingWallet;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'spark-exit-'));
      ({ network, cleanup } = await start());
      const sdk = await loadSdk(network.env);
      ({ wallet, seed } = await openWallet(sdk, network.walletOptions));
      chain = rpcExitChain(network.chain.info.bitcoindRpc, { regtest: true });
    }, START_TIMEOUT_MS);

    afterAll(async () => {
      await wallet?.cleanupConnections().catch(() => undefined);
      await cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('collects and saves the exit data of three deposit leaves while the operators are up', async () => {
      if (wallet === undefined) throw new Error('no wallet');
      // The keeper saves the file now and after every change of the wallet's leaves.
      const keptFile = join(dir, 'kept-exit-data.json');
      const keeperErrors: unknown[] = [];
      const keeper = keepExitData(wallet, keptFile, { network: 'LOCAL', onError: (e) => keeperErrors.push(e) });
      for (let i = 0; i < 3; i++) {
        const funded = await network.chain.fund(await wallet.getSingleUseDepositAddress(), DEPOSIT_SATS);
        expect(await wallet.claimDeposit(funded.txid)).toHaveLength(1);
      }
      await waitFor(() => wallet!.getBalance(), (b) => b.satsBalance.available === 3n * DEPOSIT_SATS, 60_000, 'three deposits');
      const leaves = await wallet.getLeaves();
      expect(leaves).toHaveLength(3);
      const collected = await collectFromWallet(wallet, { network: 'LOCAL' });
      const file = join(dir, 'exit-data.json');
      writeExitDataFile(file, collected);
      data = readExitDataFile(file);
      expect(data.leaves.map((l) => l.leafId).sort()).toEqual(leaves.map((l) => l.id).sort());
      const kept = await waitFor(async () => readExitDataFile(keptFile), (d) => d.leaves.length === 3, 60_000, 'the kept file to list three leaves');
      keeper.stop();
      await keeper.settled();
      expect(keeperErrors).toEqual([]);
      expect(byLeaf(kept)).toEqual(byLeaf(data));
      // The collect command, from what the network's start command prints, saves the same leaves.
      writeFileSync(join(dir, 'network.json'), JSON.stringify({ walletOptions: network.walletOptions, env: network.env }));
      writeFileSync(join(dir, 'seed.hex'), seed + '\n', { mode: 0o600 });
      await execFileAsync(process.execPath, [...CLI, 'collect', '--network-json', join(dir, 'network.json'), '--seed-file', join(dir, 'seed.hex'), '--out', join(dir, 'cli-exit-data.json')], { timeout: 120_000 });
      const viaCli = readExitDataFile(join(dir, 'cli-exit-data.json'));
      expect(byLeaf(viaCli)).toEqual(byLeaf(data));
      for (const leaf of data.leaves) {
        // A deposit leaf: one root node, the SDK's three signed transactions, timelocks 0 / 2000 / 2050.
        expect(leaf.nodes).toHaveLength(1);
        expect(relativeLockBlocks(parseExitTx(leaf.nodes[0]!.nodeTx, 'root'))).toBe(0);
        expect(relativeLockBlocks(parseExitTx(leaf.refunds.cpfp, 'cpfp refund'))).toBe(INITIAL_TIMELOCK);
        expect(relativeLockBlocks(parseExitTx(leaf.refunds.directFromCpfp!, 'direct-from-cpfp refund'))).toBe(INITIAL_TIMELOCK + DIRECT_TIMELOCK_OFFSET);
        expect(leaf.refundKey.kind).toBe('leaf');
      }
    });

    it('stops every operator, then funds a fee wallet for the anchor children', async () => {
      feeWallet = await operatorsGoneFeeWalletFunded(network, chain, join(dir, 'fee-wallet.json'), 50_000n);
      expect(await feeWallet.balance()).toBe(50_000n);
    });

    it('exits a leaf through the zero-fee CPFP variants with anchor children and sweeps it to the user, after an interrupted run left the root in the mempool without its child', async () => {
      const leaf = data.leaves[0]!;
      const to = freshAddress();
      const root = parseExitTx(leaf.nodes[0]!.nodeTx, 'root');
      await chain.broadcast(root.hex, root.txid);
      expect(await chain.txState(root.txid)).toEqual({ state: 'mempool' });
      const signer = new SoftwareSweepSigner(hexToBytes(seed));
      const feeBefore = await feeWallet.balance();
      const result = await runUnilateralExit({
        data, leafId: leaf.leafId, variant: 'cpfp', to, chain, signer, feeWallet, clock: blockClock(chain, { mine: true }),
      });
      const [node, refund] = result.steps;
      expect(result.steps).toHaveLength(2);
      expect(node?.anchorChildTxid).toBeDefined();
      expect(refund?.anchorChildTxid).toBeDefined();
      // The refund entered the first block its 2000-block relative timelock allowed, not earlier.
      expect(refund!.confirmedAt - node!.confirmedAt).toBeGreaterThanOrEqual(INITIAL_TIMELOCK);
      const expected = DEPOSIT_SATS - BigInt(Math.ceil(sweepVsize(addressScript(to, 'LOCAL')) * DEFAULT_FEE_RATE_SAT_PER_VB));
      expect(result.sweep.refundAmount).toBe(DEPOSIT_SATS);
      expect(result.sweep.amount).toBe(expected);
      expect(await receivedBy(chain, to)).toEqual({ sats: expected, txids: [result.sweep.txid] });
      // Each anchor child spent its parent's P2A output and confirmed with it.
      for (const step of [node!, refund!]) {
        const child = await chain.rpc.getRawTransaction(step.anchorChildTxid!);
        expect(child.vin.some((v) => v.txid === step.txid && v.vout === 1)).toBe(true);
        expect(child.confirmations).toBeGreaterThanOrEqual(1);
      }
      // The anchor children's fees came from the fee wallet.
      expect(await feeWallet.balance()).toBeLessThan(feeBefore);
    });

    it('exits a leaf through the fee-paying direct-from-CPFP refund, resuming after the root was broadcast by hand', async () => {
      const leaf = data.leaves[1]!;
      const to = freshAddress();
      // Someone (an earlier, interrupted run) already confirmed the root.
      const root = parseExitTx(leaf.nodes[0]!.nodeTx, 'root');
      await chain.broadcast(root.hex, root.txid);
      await network.chain.mine(1);
      // btcd enforces the refund's relative timelock: too early, it is refused.
      const refundTx = parseExitTx(leaf.refunds.directFromCpfp!, 'refund');
      await expect(chain.broadcast(refundTx.hex, refundTx.txid)).rejects.toMatchObject({ code: 'CHAIN_ERROR' });
      await expect(chain.broadcast(refundTx.hex, refundTx.txid)).rejects.toThrow(/sequence lock/i);

      const result = await runUnilateralExit({
        data, leafId: leaf.leafId, variant: 'direct', to, chain, signer: new SoftwareSweepSigner(hexToBytes(seed)), clock: blockClock(chain, { mine: true }),
        ...{ feeWallet },
      });
      const [node, refund] = result.steps;
      expect(node?.txid).toBe(root.txid);
      expect(node?.anchorChildTxid).toBeUndefined();
      expect(refund?.txid).toBe(refundTx.txid);
      expect(refund?.anchorChildTxid).toBeUndefined();
      expect(refund!.confirmedAt - node!.confirmedAt).toBeGreaterThanOrEqual(INITIAL_TIMELOCK + DIRECT_TIMELOCK_OFFSET);
      const refundAmount = DEPOSIT_SATS - DIRECT_FEE_SATS;
      const expected = refundAmount - BigInt(Math.ceil(sweepVsize(addressScript(to, 'LOCAL')) * DEFAULT_FEE_RATE_SAT_PER_VB));
      expect(result.sweep.refundAmount).toBe(refundAmount);
      expect(await receivedBy(chain, to)).toEqual({ sats: expected, txids: [result.sweep.txid] });
    });

    it('the watchtower answers a third party\'s root broadcast with the refund at maturity; the exit command then sweeps it', async () => {
      const leaf = data.leaves[2]!;
      const root = parseExitTx(leaf.nodes[0]!.nodeTx, 'root');
      const refund = parseExitTx(leaf.refunds.directFromCpfp!, 'refund');
      const tower = new ExitWatchtower({ chain });
      const mine = async (n: number): Promise<void> => void (await network.chain.mine(n));
      expect((await tower.check(data)).find((s) => s.leafId === leaf.leafId)?.status).toBe('idle');
      // Someone — an older owner, say — broadcasts the root.
      await chain.broadcast(root.hex, root.txid);
      await mine(1);
      const rootHeight = (await chain.txState(root.txid)) as { height: number };
      const waiting = (await tower.check(data)).find((s) => s.leafId === leaf.leafId);
      expect(waiting).toEqual({ leafId: leaf.leafId, status: 'waiting', what: 'refund', txid: refund.txid, parentTxid: root.txid, matureAt: rootHeight.height + INITIAL_TIMELOCK + DIRECT_TIMELOCK_OFFSET });
      // One block before maturity: still waiting.
      await mine(INITIAL_TIMELOCK + DIRECT_TIMELOCK_OFFSET - 2);
      expect((await tower.check(data)).find((s) => s.leafId === leaf.leafId)?.status).toBe('waiting');
      await mine(1);
      expect((await tower.check(data)).find((s) => s.leafId === leaf.leafId)).toEqual({ leafId: leaf.leafId, status: 'broadcast', what: 'refund', txid: refund.txid });
      await mine(1);
      expect(await chain.txState(refund.txid)).toEqual({ state: 'confirmed', height: rootHeight.height + INITIAL_TIMELOCK + DIRECT_TIMELOCK_OFFSET });

      // The exit command finds root and refund confirmed and only sweeps.
      const to = freshAddress();
      const rpc = network.chain.info.bitcoindRpc;
      const { stdout } = await execFileAsync(process.execPath, [...CLI, 'run', '--data', join(dir, 'exit-data.json'), '--leaf', leaf.leafId, '--variant', 'direct',
        '--to', to, '--seed-file', join(dir, 'seed.hex'), '--mine', '--rpc-url', rpc.url, '--rpc-user', rpc.user, '--rpc-pass', rpc.pass], { timeout: 120_000 });
      const [result] = JSON.parse(stdout) as { steps: { txid: string }[]; sweep: { txid: string; amount: string } }[];
      expect(result?.steps.map((s) => s.txid)).toEqual([root.txid, refund.txid]);
      const expected = DEPOSIT_SATS - DIRECT_FEE_SATS - BigInt(Math.ceil(sweepVsize(addressScript(to, 'LOCAL')) * DEFAULT_FEE_RATE_SAT_PER_VB));
      expect(BigInt(result!.sweep.amount)).toBe(expected);
      expect(await receivedBy(chain, to)).toEqual({ sats: expected, txids: [result!.sweep.txid] });
    });

    it('the watch command reports every leaf\'s refund as on chain and stops cleanly on SIGTERM', async () => {
      const rpc = network.chain.info.bitcoindRpc;
      const child = spawn(process.execPath, [...CLI, 'watch', '--data', join(dir, 'exit-data.json'), '--poll-ms', '200', '--rpc-url', rpc.url, '--rpc-user', rpc.user, '--rpc-pass', rpc.pass], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      try {
        await waitFor(async () => stderr, (t) => data.leaves.every((l) => t.includes(l.leafId)), 60_000, 'a status line per leaf');
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      const statuses = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { leafId: string; status: string });
      for (const leaf of data.leaves) expect(statuses.find((x) => x.leafId === leaf.leafId)?.status).toBe('refund-known');
    });

    it('a second run of a finished exit changes nothing and says the refund is spent', async () => {
      const leaf = data.leaves[0]!;
      const height = await chain.height();
      await expect(runUnilateralExit({
        data, leafId: leaf.leafId, variant: 'cpfp', to: freshAddress(), chain, signer: new SoftwareSweepSigner(hexToBytes(seed)), feeWallet, clock: blockClock(chain, { mine: true }),
      })).rejects.toMatchObject({ code: 'OUTPUT_SPENT_ELSEWHERE' });
      expect(await chain.height()).toBe(height);
    });
  });
}

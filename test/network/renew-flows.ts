/**
 * Renewals (docs/transfers.md, section "Renewal"): two leaves (two deposits) passed back and
 * forth together between two unmodified SDK wallets (DefaultSparkSigner) until their refund
 * timelock runs low, so that the wallets renew them themselves (renew_leaf), on a 2-of-3 network
 * on PGlite and btcd regtest. Each hop lowers the refund timelock by 100 from the deposit's 2000;
 * after the 19th the receiver's wallet renews the leaves on claiming them (the zero-timelock
 * variant: every deposit leaf has node timelock 0). The node-timelock variant runs through the
 * SDK's own renewal code; the leaves it leaves have a direct node tx, so each later transfer and
 * claim carries a third refund, the direct refund; 19 hops later the receiver's wallet renews them
 * with the refund-timelock variant by itself. Last, the holder sends the third leaf to a wallet
 * that does not claim it, and with every operator stopped one leaf exits on btcd through the
 * fee-paying direct node path, another through the zero-fee CPFP path, and the unclaimed one
 * through the transfer's intermediate direct refund, which pays the receiver's identity key.
 * Run on PGlite and on a PostgreSQL server (renewals-pglite.test.ts, renewals-postgres.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { Transaction } from '@scure/btc-signer';
import { bytesToHex } from '@noble/hashes/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNetwork } from '../../emulator/network/network.js';
import { hexToBytes } from '../../src/crypto/index.js';
import { blockClock, rpcExitChain } from '../../src/exit/exit-chain.js';
import { addressScript, DEFAULT_FEE_RATE_SAT_PER_VB, runUnilateralExit, sweepVsize } from '../../src/exit/exit-runner.js';
import { SoftwareSweepSigner } from '../../src/exit/sweep-signer.js';
import { collectFromWallet } from '../../src/exit/wallet-source.js';
import { freshAddress } from '../exit/fresh-address.js';
import { operatorsGoneFeeWalletFunded, receivedBy } from '../exit/exit-helpers.js';
import { ladderFor, sspSwaps } from './leaf-optimizer.js';
import { loadSdk, openUnclaimingWallet, openWallet, randomSeed, waitFor } from './sdk.js';
import { tapWallet } from './wallet-wire.js';
import type { WireTap } from './wallet-wire.js';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

const START_TIMEOUT_MS = 300_000;
const FLOW_TIMEOUT_MS = 900_000;
const SETTLE_MS = 120_000;
/**
 * The leaves' values. The wallets run on the
 * network's options as printed (leaf optimization on) and the subject is these very leaf ids: each
 * wallet also holds a ladder of small powers of two (leaf-optimizer.ts, ladderFor) under which the
 * SDK's optimizer leaves alone both the ladder and the ladder with the leaves. The wallets send all
 * three leaves at each hop; the third, of a value no other leaves add up to, is the one a wallet can
 * send alone.
 */
const VALUES = [4096, 4096, 12_288] as const;
/** The value of the first two leaves, which the holder exits itself. */
const SATS = VALUES[0];
const LEAVES = VALUES.length;
const TOTAL = VALUES.reduce((a, b) => a + b, 0);
/** What each fee-paying direct transaction pays (191 vB × 5 sat/vB). */
const DIRECT_FEE_SATS = 955n;
const Status = { INVALID_ARGUMENT: 3, PERMISSION_DENIED: 7, FAILED_PRECONDITION: 9 } as const;

const tx = (raw: Uint8Array): Transaction => Transaction.fromRaw(raw, { allowUnknownOutputs: true });
const timelock = (raw: Uint8Array): number => (tx(raw).getInput(0).sequence ?? 0) & 0xffff;
const spends = (raw: Uint8Array): string => bytesToHex(tx(raw).getInput(0).txid ?? new Uint8Array());
const txid = (raw: Uint8Array): string => tx(raw).id;

function grpcFailure(e: unknown): { code: number; details: string } {
  const err = e as { code?: number; details?: string };
  if (typeof err?.code !== 'number') throw new Error(`expected a gRPC error, got ${String(e)}`);
  return { code: err.code, details: err.details ?? '' };
}

export function renewFlows(label: string, start: () => Promise<{ network: RunningNetwork; cleanup: () => Promise<void> }>): void {
describe(`renewing a leaf passed back and forth between two SDK wallets (2-of-3, ${label})`, { timeout: FLOW_TIMEOUT_MS }, () => {
  let cleanup: () => Promise<void> = async () => undefined;
  let network: RunningNetwork;
  let sdk: SdkModule;
  let coordinatorAddress: string;
  const wallets: SparkWallet[] = [];
  const parties: { wallet: SparkWallet; seed: string; tap: WireTap }[] = [];
  /** Every leaf; `leafId` is the one the single-leaf checks look at. */
  const leafIds: string[] = [];
  let leafId = '';
  let rootTx: Uint8Array = new Uint8Array();
  let hops = 0;
  /** Which party holds the leaf now. */
  let holder = 0;
  /** What each party's ladder holds (it stays with the party). */
  let ladderSats = 0n;

  async function available(w: SparkWallet): Promise<bigint> {
    return (await w.getBalance()).satsBalance.available;
  }

  async function leafOf(w: SparkWallet, id = leafId): Promise<TreeNode> {
    const l = (await w.getLeaves()).find((x) => x.id === id);
    if (l === undefined) throw new Error(`the wallet does not hold leaf ${id}`);
    return l;
  }

  /** The leaf and its parent as the operators serve them (query_nodes with include_parents). */
  async function withParent(owner: (typeof parties)[number], id: string): Promise<{ leaf: TreeNode; parent: TreeNode }> {
    const leaf = await leafOf(owner.wallet, id);
    const client = await owner.tap.coordinatorClient();
    const q = (await client.query_nodes!({ source: { $case: 'nodeIds', nodeIds: { nodeIds: [id] } }, includeParents: true, network: 0, statuses: [] })) as { nodes: Record<string, TreeNode> };
    return { leaf, parent: q.nodes[leaf.parentNodeId ?? ''] as TreeNode };
  }

  /** A fresh wallet of each seed (it keeps only leaves every operator agrees on): exact balances. */
  async function expectBalances(): Promise<void> {
    for (const [i, p] of parties.entries()) {
      const { wallet } = await openWallet(sdk, network.walletOptions, p.seed);
      wallets.push(wallet);
      expect(await available(wallet)).toBe(ladderSats + (i === holder ? BigInt(TOTAL) : 0n));
      await wallet.cleanupConnections();
    }
  }

  /** One hop: the holder sends both leaves to the other party, whose wallet claims them from its event stream. */
  async function hop(): Promise<void> {
    const from = parties[holder] as (typeof parties)[number];
    const to = parties[1 - holder] as (typeof parties)[number];
    const t = await from.wallet.transfer({ receiverSparkAddress: await to.wallet.getSparkAddress(), amountSats: TOTAL });
    expect(t.leaves.map((l) => l.leaf?.id).sort()).toEqual([...leafIds].sort());
    await waitFor(() => available(to.wallet), (b) => b === ladderSats + BigInt(TOTAL), SETTLE_MS, `the claim of hop ${hops + 1}`);
    // The claimed leaves are in the receiver's wallet once any renewal they needed is done.
    const held = async (): Promise<boolean> => {
      const ids = new Set((await to.wallet.getLeaves()).map((l) => l.id));
      return leafIds.every((id) => ids.has(id));
    };
    await waitFor(held, (x) => x, SETTLE_MS, `leaves in the wallet after hop ${hops + 1}`);
    expect(await available(from.wallet)).toBe(ladderSats);
    holder = 1 - holder;
    hops++;
  }

  /** Taps of wallets a test replaced with a fresh one of the same seed: their requests still count. */
  const retiredTaps: WireTap[] = [];
  const renewCalls = (): Record<string, unknown>[] => [...retiredTaps, ...parties.map((p) => p.tap)].flatMap((t) => t.requests.get('renew_leaf') ?? []);

  /**
   * The holder's wallet, opened again from its seed: a renewal run through the SDK's transfer
   * service directly (not its leaf manager) leaves the old wallet's cached leaves stale.
   */
  async function reopenHolder(): Promise<void> {
    const old = parties[holder] as (typeof parties)[number];
    await old.wallet.cleanupConnections();
    retiredTaps.push(old.tap);
    const { wallet } = await openWallet(sdk, network.walletOptions, old.seed);
    wallets.push(wallet);
    parties[holder] = { wallet, seed: old.seed, tap: tapWallet(wallet, coordinatorAddress) };
  }

  beforeAll(async () => {
    ({ network, cleanup } = await start());
    sdk = await loadSdk(network.env);
    coordinatorAddress = network.walletOptions.signingOperators?.[network.walletOptions.coordinatorIdentifier ?? '']?.address ?? '';
    for (let i = 0; i < 2; i++) {
      const { wallet, seed } = await openWallet(sdk, network.walletOptions);
      wallets.push(wallet);
      parties.push({ wallet, seed, tap: tapWallet(wallet, coordinatorAddress) });
    }
    const alice = (parties[0] as (typeof parties)[number]).wallet;
    const deposit = async (w: SparkWallet, sats: number): Promise<string> => {
      const funded = await network.chain.fund(await w.getSingleUseDepositAddress(), BigInt(sats));
      return (await w.claimDeposit(funded.txid))[0]?.id ?? '';
    };
    const ladder = await ladderFor(alice, VALUES);
    ladderSats = BigInt(ladder.reduce((a, b) => a + b, 0));
    for (const p of parties) for (const sats of ladder) await deposit(p.wallet, sats);
    for (const value of VALUES) leafIds.push(await deposit(alice, value));
    leafId = leafIds[0] as string;
    await waitFor(() => available(alice), (b) => b === ladderSats + BigInt(TOTAL), 30_000, 'alice\'s deposits');
    await waitFor(() => available(parties[1]!.wallet), (b) => b === ladderSats, 30_000, 'bob\'s ladder');
    rootTx = (await leafOf(alice)).nodeTx;
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    for (const w of wallets) await w.cleanupConnections().catch(() => undefined);
    await cleanup();
  });

  it('19 hops bring the refund timelock to 100; the receiver\'s wallet renews the leaves (zero-timelock variant) and the hops go on past 20', async () => {
    expect(timelock((await leafOf(parties[0]!.wallet)).refundTx)).toBe(2000);
    while (hops < 18) await hop();
    expect(timelock((await leafOf(parties[holder]!.wallet)).refundTx)).toBe(200);
    expect(renewCalls()).toHaveLength(0); // 200 is not below the wallet's threshold

    await hop(); // the 19th: its refund is at 100, so the receiver renews on claiming
    // The wallet renews after the claim: wait for the renewed leaf (a slower database takes longer).
    const renewed = await waitFor(() => leafOf(parties[holder]!.wallet), (l) => timelock(l.refundTx) === 2000, SETTLE_MS, 'the renewed leaf in the receiver\'s wallet');
    for (const id of leafIds.slice(1)) await waitFor(() => leafOf(parties[holder]!.wallet, id), (l) => timelock(l.refundTx) === 2000, SETTLE_MS, 'the other renewed leaves');
    expect(renewCalls()).toHaveLength(LEAVES);
    // A new zero-timelock node spends the old node tx (the deposit's root), which became the
    // leaf's parent; its refunds start again at 2000, its direct node tx at 50, no direct refund.
    expect(renewed.id).toBe(leafId);
    expect(timelock(renewed.nodeTx)).toBe(0);
    expect(spends(renewed.nodeTx)).toBe(txid(rootTx));
    expect(timelock(renewed.refundTx)).toBe(2000);
    expect(spends(renewed.refundTx)).toBe(txid(renewed.nodeTx));
    expect(timelock(renewed.directTx)).toBe(50);
    expect(timelock(renewed.directFromCpfpRefundTx)).toBe(2050);
    expect(renewed.directRefundTx).toHaveLength(0);
    expect(tx(renewed.nodeTx).getInput(0).finalScriptWitness?.map((w) => w.length)).toEqual([64]);
    expect(renewed.parentNodeId).toBeDefined();

    // The parent is served to the owner with include_parents: the old root tx, SPLIT_LOCKED.
    const client = await parties[holder]!.tap.coordinatorClient();
    const q = (await client.query_nodes!({ source: { $case: 'nodeIds', nodeIds: { nodeIds: [leafId] } }, includeParents: true, network: 0, statuses: [] })) as { nodes: Record<string, TreeNode> };
    const parent = q.nodes[renewed.parentNodeId ?? ''];
    expect(parent?.status).toBe('SPLIT_LOCKED');
    expect(bytesToHex(parent?.nodeTx ?? new Uint8Array())).toBe(bytesToHex(rootTx));
    await expectBalances();

    while (hops < 22) await hop();
    expect(renewCalls()).toHaveLength(LEAVES);
    expect(timelock((await leafOf(parties[holder]!.wallet)).refundTx)).toBe(1700);
    await expectBalances();
  });

  it('the node-timelock variant, through the SDK\'s own renewal code: a lying request is refused, the real one renews', async () => {
    // Down to a refund timelock of 300 (eligible upstream, not yet renewed by the wallet itself).
    while (hops < 36) await hop();
    const owner = parties[holder]!;
    const leaf = await leafOf(owner.wallet);
    expect(timelock(leaf.refundTx)).toBe(300);
    const client = await owner.tap.coordinatorClient();
    const q = (await client.query_nodes!({ source: { $case: 'nodeIds', nodeIds: { nodeIds: [leafId] } }, includeParents: true, network: 0, statuses: [] })) as { nodes: Record<string, TreeNode> };
    const parent = q.nodes[leaf.parentNodeId ?? ''] as TreeNode;
    const service = (owner.wallet as unknown as { transferService: { renewNodeTxn(n: TreeNode, p: TreeNode): Promise<TreeNode> } }).transferService;

    // A wallet lying about the new node's timelock.
    owner.tap.rewriteNext('renew_leaf', (req) => {
      const jobs = (req.signingJobs as { renewNodeTimelockSigningJob: { nodeTxSigningJob: { rawTx: Uint8Array } } }).renewNodeTimelockSigningJob;
      const t = tx(jobs.nodeTxSigningJob.rawTx);
      t.updateInput(0, { sequence: 1000 }, true);
      jobs.nodeTxSigningJob.rawTx = t.toBytes(true, false);
      return req;
    });
    owner.tap.errors.delete('renew_leaf');
    await expect(service.renewNodeTxn(leaf, parent)).rejects.toThrow();
    let f = grpcFailure(owner.tap.errors.get('renew_leaf'));
    expect(f.code).toBe(Status.INVALID_ARGUMENT);
    expect(f.details).toMatch(/node tx: timelock/);

    // Another identity replaying the owner's genuine request.
    const captured = owner.tap.requests.get('renew_leaf')?.at(-1);
    const mallory = await openWallet(sdk, network.walletOptions, randomSeed());
    wallets.push(mallory.wallet);
    const malloryClient = await tapWallet(mallory.wallet, coordinatorAddress).coordinatorClient();
    f = grpcFailure(await malloryClient.renew_leaf!(captured as Record<string, unknown>).then(() => undefined, (e: unknown) => e));
    expect(f.code).toBe(Status.PERMISSION_DENIED);

    // The refund variant (the SDK itself never builds it for a zero node) needs a node timelock
    // of at least 200: this leaf's is 0.
    type Job = Record<string, unknown>;
    const j = (captured?.signingJobs as { renewNodeTimelockSigningJob: Record<string, Job> }).renewNodeTimelockSigningJob;
    f = grpcFailure(await client.renew_leaf!({
      leafId,
      signingJobs: { $case: 'renewRefundTimelockSigningJob', renewRefundTimelockSigningJob: {
        nodeTxSigningJob: j.nodeTxSigningJob, refundTxSigningJob: j.refundTxSigningJob, directNodeTxSigningJob: j.directNodeTxSigningJob,
        directRefundTxSigningJob: j.directRefundTxSigningJob, directFromCpfpRefundTxSigningJob: j.directFromCpfpRefundTxSigningJob,
      } },
    }).then(() => undefined, (e: unknown) => e));
    expect(f.code).toBe(Status.FAILED_PRECONDITION);
    expect(f.details).toMatch(/node timelock 0/);
    expect(timelock((await leafOf(owner.wallet)).refundTx)).toBe(300); // nothing changed
    await expectBalances();

    const renewed = await service.renewNodeTxn(leaf, parent);
    // A zero-timelock split node spends the parent's tx (the deposit's root); the new node at
    // 2000 spends the split node; refunds at 2000 (direct ones at 2050), a direct refund too.
    expect(renewed.id).toBe(leafId);
    expect(timelock(renewed.nodeTx)).toBe(2000);
    expect(timelock(renewed.directTx)).toBe(2050);
    expect(timelock(renewed.refundTx)).toBe(2000);
    expect(timelock(renewed.directRefundTx)).toBe(2050);
    expect(timelock(renewed.directFromCpfpRefundTx)).toBe(2050);
    expect(renewed.parentNodeId).not.toBe(leaf.parentNodeId);
    const after = (await client.query_nodes!({ source: { $case: 'nodeIds', nodeIds: { nodeIds: [leafId] } }, includeParents: true, network: 0, statuses: [] })) as { nodes: Record<string, TreeNode> };
    const split = after.nodes[renewed.parentNodeId ?? ''] as TreeNode;
    expect(timelock(split.nodeTx)).toBe(0);
    expect(spends(split.nodeTx)).toBe(spends(leaf.nodeTx)); // both spend the root tx: the old node tx is superseded
    expect(spends(renewed.nodeTx)).toBe(txid(split.nodeTx));
    // The chain to the root is served: leaf → split → the first renewal's split (the root tx).
    expect(Object.keys(after.nodes).sort()).toEqual([leafId, renewed.parentNodeId, leaf.parentNodeId].sort());
    // The other leaf too, then every operator stored the same: a fresh wallet keeps the leaves with the new txs.
    for (const id of leafIds.slice(1)) {
      const other = await withParent(owner, id);
      const renewedOther = await service.renewNodeTxn(other.leaf, other.parent);
      expect(timelock(renewedOther.nodeTx)).toBe(2000);
    }
    await expectBalances();
    await reopenHolder();
    expect(bytesToHex((await leafOf(parties[holder]!.wallet)).nodeTx)).toBe(bytesToHex(renewed.nodeTx));
  });

  type Job = { rawTx: Uint8Array; leafId: string };
  type Pkg = { directLeavesToSend: Job[]; leavesToSend: Job[] };
  /** A job's transaction with its input's nSequence moved by `delta`. */
  const shifted = (job: Job, delta: number): void => {
    const t = tx(job.rawTx);
    t.updateInput(0, { sequence: (t.getInput(0).sequence ?? 0) + delta }, true);
    job.rawTx = t.toBytes(true, false);
  };

  it('a leaf renewed with the node-timelock variant is sent and claimed with its direct refund; lies about the direct refund are refused, nothing changes', async () => {
    const sender = parties[holder]!;
    const receiver = parties[1 - holder]!;
    const before = await leafOf(sender.wallet);
    expect(timelock(before.nodeTx)).toBe(2000);
    expect(before.directRefundTx.length).toBeGreaterThan(0);

    /** The holder's seed in a fresh wallet sends both leaves with `lie` applied to its start_transfer_v2. */
    async function lyingTransfer(lie: (req: Record<string, unknown>) => Record<string, unknown>): Promise<{ code: number; details: string }> {
      const liar = await openWallet(sdk, network.walletOptions, sender.seed);
      wallets.push(liar.wallet);
      const tap = tapWallet(liar.wallet, coordinatorAddress);
      tap.rewriteNext('start_transfer_v2', lie);
      await expect(liar.wallet.transfer({ receiverSparkAddress: await receiver.wallet.getSparkAddress(), amountSats: TOTAL })).rejects.toThrow();
      const f = grpcFailure(tap.errors.get('start_transfer_v2'));
      await liar.wallet.cleanupConnections();
      return f;
    }
    // The wallet sends a direct refund for each leaf: one with the wrong timelock is refused.
    let f = await lyingTransfer((req) => {
      const pkg = req.transferPackage as Pkg;
      expect(pkg.directLeavesToSend.map((j) => j.leafId).sort()).toEqual([...leafIds].sort());
      shifted(pkg.directLeavesToSend[0] as Job, -100);
      return req;
    });
    expect(f.code).toBe(Status.INVALID_ARGUMENT);
    expect(f.details).toMatch(/direct refund tx: timelock/);
    // Leaving the direct refunds out is refused too: the leaf has a direct node tx.
    f = await lyingTransfer((req) => ({ ...req, transferPackage: { ...(req.transferPackage as Pkg), directLeavesToSend: [] } }));
    expect(f.code).toBe(Status.INVALID_ARGUMENT);
    expect(f.details).toMatch(/direct refund .*is required/);
    // Nothing changed: the leaves are the holder's, unlocked, with their refunds as before.
    await expectBalances();
    const fresh = await openWallet(sdk, network.walletOptions, sender.seed);
    wallets.push(fresh.wallet);
    const unchanged = await leafOf(fresh.wallet);
    expect(bytesToHex(unchanged.refundTx)).toBe(bytesToHex(before.refundTx));
    expect(bytesToHex(unchanged.directRefundTx)).toBe(bytesToHex(before.directRefundTx));
    await fresh.wallet.cleanupConnections(); // a second wallet of the seed would claim and renew too

    // The receiver's first claim lies about a direct refund: refused; its wallet claims again by itself.
    receiver.tap.rewriteNext('claim_transfer', (req) => {
      shifted(((req.claimPackage as { directLeavesToClaim: Job[] }).directLeavesToClaim[0]) as Job, 100);
      return req;
    });
    receiver.tap.errors.delete('claim_transfer');
    await hop();
    f = grpcFailure(receiver.tap.errors.get('claim_transfer'));
    expect(f.code).toBe(Status.INVALID_ARGUMENT);
    expect(f.details).toMatch(/claim direct refund tx: timelock/);

    // The receiver holds both leaves, each with three signed refunds one interval lower: the
    // direct refund spends the direct node tx and pays what it holds less the fee.
    for (const [i, id] of leafIds.entries()) {
      const l = await leafOf(parties[holder]!.wallet, id);
      expect(timelock(l.refundTx)).toBe(1900);
      expect(timelock(l.directFromCpfpRefundTx)).toBe(1950);
      expect(timelock(l.directRefundTx)).toBe(1950);
      expect(spends(l.directRefundTx)).toBe(txid(l.directTx));
      expect(tx(l.directRefundTx).getOutput(0).amount).toBe(BigInt(VALUES[i]!) - 2n * DIRECT_FEE_SATS);
      expect(tx(l.directRefundTx).getInput(0).finalScriptWitness?.map((w) => w.length)).toEqual([64]);
    }
    await expectBalances();
  });

  it('19 hops after the node-timelock renewal, the receiver\'s wallet renews the leaves with the refund-timelock variant by itself; they hop on', async () => {
    // One of the 19 hops was the previous test's: the refund is at 1900 now, 100 after 18 more.
    expect(timelock((await leafOf(parties[holder]!.wallet)).refundTx)).toBe(1900);
    const start = hops;
    const { parent } = await withParent(parties[holder]!, leafId);
    while (hops < start + 18) await hop();
    const renewed = await waitFor(() => leafOf(parties[holder]!.wallet), (l) => timelock(l.refundTx) === 2000, SETTLE_MS, 'the refund-timelock renewal');
    for (const id of leafIds.slice(1)) await waitFor(() => leafOf(parties[holder]!.wallet, id), (l) => timelock(l.refundTx) === 2000, SETTLE_MS, 'the other leaves\' renewal');
    const variants = renewCalls().map((r) => (r.signingJobs as { $case: string }).$case);
    // One call per leaf at least (a wallet whose sync and claim both renew may send one twice; the
    // second is refused, the leaf having moved on); the node tx below proves which variant applied.
    expect(variants.filter((v) => v === 'renewRefundTimelockSigningJob').length).toBeGreaterThanOrEqual(LEAVES);
    // The node re-made from the same parent one interval lower; no new split node.
    expect(timelock(renewed.nodeTx)).toBe(1900);
    expect(timelock(renewed.directTx)).toBe(1950);
    expect(spends(renewed.nodeTx)).toBe(txid(parent.nodeTx));
    expect(renewed.parentNodeId).toBe(parent.id);
    expect(timelock(renewed.directRefundTx)).toBe(2050);
    await expectBalances();
    await hop();
    expect(timelock((await leafOf(parties[holder]!.wallet)).directRefundTx)).toBe(1950);
    await expectBalances();
  });

  it('every operator stopped: one leaf exits through the fee-paying direct node path, another through the zero-fee CPFP path, the third, sent and not claimed, through the intermediate direct refund to the receiver\'s identity key; all swept on btcd', async () => {
    const owner = parties[holder]!;
    const chain = rpcExitChain(network.chain.info.bitcoindRpc, { regtest: true });

    // The third leaf goes alone to a wallet that does not claim it (as one that is offline).
    const pendingId = leafIds[2] as string;
    const sent = await leafOf(owner.wallet, pendingId);
    const receiver = await openUnclaimingWallet(sdk, network.walletOptions);
    wallets.push(receiver.wallet);
    const t = await owner.wallet.transfer({ receiverSparkAddress: await receiver.wallet.getSparkAddress(), amountSats: VALUES[2] });
    expect(t.leaves.map((l) => l.leaf?.id)).toEqual([pendingId]);
    // Its exit chain is served to the receiver before the claim: the split nodes above the leaf
    // belong to the sender, the leaf is in a claimable transfer to the receiver.
    const pending = await collectFromWallet(receiver.wallet, { network: 'LOCAL' });
    expect(pending.leaves).toHaveLength(1);
    const incoming = pending.leaves[0]!;
    expect(incoming).toMatchObject({ leafId: pendingId, source: 'pending-transfer', transferId: t.id, value: VALUES[2] });
    expect(incoming.refundKey).toMatchObject({ kind: 'identity', publicKey: await receiver.wallet.getIdentityPublicKey() });
    expect(incoming.nodes).toHaveLength(3);
    expect(incoming.nodes[2]!.directTx).toBe(bytesToHex(sent.directTx));
    // The intermediate direct refund spends the leaf's direct node tx, one interval below the sender's.
    const intermediate = hexToBytes(incoming.refunds.direct ?? '');
    expect(spends(intermediate)).toBe(txid(sent.directTx));
    expect(timelock(intermediate)).toBe(timelock(sent.directRefundTx) - 100);
    expect(tx(intermediate).getOutput(0).amount).toBe(BigInt(VALUES[2]) - 2n * DIRECT_FEE_SATS);
    expect(await available(receiver.wallet)).toBe(0n);

    const data = await collectFromWallet(owner.wallet, { network: 'LOCAL', includePending: false });
    expect(data.leaves.map((l) => l.leafId).filter((id) => leafIds.includes(id)).sort()).toEqual(leafIds.slice(0, 2).sort());
    // Deposit root → the node renewal's split node → the leaf, for each leaf.
    for (const l of data.leaves.filter((x) => leafIds.includes(x.leafId))) expect(l.nodes).toHaveLength(3);
    // Leaf optimization on all along, and nothing for it to do: no swap in the SSP's books.
    expect(sspSwaps(network.dataDir)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'spark-renewed-exit-'));
    try {
      const feeWallet = await operatorsGoneFeeWalletFunded(network, chain, join(dir, 'fee-wallet.json'), 80_000n);
      const signer = new SoftwareSweepSigner(hexToBytes(owner.seed));
      const clock = blockClock(chain, { mine: true });
      const sweepFee = (to: string): bigint => BigInt(Math.ceil(sweepVsize(addressScript(to, 'LOCAL')) * DEFAULT_FEE_RATE_SAT_PER_VB));

      const direct = data.leaves.find((l) => l.leafId === leafIds[0])!;
      let to = freshAddress();
      let result = await runUnilateralExit({ data, leafId: direct.leafId, variant: 'direct', to, chain, signer, feeWallet, clock });
      expect(result.steps.map((x) => x.what)).toEqual([
        `node 1/3 ${direct.nodes[0]!.nodeId} (nodeTx)`, `node 2/3 ${direct.nodes[1]!.nodeId} (nodeTx)`, `node 3/3 ${direct.leafId} (directTx)`, 'refund (direct)',
      ]);
      // The zero-timelock ancestors need anchor children; the direct node tx and refund pay their own fee.
      expect(result.steps.map((x) => x.anchorChildTxid !== undefined)).toEqual([true, true, false, false]);
      const [, split, node, refund] = result.steps;
      expect(node!.confirmedAt - split!.confirmedAt).toBeGreaterThanOrEqual(1950);
      expect(refund!.confirmedAt - node!.confirmedAt).toBeGreaterThanOrEqual(1950);
      expect(result.sweep.refundAmount).toBe(BigInt(SATS) - 2n * DIRECT_FEE_SATS);
      expect(await receivedBy(chain, to)).toEqual({ sats: result.sweep.refundAmount - sweepFee(to), txids: [result.sweep.txid] });

      const cpfp = data.leaves.find((l) => l.leafId === leafIds[1])!;
      to = freshAddress();
      result = await runUnilateralExit({ data, leafId: cpfp.leafId, variant: 'cpfp', to, chain, signer, feeWallet, clock });
      expect(result.steps.map((x) => x.what)).toEqual([
        `node 1/3 ${cpfp.nodes[0]!.nodeId} (nodeTx)`, `node 2/3 ${cpfp.nodes[1]!.nodeId} (nodeTx)`, `node 3/3 ${cpfp.leafId} (nodeTx)`, 'refund (cpfp)',
      ]);
      expect(result.steps.every((x) => x.anchorChildTxid !== undefined)).toBe(true);
      expect(result.steps[3]!.confirmedAt - result.steps[2]!.confirmedAt).toBeGreaterThanOrEqual(1900);
      expect(result.sweep.refundAmount).toBe(BigInt(SATS));
      expect(await receivedBy(chain, to)).toEqual({ sats: BigInt(SATS) - sweepFee(to), txids: [result.sweep.txid] });

      // The receiver's identity key sweeps the intermediate direct refund.
      to = freshAddress();
      result = await runUnilateralExit({
        data: pending, leafId: pendingId, variant: 'direct', to, chain, signer: new SoftwareSweepSigner(hexToBytes(receiver.seed)), feeWallet, clock,
      });
      expect(result.steps.map((x) => x.what)).toEqual([
        `node 1/3 ${incoming.nodes[0]!.nodeId} (nodeTx)`, `node 2/3 ${incoming.nodes[1]!.nodeId} (nodeTx)`, `node 3/3 ${pendingId} (directTx)`, 'refund (direct)',
      ]);
      expect(result.steps.map((x) => x.anchorChildTxid !== undefined)).toEqual([true, true, false, false]);
      expect(result.steps[3]!.txid).toBe(txid(intermediate));
      expect(result.steps[3]!.confirmedAt - result.steps[2]!.confirmedAt).toBeGreaterThanOrEqual(timelock(intermediate));
      expect(result.sweep.refundAmount).toBe(BigInt(VALUES[2]) - 2n * DIRECT_FEE_SATS);
      expect(await receivedBy(chain, to)).toEqual({ sats: result.sweep.refundAmount - sweepFee(to), txids: [result.sweep.txid] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
}

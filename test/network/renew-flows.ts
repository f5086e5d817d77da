/**
 * Renewals (docs/transfers.md, section "Renewal"): one leaf passed back and forth between two
 * unmodified SDK wallets (DefaultSparkSigner) until its refund timelock runs low, so that the
 * wallets renew it themselves (renew_leaf), on a 2-of-3 network on PGlite and btcd regtest. Each
 * hop lowers the refund timelock by 100 from the deposit's 2000; after the 19th the receiver's
 * wallet renews the leaf on claiming it (the zero-timelock variant: every deposit leaf has node
 * timelock 0). The node-timelock variant runs through the SDK's own renewal code on the same leaf.
 * Run on PGlite and on a PostgreSQL server (renewals-pglite.test.ts, renewals-postgres.test.ts).
 */
import type { SparkWallet } from '@buildonspark/spark-sdk';
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { Transaction } from '@scure/btc-signer';
import { bytesToHex } from '@noble/hashes/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNetwork } from '../../emulator/network/network.js';
import { fixedLeafOptions, loadSdk, openWallet, randomSeed, waitFor } from './sdk.js';
import { tapWallet } from './wallet-wire.js';
import type { WireTap } from './wallet-wire.js';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

const START_TIMEOUT_MS = 300_000;
const FLOW_TIMEOUT_MS = 900_000;
const SETTLE_MS = 120_000;
const SATS = 40_000;
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
  let leafId = '';
  let rootTx: Uint8Array = new Uint8Array();
  let hops = 0;
  /** Which party holds the leaf now. */
  let holder = 0;

  async function available(w: SparkWallet): Promise<bigint> {
    return (await w.getBalance()).satsBalance.available;
  }

  async function leafOf(w: SparkWallet): Promise<TreeNode> {
    const l = (await w.getLeaves()).find((x) => x.id === leafId);
    if (l === undefined) throw new Error(`the wallet does not hold leaf ${leafId}`);
    return l;
  }

  /** A fresh wallet of each seed (it keeps only leaves every operator agrees on): exact balances. */
  async function expectBalances(): Promise<void> {
    for (const [i, p] of parties.entries()) {
      const { wallet } = await openWallet(sdk, fixedLeafOptions(network.walletOptions), p.seed);
      wallets.push(wallet);
      expect(await available(wallet)).toBe(i === holder ? BigInt(SATS) : 0n);
      await wallet.cleanupConnections();
    }
  }

  /** One hop: the holder sends the whole leaf to the other party, whose wallet claims it from its event stream. */
  async function hop(): Promise<void> {
    const from = parties[holder] as (typeof parties)[number];
    const to = parties[1 - holder] as (typeof parties)[number];
    const t = await from.wallet.transfer({ receiverSparkAddress: await to.wallet.getSparkAddress(), amountSats: SATS });
    expect(t.leaves.map((l) => l.leaf?.id)).toEqual([leafId]);
    await waitFor(() => available(to.wallet), (b) => b === BigInt(SATS), SETTLE_MS, `the claim of hop ${hops + 1}`);
    // The claimed leaf is in the receiver's wallet once any renewal it needed is done.
    await waitFor(async () => (await to.wallet.getLeaves()).some((l) => l.id === leafId), (x) => x, SETTLE_MS, `leaf in the wallet after hop ${hops + 1}`);
    expect(await available(from.wallet)).toBe(0n);
    holder = 1 - holder;
    hops++;
  }

  const renewCalls = (): Record<string, unknown>[] => parties.flatMap((p) => p.tap.requests.get('renew_leaf') ?? []);

  beforeAll(async () => {
    ({ network, cleanup } = await start());
    sdk = await loadSdk(network.env);
    coordinatorAddress = fixedLeafOptions(network.walletOptions).signingOperators?.[fixedLeafOptions(network.walletOptions).coordinatorIdentifier ?? '']?.address ?? '';
    for (let i = 0; i < 2; i++) {
      const { wallet, seed } = await openWallet(sdk, fixedLeafOptions(network.walletOptions));
      wallets.push(wallet);
      parties.push({ wallet, seed, tap: tapWallet(wallet, coordinatorAddress) });
    }
    const alice = (parties[0] as (typeof parties)[number]).wallet;
    const funded = await network.chain.fund(await alice.getSingleUseDepositAddress(), BigInt(SATS));
    const claimed = await alice.claimDeposit(funded.txid);
    leafId = claimed[0]?.id ?? '';
    await waitFor(() => available(alice), (b) => b === BigInt(SATS), 30_000, 'alice\'s deposit');
    rootTx = (await leafOf(alice)).nodeTx;
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    for (const w of wallets) await w.cleanupConnections().catch(() => undefined);
    await cleanup();
  });

  it('19 hops bring the refund timelock to 100; the receiver\'s wallet renews the leaf (zero-timelock variant) and the hops go on past 20', async () => {
    expect(timelock((await leafOf(parties[0]!.wallet)).refundTx)).toBe(2000);
    while (hops < 18) await hop();
    expect(timelock((await leafOf(parties[holder]!.wallet)).refundTx)).toBe(200);
    expect(renewCalls()).toHaveLength(0); // 200 is not below the wallet's threshold

    await hop(); // the 19th: its refund is at 100, so the receiver renews on claiming
    // The wallet renews after the claim: wait for the renewed leaf (a slower database takes longer).
    const renewed = await waitFor(() => leafOf(parties[holder]!.wallet), (l) => timelock(l.refundTx) === 2000, SETTLE_MS, 'the renewed leaf in the receiver\'s wallet');
    expect(renewCalls()).toHaveLength(1);
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
    expect(renewCalls()).toHaveLength(1);
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
    const mallory = await openWallet(sdk, fixedLeafOptions(network.walletOptions), randomSeed());
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
    // Every operator stored the same: a fresh wallet keeps the leaf with the new txs.
    await expectBalances();
    const fresh = await openWallet(sdk, fixedLeafOptions(network.walletOptions), owner.seed);
    wallets.push(fresh.wallet);
    expect(bytesToHex((await leafOf(fresh.wallet)).nodeTx)).toBe(bytesToHex(renewed.nodeTx));
  });
});
}

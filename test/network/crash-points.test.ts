/**
 * An operator SIGKILLed at every step of a transfer, of a claim, of a static deposit claim and of
 * a renewal, then started again (docs/transfers.md, docs/ssp.md; crash points in
 * emulator/operator/faults.ts): one 2-of-3 network on PGlite shared by every point, unmodified SDK
 * wallets. Afterwards each transfer is RETURNED with the leaf back with its sender, or claimable
 * and then claimed (COMPLETED); each renewal is either not applied anywhere or applied everywhere;
 * each static deposit pays its owner exactly once and its output goes to the provider; and every
 * operator agrees on every leaf (a fresh wallet keeps only leaves on which all operators agree:
 * status, keys, node tx).
 */
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { TransferStatus, type TreeNode } from '@buildonspark/spark-sdk/proto/spark';
// nice-grpc-common, not nice-grpc: loading grpc-js before loadSdk sets the network's CA breaks TLS to the operators.
import { Status } from 'nice-grpc-common';
import { hexToBytes } from '@noble/hashes/utils';
import { Transaction } from '@scure/btc-signer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetwork } from '../../emulator/network/network.js';
import type { RunningNetwork } from '../../emulator/network/network.js';
import type { CrashStep } from '../../emulator/operator/faults.js';
// Not from static-deposits.ts: that loads the SDK (and grpc-js) before the network's CA is trusted.
import { STATIC_SPEND_FEE_SATS } from '../../emulator/ssp/fees.js';
import { SETTLE_MS, faultHarness } from './fault-harness.js';
import { expectLeftAlone, ladderFor, sspSwaps } from './leaf-optimizer.js';
import { loadSdk, openWallet, randomSeed, waitFor } from './sdk.js';
import { tapWallet } from './wallet-wire.js';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

const START_TIMEOUT_MS = 300_000;
const POINT_TIMEOUT_MS = 300_000;

interface TransferPoint {
  step: CrashStep;
  /** the operator that crashes: 1 the coordinator, 3 a peer */
  index: number;
  /** killed while the sender sends, or while the receiver's wallet claims */
  phase: 'send' | 'claim';
  /** what the sender's wallet sees: 'sent', any failure, or a gRPC code */
  sent: 'sent' | 'failed' | number;
  outcome: 'RETURNED' | 'COMPLETED';
}

const TRANSFER_POINTS: TransferPoint[] = [
  { step: 'send:coordinator-prepared', index: 1, phase: 'send', sent: 'failed', outcome: 'RETURNED' },
  { step: 'send:peer-prepared', index: 3, phase: 'send', sent: Status.FAILED_PRECONDITION, outcome: 'RETURNED' },
  { step: 'send:prepared', index: 1, phase: 'send', sent: 'failed', outcome: 'RETURNED' },
  { step: 'send:signed', index: 1, phase: 'send', sent: 'failed', outcome: 'RETURNED' },
  // Decided: the decision survives the crash; the transfer is claimable and the receiver claims it.
  { step: 'send:decided', index: 1, phase: 'send', sent: 'failed', outcome: 'COMPLETED' },
  { step: 'send:delivered', index: 1, phase: 'send', sent: 'failed', outcome: 'COMPLETED' },
  { step: 'decision:peer-apply', index: 3, phase: 'send', sent: 'sent', outcome: 'COMPLETED' },
  // A claim prepared anywhere but not decided leaves the transfer claimable: claimed again later.
  { step: 'claim:coordinator-prepared', index: 1, phase: 'claim', sent: 'sent', outcome: 'COMPLETED' },
  { step: 'claim:peer-prepared', index: 3, phase: 'claim', sent: 'sent', outcome: 'COMPLETED' },
  { step: 'claim:prepared', index: 1, phase: 'claim', sent: 'sent', outcome: 'COMPLETED' },
  { step: 'claim:signed', index: 1, phase: 'claim', sent: 'sent', outcome: 'COMPLETED' },
  { step: 'claim:decided', index: 1, phase: 'claim', sent: 'sent', outcome: 'COMPLETED' },
  { step: 'claim:delivered', index: 1, phase: 'claim', sent: 'sent', outcome: 'COMPLETED' },
];

const timelock = (raw: Uint8Array): number => (Transaction.fromRaw(raw, { allowUnknownOutputs: true }).getInput(0).sequence ?? 0) & 0xffff;

describe('an operator killed at each step, then restarted (2-of-3, PGlite)', () => {
  let network: RunningNetwork;
  let sdk: SdkModule;
  let coordinatorAddress = '';
  const h = faultHarness(() => network, () => sdk);
  /** One funded sender per transfer point: a whole leaf of a distinct amount. */
  const senders = new Map<CrashStep, { seed: string; sats: number }>();

  /** The status of the newest transfer `seed` sent, as the coordinator answers query_all_transfers. */
  async function lastSentStatus(seed: string): Promise<number | undefined> {
    const w = await h.open(seed);
    try {
      const client = await tapWallet(w, coordinatorAddress).coordinatorClient();
      const me = hexToBytes(await w.getIdentityPublicKey());
      const page = (await client.query_all_transfers!({ participant: { $case: 'senderIdentityPublicKey', senderIdentityPublicKey: me }, transferIds: [], limit: 1, offset: 0, types: [], network: 0, statuses: [], order: 0 })) as { transfers: { status: number }[] };
      return page.transfers[0]?.status;
    } finally {
      await w.cleanupConnections();
    }
  }

  beforeAll(async () => {
    network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
    sdk = await loadSdk(network.env);
    coordinatorAddress = network.walletOptions.signingOperators?.[network.walletOptions.coordinatorIdentifier ?? '']?.address ?? '';
    for (const [i, p] of TRANSFER_POINTS.entries()) {
      // Distinct values the SDK's optimizer leaves alone (the harness checks each).
      const sats = 1 + i;
      senders.set(p.step, { seed: await h.funded(BigInt(sats)), sats });
    }
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await h.close();
    await network?.stop();
  });

  it.each(TRANSFER_POINTS)('$step on operator $index: the transfer ends $outcome', async (p) => {
    const { seed: a, sats } = senders.get(p.step) as { seed: string; sats: number };
    const b = randomSeed();
    await h.armCrash(p.index, p.step);
    try {
      const s = await h.sender(a, b);
      // For a claim point the receiver's wallet is open: it claims at once, from its event stream.
      const receiver = p.phase === 'claim' ? await h.open(b) : undefined;
      const sent = await h.send(s, sats);
      if (p.sent === 'failed') expect(sent).not.toBe('sent');
      else expect(sent).toBe(p.sent);
      try {
        await h.crashed(p.index, `operator ${p.index} to crash at ${p.step}`);
      } finally {
        await receiver?.cleanupConnections();
      }
    } finally {
      await h.stopAndRestart(p.index);
    }
    // A fresh wallet of B claims what is pending when its event stream connects.
    if (p.outcome === 'RETURNED') await h.settlesTo(a, BigInt(sats), b, 0n, 'the leaf back with the sender on every operator');
    else await h.settlesTo(a, 0n, b, BigInt(sats), 'the receiver\'s claim on every operator');
    expect(await lastSentStatus(a)).toBe(TransferStatus[`TRANSFER_STATUS_${p.outcome}`]);
    // Leaf optimization on, and nothing for it to do: no background swap ran into the crash.
    expect(sspSwaps(network.dataDir)).toEqual([]);
  }, POINT_TIMEOUT_MS);

  describe('static deposit claim', () => {
    const STATIC_POINTS: { step: CrashStep; index: number }[] = [
      // The claim row stored and replicated, no transfer yet.
      { step: 'static:reserved', index: 1 },
      // The transfer to the owner committed, the spend not signed.
      { step: 'static:paid', index: 1 },
    ];

    it.each(STATIC_POINTS)('$step on operator $index: the owner is paid once and the provider gets the output', async (p) => {
      const seed = randomSeed();
      const owner = await h.open(seed);
      // The credit is paid as one leaf. So that the owner's wallet swaps nothing in the background
      // while an operator is armed and restarted, it first holds a ladder under which the SDK's
      // optimizer leaves it alone with and without that leaf (leaf-optimizer.ts).
      const credit = 1024;
      const ladder = await ladderFor(owner, [credit]);
      const ladderSats = BigInt(ladder.reduce((a, b) => a + b, 0));
      for (const sats of ladder) await owner.claimDeposit((await network.chain.fund(await owner.getSingleUseDepositAddress(), BigInt(sats))).txid);
      await waitFor(async () => (await owner.getBalance()).satsBalance.available, (x) => x === ladderSats, SETTLE_MS, 'the owner\'s ladder');
      const funded = await network.chain.fund(await owner.getStaticDepositAddress(), credit + Number(STATIC_SPEND_FEE_SATS), { confirmations: 3 });
      const quote = await owner.getClaimStaticDepositQuote(funded.txid);
      expect(quote.creditAmountSats).toBe(credit);
      await h.armCrash(p.index, p.step);
      const w = await h.open(seed);
      // The provider repeats the same claim until the coordinator answers again.
      const claim = w.claimStaticDeposit({ transactionId: funded.txid, outputIndex: funded.vout, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature });
      try {
        await h.crashed(p.index, `operator ${p.index} to crash at ${p.step}`);
      } finally {
        await h.stopAndRestart(p.index);
      }
      expect((await claim)?.transferId).toMatch(/^[0-9a-f-]{36}$/);
      await w.cleanupConnections();
      await h.settlesTo(seed, ladderSats + BigInt(credit), randomSeed(), 0n, 'the owner paid exactly the credit on every operator');
      await network.chain.mine(1);
      expect(await network.chain.rpc.call('gettxout', [funded.txid, funded.vout, true])).toBeNull();
      // Claiming it again is refused: nothing moves.
      const again = await h.open(seed);
      await expect(again.claimStaticDeposit({ transactionId: funded.txid, outputIndex: funded.vout, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature })).rejects.toThrow();
      await again.cleanupConnections();
      expect(await h.available(seed)).toBe(ladderSats + BigInt(credit));
      // Leaf optimization on, and nothing for it to do: no swap in the SSP's books.
      expect(sspSwaps(network.dataDir)).toEqual([]);
    }, POINT_TIMEOUT_MS);
  });

  describe('renewal', () => {
    /** Two leaves passed back and forth together until their refund timelocks are at 200. */
    const holder = { seed: '', leaves: [] as string[], swaps: 0 };

    /** The leaf as a fresh wallet of the holder sees it (present only if every operator agrees on it). */
    async function freshLeaf(id: string): Promise<TreeNode | undefined> {
      const w = await h.open(holder.seed);
      try {
        return (await w.getLeaves()).find((l) => l.id === id);
      } finally {
        await w.cleanupConnections();
      }
    }

    beforeAll(async () => {
      const parties: { wallet: SparkWallet; seed: string }[] = [];
      for (let i = 0; i < 2; i++) parties.push(await openWallet(sdk, network.walletOptions));
      h.wallets.push(...parties.map((p) => p.wallet));
      const first = parties[0] as (typeof parties)[number];
      // Leaves the SDK's optimizer leaves alone, alone or together: the subject is these leaf ids.
      await expectLeftAlone(first.wallet, [[8], [8, 4]]);
      for (const sats of [8n, 4n]) {
        const funding = await network.chain.fund(await first.wallet.getSingleUseDepositAddress(), sats);
        await first.wallet.claimDeposit(funding.txid);
      }
      await waitFor(async () => (await first.wallet.getBalance()).satsBalance.available, (x) => x === 12n, 30_000, 'the two deposits');
      holder.leaves = (await first.wallet.getLeaves()).map((l) => l.id);
      // 18 hops: 2000 → 200, the lowest refund timelock the wallet does not renew by itself.
      let at = 0;
      for (let hop = 0; hop < 18; hop++) {
        const to = parties[1 - at] as (typeof parties)[number];
        await (parties[at] as (typeof parties)[number]).wallet.transfer({ receiverSparkAddress: await to.wallet.getSparkAddress(), amountSats: 12 });
        await waitFor(async () => (await to.wallet.getBalance()).satsBalance.available, (x) => x === 12n, SETTLE_MS, `hop ${hop + 1}`);
        at = 1 - at;
      }
      holder.seed = (parties[at] as (typeof parties)[number]).seed;
      for (const p of parties) await p.wallet.cleanupConnections();
      for (const id of holder.leaves) expect(timelock((await freshLeaf(id))?.refundTx ?? new Uint8Array())).toBe(200);
      holder.swaps = sspSwaps(network.dataDir).length;
    }, POINT_TIMEOUT_MS);

    const RENEW_POINTS: { step: CrashStep; index: number; leaf: number; renewed: boolean }[] = [
      // Signed but not stored: nothing changed anywhere; the same leaf is renewed at the next point.
      { step: 'renew:signed', index: 1, leaf: 0, renewed: false },
      // Stored with its replication records, the wallet not answered: the peers get it after the restart.
      { step: 'renew:decided', index: 1, leaf: 0, renewed: true },
      // A peer dies on receiving it: it applies it from the coordinator's outbox before it serves again.
      { step: 'renew:peer-apply', index: 3, leaf: 1, renewed: true },
    ];

    it.each(RENEW_POINTS)('$step on operator $index: the renewal is applied on every operator or on none', async (p) => {
      const id = holder.leaves[p.leaf] as string;
      const w = await h.open(holder.seed);
      const leaf = (await w.getLeaves()).find((l) => l.id === id) as TreeNode;
      const service = (w as unknown as { transferService: { renewZeroTimelockNodeTxn(n: TreeNode): Promise<TreeNode> } }).transferService;
      await h.armCrash(p.index, p.step);
      try {
        const result = await service.renewZeroTimelockNodeTxn(leaf).then(() => 'renewed', () => 'failed');
        // Only a peer's crash after the coordinator stored and answered leaves the wallet a result.
        expect(result).toBe(p.index === 1 ? 'failed' : 'renewed');
        await h.crashed(p.index, `operator ${p.index} to crash at ${p.step}`);
      } finally {
        await w.cleanupConnections();
        await h.stopAndRestart(p.index);
      }
      const expected = p.renewed ? 2000 : 200;
      const seen = await waitFor(() => freshLeaf(id), (l) => l !== undefined && timelock(l.refundTx) === expected, SETTLE_MS, `leaf ${id} with refund timelock ${expected} on every operator`);
      expect(timelock(seen?.refundTx ?? new Uint8Array())).toBe(expected);
      expect(timelock(seen?.nodeTx ?? new Uint8Array())).toBe(0);
      expect(seen?.parentNodeId !== undefined).toBe(p.renewed);
      // Leaf optimization on, and nothing for it to do with these leaves: no swap since the hops.
      expect(sspSwaps(network.dataDir)).toHaveLength(holder.swaps);
    }, POINT_TIMEOUT_MS);
  });
});

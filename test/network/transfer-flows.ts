/**
 * Transfers and claims between unmodified SDK wallets (DefaultSparkSigner) on a 2-of-3 network
 * on btcd regtest (docs/transfers.md), run on PGlite and on a PostgreSQL server. One network is
 * shared by the tests of a run, in order: each starts from the balances the previous one left.
 */
import { secp256k1 } from '@noble/curves/secp256k1';
import { hexToBytes } from '@noble/hashes/utils';
import { Transaction, p2tr } from '@scure/btc-signer';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { TransferStatus } from '@buildonspark/spark-sdk/proto/spark';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNetwork } from '../../emulator/network/network.js';
import { loadSdk, openWallet, randomSeed, transferStatus, waitFor } from './sdk.js';
import { expectLeftAlone, settled, sspSwaps } from './leaf-optimizer.js';
import { tapWallet } from './wallet-wire.js';
import type { WireTap } from './wallet-wire.js';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

const START_TIMEOUT_MS = 300_000;
const FLOW_TIMEOUT_MS = 300_000;
/** Waiting for a wallet to see a claim: its own event stream claims, on a loaded machine. */
const SETTLE_MS = 120_000;
/**
 * The three deposits' values. The wallets run on the network's options as printed (the SDK's
 * defaults, leaf optimization on), and the subject here is these very leaf ids: so they are values
 * the SDK's optimizer leaves alone in every state the tests walk through (checked before the tests
 * with the SDK's own rule, leaf-optimizer.ts), and the SSP's books show no swap at the end.
 */
const FIRST = 8n;
const SECOND = 4n;
const THIRD = 2n;
const ALL = FIRST + SECOND + THIRD;

async function available(w: SparkWallet): Promise<bigint> {
  return (await w.getBalance()).satsBalance.available;
}

async function leafIds(w: SparkWallet): Promise<string[]> {
  return (await w.getLeaves()).map((l) => l.id).sort();
}

const COMPLETED = TransferStatus.TRANSFER_STATUS_COMPLETED;

/** The gRPC status code and details of an error a nice-grpc client threw. */
function grpcFailure(e: unknown): { code: number; details: string } {
  const err = e as { code?: number; details?: string };
  if (typeof err?.code !== 'number') throw new Error(`expected a gRPC error, got ${String(e)}`);
  return { code: err.code, details: err.details ?? '' };
}

const Status = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, FAILED_PRECONDITION: 9, ABORTED: 10, UNIMPLEMENTED: 12 } as const;

export function transferFlows(label: string, start: () => Promise<{ network: RunningNetwork; cleanup: () => Promise<void> }>): void {
describe(`transfers between SDK wallets on a 2-of-3 network (${label})`, { timeout: FLOW_TIMEOUT_MS }, () => {
  let cleanup: () => Promise<void> = async () => undefined;
  let network: RunningNetwork;
  let sdk: SdkModule;
  let alice: SparkWallet;
  let bob: SparkWallet;
  let aliceSeed: string;
  let bobSeed: string;
  let bobTap: WireTap;
  let coordinatorAddress: string;
  const wallets: SparkWallet[] = [];
  const leaves: Record<string, string> = {};

  async function deposit(w: SparkWallet, sats: bigint): Promise<string> {
    const address = await w.getSingleUseDepositAddress();
    const funded = await network.chain.fund(address, sats);
    const claimed = await w.claimDeposit(funded.txid);
    const id = claimed[0]?.id;
    if (id === undefined) throw new Error('deposit not claimed');
    return id;
  }

  /** A fresh wallet from a seed: it keeps only leaves every operator agrees on (keys, txs, status). */
  async function open(seed: string, signer?: unknown): Promise<SparkWallet> {
    const { wallet } = await sdk.SparkWallet.initialize({ mnemonicOrSeed: seed, options: network.walletOptions, ...(signer === undefined ? {} : { signer: signer as never }) });
    wallets.push(wallet);
    return wallet;
  }

  async function expectState(expected: { alice: bigint; bob: bigint; bobLeaves?: string[] }): Promise<void> {
    const a = await open(aliceSeed);
    const b = await open(bobSeed);
    expect(await available(a)).toBe(expected.alice);
    expect(await available(b)).toBe(expected.bob);
    if (expected.bobLeaves !== undefined) expect(await leafIds(b)).toEqual([...expected.bobLeaves].sort());
    // Closed again, so that they do not claim (their event streams) what later tests send.
    await Promise.all([a.cleanupConnections(), b.cleanupConnections()]);
  }

  beforeAll(async () => {
    ({ network, cleanup } = await start());
    sdk = await loadSdk(network.env);
    coordinatorAddress = network.walletOptions.signingOperators?.[network.walletOptions.coordinatorIdentifier ?? '']?.address ?? '';
    ({ wallet: alice, seed: aliceSeed } = await openWallet(sdk, network.walletOptions));
    ({ wallet: bob, seed: bobSeed } = await openWallet(sdk, network.walletOptions));
    bobTap = tapWallet(bob, coordinatorAddress);
    wallets.push(alice, bob);
    // Every leaf set a wallet holds below, in order.
    await expectLeftAlone(alice, [[FIRST], [FIRST, SECOND], [FIRST, SECOND, THIRD], [FIRST, SECOND], [THIRD]].map((v) => v.map(Number)));
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    for (const w of wallets) await w.cleanupConnections().catch(() => undefined);
    await cleanup();
  });

  it('A sends a whole leaf to B; B\'s wallet claims it by itself from its event stream', async () => {
    leaves.first = await deposit(alice, FIRST);
    await waitFor(() => available(alice), (b) => b === FIRST, 30_000, 'alice\'s deposit');

    const transfer = await alice.transfer({ receiverSparkAddress: await bob.getSparkAddress(), amountSats: Number(FIRST) });
    expect(transfer.totalValue).toBe(Number(FIRST));
    expect(transfer.leaves.map((l) => l.leaf?.id)).toEqual([leaves.first]);
    expect(transfer.status).toBe('TRANSFER_STATUS_SENDER_KEY_TWEAKED');

    await waitFor(() => available(bob), (b) => b === FIRST, SETTLE_MS, 'bob\'s claim');
    expect(await available(alice)).toBe(0n);
    expect(await leafIds(bob)).toEqual([leaves.first]);
    expect(await waitFor(() => transferStatus(bob, transfer.id), (s) => s === COMPLETED, 30_000, 'the transfer COMPLETED')).toBe(COMPLETED);
    // The claim's refunds pay B's new leaf key, one interval below the deposit's 2000.
    const leaf = (await bob.getLeaves())[0];
    const refund = Transaction.fromRaw(leaf?.refundTx ?? new Uint8Array(), { allowUnknownOutputs: true });
    expect((refund.getInput(0).sequence ?? 0) & 0xffff).toBe(1900);
    expect(refund.getInput(0).finalScriptWitness?.map((w) => w.length)).toEqual([64]);

    // Every operator applied both tweaks: a wallet from B's seed keeps the leaf, one from A's has nothing.
    await expectState({ alice: 0n, bob: FIRST, bobLeaves: [leaves.first] });
  });

  it('B sends it back, then A sends it to itself', async () => {
    const back = await bob.transfer({ receiverSparkAddress: await alice.getSparkAddress(), amountSats: Number(FIRST) });
    expect(back.leaves.map((l) => l.leaf?.id)).toEqual([leaves.first]);
    await waitFor(() => available(alice), (b) => b === FIRST, SETTLE_MS, 'alice\'s claim');
    expect(await available(bob)).toBe(0n);

    const self = await alice.transfer({ receiverSparkAddress: await alice.getSparkAddress(), amountSats: Number(FIRST) });
    expect(self.leaves.map((l) => l.leaf?.id)).toEqual([leaves.first]);
    await waitFor(() => transferStatus(alice, self.id), (s) => s === COMPLETED, SETTLE_MS, 'the self-transfer COMPLETED');
    await waitFor(() => available(alice), (b) => b === FIRST, SETTLE_MS, 'alice\'s balance after the self-transfer');
    // Three hops so far: 2000 → 1900 → 1800 → 1700.
    const refund = Transaction.fromRaw((await alice.getLeaves())[0]?.refundTx ?? new Uint8Array(), { allowUnknownOutputs: true });
    expect((refund.getInput(0).sequence ?? 0) & 0xffff).toBe(1700);
    await expectState({ alice: FIRST, bob: 0n });
  });

  it('sends several leaves in one transfer', async () => {
    leaves.second = await deposit(alice, SECOND);
    leaves.third = await deposit(alice, THIRD);
    await waitFor(() => available(alice), (b) => b === ALL, 30_000, 'alice\'s three leaves');
    const t = await alice.transfer({ receiverSparkAddress: await bob.getSparkAddress(), amountSats: Number(ALL) });
    expect(t.leaves.map((l) => l.leaf?.id).sort()).toEqual([leaves.first, leaves.second, leaves.third].sort());
    expect(t.totalValue).toBe(Number(ALL));
    await waitFor(() => available(bob), (b) => b === ALL, SETTLE_MS, 'bob\'s claim of three leaves');
    await expectState({ alice: 0n, bob: ALL, bobLeaves: [leaves.first as string, leaves.second as string, leaves.third as string] });
  });

  it('answers a retried claim and a claim by another wallet with clear errors, changing nothing', async () => {
    const claim = bobTap.requests.get('claim_transfer')?.at(-1);
    if (claim === undefined) throw new Error('bob sent no claim');
    const client = await bobTap.coordinatorClient();
    let f = grpcFailure(await client.claim_transfer!(claim).then(() => undefined, (e: unknown) => e));
    expect(f.code).toBe(Status.ALREADY_EXISTS);
    expect(f.details).toMatch(/already claimed/);

    // Mallory replays B's claim under her own identity.
    const mallory = await open(randomSeed());
    const malloryTap = tapWallet(mallory, coordinatorAddress);
    const malloryClient = await malloryTap.coordinatorClient();
    f = grpcFailure(await malloryClient.claim_transfer!({ ...claim, ownerIdentityPublicKey: hexToBytes(await mallory.getIdentityPublicKey()) }).then(() => undefined, (e: unknown) => e));
    expect(f.code).toBe(Status.PERMISSION_DENIED);
    expect(f.details).toMatch(/not addressed to this identity/);
    await expectState({ alice: 0n, bob: ALL });
  });

  it('query_all_transfers and query_pending_transfers honour their filters and paging', async () => {
    const client = await bobTap.coordinatorClient();
    const me = hexToBytes(await bob.getIdentityPublicKey());
    type Page = { transfers: { id: string; status: number; type: number; createdTime?: Date; receiverIdentityPublicKey: Uint8Array }[]; offset: number };
    const query = async (method: 'query_all_transfers' | 'query_pending_transfers', f: Record<string, unknown>): Promise<Page> =>
      (await client[method]!({ participant: { $case: 'senderOrReceiverIdentityPublicKey', senderOrReceiverIdentityPublicKey: me }, transferIds: [], limit: 0, offset: 0, types: [], network: 0, statuses: [], order: 0, ...f })) as Page;
    // B took part in three transfers so far: A→B, B→A, A→B (three leaves); all COMPLETED.
    const all = await query('query_all_transfers', {});
    expect(all.transfers).toHaveLength(3);
    expect(all.offset).toBe(-1);
    expect(all.transfers.every((t) => t.status === COMPLETED && t.type === 2)).toBe(true);
    const times = all.transfers.map((t) => t.createdTime?.getTime() ?? 0);
    expect([...times].sort((x, y) => y - x)).toEqual(times); // newest first by default
    const ascending = await query('query_all_transfers', { order: 1 });
    expect(ascending.transfers.map((t) => t.id)).toEqual([...all.transfers.map((t) => t.id)].reverse());
    const page1 = await query('query_all_transfers', { limit: 2 });
    expect(page1.transfers.map((t) => t.id)).toEqual(all.transfers.slice(0, 2).map((t) => t.id));
    expect(page1.offset).toBe(2);
    const page2 = await query('query_all_transfers', { limit: 2, offset: 2 });
    expect(page2.transfers.map((t) => t.id)).toEqual(all.transfers.slice(2).map((t) => t.id));
    expect(page2.offset).toBe(-1);
    expect((await query('query_all_transfers', { transferIds: [all.transfers[1]?.id] })).transfers.map((t) => t.id)).toEqual([all.transfers[1]?.id]);
    expect((await query('query_all_transfers', { types: [0] })).transfers).toEqual([]); // PREIMAGE_SWAP: none here
    expect((await query('query_all_transfers', { statuses: [7] })).transfers).toEqual([]); // RETURNED: none
    const received = await query('query_all_transfers', { participant: { $case: 'receiverIdentityPublicKey', receiverIdentityPublicKey: me } });
    expect(received.transfers).toHaveLength(2);
    expect(received.transfers.every((t) => Buffer.from(t.receiverIdentityPublicKey).equals(Buffer.from(me)))).toBe(true);
    expect((await query('query_all_transfers', { timeFilter: { $case: 'createdAfter', createdAfter: new Date(Date.now() + 60_000) } })).transfers).toEqual([]);
    // Everything is claimed: nothing pending for B.
    expect((await query('query_pending_transfers', { participant: { $case: 'receiverIdentityPublicKey', receiverIdentityPublicKey: me } })).transfers).toEqual([]);
    // Another identity's transfers are not B's to read.
    const other = hexToBytes(await alice.getIdentityPublicKey());
    const f = grpcFailure(await query('query_all_transfers', { participant: { $case: 'senderIdentityPublicKey', senderIdentityPublicKey: other } }).then(() => undefined, (e: unknown) => e));
    expect(f.code).toBe(Status.PERMISSION_DENIED);
  });

  describe('a lying sender gets a clear gRPC error and nothing changes', () => {
    /** B tries to send its THIRD-sat leaf to A with `lie` applied to what its wallet sends. */
    async function lyingTransfer(sender: SparkWallet, lie: (req: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>): Promise<{ code: number; details: string }> {
      const tap = tapWallet(sender, coordinatorAddress);
      tap.rewriteNext('start_transfer_v2', lie);
      await expect(sender.transfer({ receiverSparkAddress: await alice.getSparkAddress(), amountSats: Number(THIRD) })).rejects.toThrow();
      const f = grpcFailure(tap.errors.get('start_transfer_v2'));
      await expectState({ alice: 0n, bob: ALL, bobLeaves: [leaves.first as string, leaves.second as string, leaves.third as string] });
      return f;
    }

    type Job = { rawTx: Uint8Array };
    const firstRefund = (req: Record<string, unknown>): Job => ((req.transferPackage as { leavesToSend: Job[] }).leavesToSend[0] as Job);
    /** The request with its first refund transaction changed by `edit`. */
    const withFirstRefund = (edit: (tx: Transaction) => void) => (req: Record<string, unknown>): Record<string, unknown> => {
      const job = firstRefund(req);
      const tx = Transaction.fromRaw(job.rawTx, { allowUnknownOutputs: true });
      edit(tx);
      job.rawTx = tx.toBytes(true, false);
      return req;
    };

    it('a refund with a wrong timelock', async () => {
      const f = await lyingTransfer(await open(bobSeed), withFirstRefund((tx) => {
        tx.updateInput(0, { sequence: (tx.getInput(0).sequence ?? 0) - 100 }, true);
      }));
      expect(f.code).toBe(Status.INVALID_ARGUMENT);
      expect(f.details).toMatch(/timelock/);
    });

    it('a refund paying another destination', async () => {
      const f = await lyingTransfer(await open(bobSeed), withFirstRefund((tx) => {
        const thief = secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true).subarray(1);
        tx.updateOutput(0, { script: p2tr(thief).script }, true);
      }));
      expect(f.code).toBe(Status.INVALID_ARGUMENT);
      expect(f.details).toMatch(/destination/);
    });

    it('a direct refund for a deposit leaf, which has none (a zero node)', async () => {
      const f = await lyingTransfer(await open(bobSeed), (req) => {
        const pkg = req.transferPackage as { directFromCpfpLeavesToSend: Job[]; directLeavesToSend: Job[] };
        pkg.directLeavesToSend = [{ ...(pkg.directFromCpfpLeavesToSend[0] as Job) }];
        return req;
      });
      expect(f.code).toBe(Status.INVALID_ARGUMENT);
      expect(f.details).toMatch(/a direct refund was given, but the leaf has no direct node tx or is a zero node/);
    });

    it('a package signed by another identity', async () => {
      const f = await lyingTransfer(await open(bobSeed), (req) => {
        const pkg = req.transferPackage as Parameters<typeof sdk.getTransferPackageSigningPayload>[1];
        const payload = sdk.getTransferPackageSigningPayload(req.transferId as string, pkg);
        pkg.userSignature = secp256k1.sign(payload, secp256k1.utils.randomPrivateKey()).toDERRawBytes();
        return req;
      });
      expect(f.code).toBe(Status.INVALID_ARGUMENT);
      expect(f.details).toMatch(/user_signature/);
    });

    it('a bad VSS share for one operator', async () => {
      // B's own seed, with a signer whose key-tweak split hands operator 2 a wrong share.
      class CorruptShare extends sdk.DefaultSparkSigner {
        override async subtractSplitAndEncrypt(p: Parameters<InstanceType<typeof sdk.DefaultSparkSigner>['subtractSplitAndEncrypt']>[0]): ReturnType<InstanceType<typeof sdk.DefaultSparkSigner>['subtractSplitAndEncrypt']> {
          const r = await super.subtractSplitAndEncrypt(p);
          const share = r.shares.find((s) => s.index === 2);
          if (share !== undefined) share.share = Uint8Array.from(share.share, (b, i) => (i === 31 ? b ^ 1 : b));
          return r;
        }
      }
      const f = await lyingTransfer(await open(bobSeed, new CorruptShare()), (req) => req);
      expect(f.code).toBe(Status.INVALID_ARGUMENT);
      expect(f.details).toMatch(/operator 2.*does not match its proofs|share tweak/);
    });

    it('a transfer of someone else\'s leaf', async () => {
      // Mallory sends B's genuine request as her own.
      const mallory = await open(randomSeed());
      const client = await tapWallet(mallory, coordinatorAddress).coordinatorClient();
      const sender = await open(bobSeed);
      const tap = tapWallet(sender, coordinatorAddress);
      let captured: Record<string, unknown> | undefined;
      tap.rewriteNext('start_transfer_v2', (req) => {
        captured = req;
        return { ...req, transferId: '' }; // B's own attempt is refused before anything is stored
      });
      await expect(sender.transfer({ receiverSparkAddress: await alice.getSparkAddress(), amountSats: Number(THIRD) })).rejects.toThrow();
      if (captured === undefined) throw new Error('no request captured');
      const f = grpcFailure(await client.start_transfer_v2!({ ...captured, ownerIdentityPublicKey: hexToBytes(await mallory.getIdentityPublicKey()) }).then(() => undefined, (e: unknown) => e));
      expect(f.code).toBe(Status.PERMISSION_DENIED);
      expect(f.details).toMatch(/not owned by the sender/);
      await expectState({ alice: 0n, bob: ALL, bobLeaves: [leaves.first as string, leaves.second as string, leaves.third as string] });
    });
  });

  it('two transfers of the same leaf at once: exactly one succeeds, no leaf lost, duplicated or left locked', async () => {
    const b1 = await open(bobSeed);
    const b2 = await open(bobSeed);
    const to = await alice.getSparkAddress();
    const results = await Promise.allSettled([
      b1.transfer({ receiverSparkAddress: to, amountSats: Number(THIRD) }),
      b2.transfer({ receiverSparkAddress: to, amountSats: Number(THIRD) }),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(String((failed.reason as Error).message ?? failed.reason)).not.toBe('');
    await waitFor(() => available(alice), (b) => b === THIRD, SETTLE_MS, 'alice\'s claim of the one transfer');
    await expectState({ alice: THIRD, bob: FIRST + SECOND, bobLeaves: [leaves.first as string, leaves.second as string] });
  });

  it('transferV2 (start_transfer_v3): to one receiver it is served; to several it is refused before anything changes', async () => {
    const b = await open(bobSeed);
    const tap = tapWallet(b, coordinatorAddress);
    const stranger = await open(randomSeed());
    await expect(b.transferV2({ receivers: [
      { receiverSparkAddress: await alice.getSparkAddress(), amountSats: Number(FIRST) },
      { receiverSparkAddress: await stranger.getSparkAddress(), amountSats: Number(SECOND) },
    ] })).rejects.toThrow();
    expect(grpcFailure(tap.errors.get('start_transfer_v3')).code).toBe(Status.UNIMPLEMENTED);
    await b.cleanupConnections();
    await expectState({ alice: THIRD, bob: FIRST + SECOND, bobLeaves: [leaves.first as string, leaves.second as string] });

    const t = await alice.transferV2({ receivers: [{ receiverSparkAddress: await bob.getSparkAddress(), amountSats: Number(THIRD) }] });
    expect(t.totalValue).toBe(Number(THIRD));
    await waitFor(() => available(bob), (x) => x === ALL, SETTLE_MS, 'bob\'s claim of the transferV2');
    await expectState({ alice: 0n, bob: ALL });
  });

  it('leaf optimization was on all along and had nothing to do: no swap in the SSP\'s books, B still holds the three deposit leaves', async () => {
    const held = await settled(bob, network.dataDir, SETTLE_MS, 'bob');
    await settled(alice, network.dataDir, SETTLE_MS, 'alice');
    expect(held.map((l) => l.id).sort()).toEqual([leaves.first, leaves.second, leaves.third].sort());
    expect(sspSwaps(network.dataDir)).toEqual([]);
  });
});
}

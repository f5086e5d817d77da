/**
 * Transfers and claims when operators stop or crash (docs/transfers.md): a 2-of-3 network on
 * PGlite, unmodified SDK wallets. A crash is a SIGKILL at a named step (emulator/operator/faults.ts):
 * afterwards every transfer ends COMPLETED, claimable, or RETURNED with the leaves back with the
 * sender, and every operator agrees on every leaf (a fresh wallet keeps only leaves on which all
 * operators agree: status, keys, transactions).
 */
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetwork } from '../../emulator/network/network.js';
import type { RunningNetwork } from '../../emulator/network/network.js';
import type { CrashStep } from '../../emulator/operator/faults.js';
import { loadSdk, randomSeed, waitFor } from './sdk.js';
import { tapWallet } from './wallet-wire.js';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

const START_TIMEOUT_MS = 300_000;
const FLOW_TIMEOUT_MS = 300_000;
const SETTLE_MS = 120_000;
const FAILED_PRECONDITION = 9;

describe('transfers with operators stopped or killed mid-way (2-of-3, PGlite)', { timeout: FLOW_TIMEOUT_MS }, () => {
  let network: RunningNetwork;
  let sdk: SdkModule;
  let coordinatorAddress: string;
  const wallets: SparkWallet[] = [];
  /** Senders, funded before any operator is stopped: one whole leaf each. */
  const senders: { seed: string; sats: bigint }[] = [];
  const fundedSender = (sats: bigint): string => {
    const s = senders.find((x) => x.sats === sats);
    if (s === undefined) throw new Error(`no sender funded with ${sats}`);
    return s.seed;
  };

  async function open(seed: string): Promise<SparkWallet> {
    const { wallet } = await sdk.SparkWallet.initialize({ mnemonicOrSeed: seed, options: network.walletOptions });
    wallets.push(wallet);
    return wallet;
  }

  async function available(seed: string): Promise<bigint> {
    const w = await open(seed);
    try {
      return (await w.getBalance()).satsBalance.available;
    } finally {
      await w.cleanupConnections();
    }
  }

  /** Waits until fresh wallets of both seeds see exactly these balances on every operator. */
  async function settlesTo(a: string, aSats: bigint, b: string, bSats: bigint, what: string): Promise<void> {
    const both = await waitFor(async () => [await available(a), await available(b)], ([x, y]) => x === aSats && y === bSats, SETTLE_MS, what);
    expect(both).toEqual([aSats, bSats]);
  }

  async function funded(sats: bigint): Promise<string> {
    const seed = randomSeed();
    const w = await open(seed);
    const funding = await network.chain.fund(await w.getSingleUseDepositAddress(), sats);
    await w.claimDeposit(funding.txid);
    await w.cleanupConnections();
    return seed;
  }

  /** Restarts operator `index` so that it SIGKILLs itself at `step`. */
  async function armCrash(index: number, step: CrashStep): Promise<void> {
    process.env.SPARK_OPERATOR_CRASH_AT = `${index}:${step}`;
    try {
      await network.stopOperator(index);
      await network.restartOperator(index);
    } finally {
      delete process.env.SPARK_OPERATOR_CRASH_AT;
    }
  }

  /** Waits for operator `index` to have crashed, then starts it again (unarmed). */
  async function restartAfterCrash(index: number): Promise<void> {
    const op = network.operators[index - 1];
    try {
      await waitFor(async () => op?.running, (r) => r === false, 60_000, `operator ${index} to crash`);
    } finally {
      await network.stopOperator(index);
      await network.restartOperator(index);
    }
  }

  /**
   * Keeps the receiver's wallet open until the coordinator has crashed in its claim: the wallet
   * claims from its event stream after `send` returns, and closing it at once races that claim.
   */
  async function coordinatorCrashed(receiver: SparkWallet): Promise<void> {
    try {
      await waitFor(async () => network.operators[0]?.running, (r) => r === false, 60_000, 'the coordinator to crash in the receiver\'s claim');
    } finally {
      await receiver.cleanupConnections();
    }
  }

  /** Runs `fn` with operator `index` armed to crash at `step`, then restarts it whatever happened. */
  async function withCrash<T>(index: number, step: CrashStep, fn: () => Promise<T>): Promise<T> {
    await armCrash(index, step);
    try {
      return await fn();
    } finally {
      await restartAfterCrash(index);
    }
  }

  /** A wallet of `from` and the Spark address of `to`, opened while every operator is up. */
  async function sender(from: string, to: string): Promise<{ wallet: SparkWallet; address: string }> {
    const receiver = await open(to);
    const address = await receiver.getSparkAddress();
    await receiver.cleanupConnections();
    return { wallet: await open(from), address };
  }

  /**
   * Sends `sats` (a whole leaf); resolves with the gRPC code of start_transfer_v2's first
   * failure, or 'sent'.
   */
  async function send(s: { wallet: SparkWallet; address: string }, sats: number): Promise<number | 'sent'> {
    const { wallet: sender, address } = s;
    const tap = tapWallet(sender, coordinatorAddress);
    try {
      await sender.transfer({ receiverSparkAddress: address, amountSats: sats });
      return 'sent';
    } catch {
      const e = tap.errors.get('start_transfer_v2') as { code?: number } | undefined;
      return e?.code ?? -1;
    } finally {
      await sender.cleanupConnections();
    }
  }

  beforeAll(async () => {
    network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
    sdk = await loadSdk(network.env);
    coordinatorAddress = network.walletOptions.signingOperators?.[network.walletOptions.coordinatorIdentifier ?? '']?.address ?? '';
    for (const sats of [50_000n, 40_000n, 30_000n, 20_000n, 15_000n, 12_000n]) senders.push({ seed: await funded(sats), sats });
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    delete process.env.SPARK_OPERATOR_CRASH_AT;
    for (const w of wallets) await w.cleanupConnections().catch(() => undefined);
    await network?.stop();
  });

  it('one of three operators stopped: the transfer fails cleanly, and succeeds once it is back', async () => {
    const a = fundedSender(50_000n);
    const b = randomSeed();
    const s = await sender(a, b);
    await network.stopOperator(3);
    try {
      // Every operator must apply the key tweak, so none does.
      expect(await send(s, 50_000)).toBe(FAILED_PRECONDITION);
    } finally {
      await network.restartOperator(3);
    }
    await settlesTo(a, 50_000n, b, 0n, 'the leaf back with the sender on every operator');
    expect(await send(await sender(a, b), 50_000)).toBe('sent');
    await settlesTo(a, 0n, b, 50_000n, 'the receiver\'s claim');
  });

  /** A send of `sats` to a fresh receiver while operator `index` crashes at `step`; `check` judges the send's answer. */
  const sendWithCrash = async (index: number, step: CrashStep, sats: number, check: (answer: number | 'sent') => void): Promise<{ a: string; b: string }> => {
    const a = fundedSender(BigInt(sats));
    const b = randomSeed();
    await withCrash(index, step, async () => {
      check(await send(await sender(a, b), sats));
    });
    return { a, b };
  };

  it('coordinator killed after every operator prepared: the transfer is RETURNED on restart', async () => {
    const { a, b } = await sendWithCrash(1, 'send:prepared', 40_000, (answer) => expect(answer).not.toBe('sent'));
    await settlesTo(a, 40_000n, b, 0n, 'the leaf back with the sender on every operator');
  });

  it('a peer killed after its prepare: the transfer is RETURNED, and the peer unlocks the leaf once back', async () => {
    const { a, b } = await sendWithCrash(3, 'send:peer-prepared', 30_000, (answer) => expect(answer).toBe(FAILED_PRECONDITION));
    await settlesTo(a, 30_000n, b, 0n, 'the leaf back with the sender on every operator');
  });

  it('coordinator killed after deciding, before telling the peers: the decision survives, the receiver claims', async () => {
    const { a, b } = await sendWithCrash(1, 'send:decided', 20_000, (answer) => expect(answer).not.toBe('sent'));
    // A fresh wallet of B claims pending transfers when its event stream connects.
    await settlesTo(a, 0n, b, 20_000n, 'the receiver\'s claim after the restart');
  });

  /** A send whose receiver's open wallet claims at once (from its event stream) while the coordinator crashes at `point`. */
  const claimWithCoordinatorCrash = async (point: CrashStep, amount: number, what: string): Promise<void> => {
    const a = fundedSender(BigInt(amount));
    const b = randomSeed();
    await withCrash(1, point, async () => {
      const s = await sender(a, b);
      const receiver = await open(b);
      expect(await send(s, amount)).toBe('sent');
      await coordinatorCrashed(receiver);
    });
    await settlesTo(a, 0n, b, BigInt(amount), what);
  };

  it('coordinator killed after every operator prepared a claim: the transfer stays claimable and is claimed', async () => {
    await claimWithCoordinatorCrash('claim:prepared', 15_000, 'the claim after the restart');
  });

  it('coordinator killed after deciding a claim: the peers get the decision and agree', async () => {
    await claimWithCoordinatorCrash('claim:decided', 12_000, 'the claim on every operator');
  });

  it('a peer killed before it applies a decision, the coordinator restarted meanwhile: the peer applies it from the outbox before it serves', async () => {
    const a = await funded(25_000n);
    const b = randomSeed();
    await armCrash(3, 'decision:peer-apply');
    try {
      // The coordinator applied the commit and recorded it for both peers before answering;
      // operator 3 dies on receiving it, so the record stays in the coordinator's outbox.
      expect(await send(await sender(a, b), 25_000)).toBe('sent');
      const op3 = network.operators[2];
      await waitFor(async () => op3?.running, (r) => r === false, 60_000, 'operator 3 to crash on the decision');
      // The outbox survives a restart of its owner too.
      await network.stopOperator(1);
    } finally {
      await network.stopOperator(3);
      // Each waits for the other at start-up (catch-up), so both start together.
      await Promise.all([network.restartOperator(1), network.restartOperator(3)]);
    }
    // The claim needs every operator to hold the sender's tweaked key: operator 3 applied the
    // decision at start-up, before it served.
    await settlesTo(a, 0n, b, 25_000n, 'the receiver\'s claim after both restarts');
  });
});

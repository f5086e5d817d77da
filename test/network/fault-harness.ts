/**
 * What the fault tests share (transfer-faults.test.ts, crash-points.test.ts): fresh SDK wallets on
 * a running network, funded senders, sends that report the operator's gRPC code, and operators
 * armed to SIGKILL themselves at a named step (emulator/operator/faults.ts) and started again.
 * Wallets run on the network's options as printed (leaf optimization on); a background swap with
 * the SSP while an operator is armed would be what crashes, so the senders hold only leaves the
 * SDK's optimizer leaves alone (leaf-optimizer.ts).
 */
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { expect } from 'vitest';
import type { RunningNetwork } from '../../emulator/network/network.js';
import type { CrashStep } from '../../emulator/operator/faults.js';
import type { loadSdk } from './sdk.js';
import { expectLeftAlone } from './leaf-optimizer.js';
import { randomSeed, waitFor } from './sdk.js';
import { tapWallet } from './wallet-wire.js';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

export const SETTLE_MS = 120_000;

export interface FaultHarness {
  wallets: SparkWallet[];
  open(seed: string): Promise<SparkWallet>;
  available(seed: string): Promise<bigint>;
  settlesTo(a: string, aSats: bigint, b: string, bSats: bigint, what: string): Promise<void>;
  /** A new seed holding one deposit leaf of `sats`, a value the SDK's optimizer leaves alone. */
  funded(sats: bigint): Promise<string>;
  armCrash(index: number, step: CrashStep): Promise<void>;
  crashed(index: number, what: string): Promise<void>;
  /** Stops operator `index` (whether or not it crashed) and starts it again, unarmed. */
  stopAndRestart(index: number): Promise<void>;
  sender(from: string, to: string): Promise<{ wallet: SparkWallet; address: string }>;
  send(s: { wallet: SparkWallet; address: string }, sats: number): Promise<number | 'sent'>;
  close(): Promise<void>;
}

export function faultHarness(network: () => RunningNetwork, sdk: () => SdkModule): FaultHarness {
  const wallets: SparkWallet[] = [];
  const coordinatorAddress = (): string => network().walletOptions.signingOperators?.[network().walletOptions.coordinatorIdentifier ?? '']?.address ?? '';

  /**
   * Waits until a fresh wallet reaches every operator. grpc-js shares a subchannel per address
   * across all channels of the process, and one that failed while an operator was down fails new
   * calls at once until its reconnect backoff ends, which grows with each restart.
   */
  const reachable = async (): Promise<void> => {
    await waitFor(async () => {
      const { wallet } = await sdk().SparkWallet.initialize({ mnemonicOrSeed: randomSeed(), options: network().walletOptions });
      await wallet.cleanupConnections();
      return true;
    }, (ok) => ok, 60_000, 'a fresh wallet to reach every operator');
  };

  const h: FaultHarness = {
    wallets,
    async open(seed) {
      const { wallet } = await sdk().SparkWallet.initialize({ mnemonicOrSeed: seed, options: network().walletOptions });
      wallets.push(wallet);
      return wallet;
    },
    async available(seed) {
      const w = await h.open(seed);
      try {
        return (await w.getBalance()).satsBalance.available;
      } finally {
        await w.cleanupConnections();
      }
    },
    /** Waits until fresh wallets of both seeds (each keeps only leaves every operator agrees on) see exactly these balances. */
    async settlesTo(a, aSats, b, bSats, what) {
      const both = await waitFor(async () => [await h.available(a), await h.available(b)], ([x, y]) => x === aSats && y === bSats, SETTLE_MS, what);
      expect(both).toEqual([aSats, bSats]);
    },
    async funded(sats) {
      const seed = randomSeed();
      const w = await h.open(seed);
      await expectLeftAlone(w, [[Number(sats)]]);
      const funding = await network().chain.fund(await w.getSingleUseDepositAddress(), sats);
      await w.claimDeposit(funding.txid);
      await w.cleanupConnections();
      return seed;
    },
    /** Restarts operator `index` so that it SIGKILLs itself at `step`. */
    async armCrash(index, step) {
      process.env.SPARK_OPERATOR_CRASH_AT = `${index}:${step}`;
      try {
        await network().stopOperator(index);
        await network().restartOperator(index);
      } finally {
        delete process.env.SPARK_OPERATOR_CRASH_AT;
      }
      await reachable();
    },
    async stopAndRestart(index) {
      await network().stopOperator(index);
      await network().restartOperator(index);
      await reachable();
    },
    async crashed(index, what) {
      const op = network().operators[index - 1];
      await waitFor(async () => op?.running, (r) => r === false, 60_000, what);
    },
    /** A wallet of `from` and the Spark address of `to`, opened while every operator is up. */
    async sender(from, to) {
      const receiver = await h.open(to);
      const address = await receiver.getSparkAddress();
      await receiver.cleanupConnections();
      return { wallet: await h.open(from), address };
    },
    /** Sends `sats` (a whole leaf); resolves with the gRPC code of start_transfer_v2's first failure, or 'sent'. */
    async send(s, sats) {
      const tap = tapWallet(s.wallet, coordinatorAddress());
      try {
        await s.wallet.transfer({ receiverSparkAddress: s.address, amountSats: sats });
        return 'sent';
      } catch {
        const e = tap.errors.get('start_transfer_v2') as { code?: number } | undefined;
        return e?.code ?? -1;
      } finally {
        await s.wallet.cleanupConnections();
      }
    },
    async close() {
      delete process.env.SPARK_OPERATOR_CRASH_AT;
      for (const w of wallets) await w.cleanupConnections().catch(() => undefined);
    },
  };
  return h;
}

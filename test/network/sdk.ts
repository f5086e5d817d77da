import { randomBytes } from 'node:crypto';
import type { ConfigOptions, SparkWallet as SparkWalletType } from '@buildonspark/spark-sdk';
import { afterAll, beforeAll } from 'vitest';
import { startNetwork, type NetworkOptions, type RunningNetwork } from '../../emulator/network/network.js';
import { loadSdk } from '../../emulator/network/load-sdk.js';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

/** A fresh random seed, as the hex string SparkWallet.initialize accepts. */
export function randomSeed(): string {
  return randomBytes(32).toString('hex');
}

/** Initializes an SDK wallet with DefaultSparkSigner (the SDK's default) on the given network options. */
export async function openWallet(sdk: SdkModule, walletOptions: ConfigOptions, seed = randomSeed()): Promise<{ wallet: SparkWalletType; seed: string }> {
  const { wallet } = await sdk.SparkWallet.initialize({ mnemonicOrSeed: seed, options: walletOptions });
  return { wallet, seed };
}

/**
 * The SDK's wallet class without the background stream, so that its wallets claim nothing by
 * themselves: an incoming transfer stays pending, as for a wallet that was offline.
 */
export function unclaimingWalletClass(sdk: SdkModule): SdkModule['SparkWallet'] {
  return class UnclaimingWallet extends sdk.SparkWallet {
    protected override setupBackgroundStream(): Promise<void> {
      return Promise.resolve();
    }
  };
}

/** openWallet with a wallet that claims no incoming transfer (unclaimingWalletClass). */
export async function openUnclaimingWallet(sdk: SdkModule, walletOptions: ConfigOptions, seed = randomSeed()): Promise<{ wallet: SparkWalletType; seed: string }> {
  const { wallet } = await unclaimingWalletClass(sdk).initialize({ mnemonicOrSeed: seed, options: walletOptions });
  return { wallet, seed };
}

export { loadSdk };

/** spark.TransferStatus of a transfer, as a wallet reads it from the operators (query_all_transfers by id). */
export async function transferStatus(w: SparkWalletType, id: string): Promise<number | undefined> {
  const service = (w as unknown as { transferService: { queryTransfer(id: string): Promise<{ status: number } | undefined> } }).transferService;
  return (await service.queryTransfer(id))?.status;
}

/** Polls `read` until `done` holds, or fails with the last value after `timeoutMs`. */
export async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}; last value ${String(last)}${lastError === undefined ? '' : `, last error ${String(lastError)}`}`);
}

/** A test file's network, its SDK and the wallets it opened, set up before its tests (beforeAll). */
export interface NetworkSuite {
  network: RunningNetwork;
  sdk: SdkModule;
  /** closed after the tests */
  wallets: SparkWalletType[];
  /** openWallet, remembering the wallet to close it */
  open(options: ConfigOptions, seed?: string): Promise<{ wallet: SparkWalletType; seed: string }>;
}

/** Starts a network for the file's tests and stops it after them (with every wallet opened through it). */
export function networkSuite(options: NetworkOptions, startTimeoutMs = 300_000): NetworkSuite {
  const suite = { wallets: [] as SparkWalletType[] } as unknown as NetworkSuite;
  suite.open = async (walletOptions, seed) => {
    const opened = await openWallet(suite.sdk, walletOptions, seed);
    suite.wallets.push(opened.wallet);
    return opened;
  };
  beforeAll(async () => {
    suite.network = await startNetwork(options);
    suite.sdk = await loadSdk(suite.network.env);
  }, startTimeoutMs);
  afterAll(async () => {
    for (const w of suite.wallets) await w.cleanupConnections().catch(() => undefined);
    await suite.network?.stop();
  });
  return suite;
}

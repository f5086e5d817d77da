/**
 * Keeps the user's exit data current: saves it now and again whenever the SDK wallet's leaves
 * change (its `balance:update` event: deposits, sends, claims, incoming transfers), one save at a
 * time, the last change always saved. A failed save is reported, never thrown into the wallet's
 * event loop; the previous copy stays (the file is written atomically; other stores must be too).
 */
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { writeExitDataFile } from './exit-data-file.js';
import type { ExitData } from './exit-data.js';
import { collectFromWallet, type WalletCollectOptions } from './wallet-source.js';

export interface ExitDataKeeper {
  /** Resolves once every change seen so far is saved. */
  settled(): Promise<void>;
  /** Stops listening (a save in progress completes). */
  stop(): void;
}

export type KeeperOptions = WalletCollectOptions & { onError?: (e: unknown) => void; onSaved?: (leaves: number) => void };

/** Keeps the exit data in the user's exit-data file (exit-data-file.ts). */
export function keepExitData(wallet: SparkWallet, file: string, o: KeeperOptions): ExitDataKeeper {
  return keepExitDataIn(wallet, (data) => writeExitDataFile(file, data), o);
}

/** Keeps the exit data wherever `store` puts it (the bridge: in the account's record). */
export function keepExitDataIn(wallet: SparkWallet, store: (data: ExitData) => void | Promise<void>, o: KeeperOptions): ExitDataKeeper {
  let running: Promise<void> = Promise.resolve();
  let queued = false;
  const save = async (): Promise<void> => {
    try {
      const data = await collectFromWallet(wallet, o);
      await store(data);
      o.onSaved?.(data.leaves.length);
    } catch (e) {
      o.onError?.(e);
    }
  };
  const request = (): void => {
    // One save in flight and at most one queued behind it: a burst of events costs two saves.
    if (queued) return;
    queued = true;
    running = running.then(() => {
      queued = false;
      return save();
    });
  };
  const onChange = (): void => request();
  wallet.on('balance:update', onChange);
  request();
  return {
    settled: () => running,
    stop: () => void wallet.off('balance:update', onChange),
  };
}

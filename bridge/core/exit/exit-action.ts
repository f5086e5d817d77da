import { BridgeError } from '../errors.js';
import type { ExitDataSlot } from '../storage/account-store.js';

/** What "exit now" reports back: the transactions broadcast, and when each becomes spendable. */
export interface ExitProgress {
  broadcastTxids: string[];
  /** Blocks still to wait before the last refund can be spent (the leaf's relative timelock). */
  blocksToWait: number;
}

/**
 * Unilateral exit: broadcast the stored exit transactions without the operators' help
 * (docs/transfers.md). The producer and broadcaster of exit data is separate work; the bridge
 * keeps the stored slot (AccountStore.saveExitData) and calls this interface for the action.
 */
export interface ExitExecutor {
  /** Broadcasts what the slot holds, reporting progress as it goes. */
  exitNow(slot: ExitDataSlot, onProgress: (p: ExitProgress) => void): Promise<ExitProgress>;
}

/** The executor until unilateral exit lands: says so instead of pretending. */
export const exitNotAvailable: ExitExecutor = {
  exitNow() {
    return Promise.reject(new BridgeError('NOT_AVAILABLE', 'unilateral exit is not available in this version of the bridge yet; your exit data slot is kept'));
  },
};

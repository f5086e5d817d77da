import { ExitError } from '../../../src/exit/errors.js';
import { EXIT_DATA_FORMAT, checkExitData, type ExitData, type SparkNetworkName } from '../../../src/exit/exit-data.js';
import type { ExitVariant } from '../../../src/exit/exit-plan.js';
import { BridgeError } from '../errors.js';
import type { ExitDataSlot } from '../storage/account-store.js';

/** What the user asks of "exit now": where the coins go, and which transaction variants to use. */
export interface ExitRequest {
  /** The Bitcoin address every leaf is swept to. */
  to: string;
  /** Default `direct`: the fee-paying transactions where the operators signed them (src/exit/exit-plan.ts). */
  variant?: ExitVariant;
}

/** One line of progress of a running exit: which leaf, and what just happened on chain. */
export interface ExitProgress {
  leafId: string;
  /** 1-based position of the leaf among those exiting, and their count. */
  leaf: number;
  leaves: number;
  message: string;
}

/** What an exit of one leaf left on chain. */
export interface LeafExitOutcome {
  leafId: string;
  /** The node transactions and the refund, in broadcast order. */
  broadcastTxids: string[];
  sweepTxid: string;
  /** Sats that reached the user's address. */
  sweptSats: string;
}

/** A leaf an exit left on Spark: its refund cannot pay for its own sweep (src/exit, TOO_SMALL_TO_EXIT). */
export interface LeafLeftBehind {
  leafId: string;
  valueSats: string;
}

export interface ExitOutcome {
  to: string;
  leaves: LeafExitOutcome[];
  /** Leaves of a few sats (a wallet on the SDK's defaults holds some): nothing of them was broadcast. */
  leftBehind: LeafLeftBehind[];
}

/**
 * Unilateral exit: take every leaf of the stored exit data back to Bitcoin without the operators
 * (docs/transfers.md, "Unilateral exit"), the sweeps signed on the device.
 */
export interface ExitExecutor {
  exitNow(data: ExitData, request: ExitRequest, onProgress: (p: ExitProgress) => void): Promise<ExitOutcome>;
}

/** The executor of a bridge started without a chain to exit on: says so instead of pretending. */
export const exitNotAvailable: ExitExecutor = {
  exitNow() {
    return Promise.reject(new BridgeError('NOT_AVAILABLE', 'this bridge was started without a Bitcoin node to exit on (start it with one); your exit data is kept'));
  },
};

/** The exit data in an account's slot, checked (src/exit/exit-data.ts). */
export function exitDataOf(slot: ExitDataSlot): ExitData {
  if (slot.format !== EXIT_DATA_FORMAT) throw new BridgeError('STORAGE', `the stored exit data is in format ${slot.format}, not ${EXIT_DATA_FORMAT}`);
  try {
    return checkExitData(slot.payload);
  } catch (err) {
    throw asBridgeError(err);
  }
}

/** The network the exit data was collected on must be the bridge's. */
export function requireNetwork(data: ExitData, network: SparkNetworkName): void {
  if (data.network !== network) throw new BridgeError('STORAGE', `the stored exit data is for ${data.network}, this bridge runs on ${network}`);
}

/** src/exit's typed errors as the bridge reports them. */
export function asBridgeError(err: unknown): unknown {
  if (!(err instanceof ExitError)) return err;
  switch (err.code) {
    case 'BAD_ARGUMENT':
      return new BridgeError('INVALID_REQUEST', err.message, { cause: err });
    case 'MALFORMED_DATA':
    case 'FOREIGN_FILE':
    case 'UNSUPPORTED_VERSION':
      return new BridgeError('STORAGE', `the stored exit data is unusable: ${err.message}`, { cause: err });
    default:
      return new BridgeError('EXIT_FAILED', `${err.message} [${err.code}]`, { cause: err });
  }
}

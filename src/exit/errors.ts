import { CodedError } from '../errors/coded-error.js';

/** Error codes of the unilateral-exit library (exit data, exit runs, the watchtower). */
export type ExitErrorCode =
  /** The exit-data file does not exist or cannot be read. */
  | 'FILE_UNREADABLE'
  /** The file is not JSON. */
  | 'NOT_JSON'
  /** The file is JSON but not an exit-data file (another format, another program's file). */
  | 'FOREIGN_FILE'
  /** An exit-data file of a version this code does not read. */
  | 'UNSUPPORTED_VERSION'
  /** The file claims the format but a field is missing, malformed or inconsistent. */
  | 'MALFORMED_DATA'
  /** A leaf's chain to the root cannot be completed from what the wallet and operators gave. */
  | 'INCOMPLETE_CHAIN'
  /** The requested leaf is not in the exit data. */
  | 'UNKNOWN_LEAF'
  /** The requested variant (direct / CPFP) is not available for this leaf. */
  | 'VARIANT_UNAVAILABLE'
  /** The sweep signer's key does not match the key the refund pays. */
  | 'WRONG_KEY'
  /** The fee wallet cannot pay an anchor child. */
  | 'INSUFFICIENT_FEE_FUNDS'
  /** A refund output this exit needs was already spent by another transaction. */
  | 'OUTPUT_SPENT_ELSEWHERE'
  /**
   * The leaf's refund cannot pay its sweep's fee and still leave more than dust: its exit would
   * bring the user nothing (a wallet on the SDK's defaults holds such leaves of a few sats).
   * Refused before anything is broadcast.
   */
  | 'TOO_SMALL_TO_EXIT'
  /** The chain rejected a transaction or could not be reached. */
  | 'CHAIN_ERROR'
  /** Bad argument (address, fee rate, amounts). */
  | 'BAD_ARGUMENT'
  /** Waiting for a confirmation or a timelock took longer than allowed. */
  | 'TIMEOUT';

/** A failure of the exit library, with a machine-readable code. */
export class ExitError extends CodedError<ExitErrorCode> {
  override readonly name = 'ExitError';
}

export function isExitError(e: unknown, code?: ExitErrorCode): e is ExitError {
  return e instanceof ExitError && (code === undefined || e.code === code);
}

/**
 * Every failure the bridge reports to the UI or to a paired application is a BridgeError: a code
 * a program can act on and a message a person can read.
 */
export type BridgeErrorCode =
  /** No device answers at the configured source (unplugged, Speculos stopped). */
  | 'DEVICE_UNAVAILABLE'
  /** The device answers but the Spark Signer app is not open (dashboard or another app). */
  | 'APP_NOT_OPEN'
  /** The device is locked: enter the PIN on it. */
  | 'DEVICE_LOCKED'
  /** The device went away while a request was with it; nothing was signed. */
  | 'DEVICE_DISCONNECTED'
  /** The user pressed Reject on the device. */
  | 'USER_REJECTED'
  /** The Spark operators could not be reached or refused the call. */
  | 'OPERATOR_UNAVAILABLE'
  /** The wallet is not open yet (no device was ready when it was asked for). */
  | 'WALLET_NOT_OPEN'
  /** A request's arguments are wrong (bad address, amount, account). */
  | 'INVALID_REQUEST'
  /** The action exists but what it needs has not landed (e.g. unilateral exit data). */
  | 'NOT_AVAILABLE'
  /**
   * The amount is not a sum of whole leaves and no service provider serves the network to split
   * them (a swap would transfer a leaf to a provider nobody runs). Send a sum of whole leaves.
   */
  | 'NEEDS_SERVICE_PROVIDER'
  /** A unilateral exit stopped: the chain refused or could not be reached, no fee funds, an output spent elsewhere. */
  | 'EXIT_FAILED'
  /** Local storage is unreadable or from a newer bridge. */
  | 'STORAGE'
  /** The wallet call failed for another reason; the message carries the SDK's. */
  | 'WALLET_FAILED';

export class BridgeError extends Error {
  readonly code: BridgeErrorCode;

  constructor(code: BridgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BridgeError';
    this.code = code;
  }
}

/** The message of anything thrown, for logs and the UI. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

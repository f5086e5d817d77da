/**
 * Why LedgerSparkSigner refused a SparkSigner call. Each code names a reason the caller can act
 * on; the message says what to do instead.
 */
export type LedgerSignerErrorCode =
  /** The seed never leaves the device: mnemonic and seed methods cannot be served. */
  | 'SEED_ON_DEVICE'
  /** The derivation names a key that exists on the device only inside a key split (ECIES, RANDOM). */
  | 'NOT_A_DEVICE_KEY'
  /** The SDK declares the method synchronous; a device answers asynchronously. */
  | 'SYNCHRONOUS_METHOD'
  /** The call would put a device key's secret on the host outside the approved export. */
  | 'SECRET_WOULD_LEAVE_DEVICE'
  /** A transfer names more leaves than one approval on the device covers (INTENT_MAX_LEAVES). */
  | 'TRANSFER_TOO_LARGE'
  /** A swap with the service provider needs its login, which this app signs only blind (it predates the provider login), and blind signing is off. */
  | 'SWAP_NEEDS_BLIND_SIGNING'
  /** The arguments do not describe something the device can do (wrong length, unknown commitment). */
  | 'INVALID_REQUEST';

export class LedgerSignerError extends Error {
  readonly code: LedgerSignerErrorCode;

  constructor(code: LedgerSignerErrorCode, message: string) {
    super(message);
    this.name = 'LedgerSignerError';
    this.code = code;
  }
}

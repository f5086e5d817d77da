import { CodedError } from '../errors/coded-error.js';

/**
 * Every failure of the Trezor tier, as one typed error. `code` says what went wrong in a way a UI
 * can act on; `connectCode` keeps the code @trezor/connect reported, when there was one.
 */
export type TrezorErrorCode =
  /** The user pressed cancel on the Trezor, or closed its prompt. */
  | 'CANCELLED'
  /** No Trezor is connected, or it was unplugged during the call. */
  | 'DEVICE_ABSENT'
  /** A wrong PIN was entered, or PIN entry was cancelled. */
  | 'PIN'
  /** Another application holds the device, or a call is already in progress on it. */
  | 'DEVICE_BUSY'
  /** The connected Trezor (or passphrase wallet) is not the one that sealed the seed. */
  | 'WRONG_DEVICE'
  /** The sealed blob failed authentication: it was modified, or belongs to another seal. */
  | 'TAMPERED'
  /** The sealed blob is not a well-formed sealed seed of a version we read. */
  | 'MALFORMED'
  /** A connect call did not answer within its time limit. */
  | 'TIMEOUT'
  /** The signer is locked: unlock it on the Trezor first. */
  | 'LOCKED'
  /** A caller-supplied argument is out of range. */
  | 'BAD_INPUT'
  /** What the Trezor returned does not match what was asked (e.g. a transaction it changed). */
  | 'BAD_RESPONSE'
  /** Any other failure reported by @trezor/connect or the firmware. */
  | 'FAILED';

export class TrezorError extends CodedError<TrezorErrorCode> {
  override readonly name = 'TrezorError';

  constructor(
    code: TrezorErrorCode,
    message: string,
    readonly connectCode?: string,
  ) {
    super(code, message);
  }
}

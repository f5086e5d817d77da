import { StatusWord, hexSw, statusName, type StatusName } from './status.js';

/** Codes of every error the client raises: one per status word, plus client-side problems. */
export type SparkDeviceErrorCode =
  | StatusName
  | 'UNKNOWN_STATUS'
  | 'INVALID_ARGUMENT'
  | 'MALFORMED_RESPONSE'
  | 'TRANSPORT_UNAVAILABLE';

/** Base class: every failure talking to the Spark Signer app is one of these. */
export class SparkDeviceError extends Error {
  readonly code: SparkDeviceErrorCode;
  /** The status word the device returned, when the error came from the device. */
  readonly statusWord: number | undefined;

  constructor(code: SparkDeviceErrorCode, message: string, statusWord?: number) {
    super(message);
    this.name = 'SparkDeviceError';
    this.code = code;
    this.statusWord = statusWord;
  }
}

/** The user pressed Reject on the device (0x6985). */
export class UserRejectedError extends SparkDeviceError {
  constructor() {
    super('DENIED', 'the user rejected the request on the device', StatusWord.DENIED);
    this.name = 'UserRejectedError';
  }
}

/** A blind signature was requested with blind signing off in the app's settings (0x6982). */
export class BlindSigningDisabledError extends SparkDeviceError {
  constructor() {
    super(
      'BLIND_SIGNING_DISABLED',
      'blind signing is disabled on the device: enable it in the app settings',
      StatusWord.BLIND_SIGNING_DISABLED,
    );
    this.name = 'BlindSigningDisabledError';
  }
}

/** The key reference is not an allowed Spark key for this command (0x6a81). */
export class PathRefusedError extends SparkDeviceError {
  constructor() {
    super('PATH_REFUSED', 'the device refused the key path (not a Spark key for this command)', StatusWord.PATH_REFUSED);
    this.name = 'PathRefusedError';
  }
}

/** The nonce reference is not outstanding: never issued, already used, or expired (0x6a82). */
export class NonceUnknownError extends SparkDeviceError {
  constructor() {
    super('NONCE_UNKNOWN', 'the nonce reference is not outstanding on the device (unknown, used or expired)', StatusWord.NONCE_UNKNOWN);
    this.name = 'NonceUnknownError';
  }
}

/** The user commitment sent does not match the one issued under the reference (0x6a83). */
export class NonceMismatchError extends SparkDeviceError {
  constructor() {
    super('NONCE_MISMATCH', 'the user commitment does not match the one the device issued for that reference', StatusWord.NONCE_MISMATCH);
    this.name = 'NonceMismatchError';
  }
}

export class ChunkSequenceError extends SparkDeviceError {
  constructor() {
    super('CHUNK_SEQUENCE', 'the device got a chunk out of order or a payload too long', StatusWord.CHUNK_SEQUENCE);
    this.name = 'ChunkSequenceError';
  }
}

export class BadDataError extends SparkDeviceError {
  constructor() {
    super('BAD_DATA', 'the device rejected the payload as malformed', StatusWord.BAD_DATA);
    this.name = 'BadDataError';
  }
}

export class BadP1P2Error extends SparkDeviceError {
  constructor() {
    super('BAD_P1_P2', 'the device rejected P1/P2 for this instruction', StatusWord.BAD_P1_P2);
    this.name = 'BadP1P2Error';
  }
}

export class WrongLengthError extends SparkDeviceError {
  constructor() {
    super('WRONG_LENGTH', 'the device rejected the APDU length', StatusWord.WRONG_LENGTH);
    this.name = 'WrongLengthError';
  }
}

/** The instruction is unknown: usually another app than Spark Signer is open. */
export class InsNotSupportedError extends SparkDeviceError {
  constructor() {
    super('INS_NOT_SUPPORTED', 'instruction not supported: is the Spark Signer app open?', StatusWord.INS_NOT_SUPPORTED);
    this.name = 'InsNotSupportedError';
  }
}

export class ClaNotSupportedError extends SparkDeviceError {
  constructor() {
    super('CLA_NOT_SUPPORTED', 'class not supported: is the Spark Signer app open?', StatusWord.CLA_NOT_SUPPORTED);
    this.name = 'ClaNotSupportedError';
  }
}

export class DeviceInternalError extends SparkDeviceError {
  constructor() {
    super('INTERNAL', 'internal error on the device', StatusWord.INTERNAL);
    this.name = 'DeviceInternalError';
  }
}

/**
 * A transfer key split or a refund does not fit the transfer the user approved (0x6a87): another
 * receiver, a leaf not in it or already used, another value or timelock, an extra output. The
 * device computed nothing and the approved transfer is unchanged.
 */
export class IntentMismatchError extends SparkDeviceError {
  constructor() {
    super('INTENT_MISMATCH', 'the request does not fit the transfer approved on the device (receiver, leaves, values or timelocks)', StatusWord.INTENT_MISMATCH);
    this.name = 'IntentMismatchError';
  }
}

/** FROST_SIGN_TX: the transaction is outside what the device parses and classifies (0x6a88); nothing was consumed. */
export class TxUnsupportedError extends SparkDeviceError {
  constructor() {
    super('TX_UNSUPPORTED', 'the device cannot classify this transaction (shape, counts, or a prevout that is not the package key\'s taproot output)', StatusWord.TX_UNSUPPORTED);
    this.name = 'TxUnsupportedError';
  }
}

/** A status word the protocol does not define (e.g. from the OS or another app). */
export class UnknownStatusError extends SparkDeviceError {
  constructor(sw: number) {
    super('UNKNOWN_STATUS', `the device returned status ${hexSw(sw)}, which the Spark Signer protocol does not define`, sw);
    this.name = 'UnknownStatusError';
  }
}

/** The error class for a non-OK status word. */
export function errorForStatus(sw: number): SparkDeviceError {
  switch (statusName(sw)) {
    case 'DENIED':
      return new UserRejectedError();
    case 'BLIND_SIGNING_DISABLED':
      return new BlindSigningDisabledError();
    case 'PATH_REFUSED':
      return new PathRefusedError();
    case 'NONCE_UNKNOWN':
      return new NonceUnknownError();
    case 'NONCE_MISMATCH':
      return new NonceMismatchError();
    case 'CHUNK_SEQUENCE':
      return new ChunkSequenceError();
    case 'BAD_DATA':
      return new BadDataError();
    case 'BAD_P1_P2':
      return new BadP1P2Error();
    case 'WRONG_LENGTH':
      return new WrongLengthError();
    case 'INS_NOT_SUPPORTED':
      return new InsNotSupportedError();
    case 'CLA_NOT_SUPPORTED':
      return new ClaNotSupportedError();
    case 'INTERNAL':
      return new DeviceInternalError();
    case 'INTENT_MISMATCH':
      return new IntentMismatchError();
    case 'TX_UNSUPPORTED':
      return new TxUnsupportedError();
    case 'OK':
    case undefined:
      return new UnknownStatusError(sw);
  }
}

export function invalidArgument(message: string): SparkDeviceError {
  return new SparkDeviceError('INVALID_ARGUMENT', message);
}

export function malformedResponse(message: string): SparkDeviceError {
  return new SparkDeviceError('MALFORMED_RESPONSE', message);
}

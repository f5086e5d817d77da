/**
 * Typed errors of the Spark crypto core. Every rejection of bad input goes through
 * SparkCryptoError so callers (the operator network, the device client) can branch on `code`
 * and, where a protocol participant is at fault, on `culprit` (its 64-hex identifier).
 */

export type SparkCryptoErrorCode =
  /** A byte string has the wrong length. */
  | 'INVALID_LENGTH'
  /** A hex string is malformed (odd length or non-hex characters). */
  | 'INVALID_HEX'
  /** Bytes that should encode a curve point do not (off the curve, bad prefix, infinity). */
  | 'INVALID_POINT'
  /** A scalar is zero where that is forbidden, or not below the group order. */
  | 'INVALID_SCALAR'
  /** A participant identifier is malformed, zero or out of range. */
  | 'INVALID_IDENTIFIER'
  /** The same participant appears twice. */
  | 'DUPLICATE_PARTICIPANT'
  /** A participant that must be present is absent (e.g. a commitment without a share). */
  | 'MISSING_PARTICIPANT'
  /** A participant appears that is not part of the protocol run. */
  | 'UNKNOWN_PARTICIPANT'
  /** Threshold / participant counts are inconsistent (t < 1, t > n, too few shares). */
  | 'INVALID_THRESHOLD'
  /** A FROST signature share does not verify; `culprit` names its signer. */
  | 'INVALID_SIGNATURE_SHARE'
  /** The aggregated signature does not verify against the tweaked key. */
  | 'INVALID_SIGNATURE'
  /** A secret share does not match its Feldman/VSS commitments; `culprit` names the sender. */
  | 'INVALID_SHARE'
  /** A DKG proof of knowledge does not verify; `culprit` names the sender. */
  | 'INVALID_PROOF'
  /** A commitment list is malformed (wrong count, wrong owner) or inconsistent. */
  | 'INVALID_COMMITMENT'
  /** The signer's own commitment is not in the commitment list or does not match its nonce. */
  | 'NONCE_MISMATCH'
  /** A key package is inconsistent (secret does not match public key). */
  | 'INVALID_KEY_PACKAGE'
  /** ECIES ciphertext is malformed or fails authentication. */
  | 'DECRYPTION_FAILED'
  /** A key-derivation input (account, index, leaf id, path) is invalid. */
  | 'INVALID_DERIVATION';

export class SparkCryptoError extends Error {
  override readonly name = 'SparkCryptoError';
  readonly code: SparkCryptoErrorCode;
  /** The identifier (64 hex) of the protocol participant whose input was bad, if known. */
  readonly culprit: string | undefined;

  constructor(code: SparkCryptoErrorCode, message: string, culprit?: string) {
    super(`${code}: ${message}${culprit === undefined ? '' : ` (participant ${culprit})`}`);
    this.code = code;
    this.culprit = culprit;
  }
}

/** True if `e` is a SparkCryptoError, optionally with the given code. */
export function isSparkCryptoError(e: unknown, code?: SparkCryptoErrorCode): e is SparkCryptoError {
  return e instanceof SparkCryptoError && (code === undefined || e.code === code);
}

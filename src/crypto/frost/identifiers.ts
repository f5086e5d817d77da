/**
 * FROST participant identifiers. Spark operators are the scalars 1..n written as 64 hex chars
 * (big-endian); the user is hid("user") (buildonspark/spark signer/spark-frost signing.rs).
 */
import { CURVE_ORDER, bytesToHex, scalarToBytes } from '../bytes.js';
import { SparkCryptoError } from '../errors.js';
import { hid } from './hash.js';

/** The 64-hex identifier of the operator with 1-based index `index`. */
export function operatorIdentifier(index: number): string {
  if (!Number.isSafeInteger(index) || index < 1) {
    throw new SparkCryptoError('INVALID_IDENTIFIER', `operator index must be a positive integer, got ${String(index)}`);
  }
  return BigInt(index).toString(16).padStart(64, '0');
}

const ID_RE = /^[0-9a-fA-F]{64}$/;

/** Parses a 64-hex identifier into its non-zero scalar. */
export function identifierToScalar(id: string): bigint {
  if (typeof id !== 'string' || !ID_RE.test(id)) {
    throw new SparkCryptoError('INVALID_IDENTIFIER', `identifier must be 64 hex chars, got ${JSON.stringify(String(id)).slice(0, 80)}`);
  }
  const k = BigInt('0x' + id);
  if (k === 0n || k >= CURVE_ORDER) {
    throw new SparkCryptoError('INVALID_IDENTIFIER', `identifier ${id} is zero or not below the group order`);
  }
  return k;
}

export function scalarToIdentifier(k: bigint): string {
  return bytesToHex(scalarToBytes(k));
}

/** The user's identifier scalar: hid("user"). */
export const USER_IDENTIFIER_SCALAR: bigint = hid(new TextEncoder().encode('user'));
/** The user's identifier as 64 hex. */
export const USER_IDENTIFIER: string = scalarToIdentifier(USER_IDENTIFIER_SCALAR);

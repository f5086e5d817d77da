/**
 * Byte, scalar and point codecs with validation. Everything that crosses the library boundary
 * is checked here, so the protocol code below can assume well-formed values.
 */
import { invert, mod } from '@noble/curves/abstract/modular.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { SparkCryptoError } from './errors.js';
import { baseMulSecret, decompress } from './ec/index.js';
import { CURVE_ORDER, G, Point } from './ec/point.js';

export { CURVE_ORDER, G, Point };

export function modN(x: bigint): bigint {
  return mod(x, CURVE_ORDER);
}

export function invN(x: bigint): bigint {
  if (modN(x) === 0n) throw new SparkCryptoError('INVALID_SCALAR', 'cannot invert zero');
  return invert(x, CURVE_ORDER);
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

export function hexToBytes(hex: string, what = 'hex string'): Uint8Array {
  if (typeof hex !== 'string' || !HEX_RE.test(hex)) {
    throw new SparkCryptoError('INVALID_HEX', `${what} is not an even-length hex string`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export function assertBytes(value: unknown, length: number | undefined, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new SparkCryptoError('INVALID_LENGTH', `${what} must be a Uint8Array`);
  }
  if (length !== undefined && value.length !== length) {
    throw new SparkCryptoError('INVALID_LENGTH', `${what} must be ${length} bytes, got ${value.length}`);
  }
  return value;
}

/** Overwrites secret bytes in place. (bigints cannot be wiped in JS; we keep them short-lived.) */
export function wipe(...arrays: (Uint8Array | undefined)[]): void {
  for (const a of arrays) a?.fill(0);
}

/** Parses a 32-byte big-endian scalar in [1, n-1] (or [0, n-1] with allowZero). */
export function scalarFromBytes(bytes: Uint8Array, what: string, allowZero = false): bigint {
  assertBytes(bytes, 32, what);
  const k = bytesToNumberBE(bytes);
  if (k >= CURVE_ORDER) throw new SparkCryptoError('INVALID_SCALAR', `${what} is not below the group order`);
  if (k === 0n && !allowZero) throw new SparkCryptoError('INVALID_SCALAR', `${what} is zero`);
  return k;
}

export function scalarToBytes(k: bigint): Uint8Array {
  return numberToBytesBE(modN(k), 32);
}

/** Big-endian integer of arbitrary bytes (no range check). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytesToNumberBE(bytes);
}

/** Parses a 33-byte compressed secp256k1 point; rejects off-curve encodings and infinity. */
export function pointFromBytes(bytes: Uint8Array, what: string): Point {
  assertBytes(bytes, 33, what);
  const prefix = bytes[0];
  if (prefix !== 0x02 && prefix !== 0x03) {
    throw new SparkCryptoError('INVALID_POINT', `${what} is not a compressed point (prefix ${String(prefix)})`);
  }
  const p = decompress(bytes);
  if (p === undefined) throw new SparkCryptoError('INVALID_POINT', `${what} is not a point on secp256k1`);
  return p;
}

/**
 * k·G for a SECRET scalar k: the curve backend's constant-time base multiplication for k in
 * [1, n−1]; anything else goes to noble's G.multiply, which rejects it.
 */
export function secretBaseMul(k: bigint): Point {
  if (k <= 0n || k >= CURVE_ORDER) return G.multiply(k);
  return baseMulSecret(k);
}

/** 33-byte compressed encoding; the point at infinity has none. */
export function pointToBytes(p: Point, what = 'point'): Uint8Array {
  if (p.is0()) throw new SparkCryptoError('INVALID_POINT', `${what} is the point at infinity`);
  return p.toBytes(true);
}

export function hasEvenY(p: Point): boolean {
  return p.toAffine().y % 2n === 0n;
}

/** The 32-byte x coordinate (BIP340 x-only key). */
export function xOnly(p: Point): Uint8Array {
  return numberToBytesBE(p.toAffine().x, 32);
}

/** Public key (33 bytes compressed) of a 32-byte secret key. */
export function publicKeyOf(secretKey: Uint8Array, what = 'secret key'): Uint8Array {
  return secretBaseMul(scalarFromBytes(secretKey, what)).toBytes(true);
}

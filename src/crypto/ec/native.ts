/**
 * secp256k1 through libsecp256k1 compiled to WebAssembly (tiny-secp256k1 2.x, bitcoinjs), which
 * is several times faster than JS bigint arithmetic for the same operation (measured from Node:
 * decompression ≈3×, a variable-base multiplication ≈3×, a base multiplication ≈2.5× faster than
 * noble's constant-time one).
 *
 * Points cross the boundary as 65-byte uncompressed encodings (04 || x || y), which
 * libsecp256k1 parses with an on-curve check but without a square root.
 *
 * Timing, per routine (libsecp256k1's own guarantees):
 *  - `baseMulSecret` → secp256k1_ec_pubkey_create (ecmult_gen): constant-time; used for secret
 *    scalars (nonces, secret shares). The scalar bytes are copied into the WASM memory and wiped
 *    there by tiny-secp256k1 after the call.
 *  - `mulPublic`, `addBaseMulPublic` (ec_pubkey_tweak_mul / tweak_add → ecmult), `add`,
 *    `verifyBip340`: variable-time; public data only (commitments, binding factors, challenges,
 *    public keys, shares being checked).
 */
import * as ecc from 'tiny-secp256k1';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import type { Affine } from './jacobian.js';

/** A finite point as 65 bytes, 04 || x || y. */
export type Uncompressed = Uint8Array;

/**
 * Uncompressed form of a 33-byte compressed encoding (02/03 prefix only); undefined if it is not
 * a point on the curve (x ≥ p, x³ + 7 not a square, wrong prefix or length).
 */
export function decompressNative(bytes: Uint8Array): Uncompressed | undefined {
  if (bytes.length !== 33 || (bytes[0] !== 2 && bytes[0] !== 3)) return undefined;
  try {
    // libsecp256k1's parser does the curve check (x < p, x³ + 7 a square) and throws if it fails.
    return ecc.pointCompress(bytes, false);
  } catch {
    return undefined;
  }
}

export function affineOf(u: Uncompressed): Affine {
  return { x: bytesToNumberBE(u.subarray(1, 33)), y: bytesToNumberBE(u.subarray(33, 65)) };
}

export function uncompressedOf(a: Affine): Uncompressed {
  const out = new Uint8Array(65);
  out[0] = 4;
  out.set(numberToBytesBE(a.x, 32), 1);
  out.set(numberToBytesBE(a.y, 32), 33);
  return out;
}

/** −P (y ↦ p − y), computed on the bytes' integer form. */
export function negateNative(u: Uncompressed): Uncompressed {
  return uncompressedOf(negAffine(affineOf(u)));
}

const FIELD_P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
function negAffine(a: Affine): Affine {
  return { x: a.x, y: a.y === 0n ? 0n : FIELD_P - a.y };
}

/** True if the uncompressed point has an even y. */
export function isEvenNative(u: Uncompressed): boolean {
  return ((u[64] as number) & 1) === 0;
}

/** P + Q; null is the point at infinity (on either side and as the result). */
export function add(p: Uncompressed | null, q: Uncompressed | null): Uncompressed | null {
  if (p === null) return q;
  if (q === null) return p;
  return ecc.pointAdd(p, q, false);
}

/** k·P for a public scalar k given as 32 big-endian bytes (k = 0 gives infinity). */
export function mulPublic(p: Uncompressed, k: Uint8Array): Uncompressed | null {
  if (k.every((b) => b === 0)) return null;
  return ecc.pointMultiply(p, k, false);
}

/** P + k·G for a public scalar k < n given as 32 bytes (one variable-time ecmult). */
export function addBaseMulPublic(p: Uncompressed, k: Uint8Array): Uncompressed | null {
  return ecc.pointAddScalar(p, k, false);
}

/** k·G for a SECRET scalar in [1, n−1] (32 bytes, range-checked by the caller): constant-time. */
export function baseMulSecret(k: Uint8Array): Uncompressed {
  const out = ecc.pointFromScalar(k, false);
  if (out === null) throw new Error('pointFromScalar rejected an in-range scalar');
  return out;
}

/** BIP340 verification of a 64-byte signature on a 32-byte message under a 32-byte x-only key. */
export function verifyBip340(message32: Uint8Array, xOnlyKey: Uint8Array, signature: Uint8Array): boolean {
  return ecc.verifySchnorr(message32, xOnlyKey, signature);
}

/**
 * What the crypto core needs from a secp256k1 implementation. Two implement it: libsecp256k1
 * through its Node addon (ec/native.ts) and pure JS on @noble/curves (ec/noble.ts); ec/index.ts
 * picks one at load.
 *
 * Timing contract: `baseMulSecret` and `mulSecret` are the only routines that may see a secret
 * scalar and must be constant-time; every other routine is for public data (commitments, binding
 * factors, challenges, public keys, signature shares and signatures being checked) and may be
 * variable-time.
 */
import type { Point } from './point.js';

export type EcBackendName = 'native' | 'js';

export interface EcBackend {
  readonly name: EcBackendName;
  /** The point of a 33-byte compressed encoding (02/03 prefix); undefined if it is not one on the curve. */
  decompress(bytes: Uint8Array): Point | undefined;
  /** k·G for a SECRET scalar k in [1, n−1] (range-checked by the caller): constant-time. */
  baseMulSecret(k: bigint): Point;
  /** k·P for a SECRET scalar k in [1, n−1] (range-checked by the caller) and a finite P: constant-time (ECDH). */
  mulSecret(p: Point, k: bigint): Point;
  /** k·P for a public scalar k in [0, n−1]. */
  mulPublic(p: Point, k: bigint): Point;
  /** P + k·G for a public scalar k in [0, n−1]. */
  addBaseMulPublic(p: Point, k: bigint): Point;
  /** Σ points (any of them may be infinity). */
  sum(points: readonly Point[]): Point;
  /**
   * Whether a 64-byte compact ECDSA signature (r ‖ s) over a 32-byte digest, used as given (no
   * further hash), is the finite key P's; a high s (above n/2) does not verify.
   */
  verifyEcdsa(signature: Uint8Array, digest: Uint8Array, p: Point): boolean;
}

/**
 * secp256k1 through libsecp256k1 itself, via the `secp256k1` npm package's N-API addon (its
 * prebuilt binaries ship inside the package: linux-x64 glibc/musl, darwin-arm64, win32-x64).
 *
 * Why native: a variable-base multiplication and a decompression are much cheaper here
 * than in libsecp256k1-as-WASM (tiny-secp256k1 2.x) and far cheaper than in our JS bigint code
 * (ec/msm.ts). tiny-secp256k1 alone did not keep signing and aggregation level with the SDK's
 * WASM: its API has no multi-scalar sum, while the SDK computes the group commitment as one
 * (frost-core's variable-time multiscalar multiplication). scripts/bench-crypto.ts measures the
 * ratios against the SDK in the same run.
 *
 * We load the addon's `bindings` entry directly, NOT the package's main entry, because the main
 * entry silently falls back to a pure-JS implementation (elliptic) when the binary does not
 * load; here a missing binary is a loud error at import.
 *
 * Points cross the boundary as 65-byte uncompressed encodings (04 || x || y), which
 * libsecp256k1 parses with an on-curve check but without a square root.
 *
 * Timing, per routine (libsecp256k1's own guarantees):
 *  - `baseMulSecret` → secp256k1_ec_pubkey_create (ecmult_gen): constant-time; used for secret
 *    scalars (nonces, secret shares).
 *  - `mulPublic` / `addBaseMulPublic` (ec_pubkey_tweak_mul / tweak_add → ecmult) and `sum`
 *    (ec_pubkey_combine): variable-time; public data only (commitments, binding factors,
 *    challenges, public keys, signature shares being checked).
 */
import { createRequire } from 'node:module';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import type { Affine } from './jacobian.js';

interface Secp256k1Addon {
  publicKeyConvert(pubkey: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyCreate(seckey: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyTweakMul(pubkey: Uint8Array, tweak: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyTweakAdd(pubkey: Uint8Array, tweak: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyCombine(pubkeys: Uint8Array[], compressed?: boolean): Uint8Array;
}

function loadAddon(): Secp256k1Addon {
  const require = createRequire(import.meta.url);
  try {
    return require('secp256k1/bindings.js') as Secp256k1Addon;
  } catch (e) {
    throw new Error(
      `libsecp256k1 native addon (npm "secp256k1") did not load on ${process.platform}-${process.arch}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}

const lib: Secp256k1Addon = loadAddon();

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
    return lib.publicKeyConvert(bytes, false);
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

const FIELD_P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;

/** −P (y ↦ p − y). */
export function negateNative(u: Uncompressed): Uncompressed {
  const a = affineOf(u);
  return uncompressedOf({ x: a.x, y: a.y === 0n ? 0n : FIELD_P - a.y });
}

/**
 * Σ points in one call (one inversion at the end); null entries are the point at infinity and
 * so is a null result. Partial sums may be infinity; libsecp256k1 handles that.
 */
export function sum(points: readonly (Uncompressed | null)[]): Uncompressed | null {
  const finite = points.filter((p): p is Uncompressed => p !== null);
  if (finite.length === 0) return null;
  if (finite.length === 1) return finite[0] as Uncompressed;
  try {
    return lib.publicKeyCombine(finite, false);
  } catch {
    // ec_pubkey_combine fails only when the sum is the point at infinity (inputs are valid).
    return null;
  }
}

const isZero = (k: Uint8Array): boolean => k.every((b) => b === 0);

/** k·P for a public scalar 0 ≤ k < n given as 32 big-endian bytes (k = 0 gives infinity). */
export function mulPublic(p: Uncompressed, k: Uint8Array): Uncompressed | null {
  if (isZero(k)) return null;
  return lib.publicKeyTweakMul(p, k, false);
}

/** P + k·G for a public scalar 0 ≤ k < n given as 32 bytes; null if the result is infinity. */
export function addBaseMulPublic(p: Uncompressed, k: Uint8Array): Uncompressed | null {
  if (isZero(k)) return p;
  try {
    return lib.publicKeyTweakAdd(p, k, false);
  } catch {
    // ec_pubkey_tweak_add fails only when P + k·G is the point at infinity (k < n is checked by the caller).
    return null;
  }
}

/** k·G for a SECRET scalar in [1, n−1] (32 bytes, range-checked by the caller): constant-time. */
export function baseMulSecret(k: Uint8Array): Uncompressed {
  return lib.publicKeyCreate(k, false);
}

const CURVE_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/**
 * BIP340 verification of a 64-byte signature on a message under a 32-byte x-only key (public
 * data: variable-time). R' = s·G − e·P must be finite, have even y and x = r (BIP340 "Verification").
 */
export function verifyBip340(message: Uint8Array, xOnlyKey: Uint8Array, signature: Uint8Array): boolean {
  if (xOnlyKey.length !== 32 || signature.length !== 64) return false;
  const P = decompressNative(Uint8Array.of(2, ...xOnlyKey));
  if (P === undefined) return false;
  const rBytes = signature.subarray(0, 32);
  const sBytes = signature.subarray(32, 64);
  if (bytesToNumberBE(rBytes) >= FIELD_P || bytesToNumberBE(sBytes) >= CURVE_N) return false;
  const e = bytesToNumberBE(schnorr.utils.taggedHash('BIP0340/challenge', rBytes, xOnlyKey, message)) % CURVE_N;
  const minusEP = e === 0n ? null : mulPublic(P, numberToBytesBE(CURVE_N - e, 32));
  const sIsZero = isZero(sBytes);
  let R: Uncompressed | null;
  if (minusEP === null) R = sIsZero ? null : baseMulSecret(sBytes);
  else R = sIsZero ? minusEP : addBaseMulPublic(minusEP, sBytes);
  if (R === null || ((R[64] as number) & 1) !== 0) return false;
  for (let i = 0; i < 32; i++) if (R[i + 1] !== rBytes[i]) return false;
  return true;
}

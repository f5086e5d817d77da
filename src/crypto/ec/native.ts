/**
 * The libsecp256k1 curve backend, via the `secp256k1` npm package's N-API addon (its prebuilt
 * binaries ship inside the package: linux-x64 glibc/musl, darwin-arm64, win32-x64).
 *
 * Why native: a variable-base multiplication and a decompression are much cheaper here than in
 * libsecp256k1-as-WASM (tiny-secp256k1 2.x) and far cheaper than in JS bigint code (noble, the
 * fallback). scripts/bench-crypto.ts measures both backends against the SDK's WASM in the same run.
 *
 * We load the addon's `bindings` entry directly, NOT the package's main entry, because the main
 * entry silently falls back to elliptic when the binary does not load; the fallback here is our
 * own (ec/noble.ts), chosen visibly by ec/index.ts. Node's module loader is reached through
 * `process.getBuiltinModule` (Node ≥ 20.16, hence package.json's engines), so this file has no
 * static `node:` import and a browser bundle of the core loads it harmlessly.
 *
 * Points cross the boundary as 65-byte uncompressed encodings (04 || x || y), which
 * libsecp256k1 parses with an on-curve check but without a square root; the encoding of a point
 * the addon returned is remembered, so handing it back costs nothing.
 *
 * Timing, per routine (libsecp256k1's own guarantees):
 *  - `baseMulSecret` → secp256k1_ec_pubkey_create (ecmult_gen): constant-time.
 *  - `mulSecret` → secp256k1_ecdh (ecmult_const): constant-time. Its hash callback here returns
 *    the shared point itself (04 ‖ x ‖ y), which ECIES hashes its own way (ecies.ts).
 *  - `mulPublic` / `addBaseMulPublic` (ec_pubkey_tweak_mul / tweak_add → ecmult), `sum`
 *    (ec_pubkey_combine) and `verifyEcdsa` (ecdsa_verify): variable-time; public data only.
 */
import { numberToBytesBE } from '@noble/curves/utils.js';
import type { EcBackend } from './backend.js';
import { Point } from './point.js';

interface Secp256k1Addon {
  publicKeyConvert(pubkey: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyCreate(seckey: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyTweakMul(pubkey: Uint8Array, tweak: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyTweakAdd(pubkey: Uint8Array, tweak: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyCombine(pubkeys: Uint8Array[], compressed?: boolean): Uint8Array;
  ecdh(pubkey: Uint8Array, seckey: Uint8Array, options: { hashfn: (x: Uint8Array, y: Uint8Array) => Uint8Array }, output: Uint8Array): Uint8Array;
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pubkey: Uint8Array): boolean;
}

interface NodeProcess {
  platform?: string;
  arch?: string;
  getBuiltinModule?: (id: string) => unknown;
}

/** The addon, or why it is not available here. */
function loadAddon(): Secp256k1Addon | Error {
  const proc = (globalThis as { process?: NodeProcess }).process;
  const where = `${proc?.platform ?? 'this platform'}-${proc?.arch ?? ''}`;
  if (typeof proc?.getBuiltinModule !== 'function') return new Error(`no Node module loader on ${where}`);
  try {
    const { createRequire } = proc.getBuiltinModule('node:module') as typeof import('node:module');
    return createRequire(import.meta.url)('secp256k1/bindings.js') as Secp256k1Addon;
  } catch (e) {
    return new Error(`libsecp256k1 addon (npm "secp256k1") did not load on ${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** 65-byte encodings of points, remembered for points that came out of the addon. */
const encodings = new WeakMap<Point, Uint8Array>();

// Coordinates cross the boundary on every call, so they are moved 64 bits at a time rather than
// through noble's hex-string codecs (several times slower). Validity needs no check here:
// libsecp256k1 parses every 65-byte input with its on-curve check.
const M64 = (1n << 64n) - 1n;

function read256(u: Uint8Array, off: number): bigint {
  const v = new DataView(u.buffer, u.byteOffset + off, 32);
  return (v.getBigUint64(0) << 192n) | (v.getBigUint64(8) << 128n) | (v.getBigUint64(16) << 64n) | v.getBigUint64(24);
}

function write256(out: Uint8Array, off: number, x: bigint): void {
  const v = new DataView(out.buffer, out.byteOffset + off, 32);
  v.setBigUint64(0, x >> 192n);
  v.setBigUint64(8, (x >> 128n) & M64);
  v.setBigUint64(16, (x >> 64n) & M64);
  v.setBigUint64(24, x & M64);
}

function fromUncompressed(u: Uint8Array): Point {
  const p = Point.fromAffine({ x: read256(u, 1), y: read256(u, 33) });
  encodings.set(p, u);
  return p;
}

/** The 65-byte encoding of a finite point. */
function uncompressed(p: Point): Uint8Array {
  let u = encodings.get(p);
  if (u === undefined) {
    const a = p.toAffine();
    u = new Uint8Array(65);
    u[0] = 4;
    write256(u, 1, a.x);
    write256(u, 33, a.y);
    encodings.set(p, u);
  }
  return u;
}

function nativeBackend(lib: Secp256k1Addon): EcBackend {
  return {
    name: 'native',
    decompress(bytes) {
      if (bytes.length !== 33 || (bytes[0] !== 2 && bytes[0] !== 3)) return undefined;
      try {
        // libsecp256k1's parser does the curve check (x < p, x³ + 7 a square) and throws if it fails.
        return fromUncompressed(lib.publicKeyConvert(bytes, false));
      } catch {
        return undefined;
      }
    },
    baseMulSecret(k) {
      const kb = numberToBytesBE(k, 32);
      try {
        return fromUncompressed(lib.publicKeyCreate(kb, false));
      } finally {
        kb.fill(0);
      }
    },
    mulSecret(p, k) {
      const kb = numberToBytesBE(k, 32);
      try {
        return fromUncompressed(lib.ecdh(uncompressed(p), kb, { hashfn: sharedPoint }, new Uint8Array(65)));
      } finally {
        kb.fill(0);
      }
    },
    mulPublic(p, k) {
      if (k === 0n || p.is0()) return Point.ZERO;
      return fromUncompressed(lib.publicKeyTweakMul(uncompressed(p), numberToBytesBE(k, 32), false));
    },
    addBaseMulPublic(p, k) {
      if (k === 0n) return p;
      // tweak_add needs a finite P; k·G alone is a public base multiplication (constant-time is harmless).
      if (p.is0()) return fromUncompressed(lib.publicKeyCreate(numberToBytesBE(k, 32), false));
      try {
        return fromUncompressed(lib.publicKeyTweakAdd(uncompressed(p), numberToBytesBE(k, 32), false));
      } catch {
        // ec_pubkey_tweak_add fails only when P + k·G is the point at infinity (k < n is the caller's).
        return Point.ZERO;
      }
    },
    sum(points) {
      const finite = points.filter((p) => !p.is0());
      if (finite.length === 0) return Point.ZERO;
      if (finite.length === 1) return finite[0] as Point;
      try {
        return fromUncompressed(lib.publicKeyCombine(finite.map(uncompressed), false));
      } catch {
        // ec_pubkey_combine fails only when the sum is the point at infinity (inputs are valid).
        return Point.ZERO;
      }
    },
    verifyEcdsa(signature, digest, p) {
      if (signature.length !== 64 || digest.length !== 32 || p.is0()) return false;
      try {
        return lib.ecdsaVerify(signature, digest, uncompressed(p));
      } catch {
        // A signature whose r or s is not below n does not parse.
        return false;
      }
    },
  };
}

/** secp256k1_ecdh's hash step, returning the shared point uncompressed (04 ‖ x ‖ y). */
function sharedPoint(x: Uint8Array, y: Uint8Array): Uint8Array {
  const out = new Uint8Array(65);
  out[0] = 4;
  out.set(x, 1);
  out.set(y, 33);
  return out;
}

/** The libsecp256k1 backend, or the reason it cannot load here. */
export function loadNativeBackend(): EcBackend | Error {
  const lib = loadAddon();
  return lib instanceof Error ? lib : nativeBackend(lib);
}

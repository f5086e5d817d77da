/**
 * The pure-JS curve backend, on @noble/curves: used where the libsecp256k1 addon does not load
 * (browsers, platforms without a prebuilt binary) and when forced (SPARK_CRYPTO_BACKEND=js).
 * Secret scalars go only through noble's constant-time `multiply`; its variable-time
 * `multiplyUnsafe` only ever sees public scalars. ECDSA verification is noble's.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { EcBackend } from './backend.js';
import { G, Point } from './point.js';

export const nobleBackend: EcBackend = {
  name: 'js',
  decompress(bytes) {
    if (bytes.length !== 33 || (bytes[0] !== 2 && bytes[0] !== 3)) return undefined;
    try {
      // fromBytes checks x < p and that x³ + 7 is a square.
      return Point.fromBytes(bytes);
    } catch {
      return undefined;
    }
  },
  baseMulSecret: (k) => G.multiply(k),
  mulSecret: (p, k) => p.multiply(k),
  mulPublic: (p, k) => p.multiplyUnsafe(k),
  addBaseMulPublic: (p, k) => p.add(G.multiplyUnsafe(k)),
  sum: (points) => points.reduce((acc, p) => acc.add(p), Point.ZERO),
  verifyEcdsa(signature, digest, p) {
    try {
      return secp256k1.verify(signature, digest, p.toBytes(true), { prehash: false, lowS: true, format: 'compact' });
    } catch {
      return false;
    }
  },
};

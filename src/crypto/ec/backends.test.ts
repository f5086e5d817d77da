/**
 * Both curve backends (libsecp256k1's addon and pure-JS noble) against noble's reference
 * arithmetic on seeded random inputs, and the backend choice itself.
 */
import { describe, expect, it } from 'vitest';
import { bytesToBigInt } from '../bytes.js';
import { SeededRandom } from '../testing/prng.js';
import type { EcBackend } from './backend.js';
import { curveBackend, nativeCurveBackendAvailable, useCurveBackend } from './index.js';
import { loadNativeBackend } from './native.js';
import { nobleBackend } from './noble.js';
import { CURVE_ORDER, G, Point } from './point.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

const native = loadNativeBackend();
const backends: EcBackend[] = native instanceof Error ? [nobleBackend] : [native, nobleBackend];

describe.each(backends)('curve backend $name (against noble reference arithmetic)', (ec) => {
  const rng = new SeededRandom(`ec-backend-${ec.name}-1`);
  const scalar = (): bigint => bytesToBigInt(rng.scalar());

  it('decompresses 200 points to the same point', () => {
    for (let i = 0; i < 200; i++) {
      const p = G.multiply(scalar());
      const got = ec.decompress(p.toBytes(true));
      expect(got?.equals(p)).toBe(true);
      expect(got?.toBytes(false)).toEqual(p.toBytes(false));
    }
  });

  it('rejects non-points: x not on the curve, x ≥ p, bad prefix, wrong length', () => {
    const x5 = new Uint8Array(33);
    x5[0] = 2;
    x5[32] = 5; // 5³ + 7 = 132 is not a square mod p
    expect(ec.decompress(x5)).toBeUndefined();
    const big = new Uint8Array(33).fill(0xff);
    big[0] = 3;
    expect(ec.decompress(big)).toBeUndefined();
    const g = G.toBytes(true);
    expect(ec.decompress(Uint8Array.of(4, ...g.subarray(1)))).toBeUndefined();
    expect(ec.decompress(G.toBytes(false))).toBeUndefined();
    expect(ec.decompress(g.subarray(0, 32))).toBeUndefined();
  });

  it('k·P, P + k·G, k·G and sums equal noble (150 cases), incl. zero scalars, infinity and cancelling sums', () => {
    for (let i = 0; i < 150; i++) {
      const p = G.multiply(scalar());
      const q = G.multiply(scalar());
      const k = i % 25 === 0 ? 0n : scalar();
      expect(ec.mulPublic(p, k).equals(k === 0n ? Point.ZERO : p.multiply(k))).toBe(true);
      expect(ec.mulPublic(Point.ZERO, k === 0n ? 1n : k).is0()).toBe(true);
      expect(ec.addBaseMulPublic(p, k).equals(k === 0n ? p : p.add(G.multiply(k)))).toBe(true);
      if (k !== 0n) {
        expect(ec.baseMulSecret(k).equals(G.multiply(k))).toBe(true);
        expect(ec.addBaseMulPublic(Point.ZERO, k).equals(G.multiply(k))).toBe(true);
        expect(ec.addBaseMulPublic(G.multiply(k).negate(), k).is0()).toBe(true);
      }
      expect(ec.sum([p, Point.ZERO, q]).equals(p.add(q))).toBe(true);
      expect(ec.sum([p, p.negate()]).is0()).toBe(true);
      expect(ec.sum([p, q, p.negate()]).equals(q)).toBe(true);
      expect(ec.sum([p, p]).equals(p.double())).toBe(true);
      // Results feed further operations: a backend's output is a valid input to either backend.
      const r = ec.mulPublic(p, 3n);
      expect(nobleBackend.sum([r, p]).equals(p.multiply(4n))).toBe(true);
    }
    expect(ec.sum([]).is0()).toBe(true);
  });

  it('k·P for a secret k (ECDH) equals noble\'s constant-time multiply (100 cases)', () => {
    for (let i = 0; i < 100; i++) {
      const p = G.multiply(scalar());
      const k = i === 0 ? 1n : i === 1 ? CURVE_ORDER - 1n : scalar();
      const got = ec.mulSecret(p, k);
      expect(got.equals(p.multiply(k))).toBe(true);
      expect(got.toBytes(false)).toEqual(p.multiply(k).toBytes(false));
    }
  });

  it('verifies ECDSA over a digest as noble does: valid, other key, other digest, high s, r or s out of range', () => {
    for (let i = 0; i < 40; i++) {
      const secret = rng.scalar();
      const digest = rng.scalar();
      const p = Point.fromBytes(secp256k1.getPublicKey(secret, true));
      const sig = secp256k1.sign(digest, secret, { prehash: false, lowS: true }).toBytes('compact');
      expect(ec.verifyEcdsa(sig, digest, p)).toBe(true);
      expect(ec.verifyEcdsa(sig, digest, p.add(G))).toBe(false);
      const other = Uint8Array.from(digest);
      other[0] = (other[0] as number) ^ 1;
      expect(ec.verifyEcdsa(sig, other, p)).toBe(false);
      // The same signature with s → n − s is valid ECDSA but not low-s: neither backend accepts it.
      const parsed = secp256k1.Signature.fromBytes(sig, 'compact');
      const high = new secp256k1.Signature(parsed.r, CURVE_ORDER - parsed.s).toBytes('compact');
      expect(ec.verifyEcdsa(high, digest, p)).toBe(false);
    }
    const secret = rng.scalar();
    const digest = rng.scalar();
    const p = Point.fromBytes(secp256k1.getPublicKey(secret, true));
    const sig = secp256k1.sign(digest, secret, { prehash: false, lowS: true }).toBytes('compact');
    expect(ec.verifyEcdsa(Uint8Array.from([...new Uint8Array(32).fill(0xff), ...sig.subarray(32)]), digest, p)).toBe(false);
    expect(ec.verifyEcdsa(Uint8Array.from([...sig.subarray(0, 32), ...new Uint8Array(32)]), digest, p)).toBe(false);
    expect(ec.verifyEcdsa(sig.subarray(0, 63), digest, p)).toBe(false);
  });
});

describe('curve backend choice', () => {
  it('uses the native addon when it loads, unless SPARK_CRYPTO_BACKEND forces one; switches on request', () => {
    const forced = process.env.SPARK_CRYPTO_BACKEND;
    const expected = forced === 'js' || forced === 'native' ? forced : nativeCurveBackendAvailable() ? 'native' : 'js';
    expect(curveBackend()).toBe(expected);
    try {
      useCurveBackend('js');
      expect(curveBackend()).toBe('js');
      if (nativeCurveBackendAvailable()) {
        useCurveBackend('native');
        expect(curveBackend()).toBe('native');
      } else {
        expect(() => useCurveBackend('native')).toThrow(/did not load|no Node module loader/);
      }
    } finally {
      useCurveBackend(expected);
    }
  });

  it('reports why the native backend is unavailable where Node\'s module loader is missing (as in a browser)', () => {
    const proc = process as { getBuiltinModule?: unknown };
    const saved = proc.getBuiltinModule;
    try {
      proc.getBuiltinModule = undefined;
      const got = loadNativeBackend();
      expect(got).toBeInstanceOf(Error);
      expect((got as Error).message).toMatch(/no Node module loader/);
    } finally {
      proc.getBuiltinModule = saved;
    }
  });
});

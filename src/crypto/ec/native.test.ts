/** The libsecp256k1 (native addon) primitives against noble, on seeded random inputs. */
import { schnorr } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { G, Point, bytesToBigInt, scalarToBytes } from '../bytes.js';
import { SeededRandom } from '../testing/prng.js';
import {
  addBaseMulPublic,
  affineOf,
  baseMulSecret,
  decompressNative,
  mulPublic,
  negateNative,
  sum,
  uncompressedOf,
  verifyBip340,
} from './native.js';
import type { Uncompressed } from './native.js';

const rng = new SeededRandom('ec-native-1');
const scalar = (): bigint => bytesToBigInt(rng.scalar());
const u = (p: typeof G): Uncompressed => p.toBytes(false);
const noble = (x: Uncompressed | null): typeof G => (x === null ? Point.ZERO : Point.fromHex(x));

describe('libsecp256k1 native primitives (against noble)', () => {
  it('decompression and the affine/uncompressed codecs agree with noble (200 points)', () => {
    for (let i = 0; i < 200; i++) {
      const p = G.multiply(scalar());
      const got = decompressNative(p.toBytes(true));
      expect(got).toEqual(u(p));
      expect(affineOf(got as Uncompressed)).toEqual(p.toAffine());
      expect(uncompressedOf(p.toAffine())).toEqual(u(p));
      expect(noble(negateNative(u(p))).equals(p.negate())).toBe(true);
    }
  });

  it('rejects non-points: x not on the curve, x ≥ p, bad prefix, wrong length', () => {
    const x5 = new Uint8Array(33);
    x5[0] = 2;
    x5[32] = 5; // 5³ + 7 = 132 is not a square mod p
    expect(decompressNative(x5)).toBeUndefined();
    const big = new Uint8Array(33).fill(0xff);
    big[0] = 3;
    expect(decompressNative(big)).toBeUndefined();
    const g = G.toBytes(true);
    expect(decompressNative(Uint8Array.of(4, ...g.subarray(1)))).toBeUndefined();
    expect(decompressNative(G.toBytes(false))).toBeUndefined();
    expect(decompressNative(g.subarray(0, 32))).toBeUndefined();
  });

  it('k·P, P + k·G, k·G and sums equal noble (150 cases), incl. zero scalars and cancelling sums', () => {
    for (let i = 0; i < 150; i++) {
      const p = G.multiply(scalar());
      const q = G.multiply(scalar());
      const k = i % 25 === 0 ? 0n : scalar();
      const kb = scalarToBytes(k);
      expect(noble(mulPublic(u(p), kb)).equals(k === 0n ? Point.ZERO : p.multiply(k))).toBe(true);
      expect(noble(addBaseMulPublic(u(p), kb)).equals(k === 0n ? p : p.add(G.multiply(k)))).toBe(true);
      if (k !== 0n) expect(noble(baseMulSecret(kb)).equals(G.multiply(k))).toBe(true);
      expect(noble(sum([u(p), null, u(q)])).equals(p.add(q))).toBe(true);
      expect(sum([u(p), u(p.negate())])).toBeNull();
      expect(noble(sum([u(p), u(q), u(p.negate())])).equals(q)).toBe(true);
      expect(noble(sum([u(p), u(p)])).equals(p.double())).toBe(true);
      expect(addBaseMulPublic(u(G.multiply(k === 0n ? 1n : k).negate()), scalarToBytes(k === 0n ? 1n : k))).toBeNull();
    }
    expect(sum([])).toBeNull();
  });

  it('BIP340 verification agrees with noble on valid, tampered and malformed signatures (200 cases)', () => {
    for (let i = 0; i < 200; i++) {
      const sk = rng.scalar();
      const pk = schnorr.getPublicKey(sk);
      const msg = rng.bytes(i % 5 === 0 ? 7 + (i % 40) : 32);
      const sig = schnorr.sign(msg, sk, rng.bytes(32));
      expect(verifyBip340(msg, pk, sig), `case ${i}`).toBe(true);
      const bad = sig.slice();
      const at = i % 64;
      bad[at] = (bad[at] as number) ^ (1 << i % 8);
      expect(verifyBip340(msg, pk, bad), `case ${i} tampered`).toBe(schnorr.verify(bad, msg, pk));
      const otherMsg = msg.slice();
      otherMsg[0] = (otherMsg[0] as number) ^ 1;
      expect(verifyBip340(otherMsg, pk, sig)).toBe(false);
    }
    const sk = rng.scalar();
    const pk = schnorr.getPublicKey(sk);
    const msg = rng.bytes(32);
    const sig = schnorr.sign(msg, sk, rng.bytes(32));
    const highS = sig.slice();
    highS.set(new Uint8Array(32).fill(0xff), 32); // s ≥ n
    expect(verifyBip340(msg, pk, highS)).toBe(false);
    const highR = Uint8Array.of(...new Uint8Array(32).fill(0xff), ...sig.subarray(32)); // r ≥ p
    expect(verifyBip340(msg, pk, highR)).toBe(false);
    expect(verifyBip340(msg, new Uint8Array(32).fill(0xff), sig)).toBe(false); // key x ≥ p
    expect(verifyBip340(msg, pk.subarray(0, 31), sig)).toBe(false);
  });
});

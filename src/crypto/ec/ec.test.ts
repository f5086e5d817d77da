/** The fast public-data EC code against noble's Points, on seeded random inputs. */
import { describe, expect, it } from 'vitest';
import { G, Point, bytesToBigInt, modN } from '../bytes.js';
import { SeededRandom } from '../testing/prng.js';
import { mulG } from './base.js';
import { fsqrt, P } from './field.js';
import { decompress, jadd, jaddAffine, jdouble, jequals, toAffine, toNoble, fromNoble } from './jacobian.js';
import { msm, wnaf } from './msm.js';

const rng = new SeededRandom('ec-unit-1');
const scalar = (): bigint => bytesToBigInt(rng.scalar());

describe('Jacobian secp256k1 arithmetic (against noble)', () => {
  it('k·G by the fixed-base table equals noble for 300 scalars and edge cases', () => {
    for (const k of [1n, 2n, 255n, 256n, modN(-1n), ...Array.from({ length: 300 }, scalar)]) {
      expect(toNoble(mulG(k)).equals(G.multiply(k)), `k=${k}`).toBe(true);
    }
  });

  it('multi-scalar sums equal noble for 1..6 points, 120 cases, including cancelling terms', () => {
    for (let i = 0; i < 120; i++) {
      const n = 1 + (i % 6);
      const pts = Array.from({ length: n }, () => G.multiply(scalar()));
      const ks = Array.from({ length: n }, scalar);
      if (i % 10 === 0 && n >= 2) {
        pts[1] = pts[0] as typeof G;
        ks[1] = modN(-(ks[0] as bigint));
      }
      let expected = Point.ZERO;
      pts.forEach((p, j) => (expected = expected.add(p.multiplyUnsafe(ks[j] as bigint))));
      const got = msm(pts.map((p) => p.toAffine()), ks);
      expect(toNoble(got).equals(expected), `case ${i}`).toBe(true);
    }
  });

  it('wNAF digits reconstruct the scalar and are odd and bounded', () => {
    for (let i = 0; i < 300; i++) {
      const k = scalar() >> BigInt(i % 130);
      const d = wnaf(k);
      let acc = 0n;
      for (let j = d.length - 1; j >= 0; j--) {
        const v = d[j] ?? 0;
        if (v !== 0) expect(Math.abs(v) % 2 === 1 && Math.abs(v) < 16).toBe(true);
        acc = acc * 2n + BigInt(v);
      }
      expect(acc).toBe(k);
    }
  });

  it('decompression, doubling, mixed and general addition agree with noble, incl. P+P and P−P', () => {
    for (let i = 0; i < 100; i++) {
      const a = G.multiply(scalar());
      const b = G.multiply(scalar());
      const dec = decompress(a.toBytes(true));
      expect(dec).toEqual(a.toAffine());
      const ja = fromNoble(a);
      const jb = jdouble(fromNoble(b));
      expect(toNoble(jadd(ja, jb)).equals(a.add(b.double()))).toBe(true);
      const bb = b.double().toAffine();
      expect(toNoble(jaddAffine(jdouble(ja), bb.x, bb.y)).equals(a.double().add(b.double()))).toBe(true);
      const aa = a.toAffine();
      expect(toNoble(jaddAffine(ja, aa.x, aa.y)).equals(a.double())).toBe(true);
      expect(toAffine(jaddAffine(ja, aa.x, P - aa.y))).toBeUndefined();
      expect(jequals(jadd(ja, jb), jadd(jb, ja))).toBe(true);
    }
  });

  it('rejects non-points: x not on the curve, x ≥ p, bad prefix', () => {
    // x = 5: 5³ + 7 = 132 is not a square mod p (so no point has x = 5).
    const x5 = new Uint8Array(33);
    x5[0] = 2;
    x5[32] = 5;
    expect(fsqrt(132n)).toBeUndefined();
    expect(decompress(x5)).toBeUndefined();
    const big = new Uint8Array(33).fill(0xff);
    big[0] = 3;
    expect(decompress(big)).toBeUndefined();
    const g = G.toBytes(true);
    expect(decompress(Uint8Array.of(4, ...g.subarray(1)))).toBeUndefined();
  });
});

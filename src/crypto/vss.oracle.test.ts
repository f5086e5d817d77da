/**
 * Feldman VSS against the SDK (splitSecretWithProofs / validateShare / recoverSecret), both
 * ways, on seeded random secrets and (t, n) from 2-of-2 to 5-of-7 (2-of-3 and 3-of-5 included).
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex } from './bytes.js';
import { SparkCryptoError } from './errors.js';
import { SeededRandom } from './testing/prng.js';
import { sdkRecoverSecret, sdkSplitSecretWithProofs, sdkValidateShare } from './testing/sdk-oracle.js';
import { recoverSecret, splitSecretWithProofs, validateShare } from './vss.js';
import type { VerifiableSecretShare } from './vss.js';

const SEED = process.env.SPARK_ORACLE_SEED ?? 'spark-vss-oracle-1';
const CASES = 1000;
const SHAPES: [number, number][] = [[2, 3], [3, 5], [2, 2], [3, 3], [2, 5], [4, 7], [5, 7]];

/** A random subset of `shares` of size between t and n, in random order. */
function subset(rng: SeededRandom, shares: VerifiableSecretShare[], t: number): VerifiableSecretShare[] {
  const pool = [...shares];
  const take = t + rng.int(shares.length - t + 1);
  const out: VerifiableSecretShare[] = [];
  while (out.length < take) out.push(...pool.splice(rng.int(pool.length), 1));
  return out;
}

describe('VSS against the SDK (oracle)', () => {
  it(`SDK split → our validate and recover; our split → SDK validate and recover (${CASES} secrets)`, { timeout: 240_000 }, async () => {
    const rng = new SeededRandom(SEED);
    for (let i = 0; i < CASES; i++) {
      const [t, n] = SHAPES[i % SHAPES.length] ?? [2, 3];
      const where = `seed=${SEED} case=${i} ${t}-of-${n}`;
      const secret = rng.scalar();
      const theirs = await sdkSplitSecretWithProofs(secret, t, n);
      for (const s of theirs) validateShare(s);
      expect(bytesToHex(recoverSecret(subset(rng, theirs, t))), where).toBe(bytesToHex(secret));
      const ours = splitSecretWithProofs(secret, t, n, rng.source());
      expect(ours.map((s) => s.index), where).toEqual(Array.from({ length: n }, (_, k) => k + 1));
      for (const s of ours) await sdkValidateShare(s);
      expect(bytesToHex(await sdkRecoverSecret(subset(rng, ours, t))), where).toBe(bytesToHex(secret));
      // A tampered share fails both validators.
      const victim = ours[rng.int(n)];
      if (victim === undefined) throw new Error('no share');
      const bad = { ...victim, share: victim.share.slice() };
      bad.share[31] = (bad.share[31] ?? 0) ^ 1;
      expect(() => validateShare(bad), where).toThrow(SparkCryptoError);
      await expect(sdkValidateShare(bad), where).rejects.toBeDefined();
      if (i % 25 === 24) await new Promise((resolve) => setImmediate(resolve));
    }
  });

  it('the proofs are the commitments G·a_j of the same polynomial in every share', () => {
    const rng = new SeededRandom(SEED + '/proofs');
    const shares = splitSecretWithProofs(rng.scalar(), 3, 5, rng.source());
    const first = shares[0]?.proofs.map(bytesToHex);
    for (const s of shares) expect(s.proofs.map(bytesToHex)).toEqual(first);
    expect(first).toHaveLength(3);
  });
});

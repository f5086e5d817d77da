/**
 * ECDSA verification against the SDK's own identity-key signatures (DefaultSparkSigner's
 * signMessageWithIdentityKey, DER and compact), on seeded wallets and digests; and what must not verify.
 */
import { DefaultSparkSigner } from '@buildonspark/spark-sdk';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { CURVE_ORDER, bytesToHex } from './bytes.js';
import { verifyEcdsaDigest } from './ecdsa.js';
import { SeededRandom } from './testing/prng.js';

const SEED = process.env.SPARK_ORACLE_SEED ?? 'spark-ecdsa-oracle-1';
const WALLETS = 10;
const DIGESTS = 10;

describe('ECDSA digest verification against the SDK signer (oracle)', () => {
  it(`verifies the SDK's DER and compact signatures (${WALLETS} wallets × ${DIGESTS} digests) and refuses altered ones`, { timeout: 120_000 }, async () => {
    const rng = new SeededRandom(SEED);
    for (let w = 0; w < WALLETS; w++) {
      const signer = new DefaultSparkSigner();
      await signer.createSparkWalletFromSeed(bytesToHex(rng.bytes(32)), 0);
      const key = await signer.getIdentityPublicKey();
      const otherKey = secp256k1.getPublicKey(rng.scalar(), true);
      for (let i = 0; i < DIGESTS; i++) {
        const where = `seed=${SEED} wallet=${w} digest=${i}`;
        const digest = rng.bytes(32);
        const der = await signer.signMessageWithIdentityKey(digest);
        const compact = await signer.signMessageWithIdentityKey(digest, true);
        expect(verifyEcdsaDigest(der, digest, key, 'der'), where).toBe(true);
        expect(verifyEcdsaDigest(compact, digest, key, 'compact'), where).toBe(true);
        expect(verifyEcdsaDigest(compact, digest, secp256k1.Point.fromBytes(key).toBytes(false), 'compact'), where).toBe(true);
        // Each form only as itself; another key; another digest.
        expect(verifyEcdsaDigest(der, digest, key, 'compact'), where).toBe(false);
        expect(verifyEcdsaDigest(compact, digest, key, 'der'), where).toBe(false);
        expect(verifyEcdsaDigest(compact, digest, otherKey, 'compact'), where).toBe(false);
        const flipped = Uint8Array.from(digest);
        flipped[31] = (flipped[31] as number) ^ 0x80;
        expect(verifyEcdsaDigest(der, flipped, key, 'der'), where).toBe(false);
        // The high-s twin of a valid signature is refused (as noble's verify does by default).
        const s = secp256k1.Signature.fromBytes(compact, 'compact');
        const high = new secp256k1.Signature(s.r, CURVE_ORDER - s.s);
        expect(verifyEcdsaDigest(high.toBytes('compact'), digest, key, 'compact'), where).toBe(false);
        expect(verifyEcdsaDigest(high.toBytes('der'), digest, key, 'der'), where).toBe(false);
      }
    }
  });

  it('refuses malformed input instead of throwing', () => {
    const digest = new Uint8Array(32).fill(7);
    const key = secp256k1.getPublicKey(new Uint8Array(32).fill(1), true);
    const sig = secp256k1.sign(digest, new Uint8Array(32).fill(1), { prehash: false }).toBytes('compact');
    expect(verifyEcdsaDigest(sig, digest, key, 'compact')).toBe(true);
    expect(verifyEcdsaDigest(sig.subarray(0, 63), digest, key, 'compact')).toBe(false);
    expect(verifyEcdsaDigest(Uint8Array.of(0x30, 0x02, 0x01), digest, key, 'der')).toBe(false);
    expect(verifyEcdsaDigest(sig, digest.subarray(0, 31), key, 'compact')).toBe(false);
    expect(verifyEcdsaDigest(sig, digest, key.subarray(0, 32), 'compact')).toBe(false);
    const offCurve = new Uint8Array(33);
    offCurve[0] = 2;
    offCurve[32] = 5;
    expect(verifyEcdsaDigest(sig, digest, offCurve, 'compact')).toBe(false);
  });
});

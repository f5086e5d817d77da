/** ECIES against the SDK's WASM encrypt/decrypt, both ways, on seeded random keys and messages. */
import { describe, expect, it } from 'vitest';
import { bytesToHex, publicKeyOf } from './bytes.js';
import { decryptEcies, ECIES_OVERHEAD, encryptEcies } from './ecies.js';
import { SparkCryptoError } from './errors.js';
import { SeededRandom } from './testing/prng.js';
import { sdkFrost } from './testing/sdk-oracle.js';

const SEED = process.env.SPARK_ORACLE_SEED ?? 'spark-ecies-oracle-1';
const CASES = 1000;
const frost = sdkFrost();

describe('ECIES against the SDK (oracle)', () => {
  it(`SDK encrypt → our decrypt, our encrypt → SDK decrypt (${CASES} cases, 0..96-byte messages)`, { timeout: 240_000 }, async () => {
    const rng = new SeededRandom(SEED);
    for (let i = 0; i < CASES; i++) {
      const where = `seed=${SEED} case=${i}`;
      const sk = rng.scalar();
      const pk = publicKeyOf(sk);
      // Spark encrypts 32-byte keys; other lengths check the framing.
      const msg = i % 2 === 0 ? rng.scalar() : rng.bytes(rng.int(97));
      const theirs = await frost.encryptEcies(msg, pk);
      expect(theirs.length, where).toBe(msg.length + ECIES_OVERHEAD);
      expect(bytesToHex(decryptEcies(theirs, sk)), where).toBe(bytesToHex(msg));
      const ours = encryptEcies(msg, pk, { ephemeralSecret: rng.scalar(), nonce: rng.bytes(16) });
      expect(ours.length, where).toBe(msg.length + ECIES_OVERHEAD);
      expect(bytesToHex(await frost.decryptEcies(ours, sk)), where).toBe(bytesToHex(msg));
      if (i % 25 === 24) await new Promise((resolve) => setImmediate(resolve));
    }
  });

  it('rejects a tampered ciphertext, a wrong key and a truncated header with DECRYPTION_FAILED', () => {
    const rng = new SeededRandom(SEED + '/neg');
    const sk = rng.scalar();
    const ct = encryptEcies(rng.scalar(), publicKeyOf(sk));
    for (const pos of [0, 1, 70, 90, ct.length - 1]) {
      const bad = ct.slice();
      bad[pos] = (bad[pos] ?? 0) ^ 0x01;
      expect(() => decryptEcies(bad, sk)).toThrow(expect.objectContaining({ code: 'DECRYPTION_FAILED' }));
    }
    expect(() => decryptEcies(ct, rng.scalar())).toThrow(expect.objectContaining({ code: 'DECRYPTION_FAILED' }));
    expect(() => decryptEcies(ct.subarray(0, ECIES_OVERHEAD - 1), sk)).toThrow(SparkCryptoError);
    expect(() => encryptEcies(new Uint8Array(32), new Uint8Array(33))).toThrow(expect.objectContaining({ code: 'INVALID_POINT' }));
  });
});

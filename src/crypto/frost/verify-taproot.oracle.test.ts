/**
 * Oracle test: verifyTaprootSignature against @noble/curves' BIP340 verifier on the same tweaked
 * output key, for valid signatures and for every kind of tampering (r, s, message, key, s ≥ n,
 * an r that is no x coordinate), on whichever curve backend the project runs (native or pure JS).
 */
import { describe, expect, it } from 'vitest';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { CURVE_ORDER } from '../bytes.js';
import { SeededRandom } from '../testing/prng.js';
import { tapTweak } from './hash.js';
import { taprootOutputKey } from './tweak.js';
import { verifyTaprootSignature } from './verify-taproot.js';

const N = CURVE_ORDER;

/** A verifying key and the secret of its Taproot output key (BIP341 key-path tweak of the even key). */
function keyPair(rng: SeededRandom): { verifyingKey: Uint8Array; outputSecret: Uint8Array } {
  const d = (bytesToNumberBE(rng.bytes(32)) % (N - 1n)) + 1n;
  const P = secp256k1.Point.BASE.multiply(d);
  const dEven = P.toAffine().y % 2n === 0n ? d : N - d;
  const q = (dEven + tapTweak(P.toBytes(true).subarray(1))) % N;
  return { verifyingKey: P.toBytes(true), outputSecret: numberToBytesBE(q, 32) };
}

describe('verifyTaprootSignature', () => {
  it('agrees with noble BIP340 verification on valid and tampered signatures', () => {
    const rng = new SeededRandom('verify-taproot-1');
    let valid = 0;
    for (let i = 0; i < 60; i++) {
      const { verifyingKey, outputSecret } = keyPair(rng);
      const message = rng.bytes(32);
      const sig = schnorr.sign(message, outputSecret, rng.bytes(32));
      const other = keyPair(rng).verifyingKey;
      const flip = (b: Uint8Array, at: number): Uint8Array => {
        const c = Uint8Array.from(b);
        c[at] = (c[at] as number) ^ 1;
        return c;
      };
      const highS = Uint8Array.from(sig);
      highS.set(numberToBytesBE(N, 32), 32); // s = n: out of range
      const badR = Uint8Array.from(sig);
      badR.set(numberToBytesBE(5n, 32), 0); // x = 5 is not on secp256k1
      const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
        [sig, message, verifyingKey],
        [flip(sig, i % 32), message, verifyingKey],
        [flip(sig, 32 + (i % 32)), message, verifyingKey],
        [sig, flip(message, i % 32), verifyingKey],
        [sig, message, other],
        [highS, message, verifyingKey],
        [badR, message, verifyingKey],
      ];
      for (const [s, m, vk] of cases) {
        const expected = schnorr.verify(s, m, taprootOutputKey(vk));
        expect(verifyTaprootSignature(s, m, vk)).toBe(expected);
        if (expected) valid++;
      }
      expect(verifyTaprootSignature(sig, message, verifyingKey)).toBe(true);
      expect(verifyTaprootSignature(sig.subarray(0, 63), message, verifyingKey)).toBe(false);
    }
    // Only the untampered signature of each round verifies.
    expect(valid).toBe(60);
  });
});

/** The hand-written hash-to-scalar against noble's RFC 9380 hash_to_field. */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../testing/prng.js';
import { DST_DKG, DST_ID, DST_NONCE, DST_RHO, h1, h3, hashToScalarReference, hdkg, hid } from './hash.js';

describe('FROST ciphersuite hashes', () => {
  it('H1, H3, HDKG and HID equal noble hash_to_field for 400 messages of 0..300 bytes', () => {
    const rng = new SeededRandom('hash-1');
    for (let i = 0; i < 400; i++) {
      const msg = rng.bytes(rng.int(301));
      expect(h1(msg), `case ${i}`).toBe(hashToScalarReference(DST_RHO, msg));
      expect(h3(msg)).toBe(hashToScalarReference(DST_NONCE, msg));
      expect(hdkg(msg)).toBe(hashToScalarReference(DST_DKG, msg));
      expect(hid(msg)).toBe(hashToScalarReference(DST_ID, msg));
    }
  });
});

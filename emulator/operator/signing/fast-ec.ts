/**
 * Hot-path helpers on the crypto core's own curve arithmetic (src/crypto/ec: fixed-base table,
 * multi-scalar multiplication), which is several times faster than the general-purpose calls
 * they replace here: nonce commitments (2 base multiplications per nonce) and the BIP340 check
 * of an aggregated signature.
 */
import { randomBytes } from 'node:crypto';
import { CURVE_ORDER, concatBytes, scalarToBytes } from '../../../src/crypto/bytes.js';
import { mulG } from '../../../src/crypto/ec/base.js';
import { compress, fromAffine, jadd, jequals, jneg, toAffine } from '../../../src/crypto/ec/jacobian.js';
import { msm } from '../../../src/crypto/ec/msm.js';
import { h3 } from '../../../src/crypto/frost/hash.js';
import type { SigningContext } from '../crypto.js';
import type { SigningCommitment, SigningNonce } from '../crypto.js';

function nonceScalar(hedge: Uint8Array): bigint {
  for (;;) {
    const r = randomBytes(32);
    const input = concatBytes(r, hedge);
    const k = h3(input);
    r.fill(0);
    input.fill(0);
    if (k !== 0n) return k;
  }
}

function commit(k: bigint): Uint8Array {
  const a = toAffine(mulG(k));
  if (a === undefined) throw new Error('nonce commitment is the point at infinity');
  return compress(a);
}

/** A fresh nonce pair, RFC 9591 nonce_generate (H3(random(32) ‖ secret)), with its commitment. */
export function freshNonce(hedge: Uint8Array): { nonce: SigningNonce; commitment: SigningCommitment } {
  const d = nonceScalar(hedge);
  const e = nonceScalar(hedge);
  return { nonce: { hiding: scalarToBytes(d), binding: scalarToBytes(e) }, commitment: { hiding: commit(d), binding: commit(e) } };
}

/** The BIP340 equation for (R, z) of a context without adaptor: z·G − c·Q == R (R made even). */
export function signatureVerifiesInContext(ctx: SigningContext, z: bigint): boolean {
  const R = fromAffine(ctx.R);
  const expected = ctx.rEven ? R : jneg(R);
  return jequals(jadd(mulG(z), msm([ctx.key.qEvenAffine], [CURVE_ORDER - ctx.c])), expected);
}

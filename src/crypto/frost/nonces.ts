/**
 * Nonce generation (RFC 9591 §4.1 nonce_generate: H3(random(32) || secret), hedged so that a
 * weak RNG alone does not leak the key) and the commitment of a nonce pair.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { assertBytes, concatBytes, scalarFromBytes, scalarToBytes, secretBaseMul, wipe } from '../bytes.js';
import { SparkCryptoError } from '../errors.js';
import { h3 } from './hash.js';
import type { SigningCommitment, SigningNonce } from './types.js';

function nonceScalar(secret: Uint8Array, random: Uint8Array): bigint {
  const input = concatBytes(random, secret);
  try {
    const k = h3(input);
    // hash_to_field can output 0 with negligible probability; a zero nonce would expose the key.
    if (k === 0n) throw new SparkCryptoError('INVALID_SCALAR', 'derived nonce is zero');
    return k;
  } finally {
    wipe(input);
  }
}

/** Commitment (hiding·G, binding·G) of a nonce pair; rejects zero or out-of-range nonces. */
export function commitmentFromNonce(nonce: SigningNonce): SigningCommitment {
  const d = scalarFromBytes(nonce.hiding, 'hiding nonce');
  const e = scalarFromBytes(nonce.binding, 'binding nonce');
  // Secret scalars: the backend's constant-time base multiplication.
  return { hiding: secretBaseMul(d).toBytes(true), binding: secretBaseMul(e).toBytes(true) };
}

export interface NonceWithCommitment {
  nonce: SigningNonce;
  commitment: SigningCommitment;
}

/**
 * A fresh nonce pair with its commitment, for an operator (or any signer) holding `secret`
 * (its 32-byte secret share). Message-independent, so it can be generated ahead of time.
 * `random` (2×32 bytes) is for deterministic tests only; by default the OS RNG is used.
 */
export function generateNonce(secret: Uint8Array, random?: { hiding: Uint8Array; binding: Uint8Array }): NonceWithCommitment {
  scalarFromBytes(secret, 'secret');
  const rh = random ? assertBytes(random.hiding, 32, 'hiding randomness') : randomBytes(32);
  const rb = random ? assertBytes(random.binding, 32, 'binding randomness') : randomBytes(32);
  try {
    const nonce = { hiding: scalarToBytes(nonceScalar(secret, rh)), binding: scalarToBytes(nonceScalar(secret, rb)) };
    return { nonce, commitment: commitmentFromNonce(nonce) };
  } finally {
    if (!random) wipe(rh, rb);
  }
}

/**
 * The user's FROST signature share, exactly as the SDK's WASM `signFrost` computes it
 * (docs/keys-and-frost.md, section "The user's share, written out"): identifier hid("user"), Lagrange
 * coefficient 1, key negated iff P and Q differ in parity, nonces negated iff R is odd.
 */
import { modN, scalarFromBytes, scalarToBytes, secretBaseMul } from '../bytes.js';
import type { Point } from '../bytes.js';
import { SparkCryptoError } from '../errors.js';
import { buildSigningContext, parsePublicPoint } from './context.js';
import type { SigningContext } from './context.js';
import type { CommitmentMap, KeyPackage, SigningCommitment, SigningNonce } from './types.js';

/** Same shape as the SDK's `SignFrostBindingParams`. */
export interface SignFrostParams {
  /** The message (a 32-byte sighash in Spark). */
  message: Uint8Array;
  /**
   * The user's key package. As in the SDK, `publicKey` is validated as a point but does not
   * enter the share (the share depends on the secret key and the verifying key only).
   */
  keyPackage: KeyPackage;
  /** The user's secret nonce pair; the caller must never use it again. */
  nonce: SigningNonce;
  /** The user's commitment (must be the commitment of `nonce`). */
  selfCommitment: SigningCommitment;
  /** The signing operators' commitments, keyed by 64-hex identifier. */
  statechainCommitments: CommitmentMap | undefined;
  adaptorPubKey?: Uint8Array | undefined;
}

/** A signer's nonce pair as scalars (d hiding, e binding). */
export interface NonceScalars {
  d: bigint;
  e: bigint;
}

/** Parses a signer's nonce pair (each in [1, n−1]). */
export function nonceScalars(nonce: SigningNonce, who: string): NonceScalars {
  if (nonce === null || typeof nonce !== 'object') throw new SparkCryptoError('NONCE_MISMATCH', `${who}'s nonce is missing`);
  return { d: scalarFromBytes(nonce.hiding, 'hiding nonce'), e: scalarFromBytes(nonce.binding, 'binding nonce') };
}

/**
 * Parses a signer's nonce pair and checks it against its published (already decoded)
 * commitment, as RFC 9591 §5.2 requires before signing.
 */
export function nonceMatchingCommitment(nonce: SigningNonce, hiding: Point, binding: Point, who: string): NonceScalars {
  const { d, e } = nonceScalars(nonce, who);
  // Secret scalars go through the backend's constant-time base multiplication; the comparison is of public points.
  if (!secretBaseMul(d).equals(hiding) || !secretBaseMul(e).equals(binding)) {
    throw new SparkCryptoError('NONCE_MISMATCH', `${who}'s nonce does not match its commitment`);
  }
  return { d, e };
}

/** z = d' + ρ·e' + c·s' for the user, given a prepared context and checked nonces. */
export function userShareInContext(ctx: SigningContext, secretKey: bigint, nonce: NonceScalars): bigint {
  const sign = ctx.rEven ? 1n : -1n;
  const s = ctx.key.pEven === ctx.key.qEven ? secretKey : -secretKey;
  return modN(sign * (nonce.d + ctx.user.rho * nonce.e) + ctx.c * s);
}

/** The user's 32-byte signature share. */
export function signFrost(params: SignFrostParams): Uint8Array {
  const kp = params.keyPackage;
  if (kp === null || typeof kp !== 'object') throw new SparkCryptoError('INVALID_KEY_PACKAGE', 'key package is missing');
  const s = scalarFromBytes(kp.secretKey, 'user secret key');
  parsePublicPoint(kp.publicKey, 'user public key');
  const ctx = buildSigningContext({
    message: params.message,
    verifyingKey: kp.verifyingKey,
    operatorCommitments: params.statechainCommitments ?? {},
    userCommitment: params.selfCommitment,
    adaptorPubKey: params.adaptorPubKey,
  });
  const nonce = nonceMatchingCommitment(params.nonce, ctx.user.hiding, ctx.user.binding, 'the user');
  return scalarToBytes(userShareInContext(ctx, s, nonce));
}

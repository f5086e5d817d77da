/**
 * An operator's FROST signature share in Spark's nested signing (docs/keys-and-frost.md,
 * section "An operator's share, written out"): Lagrange coefficient over the signing operators only; the
 * share is made to fit the even key (negate if P is odd), tweaked (+t: the coefficients sum to 1 so the
 * group adds t once), then negated if Q is odd; nonces negated if R is odd.
 */
import { modN, scalarFromBytes, scalarToBytes, secretBaseMul } from '../bytes.js';
import { SparkCryptoError } from '../errors.js';
import { buildSigningContext, findOperator, operatorLagrange, parsePublicPoint } from './context.js';
import type { ParticipantCommitment, SigningContext } from './context.js';
import { nonceMatchingCommitment, nonceScalars } from './user-share.js';
import type { NonceScalars } from './user-share.js';
import type { CommitmentMap, SigningCommitment, SigningNonce } from './types.js';

export interface SignFrostOperatorParams {
  message: Uint8Array;
  /** This operator's 64-hex identifier. */
  identifier: string;
  /** This operator's 32-byte secret share of the operator group key (untweaked). */
  secretShare: Uint8Array;
  /** Optional: this operator's public share, checked against `secretShare` when given. */
  publicShare?: Uint8Array | undefined;
  /** This operator's secret nonce pair; the caller must never use it again. */
  nonce: SigningNonce;
  /** Verifying key P = user public key + operator group public key (33 bytes, untweaked). */
  verifyingKey: Uint8Array;
  /** Commitments of all signing operators (this one included), keyed by 64-hex identifier. */
  operatorCommitments: CommitmentMap;
  /** The user's commitment. */
  userCommitment: SigningCommitment;
  adaptorPubKey?: Uint8Array | undefined;
}

/** z_i for an operator, given a prepared context and its checked nonces. */
export function operatorShareInContext(ctx: SigningContext, op: ParticipantCommitment, secretShare: bigint, nonce: NonceScalars): bigint {
  const sign = ctx.rEven ? 1n : -1n;
  let s = ctx.key.pEven ? secretShare : -secretShare;
  s += ctx.key.t;
  if (!ctx.key.qEven) s = -s;
  const lambda = operatorLagrange(ctx, op.idScalar);
  return modN(sign * (nonce.d + op.rho * nonce.e) + modN(lambda * ctx.c) * s);
}

/**
 * z_i of operator `identifier` in a context built for the round, with a nonce pair the caller
 * knows to be the one behind its commitment in that round (an operator's nonce store keys each
 * pair by its own commitment, so RFC 9591's "nonce matches its commitment" holds by construction
 * and its two base multiplications are skipped). The caller wipes and never reuses the nonce.
 */
export function operatorShareWithOwnNonce(ctx: SigningContext, identifier: string, secretShare: Uint8Array, nonce: SigningNonce): bigint {
  const op = findOperator(ctx, identifier);
  return operatorShareInContext(ctx, op, scalarFromBytes(secretShare, 'operator secret share'), nonceScalars(nonce, `operator ${op.id}`));
}

/** An operator's 32-byte signature share. */
export function signFrostOperator(params: SignFrostOperatorParams): Uint8Array {
  const s = scalarFromBytes(params.secretShare, 'operator secret share');
  // The secret share goes through the backend's constant-time base multiplication.
  if (params.publicShare !== undefined && !parsePublicPoint(params.publicShare, 'operator public share').equals(secretBaseMul(s))) {
    throw new SparkCryptoError('INVALID_KEY_PACKAGE', 'operator public share is not the public key of the secret share', String(params.identifier).toLowerCase());
  }
  const ctx = buildSigningContext({
    message: params.message,
    verifyingKey: params.verifyingKey,
    operatorCommitments: params.operatorCommitments,
    userCommitment: params.userCommitment,
    adaptorPubKey: params.adaptorPubKey,
  });
  const op = findOperator(ctx, params.identifier);
  const nonce = nonceMatchingCommitment(params.nonce, op.hiding, op.binding, `operator ${op.id}`);
  return scalarToBytes(operatorShareInContext(ctx, op, s, nonce));
}

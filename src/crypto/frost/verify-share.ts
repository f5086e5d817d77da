/**
 * Verification of a single signature share (RFC 9591 §5.4 verify_signature_share, with Spark's
 * parity and tweak rules), so that a failed aggregation can name the signer who cheated:
 * z_i·G == ±(D_i + ρ_i·E_i) + λ_i·c·Y_i', Y_i' the share's key adjusted as its signer adjusted
 * its secret (user: negated iff P, Q parities differ; operator: ±(±Y_i + t·G)).
 */
import { modN, scalarFromBytes } from '../bytes.js';
import type { Point } from '../bytes.js';
import { addBaseMulPublic, mulPublic, sum } from '../ec/index.js';
import { buildSigningContext, findOperator, operatorLagrange, parsePublicPoint, participantShare } from './context.js';
import type { SigningContext, SigningContextInput } from './context.js';

/** Who produced a share, with the public key it must verify against (untweaked). */
export type ShareSigner =
  | { role: 'user'; publicKey: Uint8Array }
  | { role: 'operator'; identifier: string; publicShare: Uint8Array };

/** True if the share z is valid for `signer`, given a prepared context. */
export function verifyShareInContext(ctx: SigningContext, signer: ShareSigner, z: bigint): boolean {
  let share: Point;
  let keyTerm: Point;
  if (signer.role === 'user') {
    share = participantShare(ctx.user);
    const Y = parsePublicPoint(signer.publicKey, 'user public key');
    keyTerm = mulPublic(ctx.key.pEven === ctx.key.qEven ? Y : Y.negate(), ctx.c);
  } else {
    const op = findOperator(ctx, signer.identifier);
    share = participantShare(op);
    const Yi = parsePublicPoint(signer.publicShare, `public share of ${op.id}`, op.id);
    const tweaked = addBaseMulPublic(ctx.key.pEven ? Yi : Yi.negate(), ctx.key.t);
    keyTerm = mulPublic(ctx.key.qEven ? tweaked : tweaked.negate(), modN(operatorLagrange(ctx, op.idScalar) * ctx.c));
  }
  const expected = sum([ctx.rEven ? share : share.negate(), keyTerm]);
  // z·G = expected ⇔ −expected + z·G is infinity.
  return addBaseMulPublic(expected.negate(), z).is0();
}

export interface VerifySignatureShareParams extends SigningContextInput {
  signer: ShareSigner;
  /** The 32-byte share. */
  share: Uint8Array;
}

/** Verifies one signature share of a Spark FROST round. Malformed input throws SparkCryptoError. */
export function verifySignatureShare(params: VerifySignatureShareParams): boolean {
  const ctx = buildSigningContext(params);
  return verifyShareInContext(ctx, params.signer, scalarFromBytes(params.share, 'signature share', true));
}

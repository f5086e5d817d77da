/**
 * Operator-only FROST: a BIP340 signature by the tweaked operator group key alone (e.g. a
 * deposit's proof of possession). Spark's nested scheme always has a user participant; the
 * aggregating operator stands in for it with a fresh nonce pair and the key ZERO, so the
 * stand-in's share is its nonce part only and the result is exactly a t-of-n FROST signature of
 * the operator key. The stand-in's share is computed by the aggregator itself, so it is trusted
 * in aggregation (`signer: undefined`).
 */
import type { SigningContext } from './context.js';
import type { SigningNonce } from './types.js';
import { nonceScalars, userShareInContext } from './user-share.js';

/** The stand-in user's share (key zero) with its own nonce pair; the caller wipes the nonce. */
export function standInShareInContext(ctx: SigningContext, nonce: SigningNonce): bigint {
  return userShareInContext(ctx, 0n, nonceScalars(nonce, 'the stand-in signer'));
}

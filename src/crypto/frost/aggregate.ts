/**
 * Aggregation of the user's share and t operator shares into a BIP340 signature (R.x || z) that
 * verifies against the Taproot-tweaked key — or, with an adaptor point T, an adaptor signature
 * that becomes one once T's secret is applied. "Sum, verify, blame": the sum is checked once
 * against the signature equation; only if it fails is every share checked to name the culprit.
 * The SDK-shaped `aggregateFrost` and the operators' coordinator both aggregate through
 * `aggregateInContext`.
 */
import { concatBytes, modN, scalarFromBytes, scalarToBytes } from '../bytes.js';
import { addBaseMulPublic, mulPublic, sum } from '../ec/index.js';
import { SparkCryptoError } from '../errors.js';
import { buildSigningContext, parsePublicPoint } from './context.js';
import type { SigningContext } from './context.js';
import { identifierToScalar } from './identifiers.js';
import type { CommitmentMap, SigningCommitment } from './types.js';
import { verifyShareInContext } from './verify-share.js';
import type { ShareSigner } from './verify-share.js';

/** Same shape as the SDK's `AggregateFrostBindingParams`. */
export interface AggregateFrostParams {
  message: Uint8Array;
  /** Operator shares keyed by 64-hex identifier. */
  statechainSignatures: Record<string, Uint8Array> | undefined;
  /** Operator public shares (untweaked s_i·G) keyed by 64-hex identifier. */
  statechainPublicKeys: Record<string, Uint8Array> | undefined;
  /** P = user public key + operator group public key (untweaked). */
  verifyingKey: Uint8Array;
  statechainCommitments: CommitmentMap | undefined;
  selfCommitment: SigningCommitment;
  /** The user's public key. */
  selfPublicKey: Uint8Array;
  /** The user's share. */
  selfSignature: Uint8Array;
  adaptorPubKey?: Uint8Array | undefined;
}

function normaliseMap<T>(m: Record<string, T> | undefined, what: string): Map<string, T> {
  const out = new Map<string, T>();
  if (m === undefined || m === null) return out;
  for (const [k, v] of Object.entries(m)) {
    identifierToScalar(k);
    const id = k.toLowerCase();
    if (out.has(id)) throw new SparkCryptoError('DUPLICATE_PARTICIPANT', `${what} has ${id} twice`, id);
    out.set(id, v);
  }
  return out;
}

/**
 * True if z·G − c·Q_even equals the parity-adjusted (R − T): the signature equation (BIP340's,
 * when there is no adaptor). All of it is public data, so the backend's variable-time routines apply.
 */
export function signatureEquationHolds(ctx: SigningContext, z: bigint): boolean {
  const rMinusT = ctx.adaptor === undefined ? ctx.R : sum([ctx.R, ctx.adaptor.negate()]);
  const expected = ctx.rEven ? rMinusT : rMinusT.negate();
  // z·G − c·Q_even = (−c)·Q_even + z·G.
  const lhs = addBaseMulPublic(mulPublic(ctx.key.qEvenPoint, modN(-ctx.c)), modN(z));
  return lhs.equals(expected);
}

/** One signer's share for aggregation. */
export interface AggregationShare {
  /** The signer's identifier (named as the culprit if the share is bad). */
  who: string;
  /** What the share must verify against; undefined for a share computed by the aggregator itself. */
  signer: ShareSigner | undefined;
  z: bigint;
}

export type Aggregation = { ok: true; signature: Uint8Array } | { ok: false; culprits: string[] };

/**
 * Sums the shares; if the sum satisfies the signature equation, the 64-byte signature; else the
 * signers whose shares fail verification (none, when every share verifies but the public shares
 * do not add up to the verifying key).
 */
export function aggregateInContext(ctx: SigningContext, shares: readonly AggregationShare[]): Aggregation {
  let z = 0n;
  for (const s of shares) z += s.z;
  z = modN(z);
  if (signatureEquationHolds(ctx, z)) return { ok: true, signature: concatBytes(ctx.rx, scalarToBytes(z)) };
  const culprits = shares.filter((s) => s.signer !== undefined && !verifyShareInContext(ctx, s.signer, s.z)).map((s) => s.who);
  return { ok: false, culprits };
}

/** Aggregates into a 64-byte signature; throws INVALID_SIGNATURE_SHARE naming a cheating signer. */
export function aggregateFrost(params: AggregateFrostParams): Uint8Array {
  const commitments = params.statechainCommitments ?? {};
  const ctx = buildSigningContext({
    message: params.message,
    verifyingKey: params.verifyingKey,
    operatorCommitments: commitments,
    userCommitment: params.selfCommitment,
    adaptorPubKey: params.adaptorPubKey,
  });
  const sigs = normaliseMap(params.statechainSignatures, 'statechainSignatures');
  const pubs = normaliseMap(params.statechainPublicKeys, 'statechainPublicKeys');
  const shares: AggregationShare[] = [];
  for (const op of ctx.operators) {
    const sig = sigs.get(op.id);
    if (sig === undefined) throw new SparkCryptoError('MISSING_PARTICIPANT', `no signature share from operator ${op.id}`, op.id);
    const pub = pubs.get(op.id);
    if (pub === undefined) throw new SparkCryptoError('MISSING_PARTICIPANT', `no public share for operator ${op.id}`, op.id);
    shares.push({ signer: { role: 'operator', identifier: op.id, publicShare: pub }, z: scalarFromBytes(sig, `signature share of ${op.id}`, true), who: op.id });
  }
  for (const id of sigs.keys()) {
    if (!ctx.operators.some((o) => o.id === id)) {
      throw new SparkCryptoError('UNKNOWN_PARTICIPANT', `signature share from ${id}, which has no commitment`, id);
    }
  }
  shares.push({
    signer: { role: 'user', publicKey: params.selfPublicKey },
    z: scalarFromBytes(params.selfSignature, 'user signature share', true),
    who: ctx.user.id,
  });
  // Public keys are parsed now so that malformed ones are reported even when the sum verifies.
  parsePublicPoint(params.selfPublicKey, 'user public key');
  for (const s of shares) if (s.signer?.role === 'operator') parsePublicPoint(s.signer.publicShare, `public share of ${s.who}`, s.who);

  const result = aggregateInContext(ctx, shares);
  if (result.ok) return result.signature;
  const first = result.culprits[0];
  if (first !== undefined) {
    throw new SparkCryptoError('INVALID_SIGNATURE_SHARE', `invalid signature share(s) from ${result.culprits.join(', ')}`, first);
  }
  throw new SparkCryptoError('INVALID_SIGNATURE', 'every share verifies but the public shares do not add up to the verifying key');
}

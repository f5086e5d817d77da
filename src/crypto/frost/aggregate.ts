/**
 * Aggregation of the user's share and t operator shares into a BIP340 signature (R.x || z) that
 * verifies against the Taproot-tweaked key — or, with an adaptor point T, an adaptor signature
 * that becomes one once T's secret is applied. The sum is checked once (one fixed-base and one
 * variable-base multiplication); only if it fails is every share checked to name the culprit.
 */
import { CURVE_ORDER, concatBytes, equalBytes, modN, scalarFromBytes, scalarToBytes } from '../bytes.js';
import { addBaseMulPublic, baseMulSecret, mulPublic, negateNative, sum, uncompressedOf } from '../ec/native.js';
import type { Uncompressed } from '../ec/native.js';
import { SparkCryptoError } from '../errors.js';
import { buildSigningContext, parsePublicPointNative } from './context.js';
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
 * when there is no adaptor). All of it is public data, so libsecp256k1's variable-time routines apply.
 */
function sumVerifies(ctx: SigningContext, z: bigint): boolean {
  const rMinusT = ctx.adaptorU === undefined ? ctx.Ru : sum([ctx.Ru, negateNative(ctx.adaptorU)]);
  const expected = rMinusT === null || ctx.rEven ? rMinusT : negateNative(rMinusT);
  // z·G − c·Q_even = (−c)·Q_even + z·G.
  const minusCQ = mulPublic(uncompressedOf(ctx.key.qEvenAffine), scalarToBytes(CURVE_ORDER - ctx.c));
  let lhs: Uncompressed | null;
  if (z === 0n) lhs = minusCQ;
  // (c = 0 never happens in practice; then lhs is z·G, by the constant-time routine, harmless on public z.)
  else lhs = minusCQ === null ? baseMulSecret(scalarToBytes(z)) : addBaseMulPublic(minusCQ, scalarToBytes(z));
  return lhs === null || expected === null ? lhs === expected : equalBytes(lhs, expected);
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
  const shares: { signer: ShareSigner; z: bigint; who: string }[] = [];
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
  parsePublicPointNative(params.selfPublicKey, 'user public key');
  for (const s of shares) if (s.signer.role === 'operator') parsePublicPointNative(s.signer.publicShare, `public share of ${s.who}`, s.who);

  let z = 0n;
  for (const s of shares) z += s.z;
  z = modN(z);
  if (!sumVerifies(ctx, z)) {
    const bad = shares.filter((s) => !verifyShareInContext(ctx, s.signer, s.z)).map((s) => s.who);
    const first = bad[0];
    if (first !== undefined) {
      throw new SparkCryptoError('INVALID_SIGNATURE_SHARE', `invalid signature share(s) from ${bad.join(', ')}`, first);
    }
    throw new SparkCryptoError('INVALID_SIGNATURE', 'every share verifies but the public shares do not add up to the verifying key');
  }
  return concatBytes(ctx.rx, scalarToBytes(z));
}

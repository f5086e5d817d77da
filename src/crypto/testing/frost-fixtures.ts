/**
 * Seeded Spark FROST signing rounds for oracle tests and benchmarks: an operator group (from our
 * DKG or from a dealer split), a user key, nonces for everyone, a message and maybe an adaptor.
 */
import { Point, publicKeyOf } from '../bytes.js';
import { runDkgInProcess } from '../dkg.js';
import { bytesToBigInt } from '../bytes.js';
import { addBaseMulPublic } from '../ec/index.js';
import { operatorIdentifier } from '../frost/identifiers.js';
import { signFrostOperator, type SignFrostOperatorParams } from '../frost/operator-share.js';
import type { CommitmentMap, SigningCommitment, SigningNonce } from '../frost/types.js';
import { splitSecretWithProofs } from '../vss.js';
import type { SeededRandom } from './prng.js';

export interface OperatorGroup {
  n: number;
  t: number;
  ids: string[];
  secretShares: Uint8Array[];
  publicShares: Uint8Array[];
  groupPublicKey: Uint8Array;
}

/** A group of n operators with threshold t; from our DKG or a dealer's VSS split. */
export function makeGroup(rng: SeededRandom, n: number, t: number, via: 'dkg' | 'dealer'): OperatorGroup {
  const ids = Array.from({ length: n }, (_, i) => operatorIdentifier(i + 1));
  if (via === 'dkg') {
    const results = runDkgInProcess(ids, t, rng.source());
    const first = results[0];
    if (first === undefined) throw new Error('empty DKG');
    return { n, t, ids, secretShares: results.map((r) => r.secretShare), publicShares: results.map((r) => r.publicShare), groupPublicKey: first.groupPublicKey };
  }
  const secret = rng.scalar();
  const shares = splitSecretWithProofs(secret, t, n, rng.source());
  return {
    n,
    t,
    ids,
    secretShares: shares.map((s) => s.share),
    publicShares: shares.map((s) => publicKeyOf(s.share)),
    groupPublicKey: publicKeyOf(secret),
  };
}

/** Every subset of {0..n−1} with at least t members, as sorted index lists. */
export function signingSubsets(n: number, t: number): number[][] {
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << n; mask++) {
    const s: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << i)) s.push(i);
    if (s.length >= t) out.push(s);
  }
  return out;
}

export interface FrostRound {
  group: OperatorGroup;
  signers: number[];
  message: Uint8Array;
  userSecret: Uint8Array;
  userPublic: Uint8Array;
  verifyingKey: Uint8Array;
  userNonce: SigningNonce;
  userCommitment: SigningCommitment;
  operatorNonces: Map<string, SigningNonce>;
  operatorCommitments: CommitmentMap;
  adaptorSecret: Uint8Array | undefined;
  adaptorPubKey: Uint8Array | undefined;
}

/** Commitment of a test nonce via the variable-time base multiplication: fixtures only. */
function commit(n: SigningNonce): SigningCommitment {
  const enc = (k: Uint8Array): Uint8Array => addBaseMulPublic(Point.ZERO, bytesToBigInt(k)).toBytes(true);
  return { hiding: enc(n.hiding), binding: enc(n.binding) };
}

function nonce(rng: SeededRandom): SigningNonce {
  return { hiding: rng.scalar(), binding: rng.scalar() };
}

export function makeRound(rng: SeededRandom, group: OperatorGroup, signers: number[], withAdaptor: boolean): FrostRound {
  const userSecret = rng.scalar();
  const userPublic = publicKeyOf(userSecret);
  const verifyingKey = Point.fromHex(group.groupPublicKey).add(Point.fromHex(userPublic)).toBytes(true);
  const userNonce = nonce(rng);
  const operatorNonces = new Map<string, SigningNonce>();
  const operatorCommitments: CommitmentMap = {};
  for (const i of signers) {
    const id = group.ids[i];
    if (id === undefined) throw new Error(`no operator ${i}`);
    const n = nonce(rng);
    operatorNonces.set(id, n);
    operatorCommitments[id] = commit(n);
  }
  const adaptorSecret = withAdaptor ? rng.scalar() : undefined;
  return {
    group,
    signers,
    message: rng.bytes(32),
    userSecret,
    userPublic,
    verifyingKey,
    userNonce,
    userCommitment: commit(userNonce),
    operatorNonces,
    operatorCommitments,
    adaptorSecret,
    adaptorPubKey: adaptorSecret === undefined ? undefined : publicKeyOf(adaptorSecret),
  };
}

/** The user's signFrost parameters for a round, in the SDK's shape (ours and the WASM take the same). */
export function userSignParams(r: FrostRound) {
  return {
    message: r.message,
    keyPackage: { secretKey: r.userSecret, publicKey: r.userPublic, verifyingKey: r.verifyingKey },
    nonce: r.userNonce,
    selfCommitment: r.userCommitment,
    statechainCommitments: r.operatorCommitments,
    adaptorPubKey: r.adaptorPubKey,
  };
}

/** Operator `i`'s signFrostOperator parameters for a round (with its public share, checked). */
export function operatorSignParams(r: FrostRound, i: number): SignFrostOperatorParams {
  const id = r.group.ids[i];
  const nonce = id === undefined ? undefined : r.operatorNonces.get(id);
  const secretShare = r.group.secretShares[i];
  if (id === undefined || nonce === undefined || secretShare === undefined) throw new Error(`fixture: operator ${i} does not sign this round`);
  return {
    message: r.message,
    identifier: id,
    secretShare,
    publicShare: r.group.publicShares[i],
    nonce,
    verifyingKey: r.verifyingKey,
    operatorCommitments: r.operatorCommitments,
    userCommitment: r.userCommitment,
    adaptorPubKey: r.adaptorPubKey,
  };
}

export interface OperatorShares {
  sigs: Record<string, Uint8Array>;
  pubs: Record<string, Uint8Array>;
}

/** Every signing operator's honest share and public share, keyed by identifier. */
export function operatorShares(r: FrostRound): OperatorShares {
  const sigs: Record<string, Uint8Array> = {};
  const pubs: Record<string, Uint8Array> = {};
  for (const i of r.signers) {
    const p = operatorSignParams(r, i);
    sigs[p.identifier] = signFrostOperator(p);
    pubs[p.identifier] = r.group.publicShares[i] ?? new Uint8Array();
  }
  return { sigs, pubs };
}

/** aggregateFrost parameters (the SDK's shape) for a round, the user's share and the operators' shares. */
export function aggregateParams(r: FrostRound, userShare: Uint8Array, shares: OperatorShares = operatorShares(r)) {
  return {
    message: r.message,
    statechainSignatures: shares.sigs,
    statechainPublicKeys: shares.pubs,
    verifyingKey: r.verifyingKey,
    statechainCommitments: r.operatorCommitments,
    selfCommitment: r.userCommitment,
    selfPublicKey: r.userPublic,
    selfSignature: userShare,
    adaptorPubKey: r.adaptorPubKey,
  };
}

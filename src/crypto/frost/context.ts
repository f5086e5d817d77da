/**
 * Everything a Spark FROST signing round derives from public data, shared by the user's share,
 * the operators' shares, share verification and aggregation (docs/keys-and-frost.md, section "Spark
 * FROST"; RFC 9591 §4.4-4.5 for binding factors and the group commitment): the tweaked key, every
 * participant's binding factor ρ_i, the group commitment R = Σ D_i + Σ ρ_i·E_i (+ adaptor point) as one
 * multi-scalar sum, its parity, and the challenge c.
 */
import { assertBytes, concatBytes, scalarToBytes } from '../bytes.js';
import { SparkCryptoError } from '../errors.js';
import { jaddAffine } from '../ec/jacobian.js';
import type { Affine, Jac } from '../ec/jacobian.js';
import { msm } from '../ec/msm.js';
import { affineOf, decompressNative, mulPublic, sum } from '../ec/native.js';
import type { Uncompressed } from '../ec/native.js';
import { challenge, h1, h4, h5 } from './hash.js';
import { USER_IDENTIFIER, USER_IDENTIFIER_SCALAR, identifierToScalar } from './identifiers.js';
import { lagrangeCoefficient } from './lagrange.js';
import { tweakedKey } from './tweak.js';
import type { TweakedKey } from './tweak.js';
import type { CommitmentMap, SigningCommitment } from './types.js';

export interface ParticipantCommitment {
  /** Lower-case 64-hex identifier. */
  readonly id: string;
  readonly idScalar: bigint;
  readonly hiding: Affine;
  readonly binding: Affine;
  /** Binding factor ρ_i. */
  readonly rho: bigint;
  /** The same commitments as 65-byte uncompressed encodings, for the libsecp256k1 paths. */
  readonly hidingU: Uncompressed;
  readonly bindingU: Uncompressed;
}

export interface SigningContext {
  readonly message: Uint8Array;
  readonly key: TweakedKey;
  /** Signing operators, sorted by identifier. */
  readonly operators: readonly ParticipantCommitment[];
  readonly operatorIds: readonly bigint[];
  readonly user: ParticipantCommitment;
  /** Adaptor point T, if any. */
  readonly adaptor: Affine | undefined;
  readonly adaptorU: Uncompressed | undefined;
  /** Group commitment R = Σ (D_i + ρ_i·E_i) + T (affine). */
  readonly R: Affine;
  /** R, 65-byte uncompressed. */
  readonly Ru: Uncompressed;
  readonly rEven: boolean;
  readonly rx: Uint8Array;
  /** BIP340 challenge c = H(R.x || Q.x || msg). */
  readonly c: bigint;
}

export interface SigningContextInput {
  message: Uint8Array;
  verifyingKey: Uint8Array;
  /** Commitments of the signing operators, keyed by 64-hex identifier. */
  operatorCommitments: CommitmentMap;
  /** The user's commitment. */
  userCommitment: SigningCommitment;
  adaptorPubKey?: Uint8Array | undefined;
}

/**
 * Decodes a 33-byte compressed point to its 65-byte uncompressed form (libsecp256k1's parser,
 * which checks the point is on the curve), with the library's typed errors.
 */
export function parsePublicPointNative(bytes: Uint8Array, what: string, culprit?: string): Uncompressed {
  assertBytes(bytes, 33, what);
  const u = decompressNative(bytes);
  if (u === undefined) throw new SparkCryptoError('INVALID_POINT', `${what} is not a compressed secp256k1 point`, culprit);
  return u;
}

/** Decodes a 33-byte compressed point for the hot paths, with the library's typed errors. */
export function parsePublicPoint(bytes: Uint8Array, what: string, culprit?: string): Affine {
  return affineOf(parsePublicPointNative(bytes, what, culprit));
}

interface RawParticipant {
  id: string;
  idScalar: bigint;
  idBytes: Uint8Array;
  hidingBytes: Uint8Array;
  bindingBytes: Uint8Array;
  hidingU: Uncompressed;
  bindingU: Uncompressed;
}

function parseParticipant(id: string, idScalar: bigint, c: SigningCommitment | undefined): RawParticipant {
  if (c === null || typeof c !== 'object') {
    throw new SparkCryptoError('INVALID_COMMITMENT', `commitment of ${id} is missing`, id);
  }
  const withCulprit = (b: Uint8Array, what: string): Uncompressed => {
    try {
      return parsePublicPointNative(b, `${what} commitment of ${id}`, id);
    } catch (e) {
      if (e instanceof SparkCryptoError && e.culprit === undefined) throw new SparkCryptoError(e.code, e.message.replace(/^[A-Z_]+: /, ''), id);
      throw e;
    }
  };
  const hidingU = withCulprit(c.hiding, 'hiding');
  const bindingU = withCulprit(c.binding, 'binding');
  return { id, idScalar, idBytes: scalarToBytes(idScalar), hidingBytes: c.hiding, bindingBytes: c.binding, hidingU, bindingU };
}

/** Parses and validates an operator commitment map; identifiers are normalised to lower case. */
export function parseOperatorIds(commitments: CommitmentMap): { id: string; idScalar: bigint; commitment: SigningCommitment | undefined }[] {
  if (commitments === null || typeof commitments !== 'object') {
    throw new SparkCryptoError('MISSING_PARTICIPANT', 'operator commitments are missing');
  }
  const seen = new Set<string>();
  const out: { id: string; idScalar: bigint; commitment: SigningCommitment | undefined }[] = [];
  for (const [rawId, commitment] of Object.entries(commitments)) {
    const idScalar = identifierToScalar(rawId);
    const id = rawId.toLowerCase();
    if (seen.has(id)) throw new SparkCryptoError('DUPLICATE_PARTICIPANT', `operator ${id} appears twice`, id);
    if (idScalar === USER_IDENTIFIER_SCALAR) {
      throw new SparkCryptoError('DUPLICATE_PARTICIPANT', 'an operator uses the user identifier', id);
    }
    seen.add(id);
    out.push({ id, idScalar, commitment });
  }
  if (out.length === 0) throw new SparkCryptoError('MISSING_PARTICIPANT', 'no operator commitments given');
  return out;
}

const byId = (a: { idScalar: bigint }, b: { idScalar: bigint }): number => (a.idScalar < b.idScalar ? -1 : a.idScalar > b.idScalar ? 1 : 0);

export function buildSigningContext(input: SigningContextInput): SigningContext {
  const message = assertBytes(input.message, undefined, 'message');
  const key = tweakedKey(input.verifyingKey);
  const raw: RawParticipant[] = parseOperatorIds(input.operatorCommitments).map((o) => parseParticipant(o.id, o.idScalar, o.commitment));
  const userRaw = parseParticipant(USER_IDENTIFIER, USER_IDENTIFIER_SCALAR, input.userCommitment);
  const all = [...raw, userRaw].sort(byId);
  const adaptorU = input.adaptorPubKey === undefined ? undefined : parsePublicPointNative(input.adaptorPubKey, 'adaptor public key');

  // RFC 9591 §4.3 encode_group_commitment_list: id || hiding || binding, sorted by id.
  const list = concatBytes(...all.flatMap((p) => [p.idBytes, p.hidingBytes, p.bindingBytes]));
  // Binding-factor prefix: the tweaked, even key (0x02 || Q.x) || H4(msg) || H5(list).
  const prefix = concatBytes(Uint8Array.of(0x02), key.qx, h4(message), h5(list));

  // R = Σ (D_i + ρ_i·E_i) + T in libsecp256k1 (public data: its variable-time ecmult is fine):
  // one multiplication per participant, then one combined sum (null = the point at infinity).
  const terms: (Uncompressed | null)[] = adaptorU === undefined ? [] : [adaptorU];
  const participants: ParticipantCommitment[] = all.map((p) => {
    const rho = h1(concatBytes(prefix, p.idBytes));
    terms.push(p.hidingU, mulPublic(p.bindingU, scalarToBytes(rho)));
    return { id: p.id, idScalar: p.idScalar, hiding: affineOf(p.hidingU), binding: affineOf(p.bindingU), rho, hidingU: p.hidingU, bindingU: p.bindingU };
  });
  const Ru = sum(terms);
  if (Ru === null) throw new SparkCryptoError('INVALID_COMMITMENT', 'group commitment is the point at infinity');
  const R = affineOf(Ru);
  const adaptor = adaptorU === undefined ? undefined : affineOf(adaptorU);
  const rx = Ru.slice(1, 33);
  const operators = participants.filter((p) => p.id !== USER_IDENTIFIER);
  const user = participants.find((p) => p.id === USER_IDENTIFIER);
  if (user === undefined) throw new SparkCryptoError('MISSING_PARTICIPANT', 'user commitment missing');
  return {
    message,
    key,
    operators,
    operatorIds: operators.map((o) => o.idScalar),
    user,
    adaptor,
    adaptorU,
    R,
    Ru,
    rEven: (R.y & 1n) === 0n,
    rx,
    c: challenge(rx, key.qx, message),
  };
}

/** D_i + ρ_i·E_i: one participant's part of the group commitment (before the parity rule). */
export function participantShare(p: ParticipantCommitment): Jac {
  const rhoE = msm([p.binding], [p.rho]);
  return jaddAffine(rhoE, p.hiding.x, p.hiding.y);
}

/** λ_i of an operator within the signing operators only (the user's coefficient is 1). */
export function operatorLagrange(ctx: SigningContext, idScalar: bigint): bigint {
  return lagrangeCoefficient(idScalar, ctx.operatorIds);
}

/** Looks up a signing operator by identifier (any case). */
export function findOperator(ctx: SigningContext, identifier: string): ParticipantCommitment {
  const idScalar = identifierToScalar(identifier);
  const op = ctx.operators.find((o) => o.idScalar === idScalar);
  if (op === undefined) {
    const id = identifier.toLowerCase();
    throw new SparkCryptoError('UNKNOWN_PARTICIPANT', `operator ${id} has no commitment in this signing round`, id);
  }
  return op;
}

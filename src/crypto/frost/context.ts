/**
 * Everything a Spark FROST signing round derives from public data, shared by the user's share,
 * the operators' shares, share verification and aggregation (docs/keys-and-frost.md, section "Spark
 * FROST"; RFC 9591 §4.4-4.5 for binding factors and the group commitment): the tweaked key, every
 * participant's binding factor ρ_i, the group commitment R = Σ D_i + Σ ρ_i·E_i (+ adaptor point) as one
 * multi-scalar sum, its parity, and the challenge c.
 */
import { assertBytes, concatBytes, hasEvenY, scalarToBytes, xOnly } from '../bytes.js';
import type { Point } from '../bytes.js';
import { SparkCryptoError } from '../errors.js';
import { decompress, mulPublic, sum } from '../ec/index.js';
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
  readonly hiding: Point;
  readonly binding: Point;
  /** Binding factor ρ_i. */
  readonly rho: bigint;
}

export interface SigningContext {
  readonly message: Uint8Array;
  readonly key: TweakedKey;
  /** Signing operators, sorted by identifier. */
  readonly operators: readonly ParticipantCommitment[];
  readonly operatorIds: readonly bigint[];
  readonly user: ParticipantCommitment;
  /** Adaptor point T, if any. */
  readonly adaptor: Point | undefined;
  /** Group commitment R = Σ (D_i + ρ_i·E_i) + T. */
  readonly R: Point;
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

/** Decodes a 33-byte compressed point (checked to be on the curve), with the library's typed errors. */
export function parsePublicPoint(bytes: Uint8Array, what: string, culprit?: string): Point {
  assertBytes(bytes, 33, what);
  const p = decompress(bytes);
  if (p === undefined) throw new SparkCryptoError('INVALID_POINT', `${what} is not a compressed secp256k1 point`, culprit);
  return p;
}

interface RawParticipant {
  id: string;
  idScalar: bigint;
  idBytes: Uint8Array;
  hidingBytes: Uint8Array;
  bindingBytes: Uint8Array;
  hiding: Point;
  binding: Point;
}

function parseParticipant(id: string, idScalar: bigint, c: SigningCommitment | undefined): RawParticipant {
  if (c === null || typeof c !== 'object') {
    throw new SparkCryptoError('INVALID_COMMITMENT', `commitment of ${id} is missing`, id);
  }
  const withCulprit = (b: Uint8Array, what: string): Point => {
    try {
      return parsePublicPoint(b, `${what} commitment of ${id}`, id);
    } catch (e) {
      if (e instanceof SparkCryptoError && e.culprit === undefined) throw new SparkCryptoError(e.code, e.message.replace(/^[A-Z_]+: /, ''), id);
      throw e;
    }
  };
  const hiding = withCulprit(c.hiding, 'hiding');
  const binding = withCulprit(c.binding, 'binding');
  return { id, idScalar, idBytes: scalarToBytes(idScalar), hidingBytes: c.hiding, bindingBytes: c.binding, hiding, binding };
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
  const adaptor = input.adaptorPubKey === undefined ? undefined : parsePublicPoint(input.adaptorPubKey, 'adaptor public key');

  // RFC 9591 §4.3 encode_group_commitment_list: id || hiding || binding, sorted by id.
  const list = concatBytes(...all.flatMap((p) => [p.idBytes, p.hidingBytes, p.bindingBytes]));
  // Binding-factor prefix: the tweaked, even key (0x02 || Q.x) || H4(msg) || H5(list).
  const prefix = concatBytes(Uint8Array.of(0x02), key.qx, h4(message), h5(list));

  // R = Σ (D_i + ρ_i·E_i) + T (public data: the backend's variable-time routines are fine):
  // one multiplication per participant, then one combined sum.
  const terms: Point[] = adaptor === undefined ? [] : [adaptor];
  const participants: ParticipantCommitment[] = all.map((p) => {
    const rho = h1(concatBytes(prefix, p.idBytes));
    terms.push(p.hiding, mulPublic(p.binding, rho));
    return { id: p.id, idScalar: p.idScalar, hiding: p.hiding, binding: p.binding, rho };
  });
  const R = sum(terms);
  if (R.is0()) throw new SparkCryptoError('INVALID_COMMITMENT', 'group commitment is the point at infinity');
  const rx = xOnly(R);
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
    R,
    rEven: hasEvenY(R),
    rx,
    c: challenge(rx, key.qx, message),
  };
}

/** D_i + ρ_i·E_i: one participant's part of the group commitment (before the parity rule). */
export function participantShare(p: ParticipantCommitment): Point {
  return sum([p.hiding, mulPublic(p.binding, p.rho)]);
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

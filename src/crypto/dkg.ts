/**
 * Pedersen DKG for the operators, as FROST's (RFC 9591 Appendix C via frost-core `keys::dkg`):
 * each participant deals a random degree-(t−1) polynomial with Feldman commitments and a Schnorr
 * proof of knowledge of its constant term, then sends each other participant its evaluation.
 * Written as pure round functions so the operator network can carry the packages over gRPC:
 *   dkgRound1 → broadcast package (commitments + proof of knowledge) and a secret for round 2;
 *   dkgRound2 → checks everyone's round-1 package, returns one secret share per recipient;
 *   dkgFinish → checks the shares received, returns the key share and every public share.
 * Identifiers are the operators' 64-hex scalars. A bad proof or share throws SparkCryptoError
 * naming the sender in `culprit` (and every bad sender in the message).
 */
import { Point, assertBytes, secretBaseMul, bytesToHex, concatBytes, modN, pointFromBytes, pointToBytes, scalarFromBytes, scalarToBytes, wipe } from './bytes.js';
import type { Point as PointT } from './bytes.js';
import { SparkCryptoError } from './errors.js';
import { addBaseMulPublic, mulPublic } from './ec/index.js';
import { hdkg } from './frost/hash.js';
import { identifierToScalar } from './frost/identifiers.js';
import { defaultRandom, evaluateCommitments, evaluatePolynomial, randomScalar } from './polynomial.js';
import type { RandomSource } from './polynomial.js';

/** Broadcast by every participant in round 1. */
export interface DkgRound1Package {
  /** Sender (64 hex). */
  identifier: string;
  /** Feldman commitments a_0·G … a_{t−1}·G, 33 bytes each. */
  commitments: Uint8Array[];
  /** Proof of knowledge of a_0: R (33 bytes compressed) || μ (32 bytes). */
  proofOfKnowledge: Uint8Array;
}

/** Sent privately from `sender` to `recipient` in round 2. */
export interface DkgRound2Package {
  sender: string;
  recipient: string;
  /** f_sender(recipient), 32 bytes. */
  share: Uint8Array;
}

/** Kept by a participant between round 1 and round 2. Secret. */
export interface DkgRound1Secret {
  readonly identifier: string;
  readonly threshold: number;
  /** All participants (64 hex, lower case, sorted). */
  readonly participants: readonly string[];
  /** Polynomial coefficients, 32 bytes each (wiped by dkgRound2). */
  readonly coefficients: Uint8Array[];
  readonly ownPackage: DkgRound1Package;
}

/** Kept by a participant between round 2 and finish. Secret. */
export interface DkgRound2Secret {
  readonly identifier: string;
  readonly threshold: number;
  readonly participants: readonly string[];
  /** f_self(self), 32 bytes (wiped by dkgFinish). */
  readonly ownShare: Uint8Array;
  /** Every participant's verified round-1 commitments (own included), by identifier. */
  readonly commitments: ReadonlyMap<string, readonly Uint8Array[]>;
}

export interface DkgResult {
  identifier: string;
  threshold: number;
  /** This participant's secret share s_i of the group key (32 bytes). */
  secretShare: Uint8Array;
  /** s_i·G (33 bytes). */
  publicShare: Uint8Array;
  /** The group public key (33 bytes). */
  groupPublicKey: Uint8Array;
  /** Every participant's public share, by identifier. */
  publicShares: Record<string, Uint8Array>;
}

export interface DkgRound1Params {
  /** This participant (64 hex). */
  identifier: string;
  threshold: number;
  /** All participants, this one included (64 hex). */
  participants: readonly string[];
  /** Injectable randomness, for reproducible tests only. */
  random?: RandomSource;
}

function normaliseParticipants(identifier: string, threshold: number, participants: readonly string[]): { self: string; all: string[] } {
  if (!Array.isArray(participants)) throw new SparkCryptoError('MISSING_PARTICIPANT', 'participants must be a list');
  const seen = new Set<string>();
  for (const p of participants) {
    identifierToScalar(p);
    const id = p.toLowerCase();
    if (seen.has(id)) throw new SparkCryptoError('DUPLICATE_PARTICIPANT', `participant ${id} is listed twice`, id);
    seen.add(id);
  }
  identifierToScalar(identifier);
  const self = identifier.toLowerCase();
  if (!seen.has(self)) throw new SparkCryptoError('UNKNOWN_PARTICIPANT', `${self} is not among the participants`, self);
  if (!Number.isSafeInteger(threshold) || threshold < 1 || threshold > seen.size) {
    throw new SparkCryptoError('INVALID_THRESHOLD', `need 1 <= threshold <= ${seen.size} participants, got ${String(threshold)}`);
  }
  const all = [...seen].sort((a, b) => (identifierToScalar(a) < identifierToScalar(b) ? -1 : 1));
  return { self, all };
}

function pokChallenge(id: string, a0G: Uint8Array, R: Uint8Array): bigint {
  // frost-core dkg: c = H_DKG(identifier || φ_0 || R).
  return hdkg(concatBytes(scalarToBytes(identifierToScalar(id)), a0G, R));
}

/** Round 1: deal a polynomial; broadcast `package`, keep `secret`. */
export function dkgRound1(params: DkgRound1Params): { package: DkgRound1Package; secret: DkgRound1Secret } {
  const { self, all } = normaliseParticipants(params.identifier, params.threshold, params.participants);
  const random = params.random ?? defaultRandom;
  const coefficients: bigint[] = [];
  for (let j = 0; j < params.threshold; j++) coefficients.push(randomScalar(random));
  const commitments = coefficients.map((a) => pointToBytes(secretBaseMul(a)));
  const k = randomScalar(random);
  const R = pointToBytes(secretBaseMul(k));
  const a0G = commitments[0] ?? new Uint8Array();
  const mu = modN(k + (coefficients[0] ?? 0n) * pokChallenge(self, a0G, R));
  const pkg: DkgRound1Package = { identifier: self, commitments, proofOfKnowledge: concatBytes(R, scalarToBytes(mu)) };
  return {
    package: pkg,
    secret: { identifier: self, threshold: params.threshold, participants: all, coefficients: coefficients.map(scalarToBytes), ownPackage: pkg },
  };
}

/** Checks a round-1 package's shape and proof of knowledge; returns its parsed commitments. */
export function verifyDkgRound1Package(pkg: DkgRound1Package, threshold: number): PointT[] {
  const who = String(pkg?.identifier).toLowerCase();
  if (pkg === null || typeof pkg !== 'object' || !Array.isArray(pkg.commitments)) {
    throw new SparkCryptoError('INVALID_COMMITMENT', 'round-1 package is malformed', who);
  }
  if (pkg.commitments.length !== threshold) {
    throw new SparkCryptoError('INVALID_COMMITMENT', `round-1 package has ${pkg.commitments.length} commitments, expected ${threshold}`, who);
  }
  let commitments: PointT[];
  let R: PointT;
  let mu: bigint;
  try {
    commitments = pkg.commitments.map((c, j) => pointFromBytes(c, `commitment ${j}`));
    assertBytes(pkg.proofOfKnowledge, 65, 'proof of knowledge');
    R = pointFromBytes(pkg.proofOfKnowledge.subarray(0, 33), 'proof commitment R');
    mu = scalarFromBytes(pkg.proofOfKnowledge.subarray(33), 'proof response', true);
  } catch (e) {
    if (e instanceof SparkCryptoError) {
      const code = e.code === 'INVALID_POINT' ? 'INVALID_COMMITMENT' : 'INVALID_PROOF';
      throw new SparkCryptoError(code, `round-1 package: ${e.message}`, who);
    }
    throw e;
  }
  const a0G = commitments[0];
  if (a0G === undefined) throw new SparkCryptoError('INVALID_COMMITMENT', 'no commitments', who);
  const c = pokChallenge(who, pkg.commitments[0] ?? new Uint8Array(), pkg.proofOfKnowledge.subarray(0, 33));
  // μ·G − c·φ_0 must equal R (public values: the fast variable-time paths apply).
  if (!addBaseMulPublic(mulPublic(a0G, modN(-c)), mu).equals(R)) {
    throw new SparkCryptoError('INVALID_PROOF', 'proof of knowledge of the constant term does not verify', who);
  }
  return commitments;
}

function checkRoster<T>(items: readonly T[], idOf: (t: T) => string, expected: readonly string[], what: string): Map<string, T> {
  const out = new Map<string, T>();
  for (const it of items) {
    const raw = idOf(it);
    identifierToScalar(raw);
    const id = raw.toLowerCase();
    if (!expected.includes(id)) throw new SparkCryptoError('UNKNOWN_PARTICIPANT', `${what} from ${id}, who is not a participant`, id);
    if (out.has(id)) throw new SparkCryptoError('DUPLICATE_PARTICIPANT', `two ${what}s from ${id}`, id);
    out.set(id, it);
  }
  for (const id of expected) {
    if (!out.has(id)) throw new SparkCryptoError('MISSING_PARTICIPANT', `no ${what} from ${id}`, id);
  }
  return out;
}

/**
 * Round 2: verify everyone's round-1 package (own may be included or not), then evaluate the
 * polynomial for each other participant. Wipes the round-1 coefficients.
 */
export function dkgRound2(secret: DkgRound1Secret, round1Packages: readonly DkgRound1Package[]): { packages: DkgRound2Package[]; secret: DkgRound2Secret } {
  const others = secret.participants.filter((p) => p !== secret.identifier);
  const received = round1Packages.filter((p) => String(p?.identifier).toLowerCase() !== secret.identifier);
  const byId = checkRoster(received, (p) => p.identifier, others, 'round-1 package');
  const commitments = new Map<string, readonly Uint8Array[]>();
  const bad: string[] = [];
  let firstError: SparkCryptoError | undefined;
  for (const [id, pkg] of byId) {
    try {
      verifyDkgRound1Package(pkg, secret.threshold);
      commitments.set(id, pkg.commitments.map((c) => c.slice()));
    } catch (e) {
      if (!(e instanceof SparkCryptoError)) throw e;
      bad.push(id);
      firstError ??= e;
    }
  }
  if (firstError !== undefined) {
    throw new SparkCryptoError(firstError.code, `${firstError.message.replace(/^[A-Z_]+: /, '')}; bad round-1 packages from ${bad.join(', ')}`, bad[0]);
  }
  commitments.set(secret.identifier, secret.ownPackage.commitments.map((c) => c.slice()));
  const coeffs = secret.coefficients.map((c) => scalarFromBytes(c, 'coefficient'));
  const packages: DkgRound2Package[] = others.map((recipient) => ({
    sender: secret.identifier,
    recipient,
    share: scalarToBytes(evaluatePolynomial(coeffs, identifierToScalar(recipient))),
  }));
  const ownShare = scalarToBytes(evaluatePolynomial(coeffs, identifierToScalar(secret.identifier)));
  coeffs.fill(0n);
  wipe(...secret.coefficients);
  return {
    packages,
    secret: { identifier: secret.identifier, threshold: secret.threshold, participants: secret.participants, ownShare, commitments },
  };
}

/**
 * Finish: verify each received share against its sender's commitments, sum the shares, and
 * compute the group key and every participant's public share. Wipes the round-2 secret.
 */
export function dkgFinish(secret: DkgRound2Secret, round2Packages: readonly DkgRound2Package[]): DkgResult {
  const others = secret.participants.filter((p) => p !== secret.identifier);
  for (const p of round2Packages) {
    if (String(p?.recipient).toLowerCase() !== secret.identifier) {
      throw new SparkCryptoError('UNKNOWN_PARTICIPANT', `round-2 package for ${String(p?.recipient)} delivered to ${secret.identifier}`, String(p?.sender).toLowerCase());
    }
  }
  const byId = checkRoster(round2Packages, (p) => p.sender, others, 'round-2 package');
  const parsed = new Map<string, PointT[]>();
  for (const [id, cs] of secret.commitments) parsed.set(id, cs.map((c) => pointFromBytes(c, `commitment of ${id}`)));
  const selfX = identifierToScalar(secret.identifier);
  let sum = scalarFromBytes(secret.ownShare, 'own share', true);
  const bad: string[] = [];
  for (const [id, pkg] of byId) {
    let y: bigint;
    try {
      y = scalarFromBytes(pkg.share, `share from ${id}`);
    } catch {
      bad.push(id);
      continue;
    }
    const cs = parsed.get(id);
    // y is secret: a constant-time base multiplication (libsecp256k1's), not the variable-time table.
    if (cs === undefined || !secretBaseMul(y).equals(evaluateCommitments(cs, selfX))) {
      bad.push(id);
      continue;
    }
    sum = modN(sum + y);
  }
  if (bad.length > 0) {
    throw new SparkCryptoError('INVALID_SHARE', `secret share(s) from ${bad.join(', ')} do not match their commitments`, bad[0]);
  }
  if (sum === 0n) throw new SparkCryptoError('INVALID_SCALAR', 'resulting key share is zero');
  // Σ over dealers of each commitment index gives the group polynomial's commitments.
  const groupCommitments: PointT[] = [];
  for (let k = 0; k < secret.threshold; k++) {
    let acc = Point.ZERO;
    for (const cs of parsed.values()) {
      const c = cs[k];
      if (c !== undefined) acc = acc.add(c);
    }
    groupCommitments.push(acc);
  }
  const group = groupCommitments[0] ?? Point.ZERO;
  const publicShares: Record<string, Uint8Array> = {};
  for (const id of secret.participants) {
    publicShares[id] = pointToBytes(evaluateCommitments(groupCommitments, identifierToScalar(id)), `public share of ${id}`);
  }
  const secretShare = scalarToBytes(sum);
  const publicShare = secretBaseMul(sum).toBytes(true);
  wipe(secret.ownShare);
  if (bytesToHex(publicShare) !== bytesToHex(publicShares[secret.identifier] ?? new Uint8Array())) {
    throw new SparkCryptoError('INVALID_SHARE', 'own key share does not match the group commitments');
  }
  return {
    identifier: secret.identifier,
    threshold: secret.threshold,
    secretShare,
    publicShare,
    groupPublicKey: pointToBytes(group, 'group public key'),
    publicShares,
  };
}

/**
 * Runs the whole DKG in one process (every participant's rounds in turn) — for a local network
 * that starts all its operators together, and for tests. Returns one result per participant,
 * in the order of `participants`.
 */
export function runDkgInProcess(participants: readonly string[], threshold: number, random?: RandomSource): DkgResult[] {
  const r1 = participants.map((identifier) => dkgRound1({ identifier, threshold, participants, ...(random ? { random } : {}) }));
  const broadcast = r1.map((r) => r.package);
  const r2 = r1.map((r) => dkgRound2(r.secret, broadcast));
  const all = r2.flatMap((r) => r.packages);
  return r2.map((r) => dkgFinish(r.secret, all.filter((p) => p.recipient === r.secret.identifier)));
}

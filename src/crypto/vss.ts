/**
 * Feldman verifiable secret sharing as the SDK does it (docs/keys-and-frost.md, section "Verifiable
 * secret sharing"; SDK `utils/secret-sharing.ts`): shares at indices 1..n, each carrying the commitments
 * ("proofs") G·a_0 … G·a_{t−1}; a share is valid iff share·G = Σ proofs[j]·index^j.
 */
import { Point, assertBytes, pointFromBytes, pointToBytes, scalarFromBytes, scalarToBytes, secretBaseMul } from './bytes.js';
import { SparkCryptoError } from './errors.js';
import { commitPolynomial, defaultRandom, evaluateCommitments, evaluatePolynomial, interpolateAtZero, randomScalar } from './polynomial.js';
import type { RandomSource } from './polynomial.js';

/** Same shape as the SDK's `VerifiableSecretShare`. */
export interface VerifiableSecretShare {
  threshold: number;
  /** 1-based share index. */
  index: number;
  /** 32-byte big-endian share. */
  share: Uint8Array;
  /** 33-byte compressed commitments G·a_0 … G·a_{t−1}. */
  proofs: Uint8Array[];
}

/** The minimal share shape `recoverSecret` needs (as the SDK's). */
export interface SecretShare {
  threshold: number;
  index: number;
  share: Uint8Array;
}

function assertThreshold(threshold: number, numShares: number): void {
  // The SDK's WASM refuses thresholds below 2 ("threshold must be >= 2"); so do we.
  if (!Number.isSafeInteger(threshold) || !Number.isSafeInteger(numShares) || threshold < 2 || numShares < threshold || numShares > 0xffff) {
    throw new SparkCryptoError('INVALID_THRESHOLD', `need 2 <= threshold <= numShares <= 65535, got ${String(threshold)} of ${String(numShares)}`);
  }
}

function assertIndex(index: number): bigint {
  if (!Number.isSafeInteger(index) || index < 1) {
    throw new SparkCryptoError('INVALID_IDENTIFIER', `share index must be a positive integer, got ${String(index)}`);
  }
  return BigInt(index);
}

/**
 * Splits a 32-byte secret (a non-zero scalar) into `numShares` shares, any `threshold` of which
 * recover it. `random` is injectable for reproducible tests only.
 */
export function splitSecretWithProofs(secret: Uint8Array, threshold: number, numShares: number, random: RandomSource = defaultRandom): VerifiableSecretShare[] {
  assertThreshold(threshold, numShares);
  const coefficients = [scalarFromBytes(secret, 'secret')];
  for (let j = 1; j < threshold; j++) coefficients.push(randomScalar(random));
  const proofs = commitPolynomial(coefficients).map((p) => pointToBytes(p));
  const shares: VerifiableSecretShare[] = [];
  for (let i = 1; i <= numShares; i++) {
    shares.push({ threshold, index: i, share: scalarToBytes(evaluatePolynomial(coefficients, BigInt(i))), proofs: proofs.map((p) => p.slice()) });
  }
  coefficients.fill(0n);
  return shares;
}

/** Throws SparkCryptoError('INVALID_SHARE') unless the share matches its proofs. */
export function validateShare(share: VerifiableSecretShare): void {
  if (share === null || typeof share !== 'object') throw new SparkCryptoError('INVALID_SHARE', 'share is missing');
  const x = assertIndex(share.index);
  if (!Array.isArray(share.proofs) || share.proofs.length !== share.threshold || share.threshold < 1) {
    throw new SparkCryptoError('INVALID_SHARE', `share ${share.index} has ${String(share.proofs?.length)} proofs for threshold ${String(share.threshold)}`);
  }
  const commitments = share.proofs.map((p, j) => pointFromBytes(p, `proof ${j} of share ${share.index}`));
  const y = scalarFromBytes(share.share, `share ${share.index}`, true);
  // y is the recipient's secret share: constant-time base multiplication (zero has no such routine and is no secret).
  if (!(y === 0n ? Point.ZERO : secretBaseMul(y)).equals(evaluateCommitments(commitments, x))) {
    throw new SparkCryptoError('INVALID_SHARE', `share ${share.index} does not match its proofs`);
  }
}

/** Recovers the 32-byte secret from at least `threshold` shares with distinct indices. */
export function recoverSecret(shares: readonly SecretShare[]): Uint8Array {
  if (!Array.isArray(shares) || shares.length === 0) throw new SparkCryptoError('INVALID_THRESHOLD', 'no shares given');
  const threshold = shares[0]?.threshold ?? 0;
  const seen = new Set<bigint>();
  const points: { x: bigint; y: bigint }[] = [];
  for (const s of shares) {
    if (s.threshold !== threshold) throw new SparkCryptoError('INVALID_THRESHOLD', 'shares disagree on the threshold');
    const x = assertIndex(s.index);
    if (seen.has(x)) throw new SparkCryptoError('DUPLICATE_PARTICIPANT', `share index ${s.index} appears twice`);
    seen.add(x);
    assertBytes(s.share, 32, `share ${s.index}`);
    points.push({ x, y: scalarFromBytes(s.share, `share ${s.index}`, true) });
  }
  if (points.length < threshold) {
    throw new SparkCryptoError('INVALID_THRESHOLD', `need ${threshold} shares to recover, got ${points.length}`);
  }
  return scalarToBytes(interpolateAtZero(points));
}

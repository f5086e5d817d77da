/**
 * Polynomials over Z_n with Feldman commitments — the common ground of VSS and the DKG.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { CURVE_ORDER, Point, bytesToBigInt, modN, secretBaseMul } from './bytes.js';
import type { Point as PointT } from './bytes.js';
import { SparkCryptoError } from './errors.js';
import { lagrangeCoefficient } from './frost/lagrange.js';

/** A source of 32 random bytes per call (injectable for reproducible tests). */
export type RandomSource = () => Uint8Array;

export const defaultRandom: RandomSource = () => randomBytes(32);

/** A uniformly random non-zero scalar (rejection sampling over 32-byte strings). */
export function randomScalar(random: RandomSource = defaultRandom): bigint {
  for (let i = 0; i < 64; i++) {
    const b = random();
    const k = bytesToBigInt(b);
    b.fill(0);
    if (k > 0n && k < CURVE_ORDER) return k;
  }
  throw new SparkCryptoError('INVALID_SCALAR', 'random source keeps returning out-of-range values');
}

/** f(x) = Σ coefficients[j]·x^j (mod n), by Horner's rule. */
export function evaluatePolynomial(coefficients: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let j = coefficients.length - 1; j >= 0; j--) acc = modN(acc * x + (coefficients[j] ?? 0n));
  return acc;
}

/** Feldman commitments a_j·G of the coefficients. */
export function commitPolynomial(coefficients: readonly bigint[]): PointT[] {
  // The coefficients are secret: constant-time base multiplication.
  return coefficients.map((a) => secretBaseMul(a));
}

/**
 * Σ commitments[j]·x^j by Horner's rule; x is a small participant index, so each step costs a
 * few doublings rather than a full scalar multiplication.
 */
export function evaluateCommitments(commitments: readonly PointT[], x: bigint): PointT {
  let acc = Point.ZERO;
  for (let j = commitments.length - 1; j >= 0; j--) {
    const c = commitments[j];
    if (c === undefined) continue;
    acc = acc.multiplyUnsafe(x).add(c);
  }
  return acc;
}

/** Lagrange interpolation of f(0) from points (x_i, y_i) with distinct non-zero x_i. */
export function interpolateAtZero(points: readonly { x: bigint; y: bigint }[]): bigint {
  const xs = points.map((p) => p.x);
  let acc = 0n;
  for (const p of points) acc = modN(acc + p.y * lagrangeCoefficient(p.x, xs));
  return acc;
}

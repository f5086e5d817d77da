/** Lagrange interpolation at zero over a set of participant identifiers. */
import { invN, modN } from '../bytes.js';
import { SparkCryptoError } from '../errors.js';

/**
 * λ_i = Π_{j≠i} x_j / (x_j − x_i) (mod n). `set` must contain `x` and have no duplicates.
 * One inversion: numerator and denominator products are accumulated separately.
 */
export function lagrangeCoefficient(x: bigint, set: readonly bigint[]): bigint {
  let num = 1n;
  let den = 1n;
  let found = false;
  for (const xj of set) {
    if (xj === x) {
      if (found) throw new SparkCryptoError('DUPLICATE_PARTICIPANT', `identifier ${x.toString(16)} appears twice`);
      found = true;
      continue;
    }
    num = modN(num * xj);
    den = modN(den * (xj - x));
  }
  if (!found) throw new SparkCryptoError('MISSING_PARTICIPANT', `identifier ${x.toString(16)} is not in the signing set`);
  return modN(num * invN(den));
}

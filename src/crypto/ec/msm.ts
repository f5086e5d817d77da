/**
 * Σ k_i·P_i for public points and scalars: Straus's interleaving (one shared doubling chain)
 * with the GLV endomorphism (each 256-bit scalar becomes two ~128-bit halves, via noble's
 * `_splitEndoScalar` and secp256k1's basis) and width-5 wNAF digits over affine tables of odd
 * multiples, normalised with one inversion. Variable-time: public data only.
 */
import { _splitEndoScalar } from '@noble/curves/abstract/weierstrass.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { CURVE_ORDER, modN } from '../bytes.js';
import { BETA, fmul, fneg } from './field.js';
import { INFINITY, batchToAffine, fromAffine, jadd, jaddAffine, jdouble } from './jacobian.js';
import type { Affine, Jac } from './jacobian.js';

const WINDOW = 5;
const TABLE_SIZE = 1 << (WINDOW - 2); // odd multiples 1P, 3P, …, 15P
type EndoBasis = Parameters<typeof _splitEndoScalar>[1];

function endoBasis(): EndoBasis {
  const basis = secp256k1.CURVE.endo?.basises;
  if (basis === undefined) throw new Error('noble secp256k1 has no endomorphism basis');
  return basis;
}
const BASIS: EndoBasis = endoBasis();

/** Signed width-w NAF digits of a non-negative k, least significant first. */
export function wnaf(k: bigint): Int8Array {
  const bits = k.toString(2);
  const len = bits.length;
  const bit = (i: number): number => (i < len && bits.charCodeAt(len - 1 - i) === 49 ? 1 : 0);
  const out = new Int8Array(len + 1);
  let carry = 0;
  let i = 0;
  while (i < len) {
    if (bit(i) === carry) {
      i++;
      continue;
    }
    let word = carry;
    for (let j = 0; j < WINDOW; j++) word += bit(i + j) << j;
    carry = (word >> (WINDOW - 1)) & 1;
    word -= carry << WINDOW;
    out[i] = word;
    i += WINDOW;
  }
  if (carry !== 0) out[len] = carry;
  return out;
}

function oddMultiples(p: Affine): Jac[] {
  const out: Jac[] = [fromAffine(p)];
  const twice = jdouble(fromAffine(p));
  for (let i = 1; i < TABLE_SIZE; i++) out.push(jadd(out[i - 1] as Jac, twice));
  return out;
}

interface Term {
  table: Affine[];
  digits: Int8Array;
  negate: boolean;
}

/** Σ scalars[i]·points[i] (scalars reduced mod n; zero terms skipped). */
export function msm(points: readonly Affine[], scalars: readonly bigint[]): Jac {
  const jacTables: Jac[] = [];
  const plan: { base: number; k1: bigint; k1neg: boolean; k2: bigint; k2neg: boolean }[] = [];
  for (let i = 0; i < points.length; i++) {
    const k = modN(scalars[i] ?? 0n);
    const p = points[i];
    if (k === 0n || p === undefined) continue;
    const { k1, k1neg, k2, k2neg } = _splitEndoScalar(k, BASIS, CURVE_ORDER);
    plan.push({ base: jacTables.length, k1, k1neg, k2, k2neg });
    jacTables.push(...oddMultiples(p));
  }
  if (plan.length === 0) return INFINITY;
  const affine = batchToAffine(jacTables);
  const terms: Term[] = [];
  let maxLen = 0;
  for (const p of plan) {
    const table = affine.slice(p.base, p.base + TABLE_SIZE);
    // φ(jP) = (β·x_j, y_j): the endomorphism applied to each table entry costs one multiplication.
    const endoTable = table.map((a) => ({ x: fmul(a.x, BETA), y: a.y }));
    const d1 = wnaf(p.k1);
    const d2 = wnaf(p.k2);
    terms.push({ table, digits: d1, negate: p.k1neg }, { table: endoTable, digits: d2, negate: p.k2neg });
    maxLen = Math.max(maxLen, d1.length, d2.length);
  }
  let acc = INFINITY;
  for (let bit = maxLen - 1; bit >= 0; bit--) {
    acc = jdouble(acc);
    for (const t of terms) {
      const d = t.digits[bit] ?? 0;
      if (d === 0) continue;
      const e = t.table[(Math.abs(d) - 1) >> 1] as Affine;
      const y = d < 0 !== t.negate ? fneg(e.y) : e.y;
      acc = jaddAffine(acc, e.x, y);
    }
  }
  return acc;
}

/**
 * Arithmetic in secp256k1's base field F_p, p = 2^256 − 2^32 − 977, on plain bigints kept in
 * [0, p): no field-object indirection and no redundant range checks, which is what makes the
 * Jacobian formulas in jacobian.ts cheaper than generic field code.
 * Variable-time: for public values (commitments, keys, signature checks).
 */
import { invert } from '@noble/curves/abstract/modular.js';

export const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
/** β: a cube root of unity in F_p, (x, y) ↦ (βx, y) is the GLV endomorphism (value from noble's secp256k1 CURVE.endo). */
export const BETA = 0x7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501een;

export function fmul(a: bigint, b: bigint): bigint {
  // V8's BigInt `%` beats folding with 2^256 ≡ 2^32 + 977 on random operands: fewer BigInt
  // allocations.
  return (a * b) % P;
}

export function fsqr(a: bigint): bigint {
  return fmul(a, a);
}

export function fadd(a: bigint, b: bigint): bigint {
  const s = a + b;
  return s >= P ? s - P : s;
}

export function fsub(a: bigint, b: bigint): bigint {
  const d = a - b;
  return d < 0n ? d + P : d;
}

export function fneg(a: bigint): bigint {
  return a === 0n ? 0n : P - a;
}

export function finv(a: bigint): bigint {
  return invert(a, P);
}

function sqrN(a: bigint, n: number): bigint {
  let x = a;
  for (let i = 0; i < n; i++) x = fmul(x, x);
  return x;
}

/**
 * √a = a^((p+1)/4) (p ≡ 3 mod 4), by an addition chain over the exponent's bit pattern
 * (223 ones, 0, 22 ones, 0000, 11, 00): 253 squarings and 13 multiplications.
 * Returns undefined if a is not a square.
 */
export function fsqrt(a: bigint): bigint | undefined {
  const x2 = fmul(fsqr(a), a);
  const x3 = fmul(fsqr(x2), a);
  const x6 = fmul(sqrN(x3, 3), x3);
  const x9 = fmul(sqrN(x6, 3), x3);
  const x11 = fmul(sqrN(x9, 2), x2);
  const x22 = fmul(sqrN(x11, 11), x11);
  const x44 = fmul(sqrN(x22, 22), x22);
  const x88 = fmul(sqrN(x44, 44), x44);
  const x176 = fmul(sqrN(x88, 88), x88);
  const x220 = fmul(sqrN(x176, 44), x44);
  const x223 = fmul(sqrN(x220, 3), x3);
  let t = fmul(sqrN(x223, 23), x22);
  t = fmul(sqrN(t, 6), x2);
  t = sqrN(t, 2);
  return fsqr(t) === a ? t : undefined;
}

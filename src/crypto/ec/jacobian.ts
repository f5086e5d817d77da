/**
 * secp256k1 points in Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 is infinity) with the
 * a = 0 formulas from the Explicit-Formulas Database: dbl-2009-l, madd-2007-bl, add-2007-bl.
 * Used for the public-data hot paths (group commitment, share and signature checks); results
 * are handed back to noble Points at the boundary. Variable-time.
 */
import { Point } from '../bytes.js';
import type { Point as NoblePoint } from '../bytes.js';
import { P, fadd, finv, fmul, fneg, fsqr, fsqrt, fsub } from './field.js';

export interface Jac {
  X: bigint;
  Y: bigint;
  Z: bigint;
}

export interface Affine {
  x: bigint;
  y: bigint;
}

export const INFINITY: Jac = { X: 1n, Y: 1n, Z: 0n };

export function isInfinity(p: Jac): boolean {
  return p.Z === 0n;
}

export function fromAffine(a: Affine): Jac {
  return { X: a.x, Y: a.y, Z: 1n };
}

export function jneg(p: Jac): Jac {
  return { X: p.X, Y: fneg(p.Y), Z: p.Z };
}

export function jdouble(p: Jac): Jac {
  if (p.Z === 0n || p.Y === 0n) return INFINITY;
  const A = fsqr(p.X);
  const B = fsqr(p.Y);
  const C = fsqr(B);
  const xb = fadd(p.X, B);
  let D = fsub(fsub(fsqr(xb), A), C);
  D = fadd(D, D);
  const E = fadd(fadd(A, A), A);
  const F = fsqr(E);
  const X3 = fsub(F, fadd(D, D));
  let C8 = fadd(C, C);
  C8 = fadd(C8, C8);
  C8 = fadd(C8, C8);
  const Y3 = fsub(fmul(E, fsub(D, X3)), C8);
  const yz = fmul(p.Y, p.Z);
  return { X: X3, Y: Y3, Z: fadd(yz, yz) };
}

/** p + (x, y) with (x, y) affine (not infinity). */
export function jaddAffine(p: Jac, x: bigint, y: bigint): Jac {
  if (p.Z === 0n) return { X: x, Y: y, Z: 1n };
  const Z1Z1 = fsqr(p.Z);
  const U2 = fmul(x, Z1Z1);
  const S2 = fmul(fmul(y, p.Z), Z1Z1);
  const H = fsub(U2, p.X);
  const r0 = fsub(S2, p.Y);
  if (H === 0n) return r0 === 0n ? jdouble(p) : INFINITY;
  const HH = fsqr(H);
  let I = fadd(HH, HH);
  I = fadd(I, I);
  const J = fmul(H, I);
  const r = fadd(r0, r0);
  const V = fmul(p.X, I);
  const X3 = fsub(fsub(fsqr(r), J), fadd(V, V));
  const yj = fmul(p.Y, J);
  const Y3 = fsub(fmul(r, fsub(V, X3)), fadd(yj, yj));
  const Z3 = fsub(fsub(fsqr(fadd(p.Z, H)), Z1Z1), HH);
  return { X: X3, Y: Y3, Z: Z3 };
}

export function jadd(p: Jac, q: Jac): Jac {
  if (p.Z === 0n) return q;
  if (q.Z === 0n) return p;
  const Z1Z1 = fsqr(p.Z);
  const Z2Z2 = fsqr(q.Z);
  const U1 = fmul(p.X, Z2Z2);
  const U2 = fmul(q.X, Z1Z1);
  const S1 = fmul(fmul(p.Y, q.Z), Z2Z2);
  const S2 = fmul(fmul(q.Y, p.Z), Z1Z1);
  const H = fsub(U2, U1);
  const r0 = fsub(S2, S1);
  if (H === 0n) return r0 === 0n ? jdouble(p) : INFINITY;
  const H2 = fadd(H, H);
  const I = fsqr(H2);
  const J = fmul(H, I);
  const r = fadd(r0, r0);
  const V = fmul(U1, I);
  const X3 = fsub(fsub(fsqr(r), J), fadd(V, V));
  const sj = fmul(S1, J);
  const Y3 = fsub(fmul(r, fsub(V, X3)), fadd(sj, sj));
  const Z3 = fmul(fsub(fsub(fsqr(fadd(p.Z, q.Z)), Z1Z1), Z2Z2), H);
  return { X: X3, Y: Y3, Z: Z3 };
}

export function toAffine(p: Jac): Affine | undefined {
  if (p.Z === 0n) return undefined;
  if (p.Z === 1n) return { x: p.X, y: p.Y };
  const zi = finv(p.Z);
  const zi2 = fsqr(zi);
  return { x: fmul(p.X, zi2), y: fmul(fmul(p.Y, zi2), zi) };
}

/** Affine forms of many finite points with one inversion (Montgomery's trick). */
export function batchToAffine(points: readonly Jac[]): Affine[] {
  const n = points.length;
  const prefix: bigint[] = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    prefix[i] = acc;
    acc = fmul(acc, (points[i] as Jac).Z);
  }
  let inv = finv(acc);
  const out: Affine[] = new Array<Affine>(n);
  for (let i = n - 1; i >= 0; i--) {
    const p = points[i] as Jac;
    const zi = fmul(inv, prefix[i] as bigint);
    inv = fmul(inv, p.Z);
    const zi2 = fsqr(zi);
    out[i] = { x: fmul(p.X, zi2), y: fmul(fmul(p.Y, zi2), zi) };
  }
  return out;
}

/** Equality of two Jacobian points without inversion. */
export function jequals(p: Jac, q: Jac): boolean {
  if (p.Z === 0n || q.Z === 0n) return p.Z === 0n && q.Z === 0n;
  const z1 = fsqr(p.Z);
  const z2 = fsqr(q.Z);
  if (fmul(p.X, z2) !== fmul(q.X, z1)) return false;
  return fmul(fmul(p.Y, z2), q.Z) === fmul(fmul(q.Y, z1), p.Z);
}

/**
 * Decodes a 33-byte compressed point; undefined if the encoding is not a curve point.
 * (Length is checked by the caller.)
 */
export function decompress(bytes: Uint8Array): Affine | undefined {
  const prefix = bytes[0];
  if (bytes.length !== 33 || (prefix !== 2 && prefix !== 3)) return undefined;
  let x = 0n;
  for (let i = 1; i < 33; i++) x = (x << 8n) | BigInt(bytes[i] as number);
  if (x >= P) return undefined;
  const y = fsqrt(fadd(fmul(fsqr(x), x), 7n));
  if (y === undefined) return undefined;
  const odd = (y & 1n) === 1n;
  return { x, y: odd === (prefix === 3) ? y : fneg(y) };
}

/** 33-byte compressed encoding of an affine point. */
export function compress(a: Affine): Uint8Array {
  const out = new Uint8Array(33);
  out[0] = (a.y & 1n) === 1n ? 3 : 2;
  let v = a.x;
  for (let i = 32; i >= 1; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function toNoble(p: Jac): NoblePoint {
  const a = toAffine(p);
  return a === undefined ? Point.ZERO : Point.fromAffine(a);
}

export function fromNoble(p: NoblePoint): Jac {
  if (p.is0()) return INFINITY;
  // noble keeps projective (X, Y, Z) with x = X/Z; its affine form is cached after the first call.
  return fromAffine(p.toAffine());
}

export { P as FIELD_P };

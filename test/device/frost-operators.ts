import { secp256k1, schnorr } from '@noble/curves/secp256k1';
import { hash_to_field } from '@noble/curves/abstract/hash-to-curve';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/abstract/utils';
import { sha256 } from '@noble/hashes/sha2';
import type { DeviceCommitment, OperatorCommitment } from '../../src/device/messages.js';

/**
 * The operators' side of a Spark nested-FROST signature, written from the formulas in
 * /work/shared/design/FACTS.md ("Spark FROST"): a simulated t-of-n operator group signs with the
 * device (the user), so a device share can be aggregated by the SDK's aggregateFrost and the
 * result checked as a BIP340 signature. Also the single-share check of the user's share.
 */
const Point = secp256k1.ProjectivePoint;
type PointT = InstanceType<typeof Point>;
const N = secp256k1.CURVE.n;
const CONTEXT = 'FROST-secp256k1-SHA256-TR-v1';
const te = new TextEncoder();

const mod = (a: bigint): bigint => ((a % N) + N) % N;

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** hash_to_field(expand_message_xmd SHA-256, 48 bytes) with DST = context || tag (RFC 9380). */
function hashToScalar(tag: string, msg: Uint8Array): bigint {
  const [[v]] = hash_to_field(msg, 1, { DST: CONTEXT + tag, p: N, m: 1, k: 128, expand: 'xmd', hash: sha256 }) as bigint[][] as [[bigint]];
  return v;
}

const plainHash = (tag: string, msg: Uint8Array): Uint8Array => sha256(concat(te.encode(CONTEXT + tag), msg));

function taggedHash(tag: string, ...msgs: Uint8Array[]): Uint8Array {
  const t = sha256(te.encode(tag));
  return sha256(concat(t, t, ...msgs));
}

const hasOddY = (p: PointT): boolean => (p.toAffine().y & 1n) === 1n;
const xOnly = (p: PointT): Uint8Array => p.toRawBytes(true).slice(1);
const scalarBytes = (v: bigint): Uint8Array => numberToBytesBE(v, 32);
const randomScalar = (): bigint => bytesToNumberBE(secp256k1.utils.randomPrivateKey());

export const USER_IDENTIFIER = hashToScalar('id', te.encode('user'));

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export interface Operator {
  id: bigint;
  secretShare: bigint;
  publicShare: Uint8Array; // untweaked s_i·G
}

export interface OperatorGroup {
  operators: Operator[];
  groupPublicKey: PointT;
}

/** A t-of-n Shamir sharing of a fresh random group secret; identifiers 1..n. */
export function makeOperatorGroup(threshold: number, n: number): OperatorGroup {
  const coeffs = Array.from({ length: threshold }, randomScalar);
  const evalAt = (x: bigint): bigint => coeffs.reduceRight((acc, c) => mod(acc * x + c), 0n);
  const operators = Array.from({ length: n }, (_, i) => {
    const id = BigInt(i + 1);
    const s = evalAt(id);
    return { id, secretShare: s, publicShare: Point.BASE.multiply(s).toRawBytes(true) };
  });
  return { operators, groupPublicKey: Point.BASE.multiply(coeffs[0] ?? 1n) };
}

export interface OperatorNonce {
  op: Operator;
  d: bigint;
  e: bigint;
  commitment: OperatorCommitment;
}

export function operatorNonces(ops: Operator[]): OperatorNonce[] {
  return ops.map((op) => {
    const d = randomScalar();
    const e = randomScalar();
    return {
      op,
      d,
      e,
      commitment: {
        identifier: scalarBytes(op.id),
        hiding: Point.BASE.multiply(d).toRawBytes(true),
        binding: Point.BASE.multiply(e).toRawBytes(true),
      },
    };
  });
}

export interface SigningContext {
  P: PointT;
  Q: PointT;
  t: bigint;
  R: PointT;
  c: bigint;
  rho: Map<bigint, bigint>;
}

/** Everything both sides derive from the package (FACTS.md "The user's share, written out"). */
export function signingContext(
  message: Uint8Array,
  verifyingKey: Uint8Array,
  user: DeviceCommitment,
  ops: OperatorNonce[],
  adaptor?: Uint8Array,
): SigningContext {
  const P = Point.fromHex(verifyingKey);
  const Peven = hasOddY(P) ? P.negate() : P;
  const t = mod(bytesToNumberBE(taggedHash('TapTweak', xOnly(Peven))));
  const Q = Peven.add(Point.BASE.multiply(t));
  const parts = [
    { id: USER_IDENTIFIER, hiding: user.hiding, binding: user.binding },
    ...ops.map((o) => ({ id: o.op.id, hiding: o.commitment.hiding, binding: o.commitment.binding })),
  ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const list = concat(...parts.map((p) => concat(scalarBytes(p.id), p.hiding, p.binding)));
  const prefix = concat(new Uint8Array([0x02]), xOnly(Q), plainHash('msg', message), plainHash('com', list));
  const rho = new Map<bigint, bigint>();
  let R = Point.ZERO;
  for (const p of parts) {
    const r = hashToScalar('rho', concat(prefix, scalarBytes(p.id)));
    rho.set(p.id, r);
    R = R.add(Point.fromHex(p.hiding)).add(Point.fromHex(p.binding).multiply(r));
  }
  if (adaptor !== undefined) {
    R = R.add(Point.fromHex(adaptor));
  }
  const c = mod(bytesToNumberBE(taggedHash('BIP0340/challenge', xOnly(R), xOnly(Q), message)));
  return { P, Q, t, R, c, rho };
}

function lagrange(id: bigint, ids: bigint[]): bigint {
  let num = 1n;
  let den = 1n;
  for (const j of ids) {
    if (j !== id) {
      num = mod(num * j);
      den = mod(den * (j - id));
    }
  }
  const inv = (a: bigint): bigint => {
    // a^(n-2) mod n
    let r = 1n;
    let b = mod(a);
    let e = N - 2n;
    while (e > 0n) {
      if (e & 1n) r = mod(r * b);
      b = mod(b * b);
      e >>= 1n;
    }
    return r;
  };
  return mod(num * inv(den));
}

/** Operator i's share z_i (FACTS.md "An operator's share, written out"). */
export function operatorShare(ctx: SigningContext, nonce: OperatorNonce, signers: bigint[]): Uint8Array {
  let s = hasOddY(ctx.P) ? mod(-nonce.op.secretShare) : nonce.op.secretShare;
  s = mod(s + ctx.t);
  if (hasOddY(ctx.Q)) {
    s = mod(-s);
  }
  let { d, e } = nonce;
  if (hasOddY(ctx.R)) {
    d = mod(-d);
    e = mod(-e);
  }
  const rho = ctx.rho.get(nonce.op.id) ?? 0n;
  return scalarBytes(mod(d + rho * e + lagrange(nonce.op.id, signers) * ctx.c * s));
}

/**
 * Verification equation for the user's share alone: z·G = ±(D + ρE) + c·(±Y), with the nonce
 * sign flipped when R has odd y and the key's when P and Q differ in y parity.
 */
export function verifyUserShare(ctx: SigningContext, z: Uint8Array, user: DeviceCommitment, userPublicKey: Uint8Array): boolean {
  const rho = ctx.rho.get(USER_IDENTIFIER) ?? 0n;
  let Ru = Point.fromHex(user.hiding).add(Point.fromHex(user.binding).multiply(rho));
  if (hasOddY(ctx.R)) {
    Ru = Ru.negate();
  }
  let Y = Point.fromHex(userPublicKey);
  if (hasOddY(ctx.P) !== hasOddY(ctx.Q)) {
    Y = Y.negate();
  }
  const zv = bytesToNumberBE(z);
  if (zv === 0n || zv >= N) {
    return false;
  }
  return Point.BASE.multiply(zv).equals(Ru.add(Y.multiply(ctx.c)));
}

export function verifyingKeyFor(userPublicKey: Uint8Array, group: OperatorGroup): Uint8Array {
  return Point.fromHex(userPublicKey).add(group.groupPublicKey).toRawBytes(true);
}

export function schnorrVerify(sig: Uint8Array, message: Uint8Array, Q: PointT): boolean {
  return schnorr.verify(sig, message, xOnly(Q));
}

export function randomAdaptor(): { secret: Uint8Array; point: Uint8Array } {
  const secret = secp256k1.utils.randomPrivateKey();
  return { secret, point: secp256k1.getPublicKey(secret, true) };
}

/**
 * The one point representation of the crypto core: noble's secp256k1 Point (projective, with
 * its affine form cached). Both curve backends (ec/native.ts, ec/noble.ts) take and return it;
 * the point at infinity is `Point.ZERO`.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';

export type Point = typeof secp256k1.Point.BASE;
export const Point = secp256k1.Point;
export const G: Point = secp256k1.Point.BASE;
/** The secp256k1 group order n. */
export const CURVE_ORDER: bigint = secp256k1.CURVE.n;

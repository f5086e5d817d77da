/**
 * The Taproot view of a verifying key as Spark's FROST uses it (docs/keys-and-frost.md, section "Spark
 * FROST"): P as given, P' = P made even, t = TapTweak(P'.x) with an empty script tree, Q = P' + t·G.
 * Cached per key because every signature on a leaf reuses the same verifying key.
 */
import { assertBytes, bytesToHex, hasEvenY, pointFromBytes, xOnly } from '../bytes.js';
import type { Point } from '../bytes.js';
import { addBaseMulPublic } from '../ec/index.js';
import { SparkCryptoError } from '../errors.js';
import { tapTweak } from './hash.js';

export interface TweakedKey {
  /** The verifying key as given (untweaked). */
  readonly P: Point;
  readonly pEven: boolean;
  /** The tweak scalar t. */
  readonly t: bigint;
  /** The tweaked output key Q = even(P) + t·G, with its actual parity. */
  readonly Q: Point;
  readonly qEven: boolean;
  /** Q made even (the BIP340 key). */
  readonly qEvenPoint: Point;
  /** Q.x: the x-only key a BIP340 verifier uses. */
  readonly qx: Uint8Array;
}

const CACHE_LIMIT = 512;
const cache = new Map<string, TweakedKey>();

function computeTweakedKey(verifyingKey: Uint8Array): TweakedKey {
  const P = pointFromBytes(verifyingKey, 'verifying key');
  const pEven = hasEvenY(P);
  const pPrime = pEven ? P : P.negate();
  const t = tapTweak(xOnly(pPrime));
  // t is public (a hash of the public key).
  const Q = addBaseMulPublic(pPrime, t);
  if (Q.is0()) throw new SparkCryptoError('INVALID_POINT', 'tweaked verifying key is the point at infinity');
  const qEven = hasEvenY(Q);
  const qEvenPoint = qEven ? Q : Q.negate();
  return { P, pEven, t, Q, qEven, qEvenPoint, qx: xOnly(Q) };
}

/** The tweaked view of a 33-byte verifying key (validated; cached). */
export function tweakedKey(verifyingKey: Uint8Array): TweakedKey {
  // Keyed by the raw bytes: computeTweakedKey validates them fully before anything is cached.
  const k = bytesToHex(assertBytes(verifyingKey, 33, 'verifying key'));
  let v = cache.get(k);
  if (v === undefined) {
    v = computeTweakedKey(verifyingKey);
    if (cache.size >= CACHE_LIMIT) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(k, v);
  }
  return v;
}

/** The 32-byte x-only Taproot output key of a verifying key (what a BIP340 verifier checks against). */
export function taprootOutputKey(verifyingKey: Uint8Array): Uint8Array {
  return tweakedKey(verifyingKey).qx.slice();
}

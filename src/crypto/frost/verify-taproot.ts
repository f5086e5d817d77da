/**
 * BIP340 verification of a Taproot key-path signature against a verifying key, through the curve
 * backend (libsecp256k1 when it loads): R = s·G − e·Q with Q the tweaked output key made even
 * (frost/tweak.ts) and e the BIP340 challenge; valid iff R is not infinity, has even y and
 * R.x = r. An operator checks every refund signature another operator aggregated this way.
 */
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { CURVE_ORDER, hasEvenY, modN, xOnly } from '../bytes.js';
import { addBaseMulPublic, mulPublic } from '../ec/index.js';
import { challenge } from './hash.js';
import { tweakedKey } from './tweak.js';

/** True iff `signature` (64 bytes: r ‖ s) is a valid BIP340 signature of `message` by the Taproot output key of `verifyingKey` (33 bytes). */
export function verifyTaprootSignature(signature: Uint8Array, message: Uint8Array, verifyingKey: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const rx = signature.subarray(0, 32);
  const s = bytesToNumberBE(signature.subarray(32, 64));
  if (s >= CURVE_ORDER) return false;
  const key = tweakedKey(verifyingKey);
  const e = challenge(rx, key.qx, message);
  // s·G − e·Q_even = (−e)·Q_even + s·G; all public data, so the variable-time routines apply.
  const R = addBaseMulPublic(mulPublic(key.qEvenPoint, modN(-e)), s);
  if (R.is0() || !hasEvenY(R)) return false;
  const x = xOnly(R);
  return x.every((b, i) => b === rx[i]);
}

/**
 * ECDSA verification over a 32-byte digest used as given (no further hash), as the SDK's
 * identity key signs its transfer and claim packages (noble's secp256k1.sign over the digest).
 * Signatures come in DER or compact (r ‖ s) form; a high s does not verify (noble's and
 * libsecp256k1's rule alike). The curve work is the backend's (libsecp256k1 where it loads).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Point } from './bytes.js';
import { decompress, verifyEcdsa } from './ec/index.js';

function publicPoint(key: Uint8Array): Point | undefined {
  if (key.length === 33) return decompress(key);
  if (key.length !== 65) return undefined;
  try {
    return Point.fromBytes(key);
  } catch {
    return undefined;
  }
}

/** Whether `signature` is `publicKey`'s (33 or 65 bytes) ECDSA signature of `digest`; false for anything malformed. */
export function verifyEcdsaDigest(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array, format: 'der' | 'compact'): boolean {
  if (digest.length !== 32) return false;
  const p = publicPoint(Uint8Array.from(publicKey));
  if (p === undefined || p.is0()) return false;
  let compact: Uint8Array;
  try {
    compact = format === 'der' ? secp256k1.Signature.fromBytes(Uint8Array.from(signature), 'der').toBytes('compact') : Uint8Array.from(signature);
  } catch {
    return false;
  }
  if (compact.length !== 64) return false;
  return verifyEcdsa(compact, Uint8Array.from(digest), p);
}

/**
 * What a wallet's identity key signs in a transfer and a claim (docs/transfers.md, "What the
 * sender's identity key signs"): the per-leaf tweak authentication and the package payloads, a
 * tagged structured hash (SDK utils/hashstructure.ts, upstream common/hashstructure).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, hexToBytes, verifyEcdsaDigest } from '../crypto.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), false);
  return b;
}

/** length (u64 BE) ‖ bytes */
const value = (b: Uint8Array): Uint8Array => concatBytes(u64(b.length), b);

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/** SHA256(tagHash ‖ tagHash ‖ V(transfer id bytes) ‖ V(u64 count) ‖ sorted V(key) ‖ V(blob) …). */
function packagePayload(tag: string[], transferId: string, blobs: Record<string, Uint8Array>): Uint8Array {
  const tagHash = sha256(concatBytes(...tag.map((t) => value(utf8(t)))));
  const entries = Object.entries(blobs).map(([k, v]) => ({ key: utf8(k), v })).sort((a, b) => compareBytes(a.key, b.key));
  return sha256(concatBytes(
    tagHash, tagHash,
    value(hexToBytes(transferId.replaceAll('-', ''))),
    value(u64(entries.length)),
    ...entries.flatMap((e) => [value(e.key), value(e.v)]),
  ));
}

export const transferPackagePayload = (transferId: string, blobs: Record<string, Uint8Array>): Uint8Array =>
  packagePayload(['spark', 'transfer', 'signing payload'], transferId, blobs);

export const claimPackagePayload = (transferId: string, blobs: Record<string, Uint8Array>): Uint8Array =>
  packagePayload(['spark', 'claim', 'signing payload'], transferId, blobs);

/** sha256(utf8(leaf id) ‖ utf8(transfer id) ‖ secret cipher): what the sender signs per leaf (compact ECDSA). */
export const leafTweakDigest = (leafId: string, transferId: string, secretCipher: Uint8Array): Uint8Array =>
  sha256(concatBytes(utf8(leafId), utf8(transferId), secretCipher));

/** ECDSA over a 32-byte digest as given (no extra hash), as the SDK signs with noble; through the crypto core's curve backend. */
export function verifiesDigest(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array, format: 'der' | 'compact'): boolean {
  return verifyEcdsaDigest(signature, digest, publicKey, format);
}

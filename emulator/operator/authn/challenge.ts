/**
 * The authn challenge and session token (docs/sdk-wire.md, sections "Authentication schema" to "What the
 * operator verifies"). The operator verifies the wallet's signature over SHA-256 of the CANONICAL proto3
 * encoding of Challenge (fields 1..4 in order, zero/empty fields omitted), since the SDK signs its own
 * re-encoding of the challenge.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { concatBytes } from '@noble/curves/utils.js';

export interface Challenge {
  version: number;
  /** unix seconds */
  timestamp: number;
  nonce: Uint8Array;
  publicKey: Uint8Array;
}

function varint(v: bigint): Uint8Array {
  const out: number[] = [];
  let x = v;
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
  return Uint8Array.from(out);
}

/** int32/int64 as proto varint: negatives are 10-byte two's complement (proto3 rule). */
function intField(field: number, v: number): Uint8Array {
  if (v === 0) return new Uint8Array(0);
  const big = v < 0 ? (1n << 64n) + BigInt(v) : BigInt(v);
  return concatBytes(varint(BigInt(field << 3)), varint(big));
}

function bytesField(field: number, v: Uint8Array): Uint8Array {
  if (v.length === 0) return new Uint8Array(0);
  return concatBytes(varint(BigInt((field << 3) | 2)), varint(BigInt(v.length)), v);
}

/** Canonical proto3 bytes of `spark_authn.Challenge`. */
export function encodeChallenge(c: Challenge): Uint8Array {
  return concatBytes(intField(1, c.version), intField(2, c.timestamp), bytesField(3, c.nonce), bytesField(4, c.publicKey));
}

/** The digest the wallet signs. */
export function challengeDigest(c: Challenge): Uint8Array {
  return sha256(encodeChallenge(c));
}

/** HMAC key derivation: SHA-256(identity private key ‖ label) (the labels upstream uses;
 * docs/sdk-wire.md, "What the operator verifies"). */
export function deriveHmacKey(identityPriv: Uint8Array, label: 'AUTH_CHALLENGE_SECRET_v1' | 'AUTH_SESSION_SECRET_v1'): Uint8Array {
  return sha256(concatBytes(identityPriv, utf8ToBytes(label)));
}

export function hmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(data).digest());
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

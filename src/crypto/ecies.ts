/**
 * ECIES as the SDK's WASM does it (docs/keys-and-frost.md, section "ECIES and VSS formats"): ephemeral key E (65 bytes, uncompressed)
 * || nonce (16) || AES-256-GCM tag (16) || ciphertext, with the key
 * HKDF-SHA256(ikm = E uncompressed || (e·P) uncompressed, no salt, no info, 32 bytes).
 * AES-GCM is @noble/ciphers' (pure JS, so the core also runs in a browser; it takes the SDK's
 * 16-byte nonce, which GCM hashes into its counter block). Both multiplications by a secret
 * scalar go through the curve backend's constant-time routines (libsecp256k1's where it loads).
 */
import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { Point, assertBytes, concatBytes, scalarFromBytes, secretBaseMul, wipe } from './bytes.js';
import { mulSecret } from './ec/index.js';
import type { Point as PointT } from './bytes.js';
import { SparkCryptoError } from './errors.js';

const EPHEMERAL_LEN = 65;
const NONCE_LEN = 16;
const TAG_LEN = 16;
/** Smallest valid ciphertext: an empty message. */
export const ECIES_OVERHEAD = EPHEMERAL_LEN + NONCE_LEN + TAG_LEN;

function parsePublicKey(bytes: Uint8Array, what: string): PointT {
  assertBytes(bytes, undefined, what);
  const ok = (bytes.length === 33 && (bytes[0] === 2 || bytes[0] === 3)) || (bytes.length === 65 && bytes[0] === 4);
  if (!ok) throw new SparkCryptoError('INVALID_POINT', `${what} must be a 33-byte compressed or 65-byte uncompressed point`);
  try {
    return Point.fromHex(bytes);
  } catch {
    throw new SparkCryptoError('INVALID_POINT', `${what} is not a point on secp256k1`);
  }
}

function deriveKey(ephemeral: Uint8Array, shared: PointT): Uint8Array {
  const sharedBytes = shared.toBytes(false);
  const ikm = concatBytes(ephemeral, sharedBytes);
  try {
    return hkdf(sha256, ikm, undefined, undefined, 32);
  } finally {
    wipe(ikm, sharedBytes);
  }
}

export interface EciesOptions {
  /** Ephemeral secret key (32 bytes) — for reproducible tests only. */
  ephemeralSecret?: Uint8Array;
  /** 16-byte GCM nonce — for reproducible tests only. */
  nonce?: Uint8Array;
}

/** Encrypts `msg` to a secp256k1 public key (33 or 65 bytes). */
export function encryptEcies(msg: Uint8Array, publicKey: Uint8Array, opts: EciesOptions = {}): Uint8Array {
  assertBytes(msg, undefined, 'message');
  const P = parsePublicKey(publicKey, 'receiver public key');
  const eSecret = opts.ephemeralSecret ?? randomBytes(32);
  const nonce = opts.nonce === undefined ? randomBytes(NONCE_LEN) : assertBytes(opts.nonce, NONCE_LEN, 'nonce');
  const e = scalarFromBytes(eSecret, 'ephemeral secret');
  const ephemeral = secretBaseMul(e).toBytes(false);
  const key = deriveKey(ephemeral, mulSecret(P, e));
  try {
    // noble returns body || tag; the SDK's layout puts the tag first.
    const sealed = gcm(key, nonce).encrypt(msg);
    const body = sealed.subarray(0, sealed.length - TAG_LEN);
    return concatBytes(ephemeral, nonce, sealed.subarray(sealed.length - TAG_LEN), body);
  } finally {
    wipe(key);
    if (opts.ephemeralSecret === undefined) wipe(eSecret);
  }
}

/** Decrypts an SDK-format ECIES ciphertext with a 32-byte secret key. */
export function decryptEcies(ciphertext: Uint8Array, privateKey: Uint8Array): Uint8Array {
  assertBytes(ciphertext, undefined, 'ciphertext');
  if (ciphertext.length < ECIES_OVERHEAD) {
    throw new SparkCryptoError('DECRYPTION_FAILED', `ciphertext is ${ciphertext.length} bytes, shorter than the ${ECIES_OVERHEAD}-byte header`);
  }
  const k = scalarFromBytes(privateKey, 'private key');
  const ephemeral = ciphertext.subarray(0, EPHEMERAL_LEN);
  let E: PointT;
  try {
    E = parsePublicKey(ephemeral, 'ephemeral public key');
  } catch (e) {
    throw new SparkCryptoError('DECRYPTION_FAILED', `ciphertext header: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (ephemeral[0] !== 4) throw new SparkCryptoError('DECRYPTION_FAILED', 'ephemeral key must be uncompressed');
  const nonce = ciphertext.subarray(EPHEMERAL_LEN, EPHEMERAL_LEN + NONCE_LEN);
  const tag = ciphertext.subarray(EPHEMERAL_LEN + NONCE_LEN, ECIES_OVERHEAD);
  const body = ciphertext.subarray(ECIES_OVERHEAD);
  const key = deriveKey(ephemeral, mulSecret(E, k));
  try {
    return gcm(key, nonce).decrypt(concatBytes(body, tag));
  } catch {
    throw new SparkCryptoError('DECRYPTION_FAILED', 'authentication failed (wrong key or tampered ciphertext)');
  } finally {
    wipe(key);
  }
}

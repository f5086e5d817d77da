/**
 * The hashes of the FROST(secp256k1, SHA-256) ciphersuite with Taproot rules, as used by Spark
 * (context string and tags from RFC 9591 §6.5 and lightsparkdev/frost `frost-secp256k1-tr`;
 * the challenge is BIP340's tagged hash).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hash_to_field } from '@noble/curves/abstract/hash-to-curve.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { CURVE_ORDER, modN } from '../bytes.js';

/** Context string of the ciphersuite (lightsparkdev/frost frost-secp256k1-tr). */
export const CONTEXT_STRING = 'FROST-secp256k1-SHA256-TR-v1';

const encoder = new TextEncoder();
const CTX = encoder.encode(CONTEXT_STRING);
const tagBytes = (tag: string): Uint8Array => encoder.encode(CONTEXT_STRING + tag);

const ZERO_BLOCK = new Uint8Array(64);
/** SHA-256 state after absorbing Z_pad (one zero block), shared by every hash-to-scalar call. */
const AFTER_ZPAD = sha256.create().update(ZERO_BLOCK);

/**
 * RFC 9380 hash_to_field over Z_n with expand_message_xmd(SHA-256), L = 48 (RFC 9591 §6.5),
 * written out so the Z_pad block is hashed once per process rather than per call.
 * (Checked against noble's hash_to_field in hash.test.ts.)
 */
function hashToScalar(dstPrime: Uint8Array, msg: Uint8Array): bigint {
  const b0 = AFTER_ZPAD.clone().update(msg).update(L_I_B_AND_ZERO).update(dstPrime).digest();
  const b1 = sha256.create().update(b0).update(ONE).update(dstPrime).digest();
  for (let i = 0; i < 32; i++) b0[i] = (b0[i] as number) ^ (b1[i] as number);
  const b2 = sha256.create().update(b0).update(TWO).update(dstPrime).digest();
  const uniform = new Uint8Array(48);
  uniform.set(b1);
  uniform.set(b2.subarray(0, 16), 32);
  return modN(bytesToNumberBE(uniform));
}

/** The reference implementation (noble), for the consistency test. */
export function hashToScalarReference(dst: Uint8Array, msg: Uint8Array): bigint {
  const [[k]] = hash_to_field(msg, 1, { DST: dst, p: CURVE_ORDER, m: 1, k: 128, expand: 'xmd', hash: sha256 }) as [[bigint]];
  return k;
}

const L_I_B_AND_ZERO = Uint8Array.of(0, 48, 0);
const ONE = Uint8Array.of(1);
const TWO = Uint8Array.of(2);
/** DST' = DST || I2OSP(len(DST), 1). */
const dstPrime = (dst: Uint8Array): Uint8Array => {
  const out = new Uint8Array(dst.length + 1);
  out.set(dst);
  out[dst.length] = dst.length;
  return out;
};

export const DST_RHO = tagBytes('rho');
export const DST_NONCE = tagBytes('nonce');
export const DST_DKG = tagBytes('dkg');
export const DST_ID = tagBytes('id');
const DSTP_RHO = dstPrime(DST_RHO);
const DSTP_NONCE = dstPrime(DST_NONCE);
const DSTP_DKG = dstPrime(DST_DKG);
const DSTP_ID = dstPrime(DST_ID);
const TAG_MSG = encoder.encode('msg');
const TAG_COM = encoder.encode('com');

/** H1: binding factor. */
export function h1(msg: Uint8Array): bigint {
  return hashToScalar(DSTP_RHO, msg);
}

/** H3: nonce derivation. */
export function h3(msg: Uint8Array): bigint {
  return hashToScalar(DSTP_NONCE, msg);
}

/** H_DKG: challenge of the DKG proof of knowledge. */
export function hdkg(msg: Uint8Array): bigint {
  return hashToScalar(DSTP_DKG, msg);
}

/** H_ID: identifier derivation from an arbitrary string (the user's identifier is hid("user")). */
export function hid(msg: Uint8Array): bigint {
  return hashToScalar(DSTP_ID, msg);
}

function plainHash(tag: Uint8Array, msg: Uint8Array): Uint8Array {
  const h = sha256.create();
  h.update(CTX);
  h.update(tag);
  h.update(msg);
  return h.digest();
}

/** H4: message hash. */
export function h4(msg: Uint8Array): Uint8Array {
  return plainHash(TAG_MSG, msg);
}

/** H5: commitment-list hash. */
export function h5(encodedCommitments: Uint8Array): Uint8Array {
  return plainHash(TAG_COM, encodedCommitments);
}

/** H2 of the TR ciphersuite: BIP340 challenge over R.x || Q.x || msg. */
export function challenge(rx: Uint8Array, qx: Uint8Array, msg: Uint8Array): bigint {
  return modN(bytesToNumberBE(schnorr.utils.taggedHash('BIP0340/challenge', rx, qx, msg)));
}

/** BIP341 TapTweak of an x-only key with an empty script tree, reduced mod n. */
export function tapTweak(px: Uint8Array): bigint {
  return modN(bytesToNumberBE(schnorr.utils.taggedHash('TapTweak', px)));
}

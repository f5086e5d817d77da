import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';
import { equalBytes } from '../crypto/index.js';
import type { IdentityStatement } from '../device/clear-sign.js';
import { observeSha256, unobserved, type Sha256Observer, type Sha256Sink } from './sha256-observer.js';

/**
 * The preimages of the identity-key signatures the SDK 0.8.8 wallet asks for. The SparkSigner
 * interface hands the signer only a 32-byte hash (docs/transfers.md, section "What the sender's
 * identity key signs"), and what went into it is not rebuildable from the signer's view: the operator's
 * challenge nonce, the transfer id the wallet draws, the key tweak package the wallet encrypts
 * to the operators. The wallet hashes each of them with @noble/hashes' SHA-256 in this same
 * process, so this observer watches that hash's input (sha256-observer.ts) and
 * keeps only what is shaped like one of the statements the device parses
 * (device-app/PROTOCOL.md, "0x36 SIGN_IDENTITY_CLEAR"): an operator's or the service provider's
 * challenge for this identity key, a
 * per-leaf payload ending with a ciphertext the device returned, a package hash starting with the
 * transfer or claim tag. The observer only finds bytes; the device parses and checks them, so a
 * wrong find costs a fallback to the blind path, never a wrong signature.
 */

/** The SDK's structured-hash tags (hashstructure.ts): SHA-256 of u64 length || text per component. */
function tagHash(parts: readonly string[]): Uint8Array {
  const enc = new TextEncoder();
  return sha256(
    concatBytes(
      ...parts.flatMap((p) => {
        const b = enc.encode(p);
        const len = new Uint8Array(8);
        new DataView(len.buffer).setBigUint64(0, BigInt(b.length));
        return [len, b];
      }),
    ),
  );
}
const TRANSFER_TAG = tagHash(['spark', 'transfer', 'signing payload']);
const CLAIM_TAG = tagHash(['spark', 'claim', 'signing payload']);

const CIPHER_LEN = 129;
/** The service provider's challenge (docs/ssp.md, "Authentication"): 01 ‖ expiry[8] ‖ key[33] ‖ nonce[16] ‖ HMAC[32]. */
const PROVIDER_CHALLENGE_LEN = 90;
const PROVIDER_KEY_AT = 9;
const UUID_TEXT_LEN = 36;
/** Bounds: statements kept, ciphertexts remembered. */
const MAX_CANDIDATES = 32;
const MAX_CIPHERS = 64;

interface Candidate extends Sha256Sink {
  statement: IdentityStatement;
}

/** A found preimage and what it is. */
export interface IdentityPreimage {
  statement: IdentityStatement;
  preimage: Uint8Array;
}

export class IdentityPreimages implements Sha256Observer {
  private readonly candidates: Candidate[] = [];
  private readonly ciphers: Uint8Array[] = [];

  /** identityPublicKey: the signer's identity key once known (a challenge names it). */
  constructor(private readonly identityPublicKey: () => Uint8Array | undefined) {}

  /** Starts observing; returns the function that stops it. */
  start(): () => void {
    return observeSha256(this);
  }

  /** A ciphertext the device returned for a transfer's key split: its per-leaf payload ends with it. */
  expectCipher(cipher: Uint8Array): void {
    this.ciphers.push(cipher.slice());
    if (this.ciphers.length > MAX_CIPHERS) this.ciphers.shift();
  }

  /** The first bytes a SHA-256 instance was fed: a candidate if they start a statement. */
  observeFirst(data: Uint8Array): Candidate | undefined {
    let statement: IdentityStatement | undefined;
    if (data.length === 32 && (equalBytes(data, TRANSFER_TAG) || equalBytes(data, CLAIM_TAG))) {
      statement = equalBytes(data, TRANSFER_TAG) ? 'transfer' : 'claim';
    } else if (this.isChallenge(data)) {
      statement = 'login';
    } else if (this.isProviderChallenge(data)) {
      statement = 'provider-login';
    } else if (this.isLeafPayload(data)) {
      statement = 'leaf';
    }
    if (statement === undefined) return undefined;
    const c: Candidate = { statement, chunks: [data.slice()], bytes: data.length };
    this.candidates.push(c);
    if (this.candidates.length > MAX_CANDIDATES) this.candidates.shift();
    return c;
  }

  /** spark_authn.Challenge bytes issued for this identity key (ends with field 4 = the key). */
  private isChallenge(data: Uint8Array): boolean {
    const tail = data.length - 35;
    const key = this.identityPublicKey();
    return (
      key !== undefined &&
      data.length >= 69 &&
      data.length <= 91 &&
      (data[0] === 0x08 || data[0] === 0x10 || data[0] === 0x1a) &&
      data[tail] === 0x22 &&
      data[tail + 1] === 33 &&
      equalBytes(data.subarray(tail + 2), key)
    );
  }

  /** The service provider's challenge issued for this identity key (the SDK hashes it whole). */
  private isProviderChallenge(data: Uint8Array): boolean {
    const key = this.identityPublicKey();
    return (
      key !== undefined &&
      data.length === PROVIDER_CHALLENGE_LEN &&
      data[0] === 0x01 &&
      equalBytes(data.subarray(PROVIDER_KEY_AT, PROVIDER_KEY_AT + 33), key)
    );
  }

  /** leafId || transferId || a ciphertext the device returned. */
  private isLeafPayload(data: Uint8Array): boolean {
    if (data.length < 1 + UUID_TEXT_LEN + CIPHER_LEN || data.length > 64 + UUID_TEXT_LEN + CIPHER_LEN) return false;
    const tail = data.subarray(data.length - CIPHER_LEN);
    return this.ciphers.some((c) => equalBytes(c, tail));
  }

  /** The observed preimage whose SHA-256 is `digest`, newest first. */
  find(digest: Uint8Array): IdentityPreimage | undefined {
    const want = bytesToHex(digest);
    return unobserved(() => {
      for (let i = this.candidates.length - 1; i >= 0; i--) {
        const c = this.candidates[i]!;
        const preimage = concatBytes(...c.chunks);
        if (bytesToHex(sha256(preimage)) === want) {
          this.candidates.splice(i, 1);
          return { statement: c.statement, preimage };
        }
      }
      return undefined;
    });
  }
}

/**
 * Authentication of wallets by their identity key (docs/ssp.md, section "Authentication"): the
 * wallet asks `get_challenge` for its key, signs SHA-256 of the challenge's bytes (DER ECDSA), and
 * trades the signature for a session token at `verify_challenge`. Challenges are self-contained
 * and HMAC-protected (nothing stored but the nonces already used), so they survive nothing the
 * SSP forgets; a challenge is good for one verification within its lifetime.
 *   challenge = version (1) ‖ expiry unix seconds (u64 BE) ‖ public key (33) ‖ nonce (16) ‖ HMAC (32)
 * The Ledger app parses this layout to sign the login without a blind signature
 * (device-app/PROTOCOL.md, 0x36 SIGN_IDENTITY_CLEAR mode 0x04): a change to it is a change there.
 * Session tokens are the operators' (emulator/operator/authn/sessions.ts) under the SSP's own key.
 */
import { randomBytes } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/curves/utils.js';
import { deriveHmacKey, equalBytes, hmac } from '../operator/authn/challenge.js';
import { SessionTokens, type Session } from '../operator/authn/sessions.js';
import { verifiesDigest } from '../operator/transfer/payload.js';
import { SspError } from './errors.js';

const CHALLENGE_SECONDS = 120;
const SESSION_SECONDS = 3600;
const BODY = 1 + 8 + 33 + 16;

const bad = (m: string): SspError => new SspError('INVALID_CHALLENGE', m);

export function parsePublicKey(hex: unknown, what: string): Uint8Array {
  if (typeof hex !== 'string' || !/^0[23][0-9a-fA-F]{64}$/.test(hex)) throw new SspError('INVALID_INPUT', `${what} must be a 33-byte compressed public key in hex`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export class WalletAuth {
  private readonly challengeKey: Uint8Array;
  private readonly sessions: SessionTokens;
  /** nonce hex → expiry: a challenge verifies once */
  private readonly used = new Map<string, number>();

  constructor(
    secret: Uint8Array,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.challengeKey = deriveHmacKey(secret, 'AUTH_CHALLENGE_SECRET_v1');
    this.sessions = new SessionTokens(deriveHmacKey(secret, 'AUTH_SESSION_SECRET_v1'));
  }

  challenge(publicKeyHex: unknown): string {
    const publicKey = parsePublicKey(publicKeyHex, 'public_key');
    const head = new Uint8Array(9);
    head[0] = 1;
    new DataView(head.buffer).setBigUint64(1, BigInt(this.now() + CHALLENGE_SECONDS));
    const body = concatBytes(head, publicKey, new Uint8Array(randomBytes(16)));
    return Buffer.from(concatBytes(body, hmac(this.challengeKey, body))).toString('base64');
  }

  /** Checks the signed challenge; returns a session token and its expiry (unix seconds). */
  verify(protectedChallenge: unknown, signatureBase64: unknown, identityPublicKeyHex: unknown): { token: string; validUntil: number } {
    const publicKey = parsePublicKey(identityPublicKeyHex, 'identity_public_key');
    if (typeof protectedChallenge !== 'string' || typeof signatureBase64 !== 'string') throw bad('protected_challenge and signature are required');
    const raw = new Uint8Array(Buffer.from(protectedChallenge, 'base64'));
    if (raw.length !== BODY + 32 || raw[0] !== 1) throw bad('malformed protected_challenge');
    const body = raw.subarray(0, BODY);
    if (!equalBytes(hmac(this.challengeKey, body), raw.subarray(BODY))) throw bad('the challenge was not issued by this service provider');
    const now = this.now();
    const expiry = Number(new DataView(raw.buffer, raw.byteOffset).getBigUint64(1));
    // "challenge expired" is the phrase on which the SDK asks for a new challenge (SDK graphql/client.ts).
    if (expiry <= now) throw bad('challenge expired');
    if (!equalBytes(raw.subarray(9, 42), publicKey)) throw bad('the challenge was issued for another public key');
    const signature = new Uint8Array(Buffer.from(signatureBase64, 'base64'));
    if (!verifiesDigest(signature, sha256(raw), publicKey, 'der')) throw bad('the signature is not the identity key\'s signature of the challenge');
    const nonce = Buffer.from(raw.subarray(42, BODY)).toString('hex');
    for (const [n, e] of this.used) if (e <= now) this.used.delete(n);
    if (this.used.has(nonce)) throw bad('the challenge was already used');
    this.used.set(nonce, expiry);
    const validUntil = now + SESSION_SECONDS;
    return { token: this.sessions.issue(publicKey, validUntil), validUntil };
  }

  /** The session behind an `Authorization: Bearer` header; UNAUTHENTICATED otherwise. */
  session(authorization: string | undefined): Session {
    const m = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (m === null) throw new SspError('UNAUTHENTICATED', 'no session token: authenticate with get_challenge and verify_challenge');
    try {
      return this.sessions.verify(m[1] as string, this.now());
    } catch (e) {
      throw new SspError('UNAUTHENTICATED', (e as Error).message);
    }
  }
}

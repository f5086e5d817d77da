/**
 * spark_authn.SparkAuthnService: challenge / response with the wallet's identity key
 * (docs/sdk-wire.md, sections "What the wallet does to authenticate" to "What the operator verifies").
 * Checks, in order: versions, age, key match, HMAC, signature, single use.
 */
import { randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/curves/utils.js';
import type { Database } from '../db/database.js';
import { OperatorError } from '../errors.js';
import type { IdentityKey } from '../identity.js';
import { challengeDigest, deriveHmacKey, encodeChallenge, equalBytes, hmac } from './challenge.js';
import type { Challenge } from './challenge.js';
import { SessionTokens } from './sessions.js';

interface WireChallenge { version: number; timestamp: number; nonce: Buffer; public_key: Buffer }
interface WireProtected { version: number; challenge: WireChallenge | null; server_hmac: Buffer }

export interface AuthnOptions {
  challengeTtlSeconds: number;
  sessionTtlSeconds: number;
  now?: () => number;
}

export function parseCompressedKey(bytes: Uint8Array | undefined, what: string): Uint8Array {
  if (bytes === undefined || bytes.length !== 33) throw new OperatorError('INVALID_ARGUMENT', `${what} must be a 33-byte compressed secp256k1 key`);
  try {
    secp256k1.Point.fromBytes(bytes);
  } catch {
    throw new OperatorError('INVALID_ARGUMENT', `${what} is not a point on secp256k1`);
  }
  return bytes;
}

export class AuthnService {
  private readonly challengeKey: Uint8Array;
  readonly tokens: SessionTokens;
  private readonly now: () => number;

  constructor(identity: IdentityKey, private readonly db: Database, private readonly opts: AuthnOptions) {
    this.challengeKey = deriveHmacKey(identity.privateKey, 'AUTH_CHALLENGE_SECRET_v1');
    this.tokens = new SessionTokens(deriveHmacKey(identity.privateKey, 'AUTH_SESSION_SECRET_v1'));
    this.now = opts.now ?? ((): number => Math.floor(Date.now() / 1000));
  }

  getChallenge(req: { public_key: Buffer }): { protected_challenge: { version: number; challenge: WireChallenge; server_hmac: Buffer } } {
    const publicKey = parseCompressedKey(req.public_key, 'public_key');
    const c: Challenge = { version: 1, timestamp: this.now(), nonce: new Uint8Array(randomBytes(32)), publicKey };
    return {
      protected_challenge: {
        version: 1,
        challenge: { version: 1, timestamp: c.timestamp, nonce: Buffer.from(c.nonce), public_key: Buffer.from(publicKey) },
        server_hmac: Buffer.from(hmac(this.challengeKey, encodeChallenge(c))),
      },
    };
  }

  async verifyChallenge(req: { protected_challenge: WireProtected | null; signature: Buffer; public_key: Buffer }): Promise<{ session_token: string; expiration_timestamp: number }> {
    const pc = req.protected_challenge;
    if (pc === null || pc.challenge === null) throw new OperatorError('INVALID_ARGUMENT', 'protected_challenge.challenge is missing');
    if (pc.version !== 1 || pc.challenge.version !== 1) throw new OperatorError('INVALID_ARGUMENT', 'unsupported challenge version');
    const c: Challenge = { version: pc.challenge.version, timestamp: pc.challenge.timestamp, nonce: pc.challenge.nonce, publicKey: pc.challenge.public_key };
    const now = this.now();
    // "challenge expired" is the phrase the SDK matches to retry at once (docs/sdk-wire.md, "Retries and
    // error phrases").
    if (now + 1 - c.timestamp > this.opts.challengeTtlSeconds) throw new OperatorError('UNAUTHENTICATED', 'challenge expired');
    const publicKey = parseCompressedKey(req.public_key, 'public_key');
    if (!equalBytes(publicKey, c.publicKey)) throw new OperatorError('UNAUTHENTICATED', 'public_key does not match the challenge');
    if (!equalBytes(hmac(this.challengeKey, encodeChallenge(c)), pc.server_hmac)) {
      throw new OperatorError('UNAUTHENTICATED', 'challenge HMAC is invalid: not issued by this operator or altered');
    }
    let ok: boolean;
    try {
      ok = secp256k1.verify(req.signature, challengeDigest(c), publicKey, { format: 'der' });
    } catch {
      ok = false;
    }
    if (!ok) throw new OperatorError('UNAUTHENTICATED', 'challenge signature is invalid for public_key');
    const expiresAtChallenge = c.timestamp + this.opts.challengeTtlSeconds + 1;
    const fresh = await this.db.execute('INSERT INTO used_challenge_nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [bytesToHex(c.nonce), expiresAtChallenge]);
    if (fresh !== 1) throw new OperatorError('UNAUTHENTICATED', 'challenge was already used');
    // Expired nonces can go: their challenges fail the age check anyway.
    await this.db.execute('DELETE FROM used_challenge_nonces WHERE expires_at < $1', [now]);
    const expiresAt = now + this.opts.sessionTtlSeconds;
    return { session_token: this.tokens.issue(publicKey, expiresAt), expiration_timestamp: expiresAt };
  }
}


/**
 * Authentication by challenge and response with the wallet's identity key (docs/sdk-wire.md,
 * sections "What the wallet does to authenticate" to "What the operator verifies"). Checks, in
 * order: versions, age, key match, HMAC, signature, single use. The wire side is
 * grpc/public/authn-service.ts.
 */
import { randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { UsedChallengeNonces } from '../db/challenge-nonces.js';
import { OperatorError } from '../errors.js';
import type { IdentityKey } from '../identity.js';
import { challengeDigest, deriveHmacKey, encodeChallenge, equalBytes, hmac } from './challenge.js';
import type { Challenge } from './challenge.js';
import { SessionTokens } from './sessions.js';

/** A challenge as handed to the wallet: the challenge and this operator's HMAC over it. */
export interface IssuedChallenge {
  version: number;
  challenge: Challenge;
  serverHmac: Uint8Array;
}

/** A session: its bearer token and when it expires (unix seconds). */
export interface IssuedSession {
  token: string;
  expiresAt: number;
}

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

  constructor(identity: IdentityKey, private readonly usedNonces: UsedChallengeNonces, private readonly opts: AuthnOptions) {
    this.challengeKey = deriveHmacKey(identity.privateKey, 'AUTH_CHALLENGE_SECRET_v1');
    this.tokens = new SessionTokens(deriveHmacKey(identity.privateKey, 'AUTH_SESSION_SECRET_v1'));
    this.now = opts.now ?? ((): number => Math.floor(Date.now() / 1000));
  }

  issueChallenge(publicKeyBytes: Uint8Array | undefined): IssuedChallenge {
    const publicKey = parseCompressedKey(publicKeyBytes, 'public_key');
    const challenge: Challenge = { version: 1, timestamp: this.now(), nonce: new Uint8Array(randomBytes(32)), publicKey };
    return { version: 1, challenge, serverHmac: hmac(this.challengeKey, encodeChallenge(challenge)) };
  }

  async verifyChallenge(issued: IssuedChallenge, signature: Uint8Array, publicKeyBytes: Uint8Array | undefined): Promise<IssuedSession> {
    const c = issued.challenge;
    if (issued.version !== 1 || c.version !== 1) throw new OperatorError('INVALID_ARGUMENT', 'unsupported challenge version');
    const now = this.now();
    // "challenge expired" is the phrase the SDK matches to retry at once (docs/sdk-wire.md, "Retries and
    // error phrases").
    if (now + 1 - c.timestamp > this.opts.challengeTtlSeconds) throw new OperatorError('UNAUTHENTICATED', 'challenge expired');
    const publicKey = parseCompressedKey(publicKeyBytes, 'public_key');
    if (!equalBytes(publicKey, c.publicKey)) throw new OperatorError('UNAUTHENTICATED', 'public_key does not match the challenge');
    if (!equalBytes(hmac(this.challengeKey, encodeChallenge(c)), issued.serverHmac)) {
      throw new OperatorError('UNAUTHENTICATED', 'challenge HMAC is invalid: not issued by this operator or altered');
    }
    let ok: boolean;
    try {
      ok = secp256k1.verify(signature, challengeDigest(c), publicKey, { format: 'der' });
    } catch {
      ok = false;
    }
    if (!ok) throw new OperatorError('UNAUTHENTICATED', 'challenge signature is invalid for public_key');
    const expiresAtChallenge = c.timestamp + this.opts.challengeTtlSeconds + 1;
    if (!(await this.usedNonces.markUsed(c.nonce, expiresAtChallenge))) throw new OperatorError('UNAUTHENTICATED', 'challenge was already used');
    // Expired nonces can go: their challenges fail the age check anyway.
    await this.usedNonces.forgetExpired(now);
    const expiresAt = now + this.opts.sessionTtlSeconds;
    return { token: this.tokens.issue(publicKey, expiresAt), expiresAt };
  }
}


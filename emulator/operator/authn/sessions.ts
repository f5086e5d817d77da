/**
 * Session tokens: self-contained, HMAC-protected, so any restart of the same operator (same
 * identity key) still accepts them until they expire. Layout (then base64url):
 *   version (1 byte = 1) ‖ expiry unix seconds (u64 BE) ‖ identity public key (33) ‖ random (16) ‖ HMAC-SHA256 (32)
 */
import { randomBytes } from 'node:crypto';
import { concatBytes } from '@noble/curves/utils.js';
import { OperatorError } from '../errors.js';
import { equalBytes, hmac } from './challenge.js';

const BODY = 1 + 8 + 33 + 16;

export interface Session {
  identityPublicKey: Uint8Array;
  identityPublicKeyHex: string;
  expiresAt: number;
}

export class SessionTokens {
  /**
   * Tokens whose MAC has been checked, with their session: a wallet sends the same token on every
   * call, and each call is checked twice (request-guard.ts's early interceptor and the auth
   * middleware). Only expiry is checked again.
   */
  private readonly verified = new Map<string, Session>();

  constructor(private readonly key: Uint8Array) {}

  issue(identityPublicKey: Uint8Array, expiresAt: number): string {
    const head = new Uint8Array(9);
    head[0] = 1;
    new DataView(head.buffer).setBigUint64(1, BigInt(expiresAt));
    const body = concatBytes(head, identityPublicKey, new Uint8Array(randomBytes(16)));
    return Buffer.from(concatBytes(body, hmac(this.key, body))).toString('base64url');
  }

  /** Checks a token; throws UNAUTHENTICATED with the reason. "token has expired" is the phrase
   *  the SDK matches to re-authenticate and retry (docs/sdk-wire.md, "Retries and error phrases"). */
  verify(token: string, nowSeconds: number): Session {
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (known.expiresAt <= nowSeconds) throw new OperatorError('UNAUTHENTICATED', 'token has expired');
      return known;
    }
    const session = this.check(token, nowSeconds);
    if (this.verified.size >= 10_000) this.verified.clear();
    this.verified.set(token, session);
    return session;
  }

  private check(token: string, nowSeconds: number): Session {
    const raw = new Uint8Array(Buffer.from(token, 'base64url'));
    if (raw.length !== BODY + 32 || raw[0] !== 1) throw new OperatorError('UNAUTHENTICATED', 'malformed session token');
    const body = raw.subarray(0, BODY);
    if (!equalBytes(hmac(this.key, body), raw.subarray(BODY))) {
      throw new OperatorError('UNAUTHENTICATED', 'session token was not issued by this operator');
    }
    const expiresAt = Number(new DataView(raw.buffer, raw.byteOffset).getBigUint64(1));
    if (expiresAt <= nowSeconds) throw new OperatorError('UNAUTHENTICATED', 'token has expired');
    const identityPublicKey = raw.slice(9, 42);
    return { identityPublicKey, identityPublicKeyHex: Buffer.from(identityPublicKey).toString('hex'), expiresAt };
  }
}

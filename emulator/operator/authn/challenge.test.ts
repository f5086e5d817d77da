import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../crypto.js';
import { challengeDigest, deriveHmacKey, encodeChallenge } from './challenge.js';
import { SessionTokens } from './sessions.js';

// Vector from docs/sdk-wire.md, section "What the operator verifies"
// (identity of seed 07×32, account 1).
const identity = hexToBytes('0216054677c8b523ebbebe1912f773584b6fc707848648911df36342aa7a0b47f8');
const challenge = { version: 1, timestamp: 1700000000, nonce: new Uint8Array(32).fill(1), publicKey: identity };

describe('authn challenge', () => {
  it('encodes canonically and hashes as the SDK does', () => {
    expect(bytesToHex(encodeChallenge(challenge))).toBe(`08011080e2cfaa061a20${'01'.repeat(32)}2221${bytesToHex(identity)}`);
    expect(bytesToHex(challengeDigest(challenge))).toBe('aa041c230f17f33fc0faf077716d76198b6edf9a291dd6633bc577e549679aca');
    const sdkSignature = hexToBytes('3045022100ab352362514a4b6c8f3aab4137cdb23a465979c4971c21a27b56fa9a2bdd611c0220613632b93acb3261614b0abe66cef760b1f7fab4f97a35289ae500c992ab4bb3');
    expect(secp256k1.verify(sdkSignature, challengeDigest(challenge), identity, { format: 'der' })).toBe(true);
  });

  it('omits zero fields (proto3)', () => {
    expect(bytesToHex(encodeChallenge({ version: 0, timestamp: 0, nonce: new Uint8Array(0), publicKey: new Uint8Array(0) }))).toBe('');
  });
});

describe('session tokens', () => {
  const key = deriveHmacKey(new Uint8Array(32).fill(5), 'AUTH_SESSION_SECRET_v1');
  const tokens = new SessionTokens(key);

  it('round-trips, expires with the SDK\'s phrase, and rejects tampering and other keys', () => {
    const t = tokens.issue(identity, 2000);
    expect(tokens.verify(t, 1999).identityPublicKeyHex).toBe(bytesToHex(identity));
    expect(() => tokens.verify(t, 2000)).toThrow(/token has expired/);
    const raw = Buffer.from(t, 'base64url');
    raw[20] = (raw[20] as number) ^ 1;
    expect(() => tokens.verify(raw.toString('base64url'), 1000)).toThrow(/not issued by this operator/);
    const other = new SessionTokens(deriveHmacKey(new Uint8Array(32).fill(6), 'AUTH_SESSION_SECRET_v1'));
    expect(() => other.verify(t, 1000)).toThrow(/not issued by this operator/);
    expect(() => tokens.verify('short', 1000)).toThrow(/malformed/);
  });
});

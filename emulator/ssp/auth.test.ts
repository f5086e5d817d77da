import { sha256 } from '@noble/hashes/sha2.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { WalletAuth } from './auth.js';
import { SspError } from './errors.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A wallet's identity key and how the SDK signs a challenge: DER ECDSA over SHA-256 of its bytes. */
function walletKey(): { pub: string; sign: (challenge: string) => string } {
  const priv = secp256k1.utils.randomPrivateKey();
  return {
    pub: hex(secp256k1.getPublicKey(priv, true)),
    sign: (c) => Buffer.from(secp256k1.sign(sha256(Buffer.from(c, 'base64')), priv).toDERRawBytes()).toString('base64'),
  };
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof SspError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('WalletAuth', () => {
  const secret = new Uint8Array(32).fill(7);

  it('issues a session for a correctly signed challenge, usable as a Bearer token', () => {
    const auth = new WalletAuth(secret);
    const w = walletKey();
    const c = auth.challenge(w.pub);
    const { token, validUntil } = auth.verify(c, w.sign(c), w.pub);
    expect(validUntil).toBeGreaterThan(Date.now() / 1000);
    expect(auth.session(`Bearer ${token}`).identityPublicKeyHex).toBe(w.pub);
  });

  it('refuses a signature by another key, a challenge for another key, a reused or foreign or expired challenge', () => {
    const auth = new WalletAuth(secret);
    const w = walletKey();
    const other = walletKey();
    const c = auth.challenge(w.pub);
    expect(code(() => auth.verify(c, other.sign(c), w.pub))).toMatch(/^INVALID_CHALLENGE: the signature is not/);
    expect(code(() => auth.verify(c, other.sign(c), other.pub))).toMatch(/^INVALID_CHALLENGE: the challenge was issued for another public key/);
    auth.verify(c, w.sign(c), w.pub);
    expect(code(() => auth.verify(c, w.sign(c), w.pub))).toMatch(/^INVALID_CHALLENGE: the challenge was already used/);
    const foreign = new WalletAuth(new Uint8Array(32).fill(8)).challenge(w.pub);
    expect(code(() => auth.verify(foreign, w.sign(foreign), w.pub))).toMatch(/not issued by this service provider/);
    let now = 1_000_000;
    const clocked = new WalletAuth(secret, () => now);
    const old = clocked.challenge(w.pub);
    now += 121;
    expect(code(() => clocked.verify(old, w.sign(old), w.pub))).toMatch(/challenge expired/);
  });

  it('issues the layout the Ledger app parses (PROTOCOL.md 0x36 mode 0x04): 01 ‖ expiry ‖ the asked key ‖ nonce ‖ HMAC, 90 bytes', () => {
    const now = 1_700_000_000;
    const auth = new WalletAuth(secret, () => now);
    const w = walletKey();
    const raw = Buffer.from(auth.challenge(w.pub), 'base64');
    expect(raw.length).toBe(90);
    expect(raw[0]).toBe(1);
    expect(raw.readBigUInt64BE(1)).toBe(BigInt(now + 120));
    expect(hex(raw.subarray(9, 42))).toBe(w.pub);
    expect(hex(raw.subarray(42, 58))).not.toBe(hex(Buffer.from(auth.challenge(w.pub), 'base64').subarray(42, 58)));
  });

  it('refuses a challenge whose expiry, key or length was altered after issue', () => {
    const auth = new WalletAuth(secret);
    const w = walletKey();
    const raw = Buffer.from(auth.challenge(w.pub), 'base64');
    const later = Buffer.from(raw);
    later[8] = (later[8] ?? 0) ^ 0x80; // a later expiry
    const l = later.toString('base64');
    expect(code(() => auth.verify(l, w.sign(l), w.pub))).toMatch(/not issued by this service provider/);
    const trailing = Buffer.concat([raw, Buffer.of(0)]).toString('base64');
    expect(code(() => auth.verify(trailing, w.sign(trailing), w.pub))).toMatch(/malformed protected_challenge/);
  });

  it('refuses calls without a valid session token', () => {
    const auth = new WalletAuth(secret);
    expect(code(() => auth.session(undefined))).toMatch(/^UNAUTHENTICATED: no session token/);
    expect(code(() => auth.session('Bearer AAAA'))).toMatch(/^UNAUTHENTICATED/);
    const w = walletKey();
    const elsewhere = new WalletAuth(new Uint8Array(32).fill(9));
    const c = elsewhere.challenge(w.pub);
    const { token } = elsewhere.verify(c, w.sign(c), w.pub);
    expect(code(() => auth.session(`Bearer ${token}`))).toMatch(/^UNAUTHENTICATED: session token was not issued/);
  });

  it('refuses malformed keys with INVALID_INPUT', () => {
    const auth = new WalletAuth(secret);
    expect(code(() => auth.challenge('02abc'))).toMatch(/^INVALID_INPUT: public_key must be a 33-byte/);
  });
});

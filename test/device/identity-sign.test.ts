import { describe, expect, it } from 'vitest';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2';
import { WalletAuth } from '../../emulator/ssp/auth.js';
import { BadDataError, BlindSigningDisabledError, PathRefusedError, UserRejectedError, WrongLengthError } from '../../src/device/errors.js';
import { expectedPublicKey } from './expected-keys.js';
import { deviceForSuite } from './fixture.js';
import { pageBody, review, setBlindSigning, waitHome } from '../../emulator/speculos/flows.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const identity = expectedPublicKey({ kind: 'identity', account: 0 });
const HALF_N = secp256k1.CURVE.n / 2n;

function digestOf(label: string): Uint8Array {
  return sha256(new TextEncoder().encode(label));
}

describe('identity-key signatures under Speculos', () => {
  const dev = deviceForSuite();

  it('are refused while blind signing is off (the default), without showing anything', async () => {
    expect((await dev.app.getVersion()).blindSigningEnabled).toBe(false);
    for (const scheme of ['ecdsa-der', 'ecdsa-compact', 'schnorr'] as const) {
      await expect(dev.app.signIdentity(digestOf('off'), scheme)).rejects.toBeInstanceOf(BlindSigningDisabledError);
    }
    await waitHome(dev.screen);
  });

  it('the service provider\'s login, blind signing off: the app signs our SSP\'s own challenge with no screen and the SSP trades it for a session; a challenge for another account or with a trailing byte is refused', async () => {
    expect(await dev.app.getVersion()).toMatchObject({ blindSigningEnabled: false, providerLogin: true });
    const ssp = new WalletAuth(new Uint8Array(32).fill(3)); // the SSP's authentication (emulator/ssp)
    const challenge = ssp.challenge(hex(identity));
    const signature = await dev.app.signIdentityClear('provider-login', Buffer.from(challenge, 'base64'));
    const { token } = ssp.verify(challenge, Buffer.from(signature).toString('base64'), hex(identity));
    expect(ssp.session(`Bearer ${token}`).identityPublicKeyHex).toBe(hex(identity));
    // another account signs its own challenge, not account 0's
    const other = expectedPublicKey({ kind: 'identity', account: 1 });
    const forOther = ssp.challenge(hex(other));
    await expect(dev.app.signIdentityClear('provider-login', Buffer.from(forOther, 'base64'))).rejects.toBeInstanceOf(BadDataError);
    const byOther = await dev.app.signIdentityClear('provider-login', Buffer.from(forOther, 'base64'), 1);
    expect(ssp.verify(forOther, Buffer.from(byOther).toString('base64'), hex(other)).token).not.toBe(token);
    const trailing = Buffer.concat([Buffer.from(ssp.challenge(hex(identity)), 'base64'), Buffer.of(0)]);
    await expect(dev.app.signIdentityClear('provider-login', trailing)).rejects.toBeInstanceOf(BadDataError);
    await expect(dev.app.signIdentityClear('provider-login', trailing.subarray(0, 89))).rejects.toBeInstanceOf(BadDataError);
    // the device has no clock and no HMAC key: a challenge of the right shape that the SSP did
    // not issue is signed, and the SSP refuses it
    const forged = Buffer.from(ssp.challenge(hex(identity)), 'base64');
    forged[8] = (forged[8] ?? 0) ^ 0x80;
    const forgedSig = await dev.app.signIdentityClear('provider-login', forged);
    expect(() => ssp.verify(forged.toString('base64'), Buffer.from(forgedSig).toString('base64'), hex(identity))).toThrow(/not issued by this service provider/);
    expect(await waitHome(dev.screen)).toContain('Ready'); // nothing was shown
  });

  it('blind signing is turned on in Settings with the buttons', async () => {
    await setBlindSigning(dev.screen, true);
    expect((await dev.app.getVersion()).blindSigningEnabled).toBe(true);
  });

  it('ECDSA (DER) verifies, is low-S, and the screen showed the hash', async () => {
    const digest = digestOf('ecdsa der');
    const pending = dev.app.signIdentity(digest, 'ecdsa-der');
    const pages = await review(dev.screen, 'Blind signing', 'approve');
    const der = await pending;
    expect(der[0]).toBe(0x30);
    const sig = secp256k1.Signature.fromDER(der);
    expect(sig.s <= HALF_N).toBe(true);
    expect(secp256k1.verify(der, digest, identity, { prehash: false, lowS: true, format: 'der' })).toBe(true);
    expect(pageBody(pages, 'Blind signing')).toEqual(['Identity key', 'Account 0', 'ECDSA']);
    expect(pageBody(pages, 'Message hash').join('')).toBe(hex(digest));
    await waitHome(dev.screen);
  });

  it('ECDSA is deterministic (RFC 6979) and the compact form is the same r||s', async () => {
    const digest = digestOf('ecdsa compact');
    const p1 = dev.app.signIdentity(digest, 'ecdsa-compact');
    await review(dev.screen, 'Blind signing', 'approve');
    const compact = await p1;
    await waitHome(dev.screen);
    const p2 = dev.app.signIdentity(digest, 'ecdsa-der');
    await review(dev.screen, 'Blind signing', 'approve');
    const der = await p2;
    expect(compact.length).toBe(64);
    expect(secp256k1.verify(compact, digest, identity, { prehash: false, lowS: true })).toBe(true);
    expect(hex(secp256k1.Signature.fromDER(der).toCompactRawBytes())).toBe(hex(compact));
    await waitHome(dev.screen);
  });

  it('BIP340 Schnorr verifies against the x-only identity key', async () => {
    const digest = digestOf('schnorr');
    const pending = dev.app.signIdentity(digest, 'schnorr');
    const pages = await review(dev.screen, 'Blind signing', 'approve');
    const sig = await pending;
    expect(sig.length).toBe(64);
    expect(schnorr.verify(sig, digest, identity.slice(1))).toBe(true);
    expect(pageBody(pages, 'Blind signing')).toContain('Schnorr');
    await waitHome(dev.screen);
  });

  it('a rejection on screen reaches the host as UserRejectedError', async () => {
    const pending = dev.app.signIdentity(digestOf('reject me'), 'schnorr');
    const settled = pending.catch((e: unknown) => e);
    await review(dev.screen, 'Blind signing', 'reject');
    expect(await settled).toBeInstanceOf(UserRejectedError);
    await waitHome(dev.screen);
  });

  it('refuses accounts outside the Spark policy and malformed requests, showing nothing', async () => {
    await expect(dev.app.signIdentity(digestOf('acct'), 'schnorr', 256)).rejects.toBeInstanceOf(PathRefusedError);
    // 31-byte digest: built by hand, since the client refuses to encode it
    const raw = Buffer.from(`e0200200${(35).toString(16).padStart(2, '0')}00000000${'11'.repeat(31)}`, 'hex');
    const res = await dev.transport.exchange(raw);
    expect(res.readUInt16BE(res.length - 2)).toBe(new WrongLengthError().statusWord);
    expect(await waitHome(dev.screen)).toContain('Ready');
  });
});

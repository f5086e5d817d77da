import { afterEach, describe, expect, it } from 'vitest';
import { getClaimPackageSigningPayload, getTransferPackageSigningPayload } from '@buildonspark/spark-sdk';
import type { TransferPackage } from '@buildonspark/spark-sdk/proto/spark';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, randomBytes } from '@noble/hashes/utils.js';
import { encodeChallenge } from '../../emulator/operator/authn/challenge.js';
import { WalletAuth } from '../../emulator/ssp/auth.js';
import { IdentityPreimages } from './identity-preimages.js';

const identity = secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true);
const TRANSFER_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const tweaks = (): Record<string, Uint8Array> => ({ ['0'.repeat(63) + '2']: randomBytes(700), ['0'.repeat(63) + '1']: randomBytes(650) });

describe('IdentityPreimages: the preimage of each identity hash the SDK wallet asks to sign', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  function observer(): IdentityPreimages {
    const o = new IdentityPreimages(() => identity);
    stop = o.start();
    return o;
  }

  it('a transfer package hashed by the SDK is found, as a transfer statement', () => {
    const o = observer();
    const pkg = { keyTweakPackage: tweaks() } as unknown as TransferPackage;
    const digest = getTransferPackageSigningPayload(TRANSFER_ID, pkg);
    const found = o.find(digest);
    expect(found?.statement).toBe('transfer');
    expect(sha256(found!.preimage)).toEqual(digest);
    expect(o.find(digest)).toBeUndefined(); // handed out once
  });

  it('a claim package is found as a claim, never as a transfer', () => {
    const o = observer();
    const digest = getClaimPackageSigningPayload(TRANSFER_ID, tweaks());
    expect(o.find(digest)?.statement).toBe('claim');
  });

  it('a login challenge for this identity key is found; one for another key is not', () => {
    const o = observer();
    const mine = encodeChallenge({ version: 1, timestamp: 1_764_000_000, nonce: randomBytes(32), publicKey: identity });
    const other = encodeChallenge({ version: 1, timestamp: 1_764_000_000, nonce: randomBytes(32), publicKey: secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true) });
    const digest = sha256(mine);
    const otherDigest = sha256(other);
    expect(o.find(digest)).toEqual({ statement: 'login', preimage: mine });
    expect(o.find(otherDigest)).toBeUndefined();
  });

  it('our service provider\'s challenge for this identity key is found as a provider login; one for another key is not', () => {
    const o = observer();
    const ssp = new WalletAuth(new Uint8Array(32).fill(5));
    const mine = Buffer.from(ssp.challenge(bytesToHex(identity)), 'base64');
    const other = Buffer.from(ssp.challenge(bytesToHex(secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true))), 'base64');
    // as the SDK's graphql client does: SHA-256 of the decoded challenge
    const digest = sha256(mine);
    const otherDigest = sha256(other);
    expect(o.find(digest)).toEqual({ statement: 'provider-login', preimage: new Uint8Array(mine) });
    expect(o.find(otherDigest)).toBeUndefined();
  });

  it('a per-leaf payload is found only when it ends with a ciphertext the device returned', () => {
    const o = observer();
    const cipher = randomBytes(129);
    const payload = concatBytes(new TextEncoder().encode('leaf-1'), new TextEncoder().encode(TRANSFER_ID), cipher);
    expect(o.find(sha256(payload))).toBeUndefined(); // hashed before the device's ciphertext was known
    o.expectCipher(cipher);
    const digest = sha256(payload);
    expect(o.find(digest)).toEqual({ statement: 'leaf', preimage: payload });
  });

  it('stops observing: nothing hashed afterwards is found', () => {
    const o = observer();
    stop?.();
    stop = undefined;
    const digest = getClaimPackageSigningPayload(TRANSFER_ID, tweaks());
    expect(o.find(digest)).toBeUndefined();
  });
});

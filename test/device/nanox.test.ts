import { describe, expect, it } from 'vitest';
import { schnorr } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2';
import { expectedPublicKey } from './expected-keys.js';
import { deviceForSuite } from './fixture.js';
import { review, setBlindSigning, waitHome } from '../../emulator/speculos/flows.js';

/** The same sources built for the Nano X (TARGET=nanox) run under Speculos' nanox model. */
describe('Nano X build under Speculos', () => {
  const dev = deviceForSuite({ model: 'nanox' });

  it('shows the home screen and serves the same keys', async () => {
    expect(await waitHome(dev.screen)).toContain('Spark Signer');
    const ref = { kind: 'deposit', account: 0 } as const;
    expect(Buffer.from(await dev.app.getPublicKey(ref)).toString('hex')).toBe(Buffer.from(expectedPublicKey(ref)).toString('hex'));
  });

  it('signs with the identity key after approval on screen', async () => {
    await setBlindSigning(dev.screen, true);
    const digest = sha256(new TextEncoder().encode('nano x'));
    const pending = dev.app.signIdentity(digest, 'schnorr');
    await review(dev.screen, 'Blind signing', 'approve');
    expect(schnorr.verify(await pending, digest, expectedPublicKey({ kind: 'identity', account: 0 }).slice(1))).toBe(true);
  });
});

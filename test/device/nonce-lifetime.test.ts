import { afterEach, describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1';
import { NonceMismatchError, NonceUnknownError } from '../../src/device/errors.js';
import type { KeyRef } from '../../src/device/keyref.js';
import type { DeviceCommitment, FrostSignRequest } from '../../src/device/messages.js';
import { expectedPublicKey } from './expected-keys.js';
import { startDevice, type DeviceFixture } from './fixture.js';
import { makeOperatorGroup, operatorNonces, verifyingKeyFor } from './frost-operators.js';
import { quitApp, setBlindSigning } from '../../emulator/speculos/flows.js';

/** Outstanding commitments die with the app: a new run never honours a reference from an old one. */
describe('nonce lifetime across app runs under Speculos', () => {
  let dev: DeviceFixture | undefined;
  afterEach(async () => {
    await dev?.stop();
    dev = undefined;
  });

  it('commitments from a previous run are unknown, then mismatched, in the next run', async () => {
    const key: KeyRef = { kind: 'deposit', account: 0 };
    const group = makeOperatorGroup(2, 3);
    const request = (c: DeviceCommitment): FrostSignRequest => ({
      key,
      message: secp256k1.utils.randomPrivateKey(),
      verifyingKey: verifyingKeyFor(expectedPublicKey(key), group),
      userCommitment: c,
      operators: operatorNonces(group.operators.slice(0, 2)).map((o) => o.commitment),
    });

    dev = await startDevice();
    const old = await dev.app.frostCommit(3);
    // Quit through the menu, as a user would: the app exits and Speculos with it.
    await quitApp(dev.screen);
    expect(await dev.speculos.waitForExit(20_000)).toBe(0);
    await dev.stop();

    dev = await startDevice();
    await setBlindSigning(dev.screen, true);
    const first = old[0];
    if (first === undefined) throw new Error('no commitment');
    // Nothing issued yet in this run: every old reference is unknown.
    await expect(dev.app.frostSign(request(first))).rejects.toBeInstanceOf(NonceUnknownError);
    // Same reference numbers issued again in this run: they name other nonces, so the old
    // commitments no longer match.
    const fresh = await dev.app.frostCommit(3);
    expect(fresh.map((c) => c.ref)).toEqual(old.map((c) => c.ref));
    expect(Buffer.from(fresh[1]?.hiding ?? []).equals(Buffer.from(old[1]?.hiding ?? []))).toBe(false);
    const second = old[1];
    if (second === undefined) throw new Error('no commitment');
    await expect(dev.app.frostSign(request(second))).rejects.toBeInstanceOf(NonceMismatchError);
  });
});

import { describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1';
import { recoverSecret as sdkRecoverSecret, validateShare as sdkValidateShare, type VerifiableSecretShare } from '@buildonspark/spark-sdk';
import { bytesToHex } from '@noble/hashes/utils';
import { decryptEcies } from '../../src/crypto/index.js';
import { decodeResponse } from '../../src/device/apdu.js';
import { BadDataError, BadP1P2Error, UserRejectedError, WrongLengthError } from '../../src/device/errors.js';
import type { KeyRef } from '../../src/device/keyref.js';
import type { KeySplitResult } from '../../src/device/messages.js';
import { review, waitHome } from '../../emulator/speculos/flows.js';
import { expectedPublicKey } from './expected-keys.js';
import { deviceForSuite } from './fixture.js';

const Point = secp256k1.ProjectivePoint;

/**
 * KEY_SPLIT transfers under Speculos, with and without a prepared entry (SPLIT_PREPARE,
 * device-app/PROTOCOL.md "Prepared splits"): the output is checked as the receiver and the
 * operators would — every share against its proofs with the SDK's own validateShare, t shares
 * recover a_old − a_new (the SDK's recoverSecret), the ciphertext decrypts with the receiver's
 * key to a key whose public key is A_old − proofs[0].
 */
describe('transfer key splits and prepared splits under Speculos', () => {
  const dev = deviceForSuite();
  const leaf: KeyRef = { kind: 'leaf', account: 0, leafId: 'split-pool-leaf' };
  const receiverSecret = secp256k1.utils.randomPrivateKey();
  const receiver = secp256k1.getPublicKey(receiverSecret, true);

  async function split(threshold: number, numShares: number): Promise<KeySplitResult> {
    const pending = dev.app.keySplit({ mode: 'transfer', leaf, receiverPublicKey: receiver, threshold, numShares });
    await review(dev.screen, 'Send leaf', 'approve');
    const result = await pending;
    await waitHome(dev.screen);
    return result;
  }

  /** Checks one result in full; returns a_new (decrypted) and the ephemeral key E of the ciphertext. */
  async function checked(result: KeySplitResult, threshold: number): Promise<{ aNew: string; eph: string }> {
    const shares: VerifiableSecretShare[] = result.shares.map((share, i) => ({ threshold, index: i + 1, share, proofs: result.proofs }) as unknown as VerifiableSecretShare);
    for (const s of shares) await sdkValidateShare(s);
    const ciphertext = result.ciphertext!;
    const aNew = decryptEcies(ciphertext, receiverSecret);
    const aOld = Point.fromHex(expectedPublicKey(leaf));
    const diffPub = aOld.subtract(Point.fromHex(secp256k1.getPublicKey(aNew, true)));
    expect(bytesToHex(result.proofs[0]!)).toBe(diffPub.toHex(true)); // proofs[0] = (a_old − a_new)·G
    const recovered = await sdkRecoverSecret(shares.slice(-threshold));
    expect(bytesToHex(secp256k1.getPublicKey(recovered, true))).toBe(diffPub.toHex(true));
    return { aNew: bytesToHex(aNew), eph: bytesToHex(ciphertext.slice(0, 65)) };
  }

  it('a split from a prepared entry verifies like a fresh one; each takes its own entry; an empty pool draws fresh; none shares a_new or e', async () => {
    const seen: { aNew: string; eph: string }[] = [];
    expect(await dev.app.splitPrepare(0, 2)).toBe(0);
    seen.push(await checked(await split(2, 3), 2)); // fresh
    expect(await dev.app.splitPrepare(2, 2)).toBe(2);
    seen.push(await checked(await split(2, 3), 2)); // the leaf's key not cached: proofs[0] = (a_old − a_new)·G
    expect(await dev.app.splitPrepare(0, 2)).toBe(1);
    expect(bytesToHex(await dev.app.getPublicKey(leaf))).toBe(bytesToHex(expectedPublicKey(leaf))); // now cached: A_old − A_new
    seen.push(await checked(await split(2, 3), 2));
    expect(await dev.app.splitPrepare(0, 2)).toBe(0);
    seen.push(await checked(await split(2, 3), 2)); // exhausted: fresh again
    expect(await dev.app.splitPrepare(1, 3)).toBe(1);
    seen.push(await checked(await split(3, 5), 3));
    expect(new Set(seen.map((s) => s.aNew)).size).toBe(seen.length);
    expect(new Set(seen.map((s) => s.eph)).size).toBe(seen.length);
  });

  it('a refused split wipes the entry it took', async () => {
    expect(await dev.app.splitPrepare(1, 2)).toBe(1);
    const pending = dev.app.keySplit({ mode: 'transfer', leaf, receiverPublicKey: receiver, threshold: 2, numShares: 3 });
    const refused = expect(pending).rejects.toBeInstanceOf(UserRejectedError);
    await review(dev.screen, 'Send leaf', 'reject');
    await refused;
    await waitHome(dev.screen);
    expect(await dev.app.splitPrepare(0, 2)).toBe(0);
  });

  it('bad SPLIT_PREPARE input gets its status word and prepares nothing', async () => {
    const raw = async (hex: string): Promise<number> => decodeResponse(new Uint8Array(await dev.transport.exchange(Buffer.from(hex, 'hex')))).statusWord;
    expect(await dev.app.splitPrepare(1, 2)).toBe(1);
    expect(await raw('e03a090001' + '02')).toBe(new BadP1P2Error().statusWord); // 9 entries
    expect(await raw('e03a010101' + '02')).toBe(new BadP1P2Error().statusWord); // P2 = 1
    expect(await raw('e03a010000')).toBe(new WrongLengthError().statusWord);
    expect(await raw('e03a010002' + '0202')).toBe(new WrongLengthError().statusWord);
    expect(await raw('e03a010001' + '00')).toBe(new BadDataError().statusWord); // t = 0
    expect(await raw('e03a010001' + '04')).toBe(new BadDataError().statusWord); // t = 4
    expect(await dev.app.splitPrepare(0, 2)).toBe(1);
    await expect(dev.app.splitPrepare(9, 2)).rejects.toThrow(/0\.\.8/);
  });
});

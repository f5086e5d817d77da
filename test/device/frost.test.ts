import { describe, expect, it } from 'vitest';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1';
import { getSparkFrost } from '@buildonspark/spark-sdk';
import { bytesToHex as hex, publicKeyOf, taprootOutputKey } from '../../src/crypto/index.js';
import {
  BadDataError,
  BlindSigningDisabledError,
  ChunkSequenceError,
  NonceMismatchError,
  NonceUnknownError,
  PathRefusedError,
  UserRejectedError,
} from '../../src/device/errors.js';
import type { KeyRef } from '../../src/device/keyref.js';
import type { DeviceCommitment, FrostSignRequest } from '../../src/device/messages.js';
import { expectedPublicKey } from './expected-keys.js';
import { deviceForSuite } from './fixture.js';
import {
  aggregateWithOperators,
  makeOperatorGroup,
  operatorNonces,
  verifyUserShare,
  verifyingKeyFor,
  type OperatorGroup,
  type OperatorNonce,
  type OperatorRound,
} from './frost-operators.js';
import { pageBody, quitApp, review, setBlindSigning, waitHome } from '../../emulator/speculos/flows.js';

interface Round {
  key: KeyRef;
  message: Uint8Array;
  userPub: Uint8Array;
  verifyingKey: Uint8Array;
  ops: OperatorNonce[];
  adaptor?: { secret: Uint8Array; point: Uint8Array };
}

function newRound(key: KeyRef, group: OperatorGroup, signers: number, withAdaptor = false): Round {
  const userPub = expectedPublicKey(key);
  return {
    key,
    message: secp256k1.utils.randomPrivateKey(),
    userPub,
    verifyingKey: verifyingKeyFor(userPub, group),
    ops: operatorNonces(group.operators.slice(0, signers)),
    ...(withAdaptor ? { adaptor: randomAdaptor() } : {}),
  };
}

function randomAdaptor(): { secret: Uint8Array; point: Uint8Array } {
  const secret = secp256k1.utils.randomPrivateKey();
  return { secret, point: publicKeyOf(secret) };
}

/** The FROST_SIGN request for a round, with the device's commitment (and any key, to test refusals). */
function signRequest(round: Round, userCommitment: DeviceCommitment, key: KeyRef = round.key): FrostSignRequest {
  return {
    key,
    message: round.message,
    verifyingKey: round.verifyingKey,
    userCommitment,
    operators: round.ops.map((o) => o.commitment),
    ...(round.adaptor === undefined ? {} : { adaptorPublicKey: round.adaptor.point }),
  };
}

/** The round as the operators see it, with the device's commitment. */
function operatorView(round: Round, commitment: DeviceCommitment): OperatorRound {
  return {
    message: round.message,
    verifyingKey: round.verifyingKey,
    userCommitment: commitment,
    ops: round.ops,
    adaptorPubKey: round.adaptor?.point,
  };
}

describe('FROST under Speculos', () => {
  const dev = deviceForSuite();
  const group = makeOperatorGroup(3, 5);

  async function freshCommitment(): Promise<DeviceCommitment> {
    const [c] = await dev.app.frostCommit(1);
    if (c === undefined) throw new Error('FROST_COMMIT of 1 returned no commitment');
    return c;
  }

  async function sign(round: Round, commitment: DeviceCommitment, decision: 'approve' | 'reject' = 'approve'): Promise<{ share: Uint8Array; pages: string[][] }> {
    const pending = dev.app.frostSign(signRequest(round, commitment));
    const settled = pending.then(
      (share) => ({ share }),
      (error: unknown) => ({ error }),
    );
    const pages = await review(dev.screen, 'Blind signing', decision);
    const r = await settled;
    await waitHome(dev.screen);
    if ('error' in r) {
      throw r.error;
    }
    return { share: r.share, pages };
  }

  /** Aggregates the device share with the operators' shares through the SDK and verifies. */
  async function aggregateAndVerify(round: Round, commitment: DeviceCommitment, share: Uint8Array): Promise<void> {
    const view = operatorView(round, commitment);
    expect(verifyUserShare(view, share, round.userPub), 'user share verification equation').toBe(true);
    const frost = getSparkFrost();
    const sig = await aggregateWithOperators(view, share, round.userPub);
    const Qx = taprootOutputKey(round.verifyingKey);
    if (round.adaptor === undefined) {
      expect(schnorr.verify(sig, round.message, Qx), 'aggregated BIP340 signature').toBe(true);
    } else {
      expect(frost.validateAdaptorSignature(Qx, round.message, sig, round.adaptor.point)).toBe(true);
      const full = frost.applyAdaptorToSignature(Qx, round.message, sig, round.adaptor.secret);
      expect(schnorr.verify(full, round.message, Qx), 'adapted BIP340 signature').toBe(true);
    }
  }

  it('issues batches of commitments with consecutive fresh references and valid points', async () => {
    const batch = await dev.app.frostCommitBatch(7);
    expect(batch.length).toBe(7);
    const first = batch[0]?.ref ?? -1;
    expect(batch.map((c) => c.ref)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => first + i));
    const points = new Set<string>();
    for (const c of batch) {
      secp256k1.ProjectivePoint.fromHex(c.hiding).assertValidity();
      secp256k1.ProjectivePoint.fromHex(c.binding).assertValidity();
      points.add(hex(c.hiding));
      points.add(hex(c.binding));
    }
    expect(points.size).toBe(14);
    const next = await dev.app.frostCommit(1);
    expect(next[0]?.ref).toBe(first + 7);
  });

  it('refuses to sign while blind signing is off, and the reference is spent anyway', async () => {
    const c = await freshCommitment();
    const round = newRound({ kind: 'deposit', account: 0 }, group, 3);
    const req = signRequest(round, c);
    await expect(dev.app.frostSign(req)).rejects.toBeInstanceOf(BlindSigningDisabledError);
    await expect(dev.app.frostSign(req)).rejects.toBeInstanceOf(NonceUnknownError);
    await setBlindSigning(dev.screen, true);
  });

  it('deposit key, 3 of 5 operators: the share aggregates (SDK aggregateFrost) into a valid signature', async () => {
    const c = await freshCommitment();
    const round = newRound({ kind: 'deposit', account: 0 }, group, 3);
    const { share, pages } = await sign(round, c);
    await aggregateAndVerify(round, c, share);
    expect(pageBody(pages, 'Blind signing')).toEqual(['FROST share', 'Deposit', 'Account 0']);
    expect(pageBody(pages, 'Message hash').join('')).toBe(hex(round.message));
  });

  it('leaf key with an adaptor point, all 5 operators (multi-chunk payload)', async () => {
    const c = await freshCommitment();
    const round = newRound({ kind: 'leaf', account: 0, leafId: 'a1b2c3d4-0000-4000-8000-123456789abc' }, group, 5, true);
    const { share } = await sign(round, c);
    await aggregateAndVerify(round, c, share);
  });

  it('adaptor rule: an adaptor sign spends every other outstanding reference (PROTOCOL.md, adaptor rule)', async () => {
    const batch = await dev.app.frostCommit(3);
    const [first, second, third] = batch;
    if (first === undefined || second === undefined || third === undefined) throw new Error('FROST_COMMIT of 3 returned fewer commitments');
    const round = newRound({ kind: 'deposit', account: 0 }, group, 3, true);
    const { share } = await sign(round, second);
    await aggregateAndVerify(round, second, share);
    // the 1st and 3rd were issued before the adaptor sign: refused before anything is shown
    for (const c of [first, third]) {
      const plain = newRound({ kind: 'deposit', account: 0 }, group, 3);
      await expect(dev.app.frostSign(signRequest(plain, c))).rejects.toBeInstanceOf(NonceUnknownError);
    }
    await waitHome(dev.screen);
    // a commitment fetched afterwards signs normally
    const fresh = await freshCommitment();
    const plain = newRound({ kind: 'deposit', account: 0 }, group, 3);
    const after = await sign(plain, fresh);
    await aggregateAndVerify(plain, fresh, after.share);
  });

  it('without an adaptor point the other outstanding references stay usable', async () => {
    const [a, b] = await dev.app.frostCommit(2);
    if (a === undefined || b === undefined) throw new Error('no commitments');
    const roundA = newRound({ kind: 'deposit', account: 0 }, group, 3);
    await sign(roundA, a);
    const roundB = newRound({ kind: 'deposit', account: 0 }, group, 3);
    const { share } = await sign(roundB, b);
    await aggregateAndVerify(roundB, b, share);
  });

  it('static deposit key, from the middle of a batch', async () => {
    const batch = await dev.app.frostCommit(3);
    const c = batch[1];
    if (c === undefined) throw new Error('no commitment');
    const round = newRound({ kind: 'staticDeposit', account: 0, index: 3 }, group, 4);
    const { share } = await sign(round, c);
    await aggregateAndVerify(round, c, share);
  });

  it('refuses a replayed (already used) reference', async () => {
    const c = await freshCommitment();
    const round = newRound({ kind: 'deposit', account: 0 }, group, 3);
    await sign(round, c);
    const replay = { ...round, message: secp256k1.utils.randomPrivateKey() };
    await expect(dev.app.frostSign(signRequest(replay, c))).rejects.toBeInstanceOf(NonceUnknownError);
    await waitHome(dev.screen);
  });

  it('refuses a forged reference (commitments not issued under it) and burns it', async () => {
    const [a, b] = await dev.app.frostCommit(2);
    if (a === undefined || b === undefined) throw new Error('no commitments');
    const round = newRound({ kind: 'deposit', account: 0 }, group, 3);
    // a's reference with b's points: forged
    await expect(dev.app.frostSign(signRequest(round, { ref: a.ref, hiding: b.hiding, binding: b.binding }))).rejects.toBeInstanceOf(NonceMismatchError);
    // a is now spent, even with its true commitments
    await expect(dev.app.frostSign(signRequest(round, a))).rejects.toBeInstanceOf(NonceUnknownError);
    // a reference never issued
    await expect(dev.app.frostSign(signRequest(round, { ...b, ref: b.ref + 1000 }))).rejects.toBeInstanceOf(NonceUnknownError);
    // b itself still works
    const { share } = await sign(round, b);
    await aggregateAndVerify(round, b, share);
  });

  it('a rejection on screen reaches the host as UserRejectedError and spends the reference', async () => {
    const c = await freshCommitment();
    const round = newRound({ kind: 'deposit', account: 0 }, group, 3);
    await expect(sign(round, c, 'reject')).rejects.toBeInstanceOf(UserRejectedError);
    await expect(dev.app.frostSign(signRequest(round, c))).rejects.toBeInstanceOf(NonceUnknownError);
  });

  it('refuses keys FROST may not use (identity) and non-Spark paths', async () => {
    for (const key of [{ kind: 'identity', account: 0 }, { kind: 'path', path: [0x8000002c, 0x80000000, 0x80000000, 0, 0] }] as KeyRef[]) {
      const c = await freshCommitment();
      const round = newRound({ kind: 'deposit', account: 0 }, group, 3);
      await expect(dev.app.frostSign(signRequest(round, c, key))).rejects.toBeInstanceOf(PathRefusedError);
    }
    await waitHome(dev.screen);
  });

  it('refuses chunks out of sequence and malformed payloads', async () => {
    // P1 = next chunk with nothing started
    const next = await dev.transport.exchange(Buffer.from('e031010001' + '00', 'hex'));
    expect(next.readUInt16BE(next.length - 2)).toBe(new ChunkSequenceError().statusWord);
    // a complete (first + last) payload that is just a KEYREF and garbage
    const bad = await dev.transport.exchange(Buffer.from('e031000006' + '0200000000ff', 'hex'));
    expect([new BadDataError().statusWord, 0x6700]).toContain(bad.readUInt16BE(bad.length - 2));
    await waitHome(dev.screen);
  });

  it('after all these flows the stack stayed within budget (measured by the platform at Quit)', async () => {
    await quitApp(dev.screen);
    expect(await dev.speculos.waitForExit(20_000)).toBe(0);
    const m = /stack high water: (\d+) of (\d+) bytes/.exec(dev.speculos.logs());
    expect(m, 'the platform reports its stack use on exit').not.toBeNull();
    const used = Number(m?.[1]);
    const size = Number(m?.[2]);
    expect(used).toBeGreaterThan(256);
    expect(used).toBeLessThan(8 * 1024);
    expect(size).toBeGreaterThan(used);
    console.log(`device stack high water after FROST flows: ${used} of ${size} bytes`);
  });
});

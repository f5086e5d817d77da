/**
 * Pedersen DKG: honest runs give one consistent group key whose shares interpolate to its
 * secret and sign with the SDK's aggregateFrost; a bad proof, share or commitment is detected
 * and its sender named.
 */
import { describe, expect, it } from 'vitest';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, publicKeyOf } from './bytes.js';
import { dkgFinish, dkgRound1, dkgRound2, runDkgInProcess } from './dkg.js';
import type { DkgRound1Package, DkgRound2Package } from './dkg.js';
import { SparkCryptoError } from './errors.js';
import { operatorIdentifier } from './frost/identifiers.js';
import { signFrostOperator } from './frost/operator-share.js';
import { taprootOutputKey } from './frost/tweak.js';
import { signFrost } from './frost/user-share.js';
import { makeRound } from './testing/frost-fixtures.js';
import type { OperatorGroup } from './testing/frost-fixtures.js';
import { SeededRandom } from './testing/prng.js';
import { sdkFrost } from './testing/sdk-oracle.js';
import { recoverSecret } from './vss.js';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => operatorIdentifier(i + 1));

function rounds12(n: number, t: number, rng: SeededRandom) {
  const participants = ids(n);
  const r1 = participants.map((identifier) => dkgRound1({ identifier, threshold: t, participants, random: rng.source() }));
  return { participants, r1, broadcast: r1.map((r) => r.package) };
}

function expectCulprit(fn: () => unknown, code: string, culprit: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SparkCryptoError);
    expect((e as SparkCryptoError).code).toBe(code);
    expect((e as SparkCryptoError).culprit).toBe(culprit);
    return;
  }
  throw new Error(`expected ${code} naming ${culprit}`);
}

describe('Pedersen DKG', () => {
  for (const [t, n] of [[2, 3], [3, 5]] as const) {
    it(`${t}-of-${n}: one group key, consistent public shares, any ${t} shares recover the group secret`, () => {
      const rng = new SeededRandom(`dkg-${t}-${n}`);
      const results = runDkgInProcess(ids(n), t, rng.source());
      const group = bytesToHex(results[0]?.groupPublicKey ?? new Uint8Array());
      for (const r of results) {
        expect(bytesToHex(r.groupPublicKey)).toBe(group);
        expect(bytesToHex(publicKeyOf(r.secretShare))).toBe(bytesToHex(r.publicShare));
        for (const other of results) expect(bytesToHex(other.publicShares[r.identifier] ?? new Uint8Array())).toBe(bytesToHex(r.publicShare));
      }
      const shares = results.map((r, i) => ({ threshold: t, index: i + 1, share: r.secretShare }));
      const a = recoverSecret(shares.slice(0, t));
      const b = recoverSecret(shares.slice(n - t));
      expect(bytesToHex(a)).toBe(bytesToHex(b));
      expect(bytesToHex(publicKeyOf(a))).toBe(group);
      expect(() => recoverSecret(shares.slice(0, t - 1))).toThrow(expect.objectContaining({ code: 'INVALID_THRESHOLD' }));
    });
  }

  it('DKG key shares sign Spark FROST rounds that the SDK aggregates and BIP340 verifies (3-of-5, 20 rounds)', async () => {
    const rng = new SeededRandom('dkg-sign');
    const frost = sdkFrost();
    const results = runDkgInProcess(ids(5), 3, rng.source());
    const group: OperatorGroup = {
      n: 5,
      t: 3,
      ids: ids(5),
      secretShares: results.map((r) => r.secretShare),
      publicShares: results.map((r) => r.publicShare),
      groupPublicKey: results[0]?.groupPublicKey ?? new Uint8Array(),
    };
    for (let i = 0; i < 20; i++) {
      const signers = [[0, 1, 2], [1, 3, 4], [0, 2, 4], [0, 1, 2, 3, 4]][i % 4] ?? [0, 1, 2];
      const r = makeRound(rng, group, signers, false);
      const userShare = signFrost({ message: r.message, keyPackage: { secretKey: r.userSecret, publicKey: r.userPublic, verifyingKey: r.verifyingKey }, nonce: r.userNonce, selfCommitment: r.userCommitment, statechainCommitments: r.operatorCommitments });
      const sigs: Record<string, Uint8Array> = {};
      const pubs: Record<string, Uint8Array> = {};
      for (const j of signers) {
        const id = group.ids[j] ?? '';
        sigs[id] = signFrostOperator({ message: r.message, identifier: id, secretShare: group.secretShares[j] ?? new Uint8Array(), nonce: r.operatorNonces.get(id) ?? { hiding: new Uint8Array(), binding: new Uint8Array() }, verifyingKey: r.verifyingKey, operatorCommitments: r.operatorCommitments, userCommitment: r.userCommitment });
        pubs[id] = group.publicShares[j] ?? new Uint8Array();
      }
      const sig = await frost.aggregateFrost({ message: r.message, statechainSignatures: sigs, statechainPublicKeys: pubs, verifyingKey: r.verifyingKey, statechainCommitments: r.operatorCommitments, selfCommitment: r.userCommitment, selfPublicKey: r.userPublic, selfSignature: userShare });
      expect(schnorr.verify(sig, r.message, taprootOutputKey(r.verifyingKey)), `round ${i}`).toBe(true);
    }
  });

  it('names the sender of a bad proof of knowledge (INVALID_PROOF) in round 2', () => {
    const { r1, broadcast } = rounds12(3, 2, new SeededRandom('dkg-bad-pok'));
    const bad = broadcast.map((p) => ({ ...p, proofOfKnowledge: p.proofOfKnowledge.slice() }));
    const victim = bad[2] as DkgRound1Package;
    victim.proofOfKnowledge[64] = (victim.proofOfKnowledge[64] ?? 0) ^ 1;
    expectCulprit(() => dkgRound2((r1[0] ?? { secret: undefined }).secret as never, bad), 'INVALID_PROOF', victim.identifier);
  });

  it('names the sender of a tampered commitment (its proof no longer verifies, or its shares do not match)', () => {
    const { r1, broadcast } = rounds12(3, 2, new SeededRandom('dkg-bad-commit'));
    // Replace a higher-order commitment: the proof (over a_0 only) still verifies, the shares do not.
    const other = dkgRound1({ identifier: operatorIdentifier(2), threshold: 2, participants: ids(3), random: new SeededRandom('x').source() });
    const tampered = broadcast.map((p) => (p.identifier === operatorIdentifier(2) ? { ...p, commitments: [p.commitments[0] as Uint8Array, other.package.commitments[1] as Uint8Array] } : p));
    const r2 = r1.map((r) => dkgRound2(r.secret, tampered));
    const me = r2[0];
    if (me === undefined) throw new Error('no participant');
    const mine = r2.flatMap((r) => r.packages).filter((p) => p.recipient === me.secret.identifier);
    expectCulprit(() => dkgFinish(me.secret, mine), 'INVALID_SHARE', operatorIdentifier(2));
    // And a replaced a_0 commitment breaks the proof of knowledge.
    const { r1: r1b, broadcast: b2 } = rounds12(3, 2, new SeededRandom('dkg-bad-commit-2'));
    const swapped = b2.map((p) => (p.identifier === operatorIdentifier(3) ? { ...p, commitments: [other.package.commitments[0] as Uint8Array, p.commitments[1] as Uint8Array] } : p));
    expectCulprit(() => dkgRound2((r1b[0] as (typeof r1b)[number]).secret, swapped), 'INVALID_PROOF', operatorIdentifier(3));
  });

  it('names every sender of a bad secret share (INVALID_SHARE) at finish', () => {
    const { r1, broadcast } = rounds12(5, 3, new SeededRandom('dkg-bad-share'));
    const r2 = r1.map((r) => dkgRound2(r.secret, broadcast));
    const me = r2[0];
    if (me === undefined) throw new Error('no participant');
    const mine: DkgRound2Package[] = r2.flatMap((r) => r.packages).filter((p) => p.recipient === me.secret.identifier);
    const bad = mine.map((p) => (p.sender === operatorIdentifier(4) || p.sender === operatorIdentifier(2) ? { ...p, share: p.share.map((b, i) => (i === 31 ? b ^ 1 : b)) } : p));
    try {
      dkgFinish(me.secret, bad);
      throw new Error('accepted bad shares');
    } catch (e) {
      expect(e).toBeInstanceOf(SparkCryptoError);
      expect((e as SparkCryptoError).code).toBe('INVALID_SHARE');
      expect((e as SparkCryptoError).culprit).toBe(operatorIdentifier(2));
      expect((e as Error).message).toContain(operatorIdentifier(4));
    }
  });

  it('rejects missing, duplicate and unknown participants and bad thresholds', () => {
    const { r1, broadcast } = rounds12(3, 2, new SeededRandom('dkg-roster'));
    const s = (r1[0] as (typeof r1)[number]).secret;
    expectCulprit(() => dkgRound2(s, broadcast.slice(0, 2)), 'MISSING_PARTICIPANT', operatorIdentifier(3));
    expectCulprit(() => dkgRound2(s, [...broadcast, broadcast[1] as DkgRound1Package]), 'DUPLICATE_PARTICIPANT', operatorIdentifier(2));
    expectCulprit(() => dkgRound2(s, [...broadcast, { ...(broadcast[1] as DkgRound1Package), identifier: operatorIdentifier(9) }]), 'UNKNOWN_PARTICIPANT', operatorIdentifier(9));
    expect(() => dkgRound1({ identifier: operatorIdentifier(1), threshold: 4, participants: ids(3) })).toThrow(expect.objectContaining({ code: 'INVALID_THRESHOLD' }));
    expect(() => dkgRound1({ identifier: operatorIdentifier(1), threshold: 2, participants: [...ids(3), operatorIdentifier(2)] })).toThrow(expect.objectContaining({ code: 'DUPLICATE_PARTICIPANT' }));
    expect(() => dkgRound1({ identifier: operatorIdentifier(7), threshold: 2, participants: ids(3) })).toThrow(expect.objectContaining({ code: 'UNKNOWN_PARTICIPANT' }));
    expect(() => dkgRound1({ identifier: '01', threshold: 2, participants: ids(3) })).toThrow(expect.objectContaining({ code: 'INVALID_IDENTIFIER' }));
    const wrongCount = broadcast.map((p, i) => (i === 1 ? { ...p, commitments: p.commitments.slice(0, 1) } : p));
    expectCulprit(() => dkgRound2(s, wrongCount), 'INVALID_COMMITMENT', operatorIdentifier(2));
    const offCurve = broadcast.map((p, i) => (i === 2 ? { ...p, commitments: [Uint8Array.of(2, ...new Uint8Array(31), 5), p.commitments[1] as Uint8Array] } : p));
    expectCulprit(() => dkgRound2(s, offCurve), 'INVALID_COMMITMENT', operatorIdentifier(3));
  });
});

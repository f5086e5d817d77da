import { describe, expect, it } from 'vitest';
import { publicKeyOf, recoverSecret } from '../../../src/crypto/index.js';
import { bytesToHex, identifierToScalar } from '../crypto.js';
import { DkgBatch } from './batch.js';

const ids = ['1', '2', '3'].map((i) => i.padStart(64, '0'));

function runBatch(count: number, tamper?: (from: string, to: string, shares: Uint8Array[]) => Uint8Array[]) {
  const batches = ids.map((id) => new DkgBatch(id, ids, 2, count));
  const pkgs = batches.map((b) => b.own);
  for (const b of batches) b.processRound1(pkgs);
  for (const from of batches) {
    for (const to of batches) {
      if (from === to) continue;
      const s = from.sharesFor(to.identifier);
      to.receive(from.identifier, tamper ? tamper(from.identifier, to.identifier, s) : s);
    }
  }
  return batches.map((b) => b.finish());
}

describe('batched Pedersen DKG', () => {
  it('gives every operator consistent, independent keys whose shares interpolate to the group key', () => {
    const results = runBatch(3);
    for (let k = 0; k < 3; k++) {
      const group = results[0]?.[k]?.groupPublicKey as Uint8Array;
      for (const r of results) expect(Buffer.from(r[k]?.groupPublicKey as Uint8Array).equals(Buffer.from(group))).toBe(true);
      // Any 2 shares recover the secret of the group key.
      const shares = [0, 2].map((i) => ({ threshold: 2, index: Number(identifierToScalar(ids[i] as string)), share: results[i]?.[k]?.secretShare as Uint8Array }));
      expect(bytesToHex(publicKeyOf(recoverSecret(shares)))).toBe(bytesToHex(group));
    }
    // Keys of one batch are different keys.
    expect(Buffer.from(results[0]?.[0]?.groupPublicKey as Uint8Array).equals(Buffer.from(results[0]?.[1]?.groupPublicKey as Uint8Array))).toBe(false);
  });

  it('names the operator whose share does not match its commitments', () => {
    expect(() =>
      runBatch(2, (from, to, shares) => (from === ids[1] && to === ids[2] ? shares.map((s, k) => (k === 1 ? new Uint8Array(32).fill(7) : s)) : shares)),
    ).toThrow(new RegExp(`${ids[1]}`));
  });

  it('rejects a relayed package set that altered this operator\'s own package', () => {
    const batches = ids.map((id) => new DkgBatch(id, ids, 2, 1));
    const pkgs = batches.map((b) => b.own);
    const forged = { ...pkgs[0]!, proofs: [new Uint8Array(65)] };
    expect(() => batches[0]!.processRound1([forged, pkgs[1]!, pkgs[2]!])).toThrow(/unchanged/);
  });
});

import { randomBytes } from 'node:crypto';
import { schnorr } from '@noble/curves/secp256k1';
import { p2tr, Transaction } from '@scure/btc-signer';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../crypto/index.js';
import { DefaultSparkSigner, KeyDerivationType } from '../crypto/testing/index.js';
import type { RefundKey } from './exit-data.js';
import { SoftwareSweepSigner, refundKeyPath } from './sweep-signer.js';

async function sdkKeys(seed: Uint8Array, account: number, leafId: string): Promise<{ leaf: string; identity: string }> {
  const signer = new DefaultSparkSigner();
  await signer.createSparkWalletFromSeed(seed, account);
  return {
    leaf: bytesToHex(await signer.getPublicKeyFromDerivation({ type: KeyDerivationType.LEAF, path: leafId })),
    identity: bytesToHex(await signer.getIdentityPublicKey()),
  };
}

function leafKey(account: number, leafId: string, publicKey: string): RefundKey {
  const k = { kind: 'leaf' as const, account, leafId, path: '', publicKey };
  return { ...k, path: refundKeyPath(k) };
}

describe('software sweep signer', () => {
  it('derives the same leaf and identity keys as the SDK DefaultSparkSigner', async () => {
    for (const account of [0, 1, 7]) {
      const seed = randomBytes(32);
      const leafId = `leaf-${account}-${bytesToHex(randomBytes(4))}`;
      const sdk = await sdkKeys(seed, account, leafId);
      const ours = new SoftwareSweepSigner(seed);
      expect(bytesToHex(await ours.publicKey(leafKey(account, leafId, sdk.leaf)))).toBe(sdk.leaf);
      const identity = { kind: 'identity' as const, account, path: '', publicKey: sdk.identity };
      expect(bytesToHex(await ours.publicKey({ ...identity, path: refundKeyPath(identity) }))).toBe(sdk.identity);
    }
  });

  it('signs a BIP-341 key-path spend of the refund output that verifies under the tweaked key', async () => {
    const seed = randomBytes(32);
    const sdk = await sdkKeys(seed, 1, 'a-leaf');
    const key = leafKey(1, 'a-leaf', sdk.leaf);
    const prevout = { script: p2tr(Buffer.from(sdk.leaf, 'hex').subarray(1)).script, amount: 99_045n };
    const tx = new Transaction({ version: 2 });
    tx.addInput({ txid: bytesToHex(randomBytes(32)), index: 0 });
    tx.addOutput({ script: prevout.script, amount: 98_000n });
    const sig = await new SoftwareSweepSigner(seed).signKeyPath({ key, tx: tx.unsignedTx, inputIndex: 0, prevouts: [prevout] });
    const sighash = tx.preimageWitnessV1(0, [prevout.script], 0, [prevout.amount]);
    expect(schnorr.verify(sig, sighash, prevout.script.subarray(2))).toBe(true);
  });

  it('refuses a refund key the seed does not have, or a path that is not the key kind\'s', async () => {
    const seed = randomBytes(32);
    const sdk = await sdkKeys(seed, 1, 'a-leaf');
    const signer = new SoftwareSweepSigner(seed);
    await expect(signer.publicKey(leafKey(1, 'another-leaf', sdk.leaf))).rejects.toMatchObject({ code: 'WRONG_KEY' });
    await expect(signer.publicKey({ ...leafKey(1, 'a-leaf', sdk.leaf), path: "m/8797555'/1'/0'" })).rejects.toMatchObject({ code: 'WRONG_KEY' });
  });
});

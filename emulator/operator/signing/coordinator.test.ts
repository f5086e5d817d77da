/**
 * The coordinator with real operator signers (keys from the batched DKG, nonces from NonceStore)
 * behind in-process participant APIs: signing with t of n, skipping a dead operator, naming a
 * cheater, rejecting a bad user share, and never reusing a nonce.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { Transaction } from '@scure/btc-signer';
import { addPublicKeys, p2trScript } from '../deposit/address.js';
import { parseTx, sighash } from '../deposit/transactions.js';
import { bytesToHex, generateNonce, signFrost, tweakedKey } from '../crypto.js';
import { DkgBatch } from '../dkg/batch.js';
import type { Keyshare } from './keyshares.js';
import { NonceStore } from './nonce-store.js';
import { OperatorSigner } from './operator-signer.js';
import { SigningCoordinator } from './coordinator.js';
import type { SigningParticipant } from './coordinator.js';
import { jobTx } from './job.js';

const ids = [1, 2, 3].map((i) => i.toString(16).padStart(64, '0'));

function dkg(): Keyshare[] {
  const batches = ids.map((id) => new DkgBatch(id, ids, 2, 1));
  for (const b of batches) b.processRound1(batches.map((x) => x.own));
  for (const from of batches) for (const to of batches) if (from !== to) to.receive(from.identifier, from.sharesFor(to.identifier));
  return batches.map((b) => {
    const [r] = b.finish();
    return { id: 'k', threshold: 2, secretShare: r!.secretShare, groupKey: r!.groupPublicKey, publicShares: r!.publicShares };
  });
}

function network(opts: { dead?: string; cheater?: string; remoteSelf?: boolean } = {}) {
  // What each operator's deposit_addresses binds key 'k' to (set by a test once it knows it).
  const binding: { vk?: string } = {};
  const keys = dkg();
  const apis = new Map<string, SigningParticipant>();
  let local: OperatorSigner | undefined;
  ids.forEach((id, i) => {
    const nonces = new NonceStore(secp256k1.utils.randomSecretKey());
    const cache = { get: async () => keys[i]!, getMany: async (ks: readonly string[]) => ks.map(() => keys[i]!) };
    const signer = new OperatorSigner(id, nonces, cache, async () => binding.vk);
    if (i === 0 && opts.remoteSelf !== true) local = signer;
    apis.set(id, {
      frostCommitments: async (count) => {
        if (id === opts.dead) throw new Error('UNAVAILABLE: connection refused');
        return nonces.create(count);
      },
      frostSign: async (jobs) => {
        const shares = await signer.sign(jobs);
        return id === opts.cheater ? shares.map((s) => ({ ...s, share: new Uint8Array(32).fill(1) })) : shares;
      },
    });
  });
  // As in the operator: the coordinator computes its own shares in its aggregation context.
  return { binding, key: keys[0]!, coordinator: new SigningCoordinator(ids[0]!, 2, apis, secp256k1.utils.randomSecretKey(), () => undefined, local) };
}

describe('signing coordinator', () => {
  it.each([false, true])('signs operator-only messages with t of n, skipping a stopped operator (own share over RPC: %s)', async (remoteSelf) => {
    const { key, coordinator } = network({ dead: ids[1], remoteSelf });
    const msgs = [new Uint8Array(32).fill(7), new Uint8Array(32).fill(8)];
    const { signatures, signers } = await coordinator.signOperatorsOnlyBatch(key, msgs, 'j');
    expect(signers).toEqual([ids[0], ids[2]]);
    signatures.forEach((sig, i) => expect(schnorr.verify(sig, msgs[i]!, tweakedKey(key.groupKey).qx)).toBe(true));
  });

  it('names the operator whose share is wrong', async () => {
    const { key, coordinator } = network({ cheater: ids[1] });
    await expect(coordinator.signOperatorsOnly(key, new Uint8Array(32).fill(7), 'j')).rejects.toThrow(new RegExp(`invalid signature share\\(s\\) from ${ids[1]}`));
  });

  it('aggregates the wallet\'s share with t operator shares, and blames a bad wallet share on the wallet', async () => {
    const { key, coordinator, binding } = network();
    const userSecret = secp256k1.utils.randomSecretKey();
    const userPub = secp256k1.getPublicKey(userSecret, true);
    const verifyingKey = addPublicKeys(key.groupKey, userPub);
    // Before the key is bound to this wallet's address, the operators refuse.
    await expect(coordinator.sign([{ jobId: 'early', keyshare: key, message: new Uint8Array(32), verifyingKey, operatorCommitments: (await coordinator.commitments(1))[0]!,
      user: { commitment: generateNonce(userSecret).commitment, publicKey: userPub, share: new Uint8Array(32).fill(1) },
      tx: jobTx({ kind: 'root', tx: new Uint8Array(0) }) }])).rejects.toThrow(/not bound to verifying key/);
    binding.vk = bytesToHex(verifyingKey);
    // A deposit paying the leaf's P2TR and a root spending it: what the operators check.
    const script = p2trScript(verifyingKey);
    const deposit = new Transaction({ version: 2 });
    deposit.addInput({ txid: new Uint8Array(32).fill(4), index: 0 });
    deposit.addOutput({ script, amount: 100_000n });
    const depositRaw = deposit.toBytes(true, false);
    const root = new Transaction({ version: 3 });
    root.addInput({ txid: sha256(sha256(depositRaw)).reverse(), index: 0, sequence: 0 });
    root.addOutput({ script, amount: 100_000n });
    const rootParsed = parseTx(root.toBytes(true, false), 'root');
    const message = sighash(rootParsed, { script, amount: 100_000n });
    const tx = jobTx({ kind: 'root', tx: rootParsed.raw, parentTx: depositRaw, parentVout: 0 });
    const job = async (tamper: boolean, jobTx = tx, msg = message) => {
      const [ops] = await coordinator.commitments(1);
      const n = generateNonce(userSecret);
      let share = signFrost({ message: msg, keyPackage: { secretKey: userSecret, publicKey: userPub, verifyingKey }, nonce: n.nonce, selfCommitment: n.commitment, statechainCommitments: ops! });
      if (tamper) share = new Uint8Array(32).fill(2);
      return coordinator.sign([{ jobId: 'root', keyshare: key, message: msg, verifyingKey, operatorCommitments: ops!, user: { commitment: n.commitment, publicKey: userPub, share }, tx: jobTx }]);
    };
    const [sig] = await job(false);
    expect(schnorr.verify(sig!, message, tweakedKey(verifyingKey).qx)).toBe(true);
    await expect(job(true)).rejects.toThrow(/user's signature share is invalid/);
    // A message that is not the sighash of the transaction shown is refused by the operators.
    await expect(job(false, { ...tx, parentVout: 1 })).rejects.toThrow(/output 1 does not exist/);
    await expect(job(false, { ...tx, kind: 'refund', parentVout: 0 })).rejects.toThrow(/refund tx input has no relative timelock/);
    await expect(job(false, tx, new Uint8Array(32).fill(9))).rejects.toThrow(/message is not the sighash of the root tx/);
  });

  it('never signs twice with one nonce', async () => {
    const nonces = new NonceStore(secp256k1.utils.randomSecretKey());
    const [c] = nonces.create(1);
    nonces.take(c!);
    expect(() => nonces.take(c!)).toThrow(/already used/);
  });
});

import { describe, expect, it } from 'vitest';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1';
import { SigHash, Transaction, p2tr } from '@scure/btc-signer';
import {
  Network,
  createInitialTimelockNodeTx,
  createInitialTimelockRefundTxs,
  createZeroTimelockNodeTx,
  encodeSparkAddress,
  getClaimPackageSigningPayload,
  getTransferPackageSigningPayload,
} from '@buildonspark/spark-sdk';
import type { TransferPackage } from '@buildonspark/spark-sdk/proto/spark';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes } from '@noble/hashes/utils.js';
import { encodeChallenge } from '../../emulator/operator/authn/challenge.js';
import { IdentityPreimages } from '../../src/signer/identity-preimages.js';
import { bytesToHex, publicKeyOf, taprootOutputKey } from '../../src/crypto/index.js';
import { INTENT_MAX_LEAVES, encodeTransferIntent, type FrostSignTxRequest, type IntentLeaf } from '../../src/device/clear-sign.js';
import { BadDataError, IntentMismatchError, TxUnsupportedError, UserRejectedError } from '../../src/device/errors.js';
import type { KeyRef } from '../../src/device/keyref.js';
import type { DeviceCommitment } from '../../src/device/messages.js';
import { pageBody, review, waitHome } from '../../emulator/speculos/flows.js';
import { expectedPublicKey } from './expected-keys.js';
import { deviceForSuite } from './fixture.js';
import {
  aggregateWithOperators,
  makeOperatorGroup,
  operatorNonces,
  verifyUserShare,
  verifyingKeyFor,
  type OperatorNonce,
  type OperatorRound,
} from './frost-operators.js';

/**
 * Clear signing on the device under Speculos (device-app/PROTOCOL.md, "FROST_SIGN_TX",
 * "TRANSFER_INTENT" and the clear-signing security section): the shares of Spark-shaped
 * transactions aggregate with a 2-of-3 operator group (the SDK's aggregateFrost) into a BIP340
 * signature over the sighash @scure/btc-signer computes; a transfer of two leaves is approved
 * once on a screen that shows the total and the receiver's Spark address (the SDK's
 * encodeSparkAddress); every lie of the host is refused, or yields a share that does not
 * aggregate over what the operators sign.
 */

const P2A = new Uint8Array([0x51, 0x02, 0x4e, 0x73]);
const NETWORK = 'REGTEST' as const;
const group = makeOperatorGroup(2, 3);
const receiver = publicKeyOf(secp256k1.utils.randomPrivateKey());
const stranger = publicKeyOf(secp256k1.utils.randomPrivateKey());
const leafKey = (leafId: string): KeyRef => ({ kind: 'leaf', account: 0, leafId });

/** A leaf as the operators hold it: its statechain key P and the node output its refunds spend. */
interface Leaf {
  id: string;
  key: KeyRef;
  userPub: Uint8Array;
  verifyingKey: Uint8Array;
  nodeScript: Uint8Array;
  nodeTxid: Uint8Array;
  value: bigint;
}

function leaf(id: string, value: bigint): Leaf {
  const key = leafKey(id);
  const userPub = expectedPublicKey(key);
  const verifyingKey = verifyingKeyFor(userPub, group);
  return { id, key, userPub, verifyingKey, nodeScript: p2tr(verifyingKey.slice(1)).script, nodeTxid: secp256k1.utils.randomPrivateKey(), value };
}

/** A refund (docs/transfers.md, "Transaction shapes"): spends the node output, pays `dest` the whole value, plus the P2A anchor. */
function refund(l: Leaf, dest: Uint8Array, sequence: number, amount = l.value): Transaction {
  const tx = new Transaction({ version: 3, lockTime: 0, allowUnknownOutputs: true });
  tx.addInput({ txid: l.nodeTxid, index: 0, sequence, witnessUtxo: { script: l.nodeScript, amount } });
  tx.addOutput({ script: p2tr(dest.slice(1)).script, amount });
  tx.addOutput({ script: P2A, amount: 0n });
  return tx;
}

const sighashOf = (tx: Transaction, l: Leaf, amount = l.value): Uint8Array =>
  tx.preimageWitnessV1(0, [l.nodeScript], SigHash.DEFAULT, [amount]);

describe.each(['nanosp', 'nanox'] as const)('clear signing under Speculos (%s)', (model) => {
  const dev = deviceForSuite({ model });
  const one = leaf('cs-1', 100_000n);
  const two = leaf('cs-2', 50_000n);
  const intentLeaves: IntentLeaf[] = [
    { id: one.id, value: one.value, refundTimelock: 2000 },
    { id: two.id, value: two.value, refundTimelock: 2000 },
  ];

  async function commitment(): Promise<DeviceCommitment> {
    const [c] = await dev.app.frostCommit(1);
    if (c === undefined) throw new Error('FROST_COMMIT of 1 returned no commitment');
    return c;
  }

  function request(l: Leaf, tx: Transaction, c: DeviceCommitment, ops: OperatorNonce[], amount = l.value): FrostSignTxRequest {
    return {
      key: l.key,
      verifyingKey: l.verifyingKey,
      userCommitment: c,
      operators: ops.map((o) => o.commitment),
      network: NETWORK,
      inputIndex: 0,
      tx: tx.toBytes(true, false),
      prevouts: [{ amount, script: l.nodeScript }],
    };
  }

  /** The device's share aggregated with the operators' over `message` (what the operators sign). */
  async function aggregates(l: Leaf, message: Uint8Array, c: DeviceCommitment, ops: OperatorNonce[], share: Uint8Array): Promise<boolean> {
    const round: OperatorRound = { message, verifyingKey: l.verifyingKey, userCommitment: c, ops };
    if (!verifyUserShare(round, share, l.userPub)) return false;
    const sig = await aggregateWithOperators(round, share, l.userPub);
    return schnorr.verify(sig, message, taprootOutputKey(l.verifyingKey));
  }

  /** Signs `tx` (no screen expected) and checks the share aggregates over the operators' sighash; `amount` is the spent P2TR(P) output's. */
  async function signSilently(l: Leaf, tx: Transaction, amount = l.value): Promise<void> {
    const c = await commitment();
    const ops = operatorNonces(group.operators.slice(0, 2));
    const share = await dev.app.frostSignTx(request(l, tx, c, ops, amount));
    expect(await aggregates(l, sighashOf(tx, l, amount), c, ops, share), 'aggregated BIP340 signature over btc-signer\'s sighash').toBe(true);
  }

  const splitTo = (l: Leaf, to: Uint8Array) =>
    dev.app.keySplit({ mode: 'transfer', leaf: l.key, receiverPublicKey: to, threshold: 2, numShares: 3 });

  async function approveIntent(leaves: IntentLeaf[]): Promise<string[][]> {
    const pending = dev.app.transferIntent({ account: 0, network: NETWORK, receiver, leaves });
    const pages = await review(dev.screen, 'Send', 'approve');
    await pending;
    await waitHome(dev.screen);
    return pages;
  }

  it('signs a claim refund and a node transaction (everything stays with the user) with blind signing off and no screen', async () => {
    expect((await dev.app.getVersion()).blindSigningEnabled).toBe(false);
    await signSilently(one, refund(one, one.userPub, 2000));
    const node = new Transaction({ version: 3, lockTime: 0, allowUnknownOutputs: true });
    node.addInput({ txid: one.nodeTxid, index: 0, sequence: 0, witnessUtxo: { script: one.nodeScript, amount: one.value } });
    node.addOutput({ script: one.nodeScript, amount: one.value });
    node.addOutput({ script: P2A, amount: 0n });
    await signSilently(one, node);
    expect(await dev.screen.screenTexts()).toContain('Ready'); // Home the whole time
  });

  it('signs every transaction of a node-timelock renewal as the SDK builds it (split, node, direct variants, refunds) with blind signing off and no screen', async () => {
    // as the SDK's createRenewNodeSigningJobs builds them from the leaf's parent, whose output 0 pays P2TR(P)
    expect((await dev.app.getVersion()).blindSigningEnabled).toBe(false);
    const parent = new Transaction({ version: 3, lockTime: 0, allowUnknownOutputs: true });
    parent.addInput({ txid: one.nodeTxid, index: 0, sequence: 0 });
    parent.addOutput({ script: one.nodeScript, amount: one.value });
    parent.addOutput({ script: P2A, amount: 0n });
    const split = await createZeroTimelockNodeTx(parent, Network.REGTEST);
    const node = await createInitialTimelockNodeTx(split.nodeTx, Network.REGTEST);
    const refunds = await createInitialTimelockRefundTxs({ nodeTx: node.nodeTx, directNodeTx: node.directNodeTx, receivingPubkey: one.userPub, network: Network.REGTEST });
    const amountOf = (tx: Transaction): bigint => tx.getOutput(0).amount ?? 0n;
    const jobs: [Transaction | undefined, bigint][] = [
      [split.nodeTx, one.value],
      [split.directNodeTx, one.value],
      [node.nodeTx, amountOf(split.nodeTx)],
      [node.directNodeTx, amountOf(split.nodeTx)],
      [refunds.cpfpRefundTx, amountOf(node.nodeTx)],
      [refunds.directRefundTx, amountOf(node.directNodeTx)],
      [refunds.directFromCpfpRefundTx, amountOf(node.nodeTx)],
    ];
    for (const [tx, spent] of jobs) {
      if (tx === undefined) throw new Error('the SDK built no direct refund');
      await signSilently(one, tx, spent);
    }
    expect(await dev.screen.screenTexts()).toContain('Ready'); // Home the whole time
  });

  it('one approval covers a two-leaf transfer: total and Spark address on screen, then key splits and refunds without a screen', async () => {
    const pages = await approveIntent(intentLeaves);
    expect(pageBody(pages, 'Send')).toEqual(['150000 sats', 'Leaves 2', 'Account 0']);
    const address = encodeSparkAddress({ identityPublicKey: bytesToHex(receiver), network: NETWORK });
    expect(pageBody(pages, 'To').join('')).toBe(address);
    for (const l of [one, two]) {
      const split = await splitTo(l, receiver);
      expect(split.ciphertext?.length).toBe(129);
      await signSilently(l, refund(l, receiver, 1900)); // CPFP refund: one hop below 2000
      await signSilently(l, refund(l, receiver, 1950)); // direct-from-CPFP refund
    }
    expect(await dev.screen.screenTexts()).toContain('Ready');
  });

  it('one approval covers a 64-leaf transfer (the SDK\'s swap batch): its leaves split and their refunds sign without a screen; the encoder refuses a 65th', async () => {
    // 62 leaves besides the two with operator data: the device derives their keys from the ids
    const others = Array.from({ length: INTENT_MAX_LEAVES - 2 }, (_, i) => leaf(`cs-many-${String(i).padStart(2, '0')}`, 1_000n + BigInt(i)));
    const all = [one, two, ...others];
    expect(all).toHaveLength(64);
    const total = all.reduce((a, l) => a + l.value, 0n);
    const pages = await approveIntent(all.map((l) => ({ id: l.id, value: l.value, refundTimelock: 2000 })));
    expect(pageBody(pages, 'Send')).toEqual([`${total} sats`, 'Leaves 64', 'Account 0']);
    // a key split takes about a second under Speculos: the first, a middle and the last listed leaf
    for (const l of [one, two, others[30]!, others[61]!]) expect((await splitTo(l, receiver)).ciphertext?.length).toBe(129);
    for (const l of [one, two]) await signSilently(l, refund(l, receiver, 1900));
    await expect(splitTo(others[61]!, receiver)).rejects.toBeInstanceOf(IntentMismatchError); // each leaf once
    expect(await dev.screen.screenTexts()).toContain('Ready'); // nothing shown after the one approval
    const sixtyFive = [...all, leaf('cs-many-64', 1n)].map((l) => ({ id: l.id, value: l.value, refundTimelock: 2000 }));
    expect(() => encodeTransferIntent({ account: 0, network: NETWORK, receiver, leaves: sixtyFive })).toThrow(/1\.\.64/);
  });

  it('a smaller amount shown than spent: the real refund is refused; a refund over the lied amount does not aggregate over what the operators sign', async () => {
    await approveIntent([{ ...intentLeaves[0]!, value: 10_000n }, intentLeaves[1]!]);
    await splitTo(one, receiver);
    const c = await commitment();
    const ops = operatorNonces(group.operators.slice(0, 2));
    await expect(dev.app.frostSignTx(request(one, refund(one, receiver, 1900), c, ops))).rejects.toBeInstanceOf(IntentMismatchError);
    // The host lies about the prevout amount too: the device signs the sighash of what it was shown...
    const lie = refund(one, receiver, 1900, 10_000n);
    const c2 = await commitment();
    const share = await dev.app.frostSignTx(request(one, lie, c2, ops, 10_000n));
    // ...but the operators sign the refund of the real node output (value 100000): no signature.
    const real = refund(one, receiver, 1900);
    expect(await aggregates(one, sighashOf(real, one), c2, ops, share).catch(() => false)).toBe(false);
  });

  it('another receiver, an extra leaf, a longer timelock, a replayed approval: each is refused and the approval stays usable', async () => {
    await approveIntent(intentLeaves);
    await expect(splitTo(one, stranger)).rejects.toBeInstanceOf(IntentMismatchError); // another receiver
    await expect(splitTo(leaf('cs-3', 1n), receiver)).rejects.toBeInstanceOf(IntentMismatchError); // extra leaf
    await splitTo(two, receiver);
    const c = await commitment();
    const ops = operatorNonces(group.operators.slice(0, 2));
    await expect(dev.app.frostSignTx(request(two, refund(two, stranger, 1900), c, ops))).rejects.toBeInstanceOf(IntentMismatchError);
    const c2 = await commitment();
    await expect(dev.app.frostSignTx(request(two, refund(two, receiver, 2100), c2, ops))).rejects.toBeInstanceOf(IntentMismatchError); // longer timelock
    await expect(splitTo(two, receiver)).rejects.toBeInstanceOf(IntentMismatchError); // the same leaf again: a second transfer
    await signSilently(two, refund(two, receiver, 1900)); // no state change: the fitting refund still signs
  });

  it('identity signatures with their preimages, blind signing off: login and claim with no screen; a transfer\'s per-leaf and package signatures under its one approval; every lie refused', async () => {
    expect((await dev.app.getVersion()).blindSigningEnabled).toBe(false);
    const identity = expectedPublicKey({ kind: 'identity', account: 0 });
    const signs = (sig: Uint8Array, digest: Uint8Array): boolean =>
      secp256k1.verify(sig.length === 64 ? sig : secp256k1.Signature.fromDER(sig).toCompactRawBytes(), digest, identity);
    // the SDK's own hashing, observed the way LedgerSparkSigner observes it
    const observed = new IdentityPreimages(() => identity);
    const stop = observed.start();
    try {
      const found = (digest: Uint8Array): Uint8Array => {
        const f = observed.find(digest);
        if (f === undefined) throw new Error('the observer did not see the SDK hash this');
        return f.preimage;
      };
      const challenge = encodeChallenge({ version: 1, timestamp: 1_764_000_000, nonce: randomBytes(32), publicKey: identity });
      expect(signs(await dev.app.signIdentityClear('login', challenge), sha256(challenge))).toBe(true);
      const tid = '01890a5d-ac96-774b-bcce-b302099a8057';
      const tweaks = { ['0'.repeat(63) + '1']: randomBytes(900), ['0'.repeat(63) + '2']: randomBytes(900), ['0'.repeat(63) + '3']: randomBytes(900) };
      const claimDigest = getClaimPackageSigningPayload(tid, tweaks);
      expect(signs(await dev.app.signIdentityClear('claim', found(claimDigest)), claimDigest)).toBe(true);

      await approveIntent(intentLeaves);
      const ciphers: Uint8Array[] = [];
      for (const l of [one, two]) ciphers.push((await splitTo(l, receiver)).ciphertext!);
      const enc = new TextEncoder();
      const leafPayload = (l: Leaf, t: string, cipher: Uint8Array): Uint8Array => concatBytes(enc.encode(l.id), enc.encode(t), cipher);
      const transferDigest = getTransferPackageSigningPayload(tid, { keyTweakPackage: tweaks } as unknown as TransferPackage);
      const pkg = found(transferDigest);
      // the package before the per-leaf signatures; a per-leaf payload with another leaf's ciphertext
      await expect(dev.app.signIdentityClear('transfer', pkg)).rejects.toBeInstanceOf(IntentMismatchError);
      await expect(dev.app.signIdentityClear('leaf', leafPayload(one, tid, ciphers[1]!))).rejects.toBeInstanceOf(IntentMismatchError);
      for (const [i, l] of [one, two].entries()) {
        const payload = leafPayload(l, tid, ciphers[i]!);
        expect(signs(await dev.app.signIdentityClear('leaf', payload), sha256(payload))).toBe(true);
      }
      // a "login" that is really the package; a package of another transfer
      await expect(dev.app.signIdentityClear('login', pkg)).rejects.toBeInstanceOf(BadDataError);
      const otherTid = getTransferPackageSigningPayload(tid.replace(/7$/, '8'), { keyTweakPackage: tweaks } as unknown as TransferPackage);
      await expect(dev.app.signIdentityClear('transfer', found(otherTid))).rejects.toBeInstanceOf(IntentMismatchError);
      expect(signs(await dev.app.signIdentityClear('transfer', pkg), transferDigest)).toBe(true);
      // the approval replayed for a second package
      await expect(dev.app.signIdentityClear('transfer', pkg)).rejects.toBeInstanceOf(IntentMismatchError);
      expect(await dev.screen.screenTexts()).toContain('Ready'); // nothing shown after the one approval
    } finally {
      stop();
    }
  });

  it('a transaction that pays someone else with no approved transfer is shown (amount and address), never signed silently', async () => {
    // a new intent, rejected: it ends the previous one and leaves no intent at all
    const rejected = dev.app.transferIntent({ account: 0, network: NETWORK, receiver, leaves: intentLeaves }).then(
      () => 'approved',
      (e: unknown) => e,
    );
    await review(dev.screen, 'Send', 'reject');
    expect(await rejected).toBeInstanceOf(UserRejectedError);
    await waitHome(dev.screen);
    const c = await commitment();
    const ops = operatorNonces(group.operators.slice(0, 2));
    const pending = dev.app.frostSignTx(request(two, refund(two, stranger, 1900), c, ops)).then(
      () => 'signed',
      (e: unknown) => e,
    );
    const pages = await review(dev.screen, 'Pay', 'reject');
    expect(pageBody(pages, 'Pay')).toEqual(['50000 sats', 'Fee 0 sats']);
    expect(pageBody(pages, 'To').join('')).toMatch(/^bcrt1p/);
    expect(await pending).toBeInstanceOf(UserRejectedError);
    await waitHome(dev.screen);
  });

  it('a transaction the device cannot classify is refused without consuming the nonce reference', async () => {
    const c = await commitment();
    const ops = operatorNonces(group.operators.slice(0, 2));
    const tx = refund(one, one.userPub, 2000);
    const notP = { ...request(one, tx, c, ops), prevouts: [{ amount: one.value, script: p2tr(stranger.slice(1)).script }] };
    await expect(dev.app.frostSignTx(notP)).rejects.toBeInstanceOf(TxUnsupportedError);
    const share = await dev.app.frostSignTx(request(one, tx, c, ops));
    expect(await aggregates(one, sighashOf(tx, one), c, ops, share)).toBe(true);
  });
});

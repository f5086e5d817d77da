/**
 * The operator's own transfer checks against the SDK as the oracle: the refunds it rebuilds are
 * byte for byte the SDK's (WASM constructRefundTxTrio), the package payloads are the SDK's, and
 * the key-tweak checks accept the SDK-format split and refuse every single-field lie.
 */
import { randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  Network,
  createCurrentTimelockRefundTxs,
  createDecrementedTimelockRefundTxs,
  getClaimPackageSigningPayload,
  getNextTransactionSequence,
  getTransferPackageSigningPayload,
} from '@buildonspark/spark-sdk';
import { Transaction } from '@scure/btc-signer';
import { describe, expect, it } from 'vitest';
import { randomKey, signedNodeTx } from '../testing/txs.js';
import { bytesToHex, publicKeyOf, splitSecretWithProofs } from '../../../src/crypto/index.js';
import { OperatorError } from '../errors.js';
import type { Keyshare } from '../signing/keyshares.js';
import { applyTweak, checkTweak, ownerKeyAfter } from './key-tweak.js';
import type { LeafTweak } from './key-tweak.js';
import { claimPackagePayload, transferPackagePayload } from './payload.js';
import { buildRefunds, currentSequence, decrementedSequence, directNodeTxOf } from './refunds.js';

const N = secp256k1.CURVE.n;
const OPS = ['01', '02', '03'].map((i) => i.padStart(64, '0'));
const key = randomKey;

describe('refunds rebuilt by an operator', () => {
  for (const [amount, sequence] of [[100_000n, 2000], [100_000n, 1950], [900n, 1900], [5_000n, (1 << 30) | 300]] as const) {
    it(`equal the SDK's, byte for byte (amount ${amount}, sequence ${sequence})`, async () => {
      const node = signedNodeTx(amount);
      const dest = key();
      const sdk = await createDecrementedTimelockRefundTxs({ nodeTx: node, receivingPubkey: dest, network: Network.REGTEST, sequence });
      const ours = buildRefunds(node.toBytes(true, true), decrementedSequence(sequence), dest);
      expect(bytesToHex(ours.cpfp)).toBe(bytesToHex(sdk.cpfpRefundTx.toBytes()));
      expect(bytesToHex(ours.directFromCpfp)).toBe(bytesToHex(sdk.directFromCpfpRefundTx?.toBytes() ?? new Uint8Array()));
      // The claim keeps the timelock.
      const claimSdk = await createCurrentTimelockRefundTxs({ nodeTx: node, receivingPubkey: dest, network: Network.REGTEST, sequence });
      const claim = buildRefunds(node.toBytes(true, true), currentSequence(sequence), dest);
      expect(bytesToHex(claim.cpfp)).toBe(bytesToHex(claimSdk.cpfpRefundTx.toBytes()));
    });
  }

  it('with a direct node tx (a leaf renewed to a non-zero node timelock), the direct refund equals the SDK\'s too', async () => {
    for (const [amount, nodeSequence, sequence] of [[100_000n, 2000, 2000], [40_000n, (1 << 30) | 1900, 1500], [2_000n, 100, 300]] as const) {
      const node = signedNodeTx(amount);
      node.updateInput(0, { sequence: nodeSequence }, true);
      // The direct node tx: one interval + 50 later, amount less the fee, no anchor.
      const direct = new Transaction({ version: 3, allowUnknownOutputs: true });
      direct.addInput({ txid: randomBytes(32), index: 0, sequence: nodeSequence + 50 });
      direct.addOutput({ script: node.getOutput(0).script as Uint8Array, amount: amount - 955n });
      direct.updateInput(0, { finalScriptWitness: [randomBytes(64)] });
      const dest = key();
      const sdk = await createDecrementedTimelockRefundTxs({ nodeTx: node, directNodeTx: direct, receivingPubkey: dest, network: Network.REGTEST, sequence });
      const ours = buildRefunds(node.toBytes(true, true), decrementedSequence(sequence), dest, direct.toBytes(true, true));
      expect(sdk.directRefundTx, 'the SDK builds a direct refund for a non-zero node').toBeDefined();
      expect(bytesToHex(ours.direct ?? new Uint8Array())).toBe(bytesToHex(sdk.directRefundTx?.toBytes() ?? new Uint8Array()));
      expect(bytesToHex(ours.directFromCpfp)).toBe(bytesToHex(sdk.directFromCpfpRefundTx?.toBytes() ?? new Uint8Array()));
      const claimSdk = await createCurrentTimelockRefundTxs({ nodeTx: node, directNodeTx: direct, receivingPubkey: dest, network: Network.REGTEST, sequence });
      const claim = buildRefunds(node.toBytes(true, true), currentSequence(sequence), dest, direct.toBytes(true, true));
      expect(bytesToHex(claim.direct ?? new Uint8Array())).toBe(bytesToHex(claimSdk.directRefundTx?.toBytes() ?? new Uint8Array()));
      // Which leaves have one: a direct node tx on a node that is not a zero node.
      const row = { node_tx: bytesToHex(node.toBytes(true, true)), direct_tx: bytesToHex(direct.toBytes(true, true)) };
      expect(directNodeTxOf(row)).toBeDefined();
      expect(directNodeTxOf({ ...row, direct_tx: '' })).toBeUndefined();
    }
    // A zero node (a deposit root, a zero-timelock renewal) has none, in the SDK as here.
    const zero = signedNodeTx(50_000n);
    const zeroDirect = signedNodeTx(49_045n);
    const sdk = await createDecrementedTimelockRefundTxs({ nodeTx: zero, directNodeTx: zeroDirect, receivingPubkey: key(), network: Network.REGTEST, sequence: 2000 });
    expect(sdk.directRefundTx).toBeUndefined();
    expect(directNodeTxOf({ node_tx: bytesToHex(zero.toBytes(true, true)), direct_tx: bytesToHex(zeroDirect.toBytes(true, true)) })).toBeUndefined();
  });

  it('refuses to decrement where the SDK refuses (timelock 100 and below)', () => {
    expect(() => getNextTransactionSequence(100)).toThrow();
    expect(() => decrementedSequence(100)).toThrow(OperatorError);
    expect(() => decrementedSequence(199)).toThrow(/renew the leaf/);
    expect(decrementedSequence(200)).toBe(getNextTransactionSequence(200).nextSequence);
  });
});

describe('package payloads', () => {
  it('are the SDK\'s', () => {
    const id = '01a22f02-3ced-719c-850b-0396b212d945';
    const blobs = Object.fromEntries(OPS.map((o) => [o, randomBytes(150)]));
    expect(bytesToHex(transferPackagePayload(id, blobs))).toBe(bytesToHex(getTransferPackageSigningPayload(id, { keyTweakPackage: blobs } as never)));
    expect(bytesToHex(claimPackagePayload(id, blobs))).toBe(bytesToHex(getClaimPackageSigningPayload(id, blobs)));
  });
});

describe('key tweaks', () => {
  function tweakFor(self: string, t = 2): { tweak: LeafTweak; secret: bigint; shares: ReturnType<typeof splitSecretWithProofs> } {
    const secret = secp256k1.utils.randomSecretKey();
    const shares = splitSecretWithProofs(secret, t, OPS.length);
    const mine = shares[OPS.indexOf(self)];
    if (mine === undefined) throw new Error('no share');
    const tweak: LeafTweak = {
      leafId: 'leaf',
      share: mine.share,
      proofs: mine.proofs,
      pubkeySharesTweak: Object.fromEntries(OPS.map((o, i) => [o, publicKeyOf(shares[i]?.share as Uint8Array)])),
    };
    return { tweak, secret: BigInt('0x' + bytesToHex(secret)), shares };
  }

  it('accept a well-formed split and refuse each lie with INVALID_ARGUMENT', () => {
    const self = OPS[1] as string;
    const { tweak } = tweakFor(self);
    expect(() => checkTweak(tweak, self, 2, OPS)).not.toThrow();
    const lies: [string, LeafTweak][] = [
      ['share', { ...tweak, share: Uint8Array.from(tweak.share, (b, i) => (i === 31 ? b ^ 1 : b)) }],
      ['degree', { ...tweak, proofs: [...tweak.proofs, key()] }],
      ['public share', { ...tweak, pubkeySharesTweak: { ...tweak.pubkeySharesTweak, [OPS[2] as string]: key() } }],
      ['missing operator', { ...tweak, pubkeySharesTweak: Object.fromEntries(Object.entries(tweak.pubkeySharesTweak).slice(1)) }],
    ];
    for (const [what, lie] of lies) {
      let err: unknown;
      try {
        checkTweak(lie, self, 2, OPS);
      } catch (e) {
        err = e;
      }
      expect(err, what).toBeInstanceOf(OperatorError);
      expect((err as OperatorError).code, what).toBe('INVALID_ARGUMENT');
    }
  });

  it('applied to a keyshare: secret + tweak, group key + tweak·G, public shares consistent, verifying key unchanged', () => {
    const self = OPS[0] as string;
    const { tweak, secret } = tweakFor(self);
    const mySecret = secp256k1.utils.randomSecretKey();
    const groupSecret = BigInt('0x' + bytesToHex(secp256k1.utils.randomSecretKey()));
    const ks: Keyshare = {
      id: 'k', threshold: 2, secretShare: mySecret, groupKey: secp256k1.Point.BASE.multiply(groupSecret).toBytes(true),
      publicShares: Object.fromEntries(OPS.map((o) => [o, key()])),
    };
    ks.publicShares[self] = publicKeyOf(mySecret);
    const out = applyTweak(ks, tweak);
    const expectedSecret = (BigInt('0x' + bytesToHex(mySecret)) + BigInt('0x' + bytesToHex(tweak.share))) % N;
    expect(bytesToHex(out.secretShare)).toBe(expectedSecret.toString(16).padStart(64, '0'));
    expect(bytesToHex(out.publicShares[self] as Uint8Array)).toBe(bytesToHex(publicKeyOf(out.secretShare)));
    expect(bytesToHex(out.groupKey)).toBe(bytesToHex(secp256k1.Point.BASE.multiply((groupSecret + secret) % N).toBytes(true)));
    // V = owner + group key stays V: the owner's key moves by −tweak.
    const owner = secp256k1.Point.BASE.multiply(12345n);
    const v = owner.add(secp256k1.Point.fromBytes(ks.groupKey)).toBytes(true);
    expect(bytesToHex(ownerKeyAfter(v, out.groupKey))).toBe(bytesToHex(owner.subtract(secp256k1.Point.BASE.multiply(secret)).toBytes(true)));
  });
});

/**
 * The renewal transactions our operators expect (renew-txs.ts) against the SDK 0.8.8's own
 * construction, as its `createRenew*SigningJobs` (services/transfer.ts) call it: byte for byte,
 * for the three variants. The network tests exercise the zero and node variants end to end; the
 * refund variant needs a leaf with a non-zero node timelock, which only this test builds.
 */
import { secp256k1 } from '@noble/curves/secp256k1';
import { bytesToHex } from '@noble/hashes/utils';
import { Transaction } from '@scure/btc-signer';
import { describe, expect, it } from 'vitest';
import { createDecrementedTimelockNodeTx, createInitialTimelockNodeTx, createInitialTimelockRefundTxs, createZeroTimelockNodeTx, Network } from '@buildonspark/spark-sdk';
import type { TreeNodeRow } from '../db/repository.js';
import { p2trScript } from '../deposit/address.js';
import { parseTx } from '../deposit/transactions.js';
import { expectedRenewal, ineligibility } from './renew-txs.js';
import type { RenewRole } from './renew-txs.js';

const ANCHOR = Uint8Array.of(0x51, 0x02, 0x4e, 0x73);
const key = (): Uint8Array => secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true);
const verifying = key();
const owner = key();
const AMOUNT = 50_000n;

/** A version-3 tx spending `prev`:0 with `sequence`, paying P2TR(verifying) the amount plus an anchor. */
function nodeTx(prevTxid: string, sequence: number): Transaction {
  const t = new Transaction({ version: 3, lockTime: 0, allowUnknownOutputs: true });
  t.addInput({ txid: prevTxid, index: 0, sequence });
  t.addOutput({ script: p2trScript(verifying), amount: AMOUNT });
  t.addOutput({ script: ANCHOR, amount: 0n });
  return t;
}

function refundTx(node: Transaction, sequence: number): Transaction {
  const t = new Transaction({ version: 3, lockTime: 0, allowUnknownOutputs: true });
  t.addInput({ txid: txidOf(node), index: 0, sequence });
  t.addOutput({ script: p2trScript(owner), amount: AMOUNT });
  t.addOutput({ script: ANCHOR, amount: 0n });
  return t;
}

const txidOf = (t: Transaction): string => parseTx(t.toBytes(true, false), 'tx').txid;

function row(id: string, node: Transaction, refund: Transaction | undefined): TreeNodeRow {
  return {
    id, tree_id: 't', owner_identity_public_key: bytesToHex(key()), owner_signing_public_key: bytesToHex(owner), value: Number(AMOUNT), vout: 0,
    verifying_public_key: bytesToHex(verifying), keyshare_id: 'k', node_tx: bytesToHex(node.toBytes(true, false)),
    refund_tx: refund === undefined ? '' : bytesToHex(refund.toBytes(true, false)), direct_from_cpfp_refund_tx: '', deposit_txid: '00'.repeat(32), deposit_vout: 0,
    status: 'AVAILABLE', network: 2, created_at: new Date(), updated_at: new Date(),
  };
}

const hexOf = (t: Transaction | undefined): string => bytesToHex(t?.toBytes() ?? new Uint8Array());
const byRole = (txs: { role: RenewRole; tx: Uint8Array }[]): Partial<Record<RenewRole, string>> => Object.fromEntries(txs.map((t) => [t.role, bytesToHex(t.tx)]));

describe('renewal transactions match the SDK 0.8.8 construction', () => {
  const parent = nodeTx('11'.repeat(32), 0);

  it('zero-timelock variant: a new zero node spending the leaf\'s node tx, refunds at 2000', async () => {
    const leafNode = nodeTx(txidOf(parent), 0);
    const leaf = row('leaf', leafNode, refundTx(leafNode, 100));
    const { nodeTx: n, directNodeTx: d } = await createZeroTimelockNodeTx(leafNode, Network.REGTEST);
    const r = await createInitialTimelockRefundTxs({ nodeTx: n, directNodeTx: d, receivingPubkey: owner, network: Network.REGTEST });
    expect(byRole(expectedRenewal('zero', leaf, undefined).txs)).toEqual({ node: hexOf(n), directNode: hexOf(d), refund: hexOf(r.cpfpRefundTx), directFromCpfpRefund: hexOf(r.directFromCpfpRefundTx) });
    expect(r.directRefundTx).toBeUndefined();
  });

  it('refund-timelock variant: the node re-made from the parent one interval lower, refunds at 2000', async () => {
    for (const sequence of [2000, (1 << 30) | 1500]) {
      const leafNode = nodeTx(txidOf(parent), sequence);
      const leaf = row('leaf', leafNode, refundTx(leafNode, 200));
      const { nodeTx: n, directNodeTx: d } = await createDecrementedTimelockNodeTx(parent, leafNode, Network.REGTEST);
      const r = await createInitialTimelockRefundTxs({ nodeTx: n, directNodeTx: d, receivingPubkey: owner, network: Network.REGTEST });
      expect(byRole(expectedRenewal('refund', leaf, row('parent', parent, undefined)).txs)).toEqual({
        node: hexOf(n), directNode: hexOf(d), refund: hexOf(r.cpfpRefundTx), directRefund: hexOf(r.directRefundTx), directFromCpfpRefund: hexOf(r.directFromCpfpRefundTx),
      });
    }
  });

  it('node-timelock variant: a zero split node from the parent, a node at 2000 from it, refunds at 2000', async () => {
    const leafNode = nodeTx(txidOf(parent), 200);
    const leaf = row('leaf', leafNode, refundTx(leafNode, 200));
    const { nodeTx: s, directNodeTx: ds } = await createZeroTimelockNodeTx(parent, Network.REGTEST);
    const { nodeTx: n, directNodeTx: d } = await createInitialTimelockNodeTx(s, Network.REGTEST);
    const r = await createInitialTimelockRefundTxs({ nodeTx: n, directNodeTx: d, receivingPubkey: owner, network: Network.REGTEST });
    expect(byRole(expectedRenewal('node', leaf, row('parent', parent, undefined)).txs)).toEqual({
      split: hexOf(s), directSplit: hexOf(ds), node: hexOf(n), directNode: hexOf(d),
      refund: hexOf(r.cpfpRefundTx), directRefund: hexOf(r.directRefundTx), directFromCpfpRefund: hexOf(r.directFromCpfpRefundTx),
    });
  });

  it('each variant applies only in its timelock window (upstream RenewTimelockThreshold 300)', () => {
    const zero = nodeTx(txidOf(parent), 0);
    const p = row('parent', parent, undefined);
    expect(ineligibility('zero', row('l', zero, refundTx(zero, 400)), undefined)).toMatch(/above 300/);
    expect(ineligibility('zero', row('l', zero, refundTx(zero, 50)), undefined)).toMatch(/below 100/);
    expect(ineligibility('refund', row('l', zero, refundTx(zero, 200)), p)).toMatch(/node timelock 0/);
    const high = nodeTx(txidOf(parent), 2000);
    expect(ineligibility('node', row('l', high, refundTx(high, 200)), p)).toMatch(/at most 300/);
    expect(ineligibility('zero', row('l', high, refundTx(high, 200)), p)).toMatch(/needs a node timelock of 0/);
    expect(ineligibility('refund', row('l', high, refundTx(high, 200)), undefined)).toMatch(/no parent/);
    expect(ineligibility('refund', row('l', high, refundTx(high, 200)), p)).toBeUndefined();
  });
});

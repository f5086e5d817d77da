import { describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1';
import { Network, createConnectorRefundTxs, createDecrementedTimelockNodeTx, createDecrementedTimelockRefundTxs, createInitialTimelockNodeTx, createInitialTimelockRefundTxs, createZeroTimelockNodeTx, getSigHashFromMultiInputTx, getSigHashFromTx, getTxId } from '@buildonspark/spark-sdk';
import { hexToBytes } from '@noble/hashes/utils';
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { Transaction, p2tr } from '@scure/btc-signer';
import { LedgerSignerError } from './errors.js';
import { TxCatalog, assertSighash } from './tx-catalog.js';

const pub = (): Uint8Array => secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true);
const P2A = new Uint8Array([0x51, 0x02, 0x4e, 0x73]);

/** A zero-timelock leaf as the operators store it: node tx paying P2TR(P), refund at 2000 paying the owner. */
function leaf(verifyingKey: Uint8Array, owner: Uint8Array, value: bigint): { node: TreeNode; nodeTx: Transaction } {
  const nodeTx = new Transaction({ version: 3, allowUnknownOutputs: true });
  nodeTx.addInput({ txid: secp256k1.utils.randomPrivateKey(), index: 0, sequence: 0 });
  nodeTx.addOutput({ script: p2tr(verifyingKey.slice(1)).script, amount: value });
  nodeTx.addOutput({ script: P2A, amount: 0n });
  const refundTx = new Transaction({ version: 3, allowUnknownOutputs: true });
  refundTx.addInput({ txid: secp256k1.utils.randomPrivateKey(), index: 0, sequence: 2000 }); // only its sequence is read
  refundTx.addOutput({ script: p2tr(owner.slice(1)).script, amount: value });
  refundTx.addOutput({ script: P2A, amount: 0n });
  const node = { id: 'leaf-1', nodeTx: nodeTx.toBytes(true, false), refundTx: refundTx.toBytes(true, false), directTx: new Uint8Array() } as unknown as TreeNode;
  return { node, nodeTx };
}

describe('TxCatalog: the transaction behind a sighash, rebuilt with the SDK’s builders', () => {
  const verifyingKey = pub();
  const owner = pub();
  const receiver = pub();
  const { node, nodeTx } = leaf(verifyingKey, owner, 70_000n);

  it('finds a transfer refund to an approved receiver, one hop down, and the bytes it sends hash to the sighash', async () => {
    const { cpfpRefundTx } = await createDecrementedTimelockRefundTxs({ nodeTx, receivingPubkey: receiver, network: Network.LOCAL, sequence: 2000 });
    const message = getSigHashFromTx(cpfpRefundTx, 0, nodeTx.getOutput(0));
    const catalog = new TxCatalog('LOCAL');
    const found = await catalog.find({ message, verifyingKey, signingPublicKey: owner, nodes: [node], receivers: [receiver] });
    expect(found).toBeDefined();
    expect(Buffer.from(found?.tx ?? []).toString('hex')).toBe(Buffer.from(cpfpRefundTx.toBytes(true, false)).toString('hex'));
    expect(found?.prevouts).toEqual([{ amount: 70_000n, script: p2tr(verifyingKey.slice(1)).script }]);
    expect(getTxSequence(found?.tx)).toBe(1900);
    // without the receiver approved, the same sighash is not found: the blind path decides
    expect(await catalog.find({ message, verifyingKey, signingPublicKey: owner, nodes: [node], receivers: [] })).toBeUndefined();
  });

  it('finds a zero-timelock renewal: the new node tx, its direct variant and the fresh refunds to the owner', async () => {
    const renewed = await createZeroTimelockNodeTx(nodeTx, Network.LOCAL);
    const refunds = await createInitialTimelockRefundTxs({ nodeTx: renewed.nodeTx, directNodeTx: renewed.directNodeTx, receivingPubkey: owner, network: Network.LOCAL });
    const catalog = new TxCatalog('LOCAL');
    const cases: [Transaction, ReturnType<Transaction['getOutput']>][] = [
      [renewed.nodeTx, nodeTx.getOutput(0)],
      [renewed.directNodeTx, nodeTx.getOutput(0)],
      [refunds.cpfpRefundTx, renewed.nodeTx.getOutput(0)],
    ];
    for (const [tx, spent] of cases) {
      const message = getSigHashFromTx(tx, 0, spent);
      const found = await catalog.find({ message, verifyingKey, signingPublicKey: owner, nodes: [node], receivers: [] });
      expect(Buffer.from(found?.tx ?? []).toString('hex')).toBe(Buffer.from(tx.toBytes(true, false)).toString('hex'));
      expect(found?.prevouts[0]?.amount).toBe(spent.amount);
    }
  });

  it('finds a cooperative exit’s connector refunds once the exit is added: input 1 spends a connector output, signed over both prevouts', async () => {
    // a connector as the provider builds it: one output per leaf (two here) and the fee bump
    const connectorTx = new Transaction({ version: 3, allowUnknownOutputs: true });
    connectorTx.addInput({ txid: secp256k1.utils.randomPrivateKey(), index: 1 });
    for (let i = 0; i < 3; i++) connectorTx.addOutput({ script: p2tr(pub().slice(1)).script, amount: 330n });
    const connectorOutput = { txid: hexToBytes(getTxId(connectorTx)), index: 1 };
    // as the SDK's signRefundsForCoopExit builds and hashes it
    const { cpfpRefundTx, directFromCpfpRefundTx } = await createConnectorRefundTxs({ nodeTx, sequence: 2000, connectorOutput, receivingPubkey: receiver, network: Network.LOCAL });
    const spent = [nodeTx.getOutput(0), connectorTx.getOutput(1)];
    const catalog = new TxCatalog('LOCAL');
    const ctx = { verifyingKey, signingPublicKey: owner, nodes: [node], receivers: [receiver] };
    const cpfp = getSigHashFromMultiInputTx(cpfpRefundTx, 0, spent);
    expect(await catalog.find({ ...ctx, message: cpfp })).toBeUndefined(); // no exit approved yet
    catalog.addExit(connectorTx.toBytes(true, false));
    for (const tx of [cpfpRefundTx, directFromCpfpRefundTx]) {
      if (tx === undefined) throw new Error('the SDK built no direct-from-CPFP refund');
      const found = await catalog.find({ ...ctx, message: getSigHashFromMultiInputTx(tx, 0, spent) });
      expect(Buffer.from(found?.tx ?? []).toString('hex')).toBe(Buffer.from(tx.toBytes(true, false)).toString('hex'));
      expect(found?.prevouts).toEqual([
        { amount: 70_000n, script: p2tr(verifyingKey.slice(1)).script },
        { amount: 330n, script: connectorTx.getOutput(1).script },
      ]);
      expect(Transaction.fromRaw(found?.tx ?? new Uint8Array(), { allowUnknownOutputs: true }).inputsLength).toBe(2);
    }
    // the fee-bump output is no leaf's connector: a refund spending it is not found
    const feeBump = await createConnectorRefundTxs({ nodeTx, sequence: 2000, connectorOutput: { ...connectorOutput, index: 2 }, receivingPubkey: receiver, network: Network.LOCAL });
    expect(await catalog.find({ ...ctx, message: getSigHashFromMultiInputTx(feeBump.cpfpRefundTx, 0, [nodeTx.getOutput(0), connectorTx.getOutput(2)]) })).toBeUndefined();
  });

  it('finds a refund-timelock renewal of a leaf below a parent: the new node txs spend the parent’s output one step lower, the fresh refunds pay the owner', async () => {
    // a parent node and a leaf under it whose node timelock is not zero (1000)
    const parentTx = new Transaction({ version: 3, allowUnknownOutputs: true });
    parentTx.addInput({ txid: secp256k1.utils.randomPrivateKey(), index: 0, sequence: 0 });
    parentTx.addOutput({ script: p2tr(pub().slice(1)).script, amount: 70_000n });
    parentTx.addOutput({ script: P2A, amount: 0n });
    const childTx = new Transaction({ version: 3, allowUnknownOutputs: true });
    childTx.addInput({ txid: secp256k1.utils.randomPrivateKey(), index: 0, sequence: 1000 }); // only its sequence is read
    childTx.addOutput({ script: p2tr(verifyingKey.slice(1)).script, amount: 70_000n });
    childTx.addOutput({ script: P2A, amount: 0n });
    const parent = { id: 'parent-1', nodeTx: parentTx.toBytes(true, false) } as unknown as TreeNode;
    const child = { ...node, id: 'leaf-2', parentNodeId: 'parent-1', nodeTx: childTx.toBytes(true, false) } as unknown as TreeNode;
    // as the SDK's createRenewRefundSigningJobs builds them
    const renewed = await createDecrementedTimelockNodeTx(parentTx, childTx, Network.LOCAL);
    const refunds = await createInitialTimelockRefundTxs({ nodeTx: renewed.nodeTx, directNodeTx: renewed.directNodeTx, receivingPubkey: owner, network: Network.LOCAL });
    const cases: [Transaction, ReturnType<Transaction['getOutput']>][] = [
      [renewed.nodeTx, parentTx.getOutput(0)],
      [renewed.directNodeTx, parentTx.getOutput(0)],
      [refunds.cpfpRefundTx, renewed.nodeTx.getOutput(0)],
    ];
    const catalog = new TxCatalog('LOCAL');
    for (const [tx, spent] of cases) {
      const message = getSigHashFromTx(tx, 0, spent);
      const ctx = { message, verifyingKey, signingPublicKey: owner, nodes: [child], receivers: [] };
      expect(await catalog.find(ctx)).toBeUndefined(); // the leaf alone does not give the parent's output
      const found = await catalog.find({ ...ctx, parents: [parent] });
      expect(Buffer.from(found?.tx ?? []).toString('hex')).toBe(Buffer.from(tx.toBytes(true, false)).toString('hex'));
      expect(found?.prevouts).toEqual([{ amount: spent.amount, script: spent.script }]);
    }
    expect(getTxSequence(renewed.nodeTx.toBytes(true, false))).toBe(900);
  });

  it('finds every transaction of a node-timelock renewal (split node, node, their direct variants, each refund) once the parent is given, byte for byte', async () => {
    // a leaf whose node timelock ran low (200) under a parent whose output 0 pays P2TR(P), as a tree's nodes are
    const stateScript = p2tr(verifyingKey.slice(1)).script;
    const parentTx = new Transaction({ version: 3, allowUnknownOutputs: true });
    parentTx.addInput({ txid: secp256k1.utils.randomPrivateKey(), index: 0, sequence: 0 });
    parentTx.addOutput({ script: stateScript, amount: 70_000n });
    parentTx.addOutput({ script: P2A, amount: 0n });
    const childTx = new Transaction({ version: 3, allowUnknownOutputs: true });
    childTx.addInput({ txid: hexToBytes(getTxId(parentTx)), index: 0, sequence: 200 });
    childTx.addOutput({ script: stateScript, amount: 70_000n });
    childTx.addOutput({ script: P2A, amount: 0n });
    const parent = { id: 'parent-2', nodeTx: parentTx.toBytes(true, false) } as unknown as TreeNode;
    const child = { ...node, id: 'leaf-3', parentNodeId: 'parent-2', nodeTx: childTx.toBytes(true, false) } as unknown as TreeNode;
    // as the SDK's createRenewNodeSigningJobs builds them, each signed over the output its job names as parentTxOut
    const split = await createZeroTimelockNodeTx(parentTx, Network.LOCAL);
    const renewed = await createInitialTimelockNodeTx(split.nodeTx, Network.LOCAL);
    const refunds = await createInitialTimelockRefundTxs({ nodeTx: renewed.nodeTx, directNodeTx: renewed.directNodeTx, receivingPubkey: owner, network: Network.LOCAL });
    if (refunds.directRefundTx === undefined || refunds.directFromCpfpRefundTx === undefined) throw new Error('the SDK built no direct refunds');
    const cases: [string, Transaction, ReturnType<Transaction['getOutput']>][] = [
      ['split', split.nodeTx, parentTx.getOutput(0)],
      ['directSplit', split.directNodeTx, parentTx.getOutput(0)],
      ['node', renewed.nodeTx, split.nodeTx.getOutput(0)],
      ['directNode', renewed.directNodeTx, split.nodeTx.getOutput(0)],
      ['cpfp', refunds.cpfpRefundTx, renewed.nodeTx.getOutput(0)],
      ['direct', refunds.directRefundTx, renewed.directNodeTx.getOutput(0)],
      ['directFromCpfp', refunds.directFromCpfpRefundTx, renewed.nodeTx.getOutput(0)],
    ];
    const catalog = new TxCatalog('LOCAL');
    for (const [job, tx, spent] of cases) {
      const message = getSigHashFromTx(tx, 0, spent);
      const ctx = { message, verifyingKey, signingPublicKey: owner, nodes: [child], receivers: [] };
      expect(await catalog.find(ctx), job).toBeUndefined(); // the leaf alone does not give the parent's output
      const found = await catalog.find({ ...ctx, parents: [parent] });
      expect(Buffer.from(found?.tx ?? []).toString('hex'), job).toBe(Buffer.from(tx.toBytes(true, false)).toString('hex'));
      expect(found?.prevouts, job).toEqual([{ amount: spent.amount, script: spent.script }]);
    }
    // the timelocks the SDK gives them: the split node at zero, the new node and its refund at the initial 2000
    expect(getTxSequence(split.nodeTx.toBytes(true, false))).toBe(0);
    expect(getTxSequence(renewed.nodeTx.toBytes(true, false))).toBe(2000);
    expect(getTxSequence(refunds.cpfpRefundTx.toBytes(true, false))).toBe(2000);
    // a refund of the renewed node paying a key that is neither the owner's nor an approved receiver's is not found
    const elsewhere = await createInitialTimelockRefundTxs({ nodeTx: renewed.nodeTx, directNodeTx: renewed.directNodeTx, receivingPubkey: pub(), network: Network.LOCAL });
    for (const [tx, spent] of [
      [elsewhere.cpfpRefundTx, renewed.nodeTx.getOutput(0)],
      [elsewhere.directRefundTx, renewed.directNodeTx.getOutput(0)],
    ] as const) {
      if (tx === undefined) throw new Error('the SDK built no direct refund');
      const message = getSigHashFromTx(tx, 0, spent);
      expect(await catalog.find({ message, verifyingKey, signingPublicKey: owner, nodes: [child], receivers: [receiver], parents: [parent] })).toBeUndefined();
    }
    // nor is a split node of another parent than the leaf's
    const otherParent = new Transaction({ version: 3, allowUnknownOutputs: true });
    otherParent.addInput({ txid: secp256k1.utils.randomPrivateKey(), index: 0, sequence: 0 });
    otherParent.addOutput({ script: stateScript, amount: 70_000n });
    const otherSplit = await createZeroTimelockNodeTx(otherParent, Network.LOCAL);
    const message = getSigHashFromTx(otherSplit.nodeTx, 0, otherParent.getOutput(0));
    expect(await catalog.find({ message, verifyingKey, signingPublicKey: owner, nodes: [child], receivers: [], parents: [parent] })).toBeUndefined();
  });

  it('a sighash of no known transaction is not found', async () => {
    const catalog = new TxCatalog('LOCAL');
    expect(await catalog.find({ message: new Uint8Array(32).fill(7), verifyingKey, signingPublicKey: owner, nodes: [node], receivers: [receiver] })).toBeUndefined();
  });

  it('the host check refuses bytes that do not hash to the requested sighash (a lied prevout amount)', async () => {
    const { cpfpRefundTx } = await createDecrementedTimelockRefundTxs({ nodeTx, receivingPubkey: receiver, network: Network.LOCAL, sequence: 2000 });
    const message = getSigHashFromTx(cpfpRefundTx, 0, nodeTx.getOutput(0));
    const script = p2tr(verifyingKey.slice(1)).script;
    const signable = { tx: cpfpRefundTx.toBytes(true, false), prevouts: [{ amount: 70_000n, script }], inputIndex: 0 };
    expect(() => assertSighash(signable, message)).not.toThrow();
    expect(() => assertSighash({ ...signable, prevouts: [{ amount: 69_999n, script }] }, message)).toThrow(LedgerSignerError);
  });
});

function getTxSequence(raw: Uint8Array | undefined): number | undefined {
  if (raw === undefined) return undefined;
  return Transaction.fromRaw(raw, { allowUnknownOutputs: true }).getInput(0).sequence;
}

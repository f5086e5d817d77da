/**
 * Synthetic exit leaves for unit tests: real, fully signed transactions with the shapes of
 * docs/transfers.md ("Transaction shapes") — the "operators + user" key is one software key here,
 * which is what an aggregated FROST signature is to Bitcoin.
 */
import { randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1';
import { p2tr, Transaction } from '@scure/btc-signer';
import { bytesToHex } from '../../crypto/index.js';
import { EXIT_DATA_FORMAT, EXIT_DATA_VERSION, type ExitData, type ExitLeaf, type ExitNode } from '../exit-data.js';
import { P2A_SCRIPT } from '../transactions.js';

export const DIRECT_FEE = 955n;

export interface KeyPair {
  priv: Uint8Array;
  pub: Uint8Array;
}

export function keyPair(): KeyPair {
  const priv = secp256k1.utils.randomPrivateKey();
  return { priv, pub: secp256k1.getPublicKey(priv, true) };
}

const p2trScript = (pub: Uint8Array): Uint8Array => p2tr(pub.subarray(1)).script;

/** A v3 transaction with one key-path input, signed by `signer` (the key the spent output pays). */
export function signedTx(prev: { txid: string; vout: number; amount: bigint }, signer: KeyPair, sequence: number, outputs: { script: Uint8Array; amount: bigint }[]): { hex: string; txid: string } {
  const tx = new Transaction({ version: 3, allowUnknownOutputs: true });
  tx.addInput({ txid: prev.txid, index: prev.vout, sequence, witnessUtxo: { script: p2trScript(signer.pub), amount: prev.amount }, tapInternalKey: signer.pub.subarray(1) });
  for (const o of outputs) tx.addOutput(o);
  tx.signIdx(signer.priv, 0);
  tx.finalizeIdx(0);
  return { hex: tx.hex, txid: tx.id };
}

export interface LeafFixture {
  leaf: ExitLeaf;
  verifying: KeyPair;
  refundKey: KeyPair;
  depositTxid: string;
}

/**
 * A leaf `depth` nodes below its deposit (1 = a deposit root; nodes below the root at
 * `nodeTimelock`, default 2000), with refunds at `timelock` (direct variants + 50); `withDirect` adds a direct node tx and a direct refund to the leaf node.
 * The root spends output `depositVout` (default 0) of `depositTxid`: a real output on a test chain.
 */
export function leafFixture(o: { value?: bigint; depth?: number; timelock?: number; nodeTimelock?: number; withDirect?: boolean; refundKey?: KeyPair; verifying?: KeyPair; depositTxid?: string; depositVout?: number } = {}): LeafFixture {
  const value = o.value ?? 100_000n;
  const verifying = o.verifying ?? keyPair();
  const refundKey = o.refundKey ?? keyPair();
  const timelock = o.timelock ?? 2000;
  const depositTxid = o.depositTxid ?? bytesToHex(randomBytes(32));
  const vScript = p2trScript(verifying.pub);
  const anchor = { script: P2A_SCRIPT, amount: 0n };
  const nodes: ExitNode[] = [];
  let prev = { txid: depositTxid, vout: o.depositVout ?? 0, amount: value };
  const depth = o.depth ?? 1;
  let direct: { hex: string; txid: string } | undefined;
  for (let i = 0; i < depth; i++) {
    const isLeaf = i === depth - 1;
    const seq = i === 0 ? 0 : (o.nodeTimelock ?? 2000);
    const node = signedTx(prev, verifying, seq, [{ script: vScript, amount: value }, anchor]);
    if (isLeaf && o.withDirect === true) direct = signedTx(prev, verifying, seq + 50, [{ script: vScript, amount: value - DIRECT_FEE }]);
    nodes.push({ nodeId: `node-${i}`, nodeTx: node.hex, ...(direct === undefined ? {} : { directTx: direct.hex }) });
    prev = { txid: node.txid, vout: 0, amount: value };
  }
  const leafId = nodes[nodes.length - 1]!.nodeId;
  const rScript = p2trScript(refundKey.pub);
  const cpfp = signedTx(prev, verifying, timelock, [{ script: rScript, amount: value }, anchor]);
  const directFromCpfp = signedTx(prev, verifying, timelock + 50, [{ script: rScript, amount: value - DIRECT_FEE }]);
  const directRefund = direct === undefined ? undefined : signedTx({ txid: direct.txid, vout: 0, amount: value - DIRECT_FEE }, verifying, timelock + 50, [{ script: rScript, amount: value - 2n * DIRECT_FEE }]);
  const leaf: ExitLeaf = {
    leafId,
    source: 'owned',
    value: Number(value),
    verifyingPublicKey: bytesToHex(verifying.pub),
    refundKey: { kind: 'leaf', account: 1, leafId, path: "m/8797555'/1'/1'/1'", publicKey: bytesToHex(refundKey.pub) },
    nodes,
    refunds: { cpfp: cpfp.hex, directFromCpfp: directFromCpfp.hex, ...(directRefund === undefined ? {} : { direct: directRefund.hex }) },
  };
  return { leaf, verifying, refundKey, depositTxid };
}

export function exitData(leaves: ExitLeaf[]): ExitData {
  return {
    format: EXIT_DATA_FORMAT,
    version: EXIT_DATA_VERSION,
    network: 'LOCAL',
    identityPublicKey: bytesToHex(keyPair().pub),
    savedAt: new Date(0).toISOString(),
    leaves,
  };
}

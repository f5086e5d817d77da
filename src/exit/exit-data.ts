/**
 * The exit-data format: for each of a user's leaves, everything a unilateral exit needs once
 * every operator is gone — the signed node transactions from the tree root down to the leaf, the
 * leaf's signed refunds in every variant, and WHICH key the refund pays (its derivation and public
 * key, never a private key). The user keeps it as a file (exit-data-file.ts).
 *
 * Two kinds of entry:
 *  * `owned` — a leaf the wallet owns: its refunds pay the leaf key LEAF(leafId).
 *  * `pending-transfer` — a leaf sent to the user but not claimed yet: the refunds are the
 *    transfer's signed intermediate refunds, which pay the receiver's IDENTITY key
 *    (docs/transfers.md, "Unilateral exit").
 *
 * Variants (docs/transfers.md, "Transaction shapes"): every node has a zero-fee CPFP `nodeTx`
 * (P2A anchor) and may have a fee-paying `directTx` (deposit roots have none: the SDK sends no
 * signing job for it); refunds are `cpfp` (zero fee, anchor, spends nodeTx:0), `directFromCpfp`
 * (fee-paying, spends nodeTx:0) and `direct` (fee-paying, spends directTx:0; never on a node
 * whose node timelock is zero).
 */
import { bytesToHex, hexToBytes, equalBytes } from '../crypto/index.js';
import { ExitError } from './errors.js';
import { isSigned, keyPathScript, outputOf, parseExitTx, spentOutpoint, type ExitTx } from './transactions.js';

export const EXIT_DATA_FORMAT = 'spark-unilateral-exit-data';
export const EXIT_DATA_VERSION = 1;

export type SparkNetworkName = 'MAINNET' | 'REGTEST' | 'TESTNET' | 'SIGNET' | 'LOCAL';

/** The key a refund pays: its Spark derivation and the public key it must give. */
export type RefundKey =
  | { kind: 'leaf'; account: number; leafId: string; path: string; publicKey: string }
  | { kind: 'identity'; account: number; path: string; publicKey: string };

export interface ExitNode {
  nodeId: string;
  /** Signed CPFP node transaction (zero fee, P2A anchor), hex with witness. */
  nodeTx: string;
  /** Signed fee-paying direct node transaction, when the operators made one. */
  directTx?: string;
}

export interface ExitRefunds {
  /** Zero-fee refund with a P2A anchor, spending the leaf's nodeTx:0. */
  cpfp: string;
  /** Fee-paying refund spending the leaf's nodeTx:0. */
  directFromCpfp?: string;
  /** Fee-paying refund spending the leaf's directTx:0. */
  direct?: string;
}

export interface ExitLeaf {
  leafId: string;
  source: 'owned' | 'pending-transfer';
  /** The transfer this leaf arrives by (pending-transfer only). */
  transferId?: string;
  value: number;
  verifyingPublicKey: string;
  refundKey: RefundKey;
  /** From the tree root (spending the deposit output) down to the leaf itself. */
  nodes: ExitNode[];
  refunds: ExitRefunds;
}

export interface ExitData {
  format: typeof EXIT_DATA_FORMAT;
  version: typeof EXIT_DATA_VERSION;
  network: SparkNetworkName;
  identityPublicKey: string;
  savedAt: string;
  leaves: ExitLeaf[];
}

const NETWORKS: readonly string[] = ['MAINNET', 'REGTEST', 'TESTNET', 'SIGNET', 'LOCAL'];
const bad = (m: string): ExitError => new ExitError('MALFORMED_DATA', m);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, k: string, where: string): string {
  const v = o[k];
  if (typeof v !== 'string' || v.length === 0) throw bad(`${where}.${k} must be a non-empty string`);
  return v;
}

function optStr(o: Record<string, unknown>, k: string, where: string): string | undefined {
  return o[k] === undefined ? undefined : str(o, k, where);
}

function pubkey(o: Record<string, unknown>, k: string, where: string): string {
  const v = str(o, k, where);
  if (!/^0[23][0-9a-f]{64}$/.test(v)) throw bad(`${where}.${k} must be a 33-byte compressed public key in lower-case hex`);
  return v;
}

function signedTx(hex: string, where: string): ExitTx {
  const t = parseExitTx(hex, where);
  if (!isSigned(t)) throw bad(`${where} (${t.txid}) is not signed: an exit needs fully signed transactions`);
  return t;
}

function spends(child: ExitTx, parent: ExitTx, vout: number): boolean {
  const o = spentOutpoint(child);
  return o.txid === parent.txid && o.vout === vout;
}

function checkRefundKey(v: unknown, where: string): RefundKey {
  if (!isRecord(v)) throw bad(`${where} must be an object`);
  const account = v.account;
  if (typeof account !== 'number' || !Number.isInteger(account) || account < 0 || account >= 0x80000000) throw bad(`${where}.account must be an integer in [0, 2^31)`);
  const path = str(v, 'path', where);
  if (!/^m(\/\d+'?)+$/.test(path)) throw bad(`${where}.path is not a BIP32 path`);
  const publicKey = pubkey(v, 'publicKey', where);
  if (v.kind === 'leaf') return { kind: 'leaf', account, leafId: str(v, 'leafId', where), path, publicKey };
  if (v.kind === 'identity') return { kind: 'identity', account, path, publicKey };
  throw bad(`${where}.kind must be "leaf" or "identity"`);
}

/** Checks one leaf entry: every transaction signed, each spending its parent, refunds paying the refund key. */
function checkLeaf(v: unknown, where: string): ExitLeaf {
  if (!isRecord(v)) throw bad(`${where} must be an object`);
  const leafId = str(v, 'leafId', where);
  const source = v.source;
  if (source !== 'owned' && source !== 'pending-transfer') throw bad(`${where}.source must be "owned" or "pending-transfer"`);
  const transferId = optStr(v, 'transferId', where);
  if (source === 'pending-transfer' && transferId === undefined) throw bad(`${where}.transferId is required for a pending transfer`);
  const value = v.value;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw bad(`${where}.value must be a positive integer (sats)`);
  const verifyingPublicKey = pubkey(v, 'verifyingPublicKey', where);
  const refundKey = checkRefundKey(v.refundKey, `${where}.refundKey`);
  if (refundKey.kind === 'leaf' && refundKey.leafId !== leafId) throw bad(`${where}.refundKey.leafId is not the leaf's id`);
  if (source === 'owned' && refundKey.kind !== 'leaf') throw bad(`${where}: an owned leaf's refund pays its leaf key`);
  if (source === 'pending-transfer' && refundKey.kind !== 'identity') throw bad(`${where}: an unclaimed transfer's refund pays the identity key`);

  if (!Array.isArray(v.nodes) || v.nodes.length === 0) throw bad(`${where}.nodes must list the node chain from the root`);
  const nodes: ExitNode[] = [];
  let parent: { cpfp: ExitTx; direct: ExitTx | undefined } | undefined;
  v.nodes.forEach((n: unknown, i: number) => {
    const w = `${where}.nodes[${i}]`;
    if (!isRecord(n)) throw bad(`${w} must be an object`);
    const nodeId = str(n, 'nodeId', w);
    const cpfp = signedTx(str(n, 'nodeTx', w), `${w}.nodeTx`);
    const directHex = optStr(n, 'directTx', w);
    const direct = directHex === undefined ? undefined : signedTx(directHex, `${w}.directTx`);
    if (direct !== undefined && (spentOutpoint(direct).txid !== spentOutpoint(cpfp).txid || spentOutpoint(direct).vout !== spentOutpoint(cpfp).vout)) {
      throw bad(`${w}.directTx does not spend the same output as nodeTx`);
    }
    if (parent !== undefined && spentOutpoint(cpfp).txid !== parent.cpfp.txid) throw bad(`${w}.nodeTx does not spend the node above it`);
    nodes.push({ nodeId, nodeTx: cpfp.hex, ...(direct === undefined ? {} : { directTx: direct.hex }) });
    parent = { cpfp, direct };
  });
  if (nodes[nodes.length - 1]?.nodeId !== leafId) throw bad(`${where}.nodes must end with the leaf itself`);
  const leafNode = parent;
  if (leafNode === undefined) throw bad(`${where}.nodes is empty`);

  const r = v.refunds;
  if (!isRecord(r)) throw bad(`${where}.refunds must be an object`);
  const pays = keyPathScript(hexToBytes(refundKey.publicKey));
  const refund = (k: 'cpfp' | 'directFromCpfp' | 'direct', parentTx: ExitTx | undefined): string | undefined => {
    const hex = k === 'cpfp' ? str(r, k, `${where}.refunds`) : optStr(r, k, `${where}.refunds`);
    if (hex === undefined) return undefined;
    const t = signedTx(hex, `${where}.refunds.${k}`);
    if (parentTx === undefined) throw bad(`${where}.refunds.direct needs the leaf's directTx`);
    if (!spends(t, parentTx, 0)) throw bad(`${where}.refunds.${k} does not spend output 0 of the leaf's ${k === 'direct' ? 'directTx' : 'nodeTx'}`);
    if (!equalBytes(outputOf(t, 0).script, pays)) throw bad(`${where}.refunds.${k} does not pay the refund key`);
    return t.hex;
  };
  const cpfp = refund('cpfp', leafNode.cpfp) as string;
  const directFromCpfp = refund('directFromCpfp', leafNode.cpfp);
  const direct = refund('direct', leafNode.direct);
  return {
    leafId, source, ...(transferId === undefined ? {} : { transferId }), value, verifyingPublicKey, refundKey, nodes,
    refunds: { cpfp, ...(directFromCpfp === undefined ? {} : { directFromCpfp }), ...(direct === undefined ? {} : { direct }) },
  };
}

/** Validates parsed JSON as exit data; throws FOREIGN_FILE, UNSUPPORTED_VERSION or MALFORMED_DATA. */
export function checkExitData(v: unknown): ExitData {
  if (!isRecord(v) || v.format !== EXIT_DATA_FORMAT) throw new ExitError('FOREIGN_FILE', `not a Spark exit-data file (expected "format": "${EXIT_DATA_FORMAT}")`);
  if (v.version !== EXIT_DATA_VERSION) throw new ExitError('UNSUPPORTED_VERSION', `exit-data version ${JSON.stringify(v.version)} is not supported (this code reads version ${EXIT_DATA_VERSION})`);
  const network = str(v, 'network', 'exit data');
  if (!NETWORKS.includes(network)) throw bad(`exit data network ${network} is unknown`);
  const identityPublicKey = pubkey(v, 'identityPublicKey', 'exit data');
  const savedAt = str(v, 'savedAt', 'exit data');
  if (!Array.isArray(v.leaves)) throw bad('exit data leaves must be a list');
  const leaves = v.leaves.map((l: unknown, i: number) => checkLeaf(l, `leaves[${i}]`));
  const ids = new Set<string>();
  for (const l of leaves) {
    const key = `${l.source}:${l.leafId}`;
    if (ids.has(key)) throw bad(`leaf ${l.leafId} is listed twice`);
    ids.add(key);
  }
  return { format: EXIT_DATA_FORMAT, version: EXIT_DATA_VERSION, network: network as SparkNetworkName, identityPublicKey, savedAt, leaves };
}

/** The hex of a byte field, or undefined when empty (the SDK's TreeNode uses empty bytes for "none"). */
export function hexOrUndefined(b: Uint8Array | undefined): string | undefined {
  return b === undefined || b.length === 0 ? undefined : bytesToHex(b);
}

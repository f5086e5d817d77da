/**
 * Parsing and checking the transactions of a deposit tree, their BIP-341 sighashes and their
 * signed serialization. Layouts: docs/sdk-wire.md, sections "Deposit transactions" and "Deposit
 * sighashes" (root spends the deposit output and pays the same script the full amount, plus a P2A
 * anchor; refunds spend root:0).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { Transaction } from '@scure/btc-signer';
import { bytesToHex, concatBytes } from '../crypto.js';
import { OperatorError } from '../errors.js';

export interface ParsedTx {
  tx: Transaction;
  raw: Uint8Array;
  /** display-order txid (hex) */
  txid: string;
}

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);

/** Parses a transaction serialized without witness (what the SDK sends). */
export function parseTx(raw: Uint8Array | undefined, what: string): ParsedTx {
  if (raw === undefined || raw.length === 0) throw bad(`${what} is empty`);
  let tx: Transaction;
  try {
    tx = Transaction.fromRaw(raw, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
  } catch (e) {
    throw bad(`${what} is not a valid transaction: ${(e as Error).message}`);
  }
  if (tx.inputsLength < 1 || tx.outputsLength < 1) throw bad(`${what} needs at least one input and one output`);
  const unsigned = tx.toBytes(false, false);
  return { tx, raw: unsigned, txid: bytesToHex(sha256(sha256(unsigned)).reverse()) };
}

export interface Output {
  script: Uint8Array;
  amount: bigint;
}

export function output(p: ParsedTx, vout: number, what: string): Output {
  if (!Number.isInteger(vout) || vout < 0 || vout >= p.tx.outputsLength) throw bad(`${what}: output ${vout} does not exist`);
  const o = p.tx.getOutput(vout);
  if (o.script === undefined || o.amount === undefined) throw bad(`${what}: output ${vout} is malformed`);
  return { script: o.script, amount: o.amount };
}

function spends(p: ParsedTx, txid: string, vout: number): boolean {
  const i = p.tx.getInput(0);
  return i.txid !== undefined && bytesToHex(i.txid) === txid && i.index === vout;
}

const eq = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** Root: one input spending the deposit outpoint; output 0 pays the deposit script the deposit amount. */
export function checkRootTx(root: ParsedTx, deposit: ParsedTx, vout: number, depositOut: Output): void {
  if (root.tx.inputsLength !== 1) throw bad(`root tx must have exactly one input (multi-UTXO deposits are not supported), has ${root.tx.inputsLength}`);
  if (!spends(root, deposit.txid, vout)) throw bad(`root tx does not spend the deposit output ${deposit.txid}:${vout}`);
  const o = output(root, 0, 'root tx');
  if (!eq(o.script, depositOut.script)) throw bad('root tx output 0 does not pay the deposit address');
  if (o.amount !== depositOut.amount) throw bad(`root tx output 0 pays ${o.amount} sat, the deposit holds ${depositOut.amount}`);
}

/** A refund: one input spending root:0, paying no more than the root output. */
export function checkRefundTx(refund: ParsedTx, root: ParsedTx, rootOut: Output, what: string): void {
  if (refund.tx.inputsLength !== 1) throw bad(`${what} must have exactly one input, has ${refund.tx.inputsLength}`);
  if (!spends(refund, root.txid, 0)) throw bad(`${what} does not spend the root tx output 0`);
  let total = 0n;
  for (let i = 0; i < refund.tx.outputsLength; i++) total += output(refund, i, what).amount;
  if (total > rootOut.amount) throw bad(`${what} pays ${total} sat, more than the ${rootOut.amount} it spends`);
  const seq = refund.tx.getInput(0).sequence ?? 0xffffffff;
  // A refund must be timelocked (BIP-68 relative lock, enabled) so the leaf can be transferred first.
  if ((seq & 0x80000000) !== 0 || (seq & 0xffff) === 0) throw bad(`${what} input has no relative timelock (nSequence ${seq})`);
}

/**
 * A deposit's refunds as the SDK builds them (`createInitialTimelockRefundTxs`; docs/transfers.md,
 * "Constants and timelock scheme" and "Transaction shapes"): the CPFP refund at the initial
 * timelock, paying the full amount to P2TR(user key) plus a 0-value P2A anchor; the
 * direct-from-CPFP refund 50 blocks later, paying the amount less the 955-sat fee (when larger)
 * to the same key. Exits and the watchtower rely on this: each transfer lowers the refund timelock
 * from exactly here, so the newest owner's refund matures first.
 */
export const INITIAL_REFUND_TIMELOCK = 2000;
export const DIRECT_TIMELOCK_OFFSET = 50;
export const DIRECT_FEE_SATS = 955n;
const P2A_SCRIPT = Uint8Array.of(0x51, 0x02, 0x4e, 0x73);

export function checkDepositRefund(refund: ParsedTx, kind: 'cpfp' | 'directFromCpfp', rootOut: Output, userKeyScript: Uint8Array, what: string): void {
  const seq = refund.tx.getInput(0).sequence ?? 0xffffffff;
  const expected = kind === 'cpfp' ? INITIAL_REFUND_TIMELOCK : INITIAL_REFUND_TIMELOCK + DIRECT_TIMELOCK_OFFSET;
  if (seq !== expected) throw bad(`${what} must have nSequence ${expected} (a ${expected}-block relative timelock), has ${seq}`);
  const pay = output(refund, 0, what);
  if (!eq(pay.script, userKeyScript)) throw bad(`${what} output 0 does not pay the deposit's user key`);
  if (kind === 'cpfp') {
    if (refund.tx.outputsLength !== 2) throw bad(`${what} must have 2 outputs (refund and P2A anchor), has ${refund.tx.outputsLength}`);
    const anchor = output(refund, 1, what);
    if (!eq(anchor.script, P2A_SCRIPT) || anchor.amount !== 0n) throw bad(`${what} output 1 must be a 0-value P2A anchor`);
    if (pay.amount !== rootOut.amount) throw bad(`${what} pays ${pay.amount} sat, must pay the full ${rootOut.amount}`);
  } else {
    if (refund.tx.outputsLength !== 1) throw bad(`${what} must have 1 output, has ${refund.tx.outputsLength}`);
    const net = rootOut.amount > DIRECT_FEE_SATS ? rootOut.amount - DIRECT_FEE_SATS : rootOut.amount;
    if (pay.amount !== net) throw bad(`${what} pays ${pay.amount} sat, must pay ${net} (the amount less the ${DIRECT_FEE_SATS}-sat fee)`);
  }
}

/**
 * BIP-341 key-path sighash, SIGHASH_DEFAULT, of input 0, given the output each input spends (one
 * for a refund, two for a cooperative exit's connector refund: the leaf's and the connector's).
 */
export function sighash(p: ParsedTx, spent: Output | Output[]): Uint8Array {
  const all = Array.isArray(spent) ? spent : [spent];
  if (all.length !== p.tx.inputsLength) throw bad(`the transaction has ${p.tx.inputsLength} inputs; ${all.length} spent outputs given`);
  if (all[0]?.amount === 0n) throw bad('the spent output has no value');
  return p.tx.preimageWitnessV1(0, all.map((o) => o.script), 0, all.map((o) => o.amount));
}

/**
 * The tx with a key-path witness (one 64-byte signature) on input 0; any further input (a
 * connector) keeps an empty witness, for its owner to sign.
 */
export function withKeyPathWitness(p: ParsedTx, signature: Uint8Array): Uint8Array {
  const raw = p.raw;
  const body = raw.subarray(4, raw.length - 4);
  const witness = concatBytes(Uint8Array.of(1, 64), signature, new Uint8Array(p.tx.inputsLength - 1));
  return concatBytes(raw.subarray(0, 4), Uint8Array.of(0, 1), body, witness, raw.subarray(raw.length - 4));
}

/**
 * An operator's own check of a deposit-tree signing job: the transaction has the shape of a
 * root (spending the deposit output) or a refund (spending root:0), the output it spends pays
 * the P2TR of the job's verifying key, and `message` is its sighash. Returns nothing; throws
 * INVALID_ARGUMENT naming what is wrong.
 */
export function checkTreeJob(kind: string, rawTx: Uint8Array, parentRaw: Uint8Array, parentVout: number, spentScript: Uint8Array, message: Uint8Array): void {
  const tx = parseTx(rawTx, `${kind} tx`);
  const parent = parseTx(parentRaw, `parent of the ${kind} tx`);
  const spent = output(parent, parentVout, `parent of the ${kind} tx`);
  if (!eq(spent.script, spentScript)) throw bad(`the output the ${kind} tx spends does not pay the leaf's key`);
  if (kind === 'root') checkRootTx(tx, parent, parentVout, spent);
  else if (kind === 'refund') {
    if (parentVout !== 0) throw bad('a refund spends root output 0');
    checkRefundTx(tx, parent, spent, 'refund tx');
  } else throw bad(`unknown transaction kind ${kind}`);
  if (!eq(sighash(tx, spent), message)) throw bad(`message is not the sighash of the ${kind} tx`);
}

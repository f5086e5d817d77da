/**
 * Reading the signed transactions of an exit: txids, the outpoint each spends, BIP-68 relative
 * timelocks, P2A anchors and the key-path P2TR script a refund pays (shapes: docs/transfers.md,
 * "Transaction shapes"). Spark's transactions are version 3; @scure/btc-signer 1.8.1 parses them
 * as long as `allowUnknownVersion` is NOT passed (with it, fromRaw rejects v3).
 */
import { p2tr, Transaction } from '@scure/btc-signer';
import { bytesToHex, equalBytes, hexToBytes } from '../crypto/index.js';
import { ExitError } from './errors.js';

/** The P2A anchor script `OP_1 <0x4e73>` (value 0) of the zero-fee CPFP variants. */
export const P2A_SCRIPT = Uint8Array.of(0x51, 0x02, 0x4e, 0x73);

export interface Outpoint {
  txid: string;
  vout: number;
}

export interface ExitTx {
  hex: string;
  tx: Transaction;
  txid: string;
}

/** Parses a signed transaction (hex, with witness). `what` names it in errors. */
export function parseExitTx(hex: string, what: string): ExitTx {
  if (typeof hex !== 'string' || !/^([0-9a-f]{2})+$/i.test(hex)) throw new ExitError('MALFORMED_DATA', `${what} is not a hex string`);
  let tx: Transaction;
  try {
    tx = Transaction.fromRaw(hexToBytes(hex), { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
  } catch (e) {
    throw new ExitError('MALFORMED_DATA', `${what} is not a valid transaction: ${(e as Error).message}`, { cause: e });
  }
  if (tx.inputsLength < 1 || tx.outputsLength < 1) throw new ExitError('MALFORMED_DATA', `${what} has no input or no output`);
  return { hex: hex.toLowerCase(), tx, txid: tx.id };
}

/** The outpoint input `index` spends. */
export function spentOutpoint(t: ExitTx, index = 0): Outpoint {
  const i = t.tx.getInput(index);
  if (i.txid === undefined || i.index === undefined) throw new ExitError('MALFORMED_DATA', `transaction ${t.txid} input ${index} has no outpoint`);
  return { txid: bytesToHex(i.txid), vout: i.index };
}

/**
 * The block-based BIP-68 relative timelock of input `index` (0 when disabled). A time-based lock
 * is refused: Spark uses block counts only (docs/transfers.md, "Constants and timelock scheme").
 */
export function relativeLockBlocks(t: ExitTx, index = 0): number {
  const seq = t.tx.getInput(index).sequence ?? 0xffffffff;
  if ((seq & 0x80000000) !== 0) return 0;
  if ((seq & 0x00400000) !== 0) throw new ExitError('MALFORMED_DATA', `transaction ${t.txid} input ${index} has a time-based relative lock`);
  return seq & 0xffff;
}

/** Index of the 0-value P2A output, or undefined when the transaction has none. */
export function anchorIndex(t: ExitTx): number | undefined {
  for (let i = 0; i < t.tx.outputsLength; i++) {
    const o = t.tx.getOutput(i);
    if (o.amount === 0n && o.script !== undefined && equalBytes(o.script, P2A_SCRIPT)) return i;
  }
  return undefined;
}

export function outputOf(t: ExitTx, vout: number): { script: Uint8Array; amount: bigint } {
  if (vout >= t.tx.outputsLength) throw new ExitError('MALFORMED_DATA', `transaction ${t.txid} has no output ${vout}`);
  const o = t.tx.getOutput(vout);
  if (o.script === undefined || o.amount === undefined) throw new ExitError('MALFORMED_DATA', `transaction ${t.txid} output ${vout} is malformed`);
  return { script: o.script, amount: o.amount };
}

/** The BIP-86 key-path P2TR script of a 33-byte public key (what a Spark refund pays). */
export function keyPathScript(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== 33) throw new ExitError('MALFORMED_DATA', 'a refund key must be a 33-byte compressed public key');
  return p2tr(publicKey.subarray(1)).script;
}

/** Whether every input carries a witness (a fully signed segwit transaction). */
export function isSigned(t: ExitTx): boolean {
  for (let i = 0; i < t.tx.inputsLength; i++) {
    const w = t.tx.getInput(i).finalScriptWitness;
    if (w === undefined || w.length === 0) return false;
  }
  return true;
}

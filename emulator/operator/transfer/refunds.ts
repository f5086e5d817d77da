/**
 * The refunds an operator expects for a leaf, rebuilt from what it stores, to compare byte for
 * byte with the wallet's (docs/transfers.md, "Transaction shapes" and "Constants and timelock
 * scheme"; upstream common/bitcoin_transaction/validation.go). Version 3, locktime 0, one input
 * spending the node tx's output 0:
 *  - CPFP refund: sequence T, output 0 = the full amount to P2TR(destination), output 1 = P2A;
 *  - direct-from-CPFP refund: sequence T + 50, one output of amount − 955 (when above 955);
 *  - direct refund (only for a leaf with a direct node tx that is not a zero node): the same
 *    shape as direct-from-CPFP, spending the DIRECT node tx's output 0 (its amount already less
 *    the direct node tx's fee), sequence T + 50 (spark-sdk 0.8.8 services/signing.ts
 *    `signRefundsCore`, utils/transaction.ts `createRefundTxs`).
 */
import { Transaction } from '@scure/btc-signer';
import { bytesToHex, hexToBytes } from '../crypto.js';
import { p2trScript } from '../deposit/address.js';
import { OperatorError } from '../errors.js';
import { output, parseTx, type ParsedTx } from '../deposit/transactions.js';

export const TIME_LOCK_INTERVAL = 100;
export const DIRECT_TIMELOCK_OFFSET = 50;
export const DEFAULT_FEE_SATS = 191n * 5n;
const P2A_SCRIPT = Uint8Array.of(0x51, 0x02, 0x4e, 0x73);
const BIT_30 = 1 << 30;

export interface RefundPair {
  cpfp: Uint8Array;
  directFromCpfp: Uint8Array;
  /** only when a direct node tx was given */
  direct?: Uint8Array;
}

/**
 * The direct node tx a leaf's direct refund spends: its `direct_tx` when it has one and is not a
 * zero node (node timelock 0: every deposit root and every zero-timelock renewal), which never
 * carries a direct refund (spark-sdk 0.8.8 `isZeroNode`; upstream rejects one). Undefined otherwise.
 */
export function directNodeTxOf(node: { node_tx: string; direct_tx?: string }): Uint8Array | undefined {
  if (node.direct_tx === undefined || node.direct_tx === '') return undefined;
  if (timelockOf(hexToBytes(node.node_tx), 'stored node tx').timelock === 0) return undefined;
  return hexToBytes(node.direct_tx);
}

/** The relative timelock (low 16 bits) of a transaction's first input. */
export function timelockOf(rawTx: Uint8Array, what: string): { timelock: number; sequence: number } {
  const sequence = parseTx(rawTx, what).tx.getInput(0).sequence ?? 0xffffffff;
  return { timelock: sequence & 0xffff, sequence };
}

/**
 * The sequence of the next owner's refund: the current timelock rounded down to the interval,
 * minus one interval; bit 30 kept. A leaf whose refund cannot go lower must be renewed first.
 */
export function decrementedSequence(currentSequence: number): number {
  const current = currentSequence & 0xffff;
  const next = current - (current % TIME_LOCK_INTERVAL) - TIME_LOCK_INTERVAL;
  if (next <= 0) {
    throw new OperatorError('FAILED_PRECONDITION', `the leaf's refund timelock ${current} cannot be decremented further: renew the leaf first (renew_leaf)`);
  }
  return (currentSequence & BIT_30) | next;
}

/** The claim keeps the sender's refund timelock, rounded down to the interval. */
export function currentSequence(sequence: number): number {
  const t = sequence & 0xffff;
  return (sequence & BIT_30) | (t - (t % TIME_LOCK_INTERVAL));
}

/**
 * A cooperative exit's refunds spend a connector output as their second input (default sequence),
 * so they are valid only once the exit transaction is mined; every refund of the leaf carries it,
 * the direct ones too (SDK utils/transaction.ts createConnectorRefundTxs).
 */
export interface ConnectorInput {
  /** display-order hex */
  txid: string;
  index: number;
}

/** One fee-paying refund: spends `from` (parsed once by the caller):0 at `sequence`, pays its amount less the fee (when above it). */
function feePayingRefund(from: ParsedTx, what: string, sequence: number, script: Uint8Array, connector?: ConnectorInput): Uint8Array {
  const spent = output(from, 0, what);
  const tx = new Transaction({ version: 3, lockTime: 0, allowUnknownOutputs: true });
  tx.addInput({ txid: from.txid, index: 0, sequence });
  if (connector !== undefined) tx.addInput(connector);
  tx.addOutput({ script, amount: spent.amount > DEFAULT_FEE_SATS ? spent.amount - DEFAULT_FEE_SATS : spent.amount });
  return tx.toBytes(true, false);
}

/**
 * The refunds of a node at `sequence` to `destination`; the direct refund too when
 * `directNodeTxRaw` is given; each with the exit's connector as second input when given.
 */
export function buildRefunds(
  nodeTxRaw: Uint8Array,
  sequence: number,
  destination: Uint8Array,
  directNodeTxRaw?: Uint8Array,
  connector?: ConnectorInput,
): RefundPair {
  const node = parseTx(nodeTxRaw, 'node tx');
  const spent = output(node, 0, 'node tx');
  const script = p2trScript(destination);
  const cpfp = new Transaction({ version: 3, lockTime: 0, allowUnknownOutputs: true });
  cpfp.addInput({ txid: node.txid, index: 0, sequence });
  if (connector !== undefined) cpfp.addInput(connector);
  cpfp.addOutput({ script, amount: spent.amount });
  cpfp.addOutput({ script: P2A_SCRIPT, amount: 0n });
  const directSequence = sequence + DIRECT_TIMELOCK_OFFSET;
  return {
    cpfp: cpfp.toBytes(true, false),
    directFromCpfp: feePayingRefund(node, 'node tx', directSequence, script, connector),
    ...(directNodeTxRaw === undefined
      ? {}
      : { direct: feePayingRefund(parseTx(directNodeTxRaw, 'direct node tx'), 'direct node tx', directSequence, script, connector) }),
  };
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Throws INVALID_ARGUMENT unless `given` is byte for byte `expected`, naming the first field
 * that differs (spent outpoint, timelock, destination, amount) so a wallet learns what it did wrong.
 */
export function requireSameTx(given: Uint8Array, expected: Uint8Array, what: string): void {
  if (same(given, expected)) return;
  const g = parseTx(given, what).tx;
  const e = parseTx(expected, what).tx;
  const gi = g.getInput(0);
  const ei = e.getInput(0);
  const fail = (m: string): never => {
    throw new OperatorError('INVALID_ARGUMENT', `${what}: ${m}`);
  };
  if (g.inputsLength !== e.inputsLength) fail(`has ${g.inputsLength} inputs, expected ${e.inputsLength}`);
  if (bytesToHex(gi.txid ?? new Uint8Array()) !== bytesToHex(ei.txid ?? new Uint8Array()) || gi.index !== ei.index) fail('does not spend output 0 of the node tx it must spend');
  for (let i = 1; i < e.inputsLength; i++) {
    const a = g.getInput(i);
    const b = e.getInput(i);
    if (bytesToHex(a.txid ?? new Uint8Array()) !== bytesToHex(b.txid ?? new Uint8Array()) || a.index !== b.index || a.sequence !== b.sequence) fail(`input ${i} is not the expected connector input`);
  }
  if (gi.sequence !== ei.sequence) fail(`timelock: nSequence ${gi.sequence}, expected ${ei.sequence}`);
  if (g.outputsLength !== e.outputsLength) fail(`has ${g.outputsLength} outputs, expected ${e.outputsLength}`);
  for (let i = 0; i < e.outputsLength; i++) {
    const go = g.getOutput(i);
    const eo = e.getOutput(i);
    if (!same(go.script ?? new Uint8Array(), eo.script ?? new Uint8Array())) fail(i === 0 ? 'output 0 does not pay the expected destination' : `output ${i} has the wrong script`);
    if (go.amount !== eo.amount) fail(`output ${i} pays ${go.amount} sat, expected ${eo.amount}`);
  }
  fail('differs from the expected transaction (version, locktime or encoding)');
}

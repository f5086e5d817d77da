import { p2tr, type Transaction } from '@scure/btc-signer';
import { bytesToHex } from '@noble/hashes/utils';
import type { KeyRef } from '../device/keyref.js';
import type { ExitSweepRequest, SweepNetwork } from '../device/messages.js';
import { LedgerSignerError } from './errors.js';

/**
 * The device request for a sweep transaction: exactly one input spending the leaf's exit output
 * (its witnessUtxo must be P2TR of the tweaked leaf key `leafPublicKey`) and one output.
 */
export function exitSweepRequest(tx: Transaction, leaf: KeyRef, leafPublicKey: Uint8Array, network: SweepNetwork): ExitSweepRequest {
  if (tx.inputsLength !== 1 || tx.outputsLength !== 1) {
    throw new LedgerSignerError('INVALID_REQUEST', `an exit sweep has one input and one output, got ${tx.inputsLength} and ${tx.outputsLength}`);
  }
  const input = tx.getInput(0);
  const output = tx.getOutput(0);
  if (input.txid === undefined || input.index === undefined || input.witnessUtxo === undefined) {
    throw new LedgerSignerError('INVALID_REQUEST', 'the sweep input needs txid, index and witnessUtxo (script and amount of the exit output)');
  }
  if (output.script === undefined || output.amount === undefined) {
    throw new LedgerSignerError('INVALID_REQUEST', 'the sweep output needs a script and an amount');
  }
  const expected = p2tr(leafPublicKey.slice(1)).script;
  if (bytesToHex(input.witnessUtxo.script) !== bytesToHex(expected)) {
    throw new LedgerSignerError(
      'INVALID_REQUEST',
      `the sweep input spends ${bytesToHex(input.witnessUtxo.script)}, not this leaf's exit output ${bytesToHex(expected)}: the device signs only for its own leaf key's taproot output`,
    );
  }
  return {
    leaf,
    network,
    version: tx.version,
    locktime: tx.lockTime,
    prevout: { txid: input.txid, vout: input.index, amount: input.witnessUtxo.amount },
    sequence: input.sequence ?? 0xffffffff,
    output: { script: output.script, amount: output.amount },
  };
}

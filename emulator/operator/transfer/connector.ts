/**
 * A cooperative exit's connector transaction, checked as upstream does before any write or
 * signature (docs/transfers.md, section "Cooperative exit"; upstream so/handler
 * transfer_handler.go: validateConnectorTxBindsToExitTxid, validateConnectorTxCanonicalShape,
 * validateCoopExitConnectorLayout). The connector binds the exit: its one input spends the exit
 * transaction, so the refunds that spend its outputs exist only if the exit transaction is mined.
 */
import { Transaction } from '@scure/btc-signer';
import { bytesToHex, hexToBytes } from '../crypto.js';
import { nodeOutput, output, parseTx, type Output, type ParsedTx } from '../deposit/transactions.js';
import { OperatorError } from '../errors.js';
import type { ConnectorInput } from './refunds.js';

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);

export interface Connector {
  tx: ParsedTx;
  /** the exit transaction's id, display-order hex, as the chain watcher asks the node for it */
  exitTxid: string;
}

/**
 * The connector transaction, if it has upstream's canonical shape (version 3, exactly one input,
 * unsigned) and its input spends `exitTxid` (32 bytes, either byte order, as upstream accepts).
 */
export function checkConnector(connectorTx: Uint8Array, exitTxid: Uint8Array): Connector {
  if (exitTxid.length !== 32) throw bad(`exit_txid must be 32 bytes, has ${exitTxid.length}`);
  if (connectorTx.length === 0) throw bad('connector_tx is required for a cooperative exit');
  let full: Transaction;
  try {
    full = Transaction.fromRaw(connectorTx, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
  } catch (e) {
    throw bad(`connector_tx is not a valid transaction: ${(e as Error).message}`);
  }
  if (full.version !== 3) throw bad(`the connector transaction must use version 3, not ${full.version}`);
  if (full.inputsLength !== 1) throw bad(`the connector transaction must have exactly 1 input, has ${full.inputsLength}`);
  const input = full.getInput(0);
  if ((input.finalScriptSig?.length ?? 0) > 0 || (input.finalScriptWitness?.length ?? 0) > 0) throw bad('the connector transaction must be unsigned');
  const tx = parseTx(connectorTx, 'connector_tx');
  const parent = bytesToHex(input.txid ?? new Uint8Array());
  const given = bytesToHex(exitTxid);
  const reversed = bytesToHex(Uint8Array.from(exitTxid).reverse());
  if (parent !== given && parent !== reversed) throw bad(`the connector transaction spends ${parent}, not the exit transaction ${given}: it does not bind the exit`);
  return { tx, exitTxid: parent };
}

/** One connector output per leaf plus one fee-bump output (upstream validateCoopExitConnectorLayout). */
export function checkConnectorLayout(c: Connector, leafCount: number): void {
  if (c.tx.tx.outputsLength !== leafCount + 1) {
    throw bad(`the connector transaction must have one output per leaf plus one fee-bump output: ${c.tx.tx.outputsLength} outputs for ${leafCount} leaves`);
  }
}

/**
 * The connector output a leaf's refund spends as its input 1: an output of the connector
 * transaction below `leafCount` (the last one is the fee bump). Uniqueness across leaves is the
 * caller's (it sees every leaf).
 */
export function connectorInputOf(refundTx: Uint8Array, c: Connector, leafCount: number, what: string): ConnectorInput {
  const refund = parseTx(refundTx, what).tx;
  if (refund.inputsLength !== 2) throw bad(`${what} must have exactly 2 inputs (the leaf and a connector output), has ${refund.inputsLength}`);
  const input = refund.getInput(1);
  const txid = bytesToHex(input.txid ?? new Uint8Array());
  const index = input.index ?? -1;
  if (txid !== c.tx.txid) throw bad(`${what}: input 1 does not spend the connector transaction`);
  if (index < 0 || index >= leafCount) throw bad(`${what}: input 1 spends connector output ${index}; only outputs 0 to ${leafCount - 1} are leaf connector outputs`);
  return { txid, index };
}

/** The outputs a refund (as its caller parsed it) spends: output 0 of the (direct) node tx it spends (stored hex) and, for a connector refund, the connector output. */
export function spentByRefund(spentTxHex: string, parsedRefund: ParsedTx, connectorTxHex: string | undefined): Output[] {
  const leaf = nodeOutput(spentTxHex);
  const refund = parsedRefund.tx;
  if (refund.inputsLength === 1) return [leaf];
  if (connectorTxHex === undefined || refund.inputsLength !== 2) throw bad(`a refund with ${refund.inputsLength} inputs is not a refund of this transfer`);
  const connector = parseTx(hexToBytes(connectorTxHex), 'connector tx');
  const input = refund.getInput(1);
  if (bytesToHex(input.txid ?? new Uint8Array()) !== connector.txid) throw bad('the refund\'s input 1 does not spend the connector transaction');
  return [leaf, output(connector, input.index ?? -1, 'connector tx')];
}

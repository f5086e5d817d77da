/**
 * A cooperative exit's connector checks and connector refunds, with the SDK as the oracle: the
 * refunds an operator rebuilds are byte for byte the SDK's createConnectorRefundTxs, their
 * sighash over both spent outputs is the SDK's getSigHashFromMultiInputTx, and every connector
 * that does not bind the exit (or has another shape than upstream's) is refused.
 */
import { randomBytes } from 'node:crypto';
import { Transaction, p2wpkh } from '@scure/btc-signer';
import { Network, createConnectorRefundTxs, getSigHashFromMultiInputTx, getTxId } from '@buildonspark/spark-sdk';
import { describe, expect, it } from 'vitest';
import { randomKey, signedNodeTx } from '../testing/txs.js';
import { bytesToHex, hexToBytes } from '../crypto.js';
import { parseTx, sighash } from '../deposit/transactions.js';
import { OperatorError } from '../errors.js';
import { checkConnector, checkConnectorLayout, connectorInputOf, spentByRefund } from './connector.js';
import { buildRefunds, decrementedSequence } from './refunds.js';

const key = randomKey;
const SSP_SCRIPT = p2wpkh(key()).script;

/** A connector as the local SSP builds it: version 3, spending exit:1, `outputs` outputs of 330 sats. */
function connectorTx(exitTxid: string, outputs: number, version = 3): Transaction {
  const tx = new Transaction({ version, allowUnknownOutputs: true });
  tx.addInput({ txid: exitTxid, index: 1 });
  for (let i = 0; i < outputs; i++) tx.addOutput({ script: SSP_SCRIPT, amount: 330n });
  return tx;
}

const rawOf = (tx: Transaction): Uint8Array => tx.toBytes(true, false);
const refused = (f: () => unknown, pattern: RegExp): void => {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(OperatorError);
  expect((err as OperatorError).code).toBe('INVALID_ARGUMENT');
  expect((err as Error).message).toMatch(pattern);
};

describe('connector refunds rebuilt by an operator', () => {
  it('equal the SDK\'s byte for byte, and their sighash over both spent outputs is the SDK\'s', async () => {
    const exitTxid = bytesToHex(randomBytes(32));
    const connector = connectorTx(exitTxid, 3);
    const connectorTxid = getTxId(connector);
    for (const [index, sequence] of [[0, 2000], [1, 1950], [2, (1 << 30) | 300]] as const) {
      const node = signedNodeTx(50_000n);
      const dest = key();
      const sdk = await createConnectorRefundTxs({
        nodeTx: node, receivingPubkey: dest, network: Network.REGTEST, sequence, connectorOutput: { txid: hexToBytes(connectorTxid), index },
      });
      const ours = buildRefunds(node.toBytes(true, true), decrementedSequence(sequence), dest, undefined, { txid: connectorTxid, index });
      expect(bytesToHex(ours.cpfp)).toBe(bytesToHex(sdk.cpfpRefundTx.toBytes()));
      expect(bytesToHex(ours.directFromCpfp)).toBe(bytesToHex(sdk.directFromCpfpRefundTx?.toBytes() ?? new Uint8Array()));
      const spent = spentByRefund(bytesToHex(node.toBytes(true, true)), parseTx(ours.cpfp, 'refund'), bytesToHex(rawOf(connector)));
      const sdkSighash = getSigHashFromMultiInputTx(sdk.cpfpRefundTx, 0, [node.getOutput(0), connector.getOutput(index)]);
      expect(bytesToHex(sighash(parseTx(ours.cpfp, 'refund'), spent))).toBe(bytesToHex(sdkSighash));
    }
  });
});

describe('the connector transaction', () => {
  const exit = randomBytes(32);
  const exitDisplay = bytesToHex(exit);

  it('binds the exit: its one input spends the exit txid, in either byte order', () => {
    const c = checkConnector(rawOf(connectorTx(exitDisplay, 2)), exit);
    expect(c.exitTxid).toBe(exitDisplay);
    expect(checkConnector(rawOf(connectorTx(exitDisplay, 2)), Uint8Array.from(exit).reverse()).exitTxid).toBe(exitDisplay);
  });

  it('is refused when it spends another transaction (it does not bind the exit)', () => {
    refused(() => checkConnector(rawOf(connectorTx(bytesToHex(randomBytes(32)), 2)), exit), /does not bind the exit/);
  });

  it('is refused unless it has upstream\'s shape: version 3, one input, unsigned', () => {
    refused(() => checkConnector(rawOf(connectorTx(exitDisplay, 2, 2)), exit), /version 3/);
    const twoInputs = connectorTx(exitDisplay, 2);
    twoInputs.addInput({ txid: randomBytes(32), index: 0 });
    refused(() => checkConnector(rawOf(twoInputs), exit), /exactly 1 input/);
    const signed = connectorTx(exitDisplay, 2);
    signed.updateInput(0, { finalScriptWitness: [randomBytes(64)] });
    refused(() => checkConnector(signed.toBytes(true, true), exit), /unsigned/);
    refused(() => checkConnector(rawOf(connectorTx(exitDisplay, 2)), randomBytes(31)), /32 bytes/);
  });

  it('has one output per leaf plus the fee bump, and a refund spends a leaf output of it as input 1', () => {
    const raw = rawOf(connectorTx(exitDisplay, 3));
    const c = checkConnector(raw, exit);
    expect(() => checkConnectorLayout(c, 2)).not.toThrow();
    refused(() => checkConnectorLayout(c, 3), /one output per leaf plus one fee-bump output/);
    const node = signedNodeTx(10_000n);
    const good = buildRefunds(node.toBytes(true, true), 1900, key(), undefined, { txid: c.tx.txid, index: 1 });
    expect(connectorInputOf(good.cpfp, c, 2, 'refund')).toEqual({ txid: c.tx.txid, index: 1 });
    const feeBump = buildRefunds(node.toBytes(true, true), 1900, key(), undefined, { txid: c.tx.txid, index: 2 });
    refused(() => connectorInputOf(feeBump.cpfp, c, 2, 'refund'), /only outputs 0 to 1 are leaf connector outputs/);
    const elsewhere = buildRefunds(node.toBytes(true, true), 1900, key(), undefined, { txid: bytesToHex(randomBytes(32)), index: 0 });
    refused(() => connectorInputOf(elsewhere.cpfp, c, 2, 'refund'), /does not spend the connector transaction/);
    const plain = buildRefunds(node.toBytes(true, true), 1900, key());
    refused(() => connectorInputOf(plain.cpfp, c, 2, 'refund'), /exactly 2 inputs/);
  });
});

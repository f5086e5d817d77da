import { describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1';
import { getTxId, validateCoopExitPayoutTransaction, Network } from '@buildonspark/spark-sdk';
import { Transaction, p2tr, p2wpkh } from '@scure/btc-signer';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { ExitTransactions } from './exit-transactions.js';

const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };
const key = (): Uint8Array => secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true);

/** An exit transaction paying `payout` at output 1, and its connector with `leaves` + 1 outputs. */
function exitPair(payout: Uint8Array, leaves: number): { exit: Transaction; connector: Transaction } {
  const exit = new Transaction({ version: 2, allowUnknownOutputs: true });
  exit.addInput({ txid: secp256k1.utils.randomPrivateKey(), index: 0 });
  exit.addInput({ txid: secp256k1.utils.randomPrivateKey(), index: 3 });
  exit.addOutput({ script: p2tr(key().slice(1)).script, amount: 330n * BigInt(leaves + 1) });
  exit.addOutput({ script: payout, amount: 99_150n });
  const connector = new Transaction({ version: 3, allowUnknownOutputs: true });
  connector.addInput({ txid: hexToBytes(getTxId(exit)), index: 0 });
  for (let i = 0; i <= leaves; i++) connector.addOutput({ script: p2tr(key().slice(1)).script, amount: 330n });
  return { exit, connector };
}

describe('ExitTransactions: the exit and connector transactions the SDK wallet validates, seen through its SHA-256', () => {
  const address = p2wpkh(key(), REGTEST);

  it('finds both when the wallet computes their txids, after the withdrawal address was given', () => {
    const exits = new ExitTransactions();
    const stop = exits.start();
    try {
      const { exit, connector } = exitPair(address.script, 2);
      // what the SDK's coopExit does before its first signer call
      expect(exits.take(2)).toBeUndefined();
      exits.expect(address.script);
      validateCoopExitPayoutTransaction({ rawCoopExitTransaction: bytesToHex(exit.toBytes(true, true)), expectedCoopExitTxid: getTxId(exit), expectedPayoutAddress: address.address as string, expectedPayoutAmountSats: 99_000, network: Network.LOCAL });
      getTxId(connector);
      expect(exits.take(3)).toBeUndefined(); // another number of leaves: not this exit
      const found = exits.take(2);
      expect(found?.payoutVout).toBe(1);
      expect(bytesToHex(found?.exitTx ?? new Uint8Array())).toBe(bytesToHex(exit.toBytes(true, false)));
      expect(bytesToHex(found?.connectorTx ?? new Uint8Array())).toBe(bytesToHex(connector.toBytes(true, false)));
      // taken once: a second approval needs a new withdrawal
      expect(exits.take(2)).toBeUndefined();
      expect(exits.expecting()).toBe(false);
    } finally {
      stop();
    }
  });

  it('ignores an exit paying another address and a connector of another transaction', () => {
    const exits = new ExitTransactions();
    const stop = exits.start();
    try {
      exits.expect(address.script);
      const other = exitPair(p2wpkh(key(), REGTEST).script, 1);
      getTxId(other.exit);
      getTxId(other.connector);
      expect(exits.take(1)).toBeUndefined();
      const mine = exitPair(address.script, 1);
      getTxId(mine.exit);
      getTxId(other.connector); // spends the other exit
      expect(exits.take(1)).toBeUndefined();
      getTxId(mine.connector);
      expect(exits.take(1)?.payoutVout).toBe(1);
    } finally {
      stop();
    }
  });
});

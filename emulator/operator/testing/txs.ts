/** Transactions for the operator's transaction tests: random keys and a leaf's signed node tx. */
import { randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Transaction, p2tr } from '@scure/btc-signer';

/** A fresh compressed public key. */
export const randomKey = (): Uint8Array => secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true);

/**
 * A node tx as an operator stores one: version 3, output 0 of `amount` to a P2TR key and a P2A
 * anchor, signed (a key-path witness; the SDK serializes it finalized).
 */
export function signedNodeTx(amount: bigint): Transaction {
  const tx = new Transaction({ version: 3, allowUnknownOutputs: true });
  tx.addInput({ txid: randomBytes(32), index: 0, sequence: 0 });
  tx.addOutput({ script: p2tr(randomKey().subarray(1)).script, amount });
  tx.addOutput({ script: Uint8Array.of(0x51, 0x02, 0x4e, 0x73), amount: 0n });
  tx.updateInput(0, { finalScriptWitness: [randomBytes(64)] });
  return tx;
}

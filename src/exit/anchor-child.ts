/**
 * The child that pays for a zero-fee parent through its P2A anchor (CPFP): built by the SDK's own
 * `constructFeeBumpTx` (inputs: P2WPKH coins of a fee wallet the user names, then the anchor;
 * one change output back to the fee wallet; fee = fee rate × (parent + child) vsize), signed here
 * with the fee wallet's key. btcd has no package relay (docs/btcd.md): the parent is broadcast
 * first, then this child.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { Transaction } from '@scure/btc-signer';
import type { FundingWallet } from '../../emulator/chain/funding-wallet.js';
import { bytesToHex, hexToBytes } from '../crypto/index.js';
import { ExitError } from './errors.js';
import type { ExitChain } from './exit-chain.js';
import { anchorIndex, type ExitTx } from './transactions.js';

export interface AnchorChild {
  txid: string;
  hex: string;
  /** Fee the child pays for itself and its parent, in sats. */
  fee: bigint;
}

/** Builds, signs and broadcasts the anchor child of `parent` (already broadcast). */
export async function payForAnchor(chain: ExitChain, parent: ExitTx, feeWallet: FundingWallet, satPerVbyte: number): Promise<AnchorChild> {
  if (anchorIndex(parent) === undefined) throw new ExitError('BAD_ARGUMENT', `transaction ${parent.txid} has no P2A anchor to pay through`);
  const sdk = await import('@buildonspark/spark-sdk');
  const coins = (await feeWallet.spendable()).map((c) => ({
    txid: c.txid, vout: c.vout, value: c.amount, script: bytesToHex(feeWallet.script), publicKey: bytesToHex(feeWallet.publicKey),
  }));
  if (coins.length === 0) throw new ExitError('INSUFFICIENT_FEE_FUNDS', `the fee wallet ${feeWallet.address} has no spendable coins`);
  let built: { feeBumpPsbt: string; usedUtxos: { txid: string; vout: number; value: bigint }[] };
  try {
    built = sdk.constructFeeBumpTx(parent.hex, coins, { satPerVbyte });
  } catch (e) {
    throw new ExitError('INSUFFICIENT_FEE_FUNDS', `cannot build the anchor child of ${parent.txid}: ${(e as Error).message}`, { cause: e });
  }
  const child = Transaction.fromPSBT(hexToBytes(built.feeBumpPsbt), { allowUnknownInputs: true, allowUnknownOutputs: true });
  const signed = feeWallet.signOwnInputs(child);
  if (signed !== built.usedUtxos.length) throw new ExitError('BAD_ARGUMENT', `signed ${signed} fee inputs of ${built.usedUtxos.length}`);
  // The anchor input stays without a witness: a native P2A spend has an empty witness and an
  // empty scriptSig, which @scure/btc-signer serializes but will not call "finalized".
  const hex = bytesToHex(child.toBytes(true, true));
  const txid = bytesToHex(sha256(sha256(child.toBytes(true, false))).reverse());
  const inSum = built.usedUtxos.reduce((s, u) => s + u.value, 0n);
  const fee = inSum - (child.getOutput(0).amount ?? 0n);
  await chain.broadcast(hex, txid);
  feeWallet.markSpent(built.usedUtxos);
  return { txid, hex, fee };
}

/**
 * The unilateral exit of one leaf, with no operator involved: broadcast the plan's transactions
 * in order (each once its parent is confirmed and its BIP-68 relative timelock has matured,
 * zero-fee ones followed by their anchor child), then sweep the refund output to the user's L1
 * address with a key-path signature from an ExitSweepSigner. Every step first looks at the chain,
 * so a run that is interrupted (crash, Ctrl-C) resumes where it stopped when started again.
 */
import { schnorr } from '@noble/curves/secp256k1';
import { Address, NETWORK, OutScript, TEST_NETWORK, Transaction } from '@scure/btc-signer';
import type { FundingWallet } from '../../emulator/chain/funding-wallet.js';
import { REGTEST } from '../../emulator/chain/regtest.js';
import { bytesToHex, equalBytes, hexToBytes } from '../crypto/index.js';
import { payForAnchor } from './anchor-child.js';
import { ExitError } from './errors.js';
import type { BlockClock, ExitChain } from './exit-chain.js';
import type { ExitData, ExitLeaf, SparkNetworkName } from './exit-data.js';
import { planLeafExit, type ExitStep, type ExitVariant } from './exit-plan.js';
import type { ExitSweepSigner } from './sweep-signer.js';
import { anchorIndex, keyPathScript, outputOf, relativeLockBlocks, spentOutpoint, type ExitTx } from './transactions.js';

export const DEFAULT_FEE_RATE_SAT_PER_VB = 2;
/** Below this an output is dust for a standard relay policy; a sweep must leave more. */
const MIN_SWEEP_OUTPUT_SATS = 330n;

export interface ExitRunOptions {
  data: ExitData;
  leafId: string;
  variant: ExitVariant;
  /** The L1 address the refund output is swept to. */
  to: string;
  chain: ExitChain;
  clock: BlockClock;
  signer: ExitSweepSigner;
  /** Pays the anchor children of zero-fee transactions; required when the plan has any. */
  feeWallet?: FundingWallet;
  /** Fee rate of the anchor children and the sweep, sat/vB. */
  feeRate?: number;
  onProgress?: (message: string) => void;
}

export interface BroadcastRecord {
  what: string;
  txid: string;
  /** The anchor child that paid for it, when it had one and this run broadcast it. */
  anchorChildTxid?: string;
  confirmedAt: number;
}

export interface ExitResult {
  leafId: string;
  variant: ExitVariant;
  steps: BroadcastRecord[];
  sweep: { txid: string; amount: bigint; fee: bigint; confirmedAt: number; refundAmount: bigint };
}

/** The address parameters of a Spark network's L1. */
function l1Network(n: SparkNetworkName): typeof NETWORK {
  if (n === 'MAINNET') return NETWORK;
  if (n === 'REGTEST' || n === 'LOCAL') return REGTEST;
  return TEST_NETWORK;
}

export function addressScript(address: string, network: SparkNetworkName): Uint8Array {
  try {
    return OutScript.encode(Address(l1Network(network)).decode(address));
  } catch (e) {
    throw new ExitError('BAD_ARGUMENT', `${JSON.stringify(address)} is not an address of the ${network} network's chain: ${(e as Error).message}`, { cause: e });
  }
}

export function findLeaf(data: ExitData, leafId: string): ExitLeaf {
  const leaf = data.leaves.find((l) => l.leafId === leafId);
  if (leaf === undefined) throw new ExitError('UNKNOWN_LEAF', `leaf ${leafId} is not in the exit data (has: ${data.leaves.map((l) => l.leafId).join(', ') || 'none'})`);
  return leaf;
}

/** Broadcasts one step once it may enter a block; returns its confirmation height. */
async function runStep(o: ExitRunOptions, s: ExitStep, feeRate: number): Promise<BroadcastRecord> {
  const state = await o.chain.txState(s.tx.txid);
  if (state.state === 'confirmed') {
    o.onProgress?.(`${s.what} ${s.tx.txid} already confirmed at ${state.height}`);
    return { what: s.what, txid: s.tx.txid, confirmedAt: state.height };
  }
  let anchorChildTxid: string | undefined;
  const payForIt = async (): Promise<void> => {
    if (o.feeWallet === undefined) throw new ExitError('INSUFFICIENT_FEE_FUNDS', `${s.what} pays no fee and needs an anchor child: name a fee wallet`);
    const child = await payForAnchor(o.chain, s.tx, o.feeWallet, feeRate);
    anchorChildTxid = child.txid;
    o.onProgress?.(`${s.what}: anchor child ${child.txid} pays ${child.fee} sat`);
  };
  if (state.state === 'mempool' && s.needsAnchorChild && o.feeWallet !== undefined) {
    // Broadcast by an earlier run that stopped before its child: pay for it if nothing spends the anchor yet.
    const anchor = anchorIndex(s.tx);
    if (anchor !== undefined && (await o.chain.isUnspent(s.tx.txid, anchor))) await payForIt();
  }
  if (state.state === 'unknown') {
    const parent = spentOutpoint(s.tx);
    const parentHeight = await o.clock.untilConfirmed(parent.txid);
    const stillOurs = async (): Promise<void> => {
      if (!(await o.chain.isUnspent(parent.txid, parent.vout))) {
        throw new ExitError('OUTPUT_SPENT_ELSEWHERE', `${s.what}: output ${parent.txid}:${parent.vout} was already spent by another transaction`);
      }
    };
    await stillOurs();
    // BIP-68: the earliest block that may hold it is parentHeight + lock, so the tip must reach one less.
    const lock = relativeLockBlocks(s.tx);
    if (lock > 0) {
      o.onProgress?.(`${s.what}: relative timelock ${lock} blocks from ${parentHeight}`);
      await o.clock.untilHeight(parentHeight + lock - 1);
      // While we waited, a transaction with a shorter timelock (a newer owner's) may have taken it.
      await stillOurs();
    }
    await o.chain.broadcast(s.tx.hex, s.tx.txid);
    o.onProgress?.(`${s.what}: broadcast ${s.tx.txid}`);
    if (s.needsAnchorChild) await payForIt();
  }
  const confirmedAt = await o.clock.untilConfirmed(s.tx.txid);
  return { what: s.what, txid: s.tx.txid, ...(anchorChildTxid === undefined ? {} : { anchorChildTxid }), confirmedAt };
}

/** vsize of a sweep: one key-path P2TR input, one output paying `script`. */
export function sweepVsize(script: Uint8Array): number {
  const base = 4 + 1 + (32 + 4 + 1 + 4) + 1 + (8 + 1 + script.length) + 4;
  const witness = 2 + 1 + 1 + 64;
  return Math.ceil((base * 4 + witness) / 4);
}

/** The refund's output 0, the sweep's destination and fee; a refund too small to sweep is refused. */
function sweepTerms(o: ExitRunOptions, refundTx: ExitTx, feeRate: number): { out: ReturnType<typeof outputOf>; dest: Uint8Array; fee: bigint } {
  const out = outputOf(refundTx, 0);
  const dest = addressScript(o.to, o.data.network);
  const fee = BigInt(Math.ceil(sweepVsize(dest) * feeRate));
  if (out.amount - fee < MIN_SWEEP_OUTPUT_SATS) {
    throw new ExitError('TOO_SMALL_TO_EXIT', `leaf ${o.leafId}: its refund holds ${out.amount} sat; a ${fee} sat sweep fee leaves less than the ${MIN_SWEEP_OUTPUT_SATS} sat an output needs`);
  }
  return { out, dest, fee };
}

/** Sweeps output 0 of the confirmed refund to `to`. */
async function sweep(o: ExitRunOptions, leaf: ExitLeaf, refundTx: ExitTx, feeRate: number): Promise<ExitResult['sweep']> {
  const { out, dest, fee } = sweepTerms(o, refundTx, feeRate);
  if (!equalBytes(out.script, keyPathScript(hexToBytes(leaf.refundKey.publicKey)))) throw new ExitError('WRONG_KEY', 'the refund does not pay the refund key');
  const signerKey = await o.signer.publicKey(leaf.refundKey);
  if (bytesToHex(signerKey) !== leaf.refundKey.publicKey) throw new ExitError('WRONG_KEY', `the signer's key ${bytesToHex(signerKey)} is not the refund key ${leaf.refundKey.publicKey}`);
  if (!(await o.chain.isUnspent(refundTx.txid, 0))) throw new ExitError('OUTPUT_SPENT_ELSEWHERE', `refund output ${refundTx.txid}:0 is already spent`);

  const tx = new Transaction({ version: 2, allowUnknownOutputs: true });
  tx.addInput({ txid: refundTx.txid, index: 0, witnessUtxo: out });
  tx.addOutput({ script: dest, amount: out.amount - fee });
  const sig = await o.signer.signKeyPath({ key: leaf.refundKey, tx: tx.unsignedTx, inputIndex: 0, prevouts: [out] });
  // Checked before broadcasting: a signer (a device) that returns a wrong signature is named here.
  const sighash = tx.preimageWitnessV1(0, [out.script], 0, [out.amount]);
  if (sig.length !== 64 || !schnorr.verify(sig, sighash, out.script.subarray(2))) throw new ExitError('WRONG_KEY', 'the sweep signer returned a signature that does not verify');
  tx.updateInput(0, { finalScriptWitness: [sig] }, true);
  const hex = bytesToHex(tx.extract());
  await o.chain.broadcast(hex, tx.id);
  o.onProgress?.(`sweep: broadcast ${tx.id} paying ${out.amount - fee} sat to ${o.to}`);
  const confirmedAt = await o.clock.untilConfirmed(tx.id);
  return { txid: tx.id, amount: out.amount - fee, fee, confirmedAt, refundAmount: out.amount };
}

/** Runs the whole exit of one leaf and returns what was broadcast. */
export async function runUnilateralExit(o: ExitRunOptions): Promise<ExitResult> {
  const feeRate = o.feeRate ?? DEFAULT_FEE_RATE_SAT_PER_VB;
  if (!(feeRate > 0) || !Number.isFinite(feeRate)) throw new ExitError('BAD_ARGUMENT', `fee rate must be a positive number of sat/vB, got ${feeRate}`);
  addressScript(o.to, o.data.network);
  const leaf = findLeaf(o.data, o.leafId);
  const plan = planLeafExit(leaf, o.variant);
  const refund = plan[plan.length - 1];
  if (refund?.kind !== 'refund') throw new ExitError('MALFORMED_DATA', 'the exit plan does not end with a refund');
  // Fail before broadcasting anything when the refund cannot pay for its own sweep.
  sweepTerms(o, refund.tx, feeRate);
  // Fail before waiting through any timelock when a zero-fee step still to broadcast has no payer.
  if (o.feeWallet === undefined) {
    for (const s of plan.filter((x) => x.needsAnchorChild)) {
      if ((await o.chain.txState(s.tx.txid)).state === 'unknown') {
        throw new ExitError('INSUFFICIENT_FEE_FUNDS', `the ${o.variant} exit of leaf ${leaf.leafId} must broadcast zero-fee ${s.what}: name a fee wallet for its anchor child`);
      }
    }
  }
  const steps: BroadcastRecord[] = [];
  for (const s of plan) steps.push(await runStep(o, s, feeRate));
  return { leafId: leaf.leafId, variant: o.variant, steps, sweep: await sweep(o, leaf, refund.tx, feeRate) };
}

import {
  Network,
  createConnectorRefundTxs,
  createCurrentTimelockRefundTxs,
  createDecrementedTimelockNodeTx,
  createDecrementedTimelockRefundTxs,
  createInitialTimelockNodeTx,
  createInitialTimelockRefundTxs,
  createRootNodeTx,
  createZeroTimelockNodeTx,
  getTxFromRawTxBytes,
  getTxId,
} from '@buildonspark/spark-sdk';
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { SigHash, Transaction, p2tr } from '@scure/btc-signer';
import type { TransactionInput } from '@scure/btc-signer/psbt';
import { bytesToHex, equalBytes, hexToBytes } from '../crypto/index.js';
import type { Prevout, SparkNetwork } from '../device/clear-sign.js';
import { LedgerSignerError } from './errors.js';

/**
 * Which transaction a sighash belongs to. The SDK hands its signer only the 32-byte BIP341
 * sighash; the device signs clearly only if it is given the transaction and its prevouts
 * (device-app/PROTOCOL.md, "FROST_SIGN_TX"). The SDK builds every transaction a leaf's owner
 * signs from public data — the leaf's node and refund transactions, the destination key and the
 * timelock rule (docs/transfers.md, "Transaction shapes" and "Constants and timelock scheme") —
 * so this rebuilds them the same way, with the SDK's own exported builders, and keeps the one
 * whose sighash is the one asked for.
 */

/** A transaction the device can be sent instead of its sighash. */
export interface SignableTx {
  tx: Uint8Array;
  prevouts: Prevout[];
  inputIndex: number;
}

/** What a signature request says about the transaction it signs. */
export interface SignRequestContext {
  /** The sighash the SDK asks to sign. */
  message: Uint8Array;
  /** The statechain key P of the package (user key + operators' key). */
  verifyingKey: Uint8Array;
  /** The public key of the signing key (leaf or deposit key). */
  signingPublicKey: Uint8Array;
  /** The leaves whose transactions this may be (the signing key's leaf, as the wallet knows it). */
  nodes: readonly TreeNode[];
  /** Receivers of transfers approved on the device (their refunds pay these keys). */
  receivers: readonly Uint8Array[];
  /** The parent nodes of `nodes`, when known: the refund- and node-timelock renewals spend the parent's output. */
  parents?: readonly TreeNode[];
}

type RefundBuilder = typeof createDecrementedTimelockRefundTxs;

/** A candidate: a transaction and the outputs its inputs spend (the signed input is input 0). */
interface Candidate {
  tx: Transaction;
  prevouts: Prevout[];
}

/** A connector output of a cooperative exit: what a leaf's connector refund spends as input 1. */
interface ConnectorOutput {
  input: TransactionInput;
  prevout: Prevout;
}

export class TxCatalog {
  private readonly deposits: Transaction[] = [];
  /** The connector outputs of the cooperative exit approved last (one per leaf of it). */
  private connectors: ConnectorOutput[] = [];
  private readonly network: Network;

  constructor(network: SparkNetwork) {
    this.network = Network[network];
  }

  /** A deposit transaction the wallet is about to claim (its root and refunds are signed next). */
  addDeposit(rawTx: Uint8Array): void {
    this.deposits.push(getTxFromRawTxBytes(rawTx));
  }

  /**
   * The connector transaction of a cooperative exit the user approved: its leaves' connector
   * refunds spend outputs 0 .. n−2 of it (the last is the fee bump), as the SDK takes them
   * (spark-wallet.ts `coopExit`, docs/ssp.md, section "Cooperative exits").
   */
  addExit(connectorTx: Uint8Array): void {
    const tx = getTxFromRawTxBytes(connectorTx);
    const txid = hexToBytes(getTxId(tx));
    this.connectors = [];
    for (let index = 0; index < tx.outputsLength - 1; index++) {
      const out = tx.getOutput(index);
      if (out.script === undefined || out.amount === undefined) continue;
      this.connectors.push({ input: { txid, index }, prevout: { amount: out.amount, script: out.script } });
    }
  }

  /**
   * The transaction (with prevouts) whose BIP341 sighash is `ctx.message`, or undefined. The
   * answer is checked: the sighash recomputed by @scure/btc-signer from the very bytes that will
   * be sent equals the message, byte for byte.
   */
  async find(ctx: SignRequestContext): Promise<SignableTx | undefined> {
    for await (const c of this.candidates(ctx)) {
      const signable: SignableTx = { tx: c.tx.toBytes(true, false), prevouts: c.prevouts, inputIndex: 0 };
      if (!equalBytes(sighashOf(c.tx, signable), ctx.message)) continue;
      assertSighash(signable, ctx.message);
      return signable;
    }
    return undefined;
  }

  private async *candidates(ctx: SignRequestContext): AsyncGenerator<Candidate> {
    const stateScript = p2tr(ctx.verifyingKey.slice(1)).script;
    // A deposit: the root node tx spends the deposit output (P2TR of P), its refunds pay the signing key.
    for (const deposit of this.deposits) {
      for (let vout = 0; vout < deposit.outputsLength; vout++) {
        const out = deposit.getOutput(vout);
        if (out.script === undefined || out.amount === undefined || !equalBytes(out.script, stateScript)) continue;
        const { nodeTx } = await createRootNodeTx(deposit, vout, this.network);
        yield { tx: nodeTx, prevouts: [{ amount: out.amount, script: out.script }] };
        const refunds = await createInitialTimelockRefundTxs({ nodeTx, receivingPubkey: ctx.signingPublicKey, network: this.network });
        yield* refundCandidates(refunds, nodeTx, undefined);
      }
    }
    // A leaf's refunds: to a receiver one hop down (a transfer), to the owner at the same
    // timelock (a claim), or one hop down (the owner's renewal of a refund).
    const destinations = [ctx.signingPublicKey, ...ctx.receivers];
    const builders: RefundBuilder[] = [createDecrementedTimelockRefundTxs, createCurrentTimelockRefundTxs];
    for (const node of ctx.nodes) {
      const nodeTx = getTxFromRawTxBytes(node.nodeTx);
      yield* zeroTimelockRenewal(nodeTx, ctx.signingPublicKey, this.network);
      const parent = ctx.parents?.find((p) => p.id === node.parentNodeId);
      if (parent !== undefined) {
        const parentTx = getTxFromRawTxBytes(parent.nodeTx);
        yield* refundTimelockRenewal(parentTx, nodeTx, ctx.signingPublicKey, this.network);
        yield* nodeTimelockRenewal(parentTx, ctx.signingPublicKey, this.network);
      }
      const directTx = node.directTx.length > 0 ? getTxFromRawTxBytes(node.directTx) : undefined;
      const sequence = getTxFromRawTxBytes(node.refundTx).getInput(0).sequence;
      if (sequence === undefined) continue;
      for (const receivingPubkey of destinations) {
        for (const build of builders) {
          const refunds = await build({ nodeTx, ...(directTx === undefined ? {} : { directNodeTx: directTx }), receivingPubkey, network: this.network, sequence }).catch(
            () => undefined, // a timelock that cannot go lower: the SDK would not build it either
          );
          if (refunds !== undefined) yield* refundCandidates(refunds, nodeTx, directTx);
        }
      }
      yield* this.connectorRefunds(ctx, nodeTx, directTx, sequence);
    }
  }

  /**
   * A cooperative exit's refunds of a leaf (the SDK's signRefundsForCoopExit): the decremented
   * refunds to the provider with a connector output added as input 1, signed over both spent
   * outputs; the direct one only for a node whose timelock is not zero, as the SDK builds it.
   */
  private async *connectorRefunds(ctx: SignRequestContext, nodeTx: Transaction, directTx: Transaction | undefined, sequence: number): AsyncGenerator<Candidate> {
    if (this.connectors.length === 0) return;
    const zeroNode = ((nodeTx.getInput(0).sequence ?? 0) & 0xffff) === 0;
    const direct = zeroNode ? undefined : directTx;
    for (const receivingPubkey of ctx.receivers) {
      for (const c of this.connectors) {
        const refunds = await createConnectorRefundTxs({
          nodeTx,
          ...(direct === undefined ? {} : { directNodeTx: direct }),
          sequence,
          connectorOutput: c.input,
          receivingPubkey,
          network: this.network,
        }).catch(() => undefined);
        if (refunds === undefined) continue;
        for (const r of refundCandidates(refunds, nodeTx, direct)) yield { tx: r.tx, prevouts: [...r.prevouts, c.prevout] };
      }
    }
  }
}

/** A renewal's new node tx and its direct variant, as the SDK's node builders return them. */
interface NodePair {
  nodeTx: Transaction;
  directNodeTx: Transaction;
}

/**
 * The renewal of a leaf whose node timelock reached zero (the SDK's renewZeroTimelockNodeTxn):
 * a new node tx and its direct variant, both spending the leaf's node output, then fresh
 * refunds to the owner's own key from the new node tx. The other two renewals spend the parent
 * node's output (given `parents`): refundTimelockRenewal and nodeTimelockRenewal.
 */
async function* zeroTimelockRenewal(nodeTx: Transaction, owner: Uint8Array, network: Network): AsyncGenerator<Candidate> {
  const renewed = await createZeroTimelockNodeTx(nodeTx, network).catch(() => undefined);
  if (renewed !== undefined) yield* renewedNode(renewed, outputOf(nodeTx), owner, network);
}

/**
 * The renewal of a leaf whose refund timelock ran low (the SDK's renewRefundTxn,
 * createRenewRefundSigningJobs): a new node tx and its direct variant spending the parent node's
 * output 0 one timelock step lower than the leaf's node tx, then fresh refunds to the owner's own
 * key from them. The leaf alone does not give the parent: `parents` does (wallet-leaves.ts).
 */
async function* refundTimelockRenewal(parentTx: Transaction, nodeTx: Transaction, owner: Uint8Array, network: Network): AsyncGenerator<Candidate> {
  const renewed = await createDecrementedTimelockNodeTx(parentTx, nodeTx, network).catch(() => undefined);
  if (renewed !== undefined) yield* renewedNode(renewed, outputOf(parentTx), owner, network);
}

/**
 * The renewal of a leaf whose node timelock ran low (the SDK's renewNodeTxn,
 * createRenewNodeSigningJobs): a split node tx at timelock zero and its direct variant, both
 * spending the parent node's output 0 (createZeroTimelockNodeTx of the parent); a new node tx at
 * the initial timelock and its direct variant, both spending the split node's output 0
 * (createInitialTimelockNodeTx); then fresh refunds to the owner's own key from them. Every one
 * pays P2TR of the leaf's key P (the parent's output 0 pays it) or the owner's key.
 */
async function* nodeTimelockRenewal(parentTx: Transaction, owner: Uint8Array, network: Network): AsyncGenerator<Candidate> {
  const split = await createZeroTimelockNodeTx(parentTx, network).catch(() => undefined);
  if (split === undefined) return;
  const parentOut = outputOf(parentTx);
  yield { tx: split.nodeTx, prevouts: [parentOut] };
  yield { tx: split.directNodeTx, prevouts: [parentOut] };
  const renewed = await createInitialTimelockNodeTx(split.nodeTx, network).catch(() => undefined);
  if (renewed !== undefined) yield* renewedNode(renewed, outputOf(split.nodeTx), owner, network);
}

/**
 * A renewal's new node tx and its direct variant, both spending `spent`, then the refunds to the
 * owner the SDK builds from them (createInitialTimelockRefundTxs; no direct refund under a node
 * tx at timelock zero).
 */
async function* renewedNode(renewed: NodePair, spent: Prevout, owner: Uint8Array, network: Network): AsyncGenerator<Candidate> {
  yield { tx: renewed.nodeTx, prevouts: [spent] };
  yield { tx: renewed.directNodeTx, prevouts: [spent] };
  const refunds = await createInitialTimelockRefundTxs({ nodeTx: renewed.nodeTx, directNodeTx: renewed.directNodeTx, receivingPubkey: owner, network });
  yield* refundCandidates(refunds, renewed.nodeTx, renewed.directNodeTx);
}

function* refundCandidates(
  refunds: Awaited<ReturnType<RefundBuilder>>,
  nodeTx: Transaction,
  directTx: Transaction | undefined,
): Generator<Candidate> {
  const nodeOut = outputOf(nodeTx);
  yield { tx: refunds.cpfpRefundTx, prevouts: [nodeOut] };
  if (refunds.directFromCpfpRefundTx !== undefined) yield { tx: refunds.directFromCpfpRefundTx, prevouts: [nodeOut] };
  if (refunds.directRefundTx !== undefined && directTx !== undefined) yield { tx: refunds.directRefundTx, prevouts: [outputOf(directTx)] };
}

function outputOf(tx: Transaction): Prevout {
  const out = tx.getOutput(0);
  if (out.script === undefined || out.amount === undefined) {
    throw new LedgerSignerError('INVALID_REQUEST', 'a node transaction without output 0');
  }
  return { amount: out.amount, script: out.script };
}

/** BIP341 SIGHASH_DEFAULT of `tx`'s input s.inputIndex over s.prevouts (every input's amount and script). */
function sighashOf(tx: Transaction, s: Pick<SignableTx, 'prevouts' | 'inputIndex'>): Uint8Array {
  return tx.preimageWitnessV1(
    s.inputIndex,
    s.prevouts.map((p) => p.script),
    SigHash.DEFAULT,
    s.prevouts.map((p) => p.amount),
  );
}

/** The host's own check before sending: the sighash of exactly what is sent is the message. */
export function assertSighash(s: SignableTx, message: Uint8Array): void {
  const tx = Transaction.fromRaw(s.tx, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
  const sighash = sighashOf(tx, s);
  if (!equalBytes(sighash, message)) {
    throw new LedgerSignerError('INVALID_REQUEST', `the transaction found for sighash ${bytesToHex(message)} hashes to ${bytesToHex(sighash)}`);
  }
}

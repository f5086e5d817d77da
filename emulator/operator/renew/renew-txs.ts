/**
 * The transactions a renewal must consist of, rebuilt from what this operator stores, to compare
 * byte for byte with the wallet's (docs/transfers.md, section "Renewal"; spark-sdk 0.8.8
 * services/transfer.ts `createRenew*SigningJobs`, utils/transaction.ts; upstream
 * so/handler/renew_leaf_handler.go). Every transaction is version 3, locktime 0, one input:
 *  - node pair (from a parent tx's output 0): CPFP = full amount to P2TR(verifying key) + P2A
 *    anchor; direct = amount − 955 to the same script, sequence + 50;
 *  - refund trio (from the new node pair): as a transfer's refunds (transfer/refunds.ts), paying
 *    the owner's signing key; the direct refund spends the direct node tx and exists only when
 *    the new node is not a zero node.
 * The three variants (chosen by the wallet from the leaf's timelocks):
 *  - zero:   node timelock 0 → a new node at 0 spending the current node tx, refunds at 2000;
 *            the current node becomes the leaf's parent ("split node");
 *  - refund: node timelock ≥ 200 → the node re-made from the parent at one interval lower,
 *            refunds at 2000;
 *  - node:   node timelock ≤ 300 → a split node at 0 from the parent, a node at 2000 from it,
 *            refunds at 2000.
 * All need the refund timelock between 100 and 300 (upstream RenewTimelockThreshold = 300;
 * the wallet renews below 200).
 */
import type { TreeNodeRow } from '../db/repository.js';
import { hexToBytes } from '../crypto.js';
import { output, parseTx } from '../deposit/transactions.js';
import type { Output } from '../deposit/transactions.js';
import { OperatorError } from '../errors.js';
import { TIME_LOCK_INTERVAL, buildRefunds, timelockOf } from '../transfer/refunds.js';

export const INITIAL_TIMELOCK = 2000;
/** The highest refund (and, for the node variant, node) timelock a renewal accepts. */
export const RENEW_THRESHOLD = 300;
const BIT_30 = 1 << 30;

export type RenewVariant = 'zero' | 'refund' | 'node';
export const RENEW_VARIANTS: readonly RenewVariant[] = ['zero', 'refund', 'node'];

/** The roles of a renewal's transactions, in the order the coordinator signs them. */
export type RenewRole = 'split' | 'directSplit' | 'node' | 'directNode' | 'refund' | 'directRefund' | 'directFromCpfpRefund';

export interface ExpectedTx {
  role: RenewRole;
  /** unsigned, no witness */
  tx: Uint8Array;
  /** the output it spends (for its sighash) */
  spent: Output;
}

export interface ExpectedRenewal {
  variant: RenewVariant;
  txs: ExpectedTx[];
}

const failed = (m: string): OperatorError => new OperatorError('FAILED_PRECONDITION', m);

/**
 * A node pair spending `parentRaw`:0: the same shape as a refund pair (transfer/refunds.ts),
 * paying P2TR(verifying key) instead of an owner key, direct at `sequence` + 50.
 */
function nodePair(parentRaw: Uint8Array, verifyingKey: Uint8Array, sequence: number): { cpfp: Uint8Array; direct: Uint8Array; spent: Output } {
  const pair = buildRefunds(parentRaw, sequence, verifyingKey);
  return { cpfp: pair.cpfp, direct: pair.directFromCpfp, spent: output(parseTx(parentRaw, 'parent tx'), 0, 'parent tx') };
}

/** Refunds at INITIAL_TIMELOCK paying `owner`; the direct refund only when `directNode` is given. */
function refundTrio(node: Uint8Array, directNode: Uint8Array | undefined, owner: Uint8Array): ExpectedTx[] {
  const { cpfp, directFromCpfp, direct } = buildRefunds(node, INITIAL_TIMELOCK, owner, directNode);
  const nodeOut = output(parseTx(node, 'node tx'), 0, 'node tx');
  const txs: ExpectedTx[] = [{ role: 'refund', tx: cpfp, spent: nodeOut }];
  if (directNode !== undefined && direct !== undefined) {
    txs.push({ role: 'directRefund', tx: direct, spent: output(parseTx(directNode, 'direct node tx'), 0, 'direct node tx') });
  }
  txs.push({ role: 'directFromCpfpRefund', tx: directFromCpfp, spent: nodeOut });
  return txs;
}

/** Why `variant` does not apply to this leaf now, or undefined when it does. */
export function ineligibility(variant: RenewVariant, leaf: TreeNodeRow, parent: TreeNodeRow | undefined): string | undefined {
  const refund = timelockOf(hexToBytes(leaf.refund_tx), 'stored refund tx').timelock;
  const node = timelockOf(hexToBytes(leaf.node_tx), 'stored node tx').timelock;
  if (refund > RENEW_THRESHOLD) return `leaf ${leaf.id}: its refund timelock ${refund} is above ${RENEW_THRESHOLD}; it needs no renewal yet`;
  if (refund < TIME_LOCK_INTERVAL) return `leaf ${leaf.id}: its refund timelock ${refund} is below ${TIME_LOCK_INTERVAL}; too late to renew`;
  if (variant === 'zero' && node !== 0) return `leaf ${leaf.id}: zero-timelock renewal needs a node timelock of 0, it is ${node}`;
  if (variant === 'refund' && node - TIME_LOCK_INTERVAL < TIME_LOCK_INTERVAL) return `leaf ${leaf.id}: refund-timelock renewal lowers the node timelock ${node} by ${TIME_LOCK_INTERVAL}, which must leave at least ${TIME_LOCK_INTERVAL}`;
  if (variant === 'node' && node > RENEW_THRESHOLD) return `leaf ${leaf.id}: node-timelock renewal needs a node timelock of at most ${RENEW_THRESHOLD}, it is ${node}`;
  if (variant !== 'zero' && parent === undefined) return `leaf ${leaf.id} has no parent node; only a zero-timelock renewal applies to it`;
  return undefined;
}

/**
 * The transactions `variant` must consist of for this leaf (and its parent node, for the
 * refund and node variants). Throws FAILED_PRECONDITION when the variant does not apply.
 */
export function expectedRenewal(variant: RenewVariant, leaf: TreeNodeRow, parent: TreeNodeRow | undefined): ExpectedRenewal {
  const why = ineligibility(variant, leaf, parent);
  if (why !== undefined) throw failed(why);
  const verifying = hexToBytes(leaf.verifying_public_key);
  const owner = hexToBytes(leaf.owner_signing_public_key);
  if (variant === 'zero') {
    const pair = nodePair(hexToBytes(leaf.node_tx), verifying, 0);
    return {
      variant,
      txs: [
        { role: 'node', tx: pair.cpfp, spent: pair.spent },
        { role: 'directNode', tx: pair.direct, spent: pair.spent },
        // A zero node has no direct refund (spark-sdk: isZeroNode).
        ...refundTrio(pair.cpfp, undefined, owner),
      ],
    };
  }
  const parentTx = hexToBytes((parent as TreeNodeRow).node_tx);
  if (variant === 'refund') {
    const current = timelockOf(hexToBytes(leaf.node_tx), 'stored node tx').sequence;
    const sequence = (current & BIT_30) | ((current & 0xffff) - TIME_LOCK_INTERVAL);
    const pair = nodePair(parentTx, verifying, sequence);
    return {
      variant,
      txs: [
        { role: 'node', tx: pair.cpfp, spent: pair.spent },
        { role: 'directNode', tx: pair.direct, spent: pair.spent },
        ...refundTrio(pair.cpfp, pair.direct, owner),
      ],
    };
  }
  const split = nodePair(parentTx, verifying, 0);
  const pair = nodePair(split.cpfp, verifying, INITIAL_TIMELOCK);
  return {
    variant,
    txs: [
      { role: 'split', tx: split.cpfp, spent: split.spent },
      { role: 'directSplit', tx: split.direct, spent: split.spent },
      { role: 'node', tx: pair.cpfp, spent: pair.spent },
      { role: 'directNode', tx: pair.direct, spent: pair.spent },
      ...refundTrio(pair.cpfp, pair.direct, owner),
    ],
  };
}

/** Every renewal transaction this leaf may be asked to sign now, whatever the variant. */
export function anyExpectedTx(leaf: TreeNodeRow, parent: TreeNodeRow | undefined): ExpectedTx[] {
  return RENEW_VARIANTS.filter((v) => ineligibility(v, leaf, parent) === undefined).flatMap((v) => expectedRenewal(v, leaf, parent).txs);
}

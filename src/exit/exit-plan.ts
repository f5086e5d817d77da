/**
 * Which transactions a unilateral exit of one leaf broadcasts, in order (docs/transfers.md,
 * "Unilateral exit"): the node transactions from the root down, then one refund.
 *
 *  * `cpfp`: every node's zero-fee nodeTx and the zero-fee CPFP refund, each paid for by an
 *    anchor child.
 *  * `direct`: the fee-paying variants wherever they exist. Ancestors are always the CPFP nodeTx
 *    (a child node spends its parent's nodeTx output, never its directTx); the leaf's own node is
 *    its directTx when there is one, followed by the direct refund; otherwise the leaf's nodeTx
 *    (with its anchor child) followed by the direct-from-CPFP refund. A deposit leaf has no
 *    directTx (the SDK sends no signing job for a direct root), so its direct exit is
 *    nodeTx + anchor child, then the fee-paying direct-from-CPFP refund.
 */
import { ExitError } from './errors.js';
import type { ExitLeaf } from './exit-data.js';
import { anchorIndex, parseExitTx, type ExitTx } from './transactions.js';

export type ExitVariant = 'direct' | 'cpfp';

export interface ExitStep {
  /** e.g. "node 2/3 (nodeTx)", "refund (directFromCpfp)" */
  what: string;
  tx: ExitTx;
  /** Whether the step's transaction pays no fee and needs an anchor child. */
  needsAnchorChild: boolean;
  kind: 'node' | 'refund';
}

function step(what: string, hex: string, kind: 'node' | 'refund'): ExitStep {
  const tx = parseExitTx(hex, what);
  return { what, tx, kind, needsAnchorChild: anchorIndex(tx) !== undefined };
}

export function planLeafExit(leaf: ExitLeaf, variant: ExitVariant): ExitStep[] {
  const n = leaf.nodes.length;
  const steps: ExitStep[] = [];
  leaf.nodes.forEach((node, i) => {
    const isLeaf = i === n - 1;
    const useDirect = variant === 'direct' && isLeaf && node.directTx !== undefined && leaf.refunds.direct !== undefined;
    steps.push(step(`node ${i + 1}/${n} ${node.nodeId} (${useDirect ? 'directTx' : 'nodeTx'})`, useDirect ? (node.directTx as string) : node.nodeTx, 'node'));
  });
  const leafNode = leaf.nodes[n - 1];
  if (leafNode === undefined) throw new ExitError('MALFORMED_DATA', `leaf ${leaf.leafId} has no nodes`);
  if (variant === 'cpfp') {
    steps.push(step('refund (cpfp)', leaf.refunds.cpfp, 'refund'));
  } else if (leafNode.directTx !== undefined && leaf.refunds.direct !== undefined) {
    steps.push(step('refund (direct)', leaf.refunds.direct, 'refund'));
  } else if (leaf.refunds.directFromCpfp !== undefined) {
    steps.push(step('refund (directFromCpfp)', leaf.refunds.directFromCpfp, 'refund'));
  } else {
    throw new ExitError('VARIANT_UNAVAILABLE', `leaf ${leaf.leafId} has no fee-paying refund; use the cpfp variant`);
  }
  return steps;
}

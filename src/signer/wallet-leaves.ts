import type { SparkWallet } from '@buildonspark/spark-sdk';
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { nodesOf, pendingTransfersOf } from '../exit/wallet-source.js';
import type { ClearSigningOptions } from './ledger-signer.js';

/**
 * The leaf source clear signing needs, read from an unmodified SDK wallet: its own leaves (what
 * it sends, renews) and the leaves of its pending incoming transfers, with the intermediate
 * refunds as their refunds — the node a claim re-signs refunds of (docs/transfers.md, "Claim —
 * receiver").
 */
export function walletLeafSource(wallet: SparkWallet): ClearSigningOptions['leaves'] {
  return async (ids) => {
    const want = new Set(ids);
    // The coordinator's view is enough: the node transactions only pick which transaction is
    // sent; the device checks what it signs and the operators refuse anything else.
    const own = (await wallet.getLeaves(true)).filter((l) => want.has(l.id));
    if (own.length === want.size) return own;
    const incoming: TreeNode[] = [];
    for (const transfer of await pendingTransfersOf(wallet)) {
      for (const l of transfer.leaves) {
        if (l.leaf === undefined || !want.has(l.leaf.id)) continue;
        incoming.push({
          ...l.leaf,
          refundTx: l.intermediateRefundTx,
          directRefundTx: l.intermediateDirectRefundTx,
          directFromCpfpRefundTx: l.intermediateDirectFromCpfpRefundTx,
        });
      }
    }
    return [...own, ...incoming];
  };
}

/**
 * The parent nodes clear signing asks for when a leaf's transaction is not found from the leaf
 * alone: the refund- and node-timelock renewals (the SDK's renewRefundTxn, renewNodeTxn) spend
 * the parent node's output (docs/transfers.md, "Renewal"). Read from the coordinator, as the
 * SDK's leaf manager reads them.
 */
export function walletParentSource(wallet: SparkWallet): NonNullable<ClearSigningOptions['parents']> {
  return async (ids) => await nodesOf(wallet, [...new Set(ids)]);
}

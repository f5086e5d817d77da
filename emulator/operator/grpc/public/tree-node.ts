/** Stored tree node → spark.TreeNode as the SDK reads it (docs/sdk-wire.md, sections
 * "finalize_deposit_tree_creation" and "query_nodes and the balance"). */
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { hexToBytes } from '../../crypto.js';
import type { TreeNodeRow } from '../../db/repository.js';
import type { Keyshare } from '../../signing/keyshares.js';

/** spark.TreeNodeStatus, in enum order (SDK descriptor; names without the TREE_NODE_STATUS_ prefix). */
export const TREE_NODE_STATUSES = [
  'CREATING', 'AVAILABLE', 'FROZEN_BY_ISSUER', 'TRANSFER_LOCKED', 'SPLIT_LOCKED', 'SPLITTED', 'AGGREGATED',
  'ON_CHAIN', 'AGGREGATE_LOCK', 'EXITED', 'RENEW_LOCKED', 'UNAVAILABLE', 'PARENT_EXITED',
] as const;

export function statusName(n: number): string | undefined {
  return TREE_NODE_STATUSES[n];
}

/** Columns migration 005 added (renewals): read when the row carries them. */
interface RenewalColumns { parent_node_id?: string | null; direct_tx?: string; direct_refund_tx?: string }

export function toTreeNode(row: TreeNodeRow, key: Keyshare, operators: string[]): TreeNode {
  const renewal = row as TreeNodeRow & RenewalColumns;
  const status = TREE_NODE_STATUSES.indexOf(row.status as (typeof TREE_NODE_STATUSES)[number]);
  return {
    id: row.id,
    treeId: row.tree_id,
    value: row.value,
    parentNodeId: renewal.parent_node_id ?? undefined,
    nodeTx: hexToBytes(row.node_tx),
    refundTx: hexToBytes(row.refund_tx),
    vout: row.vout,
    verifyingPublicKey: hexToBytes(row.verifying_public_key),
    ownerIdentityPublicKey: hexToBytes(row.owner_identity_public_key),
    signingKeyshare: {
      ownerIdentifiers: operators,
      threshold: key.threshold,
      publicKey: key.groupKey,
      publicShares: key.publicShares,
      updatedTime: row.created_at,
    },
    status: row.status,
    network: row.network,
    createdTime: row.created_at,
    updatedTime: row.updated_at,
    ownerSigningPublicKey: hexToBytes(row.owner_signing_public_key),
    directTx: hexToBytes(renewal.direct_tx ?? ''),
    directRefundTx: hexToBytes(renewal.direct_refund_tx ?? ''),
    directFromCpfpRefundTx: hexToBytes(row.direct_from_cpfp_refund_tx),
    treenodeStatus: status < 0 ? 0 : status,
  } as TreeNode;
}

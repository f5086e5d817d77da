/**
 * Kind "tree_node": a tree node the coordinator stored (a claimed deposit's root), for every other
 * operator. The receiver checks it against its own copy of the deposit address (replicated, and
 * signed by it, when the address was made) before storing it.
 */
import type { Sql } from '../../db/database.js';
import type { Repository, TreeNodeRow } from '../../db/repository.js';
import { OperatorError } from '../../errors.js';
import { field, type RecordKind } from '../kinds.js';

export type TreeNodePayload = Omit<TreeNodeRow, 'created_at' | 'updated_at'>;

export const TREE_NODE = 'tree_node';

/** The record id of a node: one record per node id, so a second store of the same node is the same record. */
export const treeNodeRecordId = (nodeId: string): string => `${TREE_NODE}:${nodeId}`;

export function toTreeNodePayload(n: TreeNodePayload): TreeNodePayload {
  return {
    id: n.id, tree_id: n.tree_id, owner_identity_public_key: n.owner_identity_public_key, owner_signing_public_key: n.owner_signing_public_key,
    value: n.value, vout: n.vout, verifying_public_key: n.verifying_public_key, keyshare_id: n.keyshare_id, node_tx: n.node_tx,
    refund_tx: n.refund_tx, direct_from_cpfp_refund_tx: n.direct_from_cpfp_refund_tx, deposit_txid: n.deposit_txid,
    deposit_vout: n.deposit_vout, status: n.status, network: n.network,
  };
}

/** Checks a node against this operator's deposit address and stores it, in `tx`. */
export async function applyTreeNode(repo: Repository, tx: Sql, n: TreeNodePayload): Promise<void> {
  const addr = await repo.getDepositAddressByLeaf(n.id, tx);
  if (addr === undefined) throw new OperatorError('FAILED_PRECONDITION', `no deposit address for leaf ${n.id} on this operator`);
  if (addr.verifying_public_key !== n.verifying_public_key || addr.keyshare_id !== n.keyshare_id) {
    throw new OperatorError('INVALID_ARGUMENT', `node ${n.id} does not match its deposit address`);
  }
  const res = await repo.insertTreeNodeIn(tx, n, addr.address);
  if (res === 'conflict') throw new OperatorError('ALREADY_EXISTS', `a different node for leaf ${n.id} or its deposit is already stored`);
}

export function treeNodeKind(repo: Repository): RecordKind<TreeNodePayload> {
  return {
    name: TREE_NODE,
    decode(json: unknown): TreeNodePayload {
      const o = field.object(json);
      return {
        id: field.string(o, 'id'), tree_id: field.string(o, 'tree_id'),
        owner_identity_public_key: field.hex(o, 'owner_identity_public_key'), owner_signing_public_key: field.hex(o, 'owner_signing_public_key'),
        value: field.int(o, 'value'), vout: field.int(o, 'vout'), verifying_public_key: field.hex(o, 'verifying_public_key'),
        keyshare_id: field.string(o, 'keyshare_id'), node_tx: field.hex(o, 'node_tx'), refund_tx: field.hex(o, 'refund_tx'),
        direct_from_cpfp_refund_tx: field.hex(o, 'direct_from_cpfp_refund_tx'), deposit_txid: field.hex(o, 'deposit_txid'),
        deposit_vout: field.int(o, 'deposit_vout'), status: field.string(o, 'status'), network: field.int(o, 'network'),
      };
    },
    apply: (tx, n) => applyTreeNode(repo, tx, n),
  };
}

/** A claimed deposit's leaf, stored on the coordinator and replicated to every other operator. */
import type { Database } from '../db/database.js';
import type { Repository, TreeNodeRow } from '../db/repository.js';
import { TREE_NODE, toTreeNodePayload, treeNodeRecordId } from '../replication/kinds/tree-node.js';
import type { Replicator } from '../replication/replicator.js';

/**
 * Stores a node and, in the same transaction, records it for every peer; then delivers it at once
 * to the peers that are up (the others get it from the delivery loop).
 */
export async function storeNode(d: { db: Database; repo: Repository; replicator: Replicator }, n: Omit<TreeNodeRow, 'created_at' | 'updated_at'>, address: string): Promise<'stored' | 'exists' | 'conflict'> {
  const res = await d.db.transaction(async (tx) => {
    const r = await d.repo.insertTreeNodeIn(tx, n, address);
    if (r !== 'conflict') await d.replicator.record(tx, TREE_NODE, treeNodeRecordId(n.id), toTreeNodePayload(n));
    return r;
  });
  await d.replicator.deliverNow();
  return res;
}

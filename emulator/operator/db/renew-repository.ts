/**
 * Tree-node rows a renewal reads and writes (migration 005_renewals.sql): a leaf's parent chain,
 * the split node a renewal leaves behind, the leaf's new transactions.
 */
import type { Database, Sql } from './database.js';
import type { TreeNodeRow } from './repository.js';
import { CLAIMABLE } from './transfer-repository.js';

/** A tree node with the columns migration 005 added. */
export interface RenewableNodeRow extends TreeNodeRow {
  parent_node_id: string | null;
  direct_tx: string;
  direct_refund_tx: string;
}

/** The leaf's new transactions (hex, signed); `parentNodeId` set when the renewal made a split node. */
export interface RenewedLeaf {
  nodeTx: string;
  directTx: string;
  refundTx: string;
  directRefundTx: string;
  directFromCpfpRefundTx: string;
  parentNodeId: string | null;
}

export interface SplitNode {
  id: string;
  nodeTx: string;
  directTx: string;
  parentNodeId: string | null;
}

const norm = (r: RenewableNodeRow): RenewableNodeRow => ({
  ...r, value: Number(r.value), vout: Number(r.vout), deposit_vout: Number(r.deposit_vout), network: Number(r.network),
  created_at: new Date(r.created_at), updated_at: new Date(r.updated_at), parent_node_id: r.parent_node_id ?? null,
  direct_tx: r.direct_tx ?? '', direct_refund_tx: r.direct_refund_tx ?? '',
});

export class RenewRepository {
  constructor(readonly db: Database) {}

  async get(id: string, sql: Sql = this.db, forUpdate = false): Promise<RenewableNodeRow | undefined> {
    const rows = await sql.query<RenewableNodeRow>(`SELECT * FROM tree_nodes WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] === undefined ? undefined : norm(rows[0]);
  }

  /** The nodes above `id`, nearest first (the leaf itself excluded). */
  async ancestors(id: string, sql: Sql = this.db): Promise<RenewableNodeRow[]> {
    const rows = await sql.query<RenewableNodeRow>(
      `WITH RECURSIVE up AS (
         SELECT t.*, 0 AS depth FROM tree_nodes t WHERE t.id = (SELECT parent_node_id FROM tree_nodes WHERE id = $1)
         UNION ALL
         SELECT t.*, up.depth + 1 FROM tree_nodes t JOIN up ON t.id = up.parent_node_id WHERE up.depth < 1000
       ) SELECT * FROM up ORDER BY depth`,
      [id],
    );
    return rows.map((r) => {
      const { depth: _depth, ...row } = r as RenewableNodeRow & { depth: number };
      return norm(row as RenewableNodeRow);
    });
  }

  /**
   * True when `owner` may read `id` as part of its exit chain: it owns a node below `id`, or is
   * the receiver of a claimable transfer of one (its intermediate refunds pay its identity key,
   * so it exits through the same nodes before it has claimed).
   */
  async ownsDescendant(id: string, owner: string, sql: Sql = this.db): Promise<boolean> {
    const rows = await sql.query<{ id: string }>(
      `WITH RECURSIVE down AS (
         SELECT id, owner_identity_public_key, 0 AS depth FROM tree_nodes WHERE parent_node_id = $1
         UNION ALL
         SELECT t.id, t.owner_identity_public_key, down.depth + 1 FROM tree_nodes t JOIN down ON t.parent_node_id = down.id WHERE down.depth < 1000
       ) SELECT id FROM down WHERE owner_identity_public_key = $2
           OR EXISTS (SELECT 1 FROM transfer_leaves l JOIN transfers t ON t.id = l.transfer_id
                      WHERE l.leaf_id = down.id AND t.receiver_identity_public_key = $2 AND t.status = ANY($3::text[]))
         LIMIT 1`,
      [id, owner, [...CLAIMABLE]],
    );
    return rows.length > 0;
  }

  /** Stores a renewal in `sql`: the split node (if any) as a copy of the leaf's owner and key, then the leaf's new txs. */
  async applyRenewal(sql: Sql, leaf: RenewableNodeRow, split: SplitNode | undefined, renewed: RenewedLeaf): Promise<void> {
    if (split !== undefined) {
      await sql.execute(
        `INSERT INTO tree_nodes (id, tree_id, owner_identity_public_key, owner_signing_public_key, value, vout, verifying_public_key,
           keyshare_id, node_tx, refund_tx, direct_from_cpfp_refund_tx, deposit_txid, deposit_vout, status, network,
           parent_node_id, direct_tx, direct_refund_tx)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'','',$10,$11,'SPLIT_LOCKED',$12,$13,$14,'')`,
        [split.id, leaf.tree_id, leaf.owner_identity_public_key, leaf.owner_signing_public_key, leaf.value, leaf.vout, leaf.verifying_public_key,
          leaf.keyshare_id, split.nodeTx, leaf.deposit_txid, leaf.deposit_vout, leaf.network, split.parentNodeId, split.directTx],
      );
    }
    await sql.execute(
      `UPDATE tree_nodes SET node_tx = $2, direct_tx = $3, refund_tx = $4, direct_refund_tx = $5, direct_from_cpfp_refund_tx = $6,
         parent_node_id = $7, updated_at = now() WHERE id = $1`,
      [leaf.id, renewed.nodeTx, renewed.directTx, renewed.refundTx, renewed.directRefundTx, renewed.directFromCpfpRefundTx, renewed.parentNodeId],
    );
  }
}

-- Renewals (renew_leaf, docs/transfers.md, section "Renewal"). A renewal can give a leaf a parent
-- node: the node whose transaction the leaf's new node tx spends (a "split node", status
-- SPLIT_LOCKED, kept for the exit chain). Renewed nodes also carry their direct (fee-paying) node
-- tx and, when not a zero node, a direct refund.
ALTER TABLE tree_nodes ADD COLUMN parent_node_id text REFERENCES tree_nodes (id);
ALTER TABLE tree_nodes ADD COLUMN direct_tx text NOT NULL DEFAULT '';
ALTER TABLE tree_nodes ADD COLUMN direct_refund_tx text NOT NULL DEFAULT '';
CREATE INDEX tree_nodes_parent ON tree_nodes (parent_node_id);

-- A deposit has exactly one leaf; the split nodes renewals leave behind share its deposit outpoint.
DROP INDEX tree_nodes_deposit;
CREATE UNIQUE INDEX tree_nodes_deposit ON tree_nodes (deposit_txid, deposit_vout) WHERE status <> 'SPLIT_LOCKED';

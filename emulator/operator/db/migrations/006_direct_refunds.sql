-- Transfers and claims of a leaf with a direct node tx that is not a zero node (a leaf renewed
-- with the refund- or node-timelock variant) carry a third refund, the direct refund, spending the
-- leaf's direct node tx (docs/transfers.md, section "Refunds the sender signs"). Empty for every
-- other leaf, as in the rows written before this migration.
ALTER TABLE transfer_leaves ADD COLUMN previous_direct_refund_tx text NOT NULL DEFAULT '';
ALTER TABLE transfer_leaves ADD COLUMN intermediate_direct_refund_tx text NOT NULL DEFAULT '';
ALTER TABLE transfer_leaves ADD COLUMN claim_direct_refund_tx text;

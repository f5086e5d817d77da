-- Cooperative exits (cooperative_exit_v2, docs/transfers.md, section "Cooperative exit"): a
-- transfers row of type COOPERATIVE_EXIT carries the L1 exit transaction's id (display-order hex)
-- and the SSP's connector transaction (unsigned hex), whose outputs the refunds spend as their
-- second input. exit_confirmation_height is the height of the block that first holds the exit
-- transaction, set by this operator's chain watcher when it applies the sender's key tweak; the
-- receiver may claim once the exit has 6 confirmations. NULL for every other transfer.
ALTER TABLE transfers ADD COLUMN exit_txid text;
ALTER TABLE transfers ADD COLUMN connector_tx text;
ALTER TABLE transfers ADD COLUMN exit_confirmation_height integer;
CREATE INDEX transfers_exits ON transfers (status) WHERE exit_txid IS NOT NULL;

-- Transfers of leaves between wallets (docs/transfers.md), on every operator. status is a
-- spark.TransferStatus name without its TRANSFER_STATUS_ prefix; the machine follows upstream's
-- (so/handler/transfer_handler.go): SENDER_INITIATED_COORDINATOR (coordinator) or
-- SENDER_KEY_TWEAK_PENDING (others) once prepared, SENDER_KEY_TWEAKED once the sender's tweak is
-- applied, RECEIVER_KEY_TWEAK_LOCKED once a claim is prepared, COMPLETED, or RETURNED.
CREATE TABLE transfers (
  id text PRIMARY KEY,
  sender_identity_public_key text NOT NULL,
  receiver_identity_public_key text NOT NULL,
  status text NOT NULL,
  type text NOT NULL,
  total_value bigint NOT NULL,
  network integer NOT NULL,
  expiry_time timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transfers_receiver ON transfers (receiver_identity_public_key, status, created_at);
CREATE INDEX transfers_sender ON transfers (sender_identity_public_key, status, created_at);

-- One row per leaf of a transfer. Transactions are hex; the refunds are first stored unsigned
-- (as validated at prepare) and replaced by their signed bytes at commit. Key tweaks are this
-- operator's own share of the sender's (then the receiver's) tweak; the tweaked keyshare is
-- prepared as a new signing_keyshares row and only becomes the leaf's key at commit.
CREATE TABLE transfer_leaves (
  transfer_id text NOT NULL REFERENCES transfers (id),
  leaf_id text NOT NULL REFERENCES tree_nodes (id),
  position integer NOT NULL,
  previous_refund_tx text NOT NULL,
  previous_direct_from_cpfp_refund_tx text NOT NULL,
  previous_keyshare_id text NOT NULL REFERENCES signing_keyshares (id),
  intermediate_refund_tx text NOT NULL,
  intermediate_direct_from_cpfp_refund_tx text NOT NULL,
  secret_cipher text NOT NULL,
  signature text NOT NULL,
  sender_keyshare_id text NOT NULL REFERENCES signing_keyshares (id),
  sender_tweak_digest text NOT NULL,
  claim_keyshare_id text REFERENCES signing_keyshares (id),
  claim_tweak_digest text,
  claim_owner_signing_public_key text,
  claim_refund_tx text,
  claim_direct_from_cpfp_refund_tx text,
  PRIMARY KEY (transfer_id, leaf_id)
);
CREATE INDEX transfer_leaves_leaf ON transfer_leaves (leaf_id);

-- A leaf's key moves to a new keyshare row at each tweak: look nodes up by their key.
CREATE INDEX tree_nodes_keyshare ON tree_nodes (keyshare_id);

-- The coordinator's decisions (commit, claim commit, abort) reach the other operators as
-- replication records (kind transfer_decision) in replication_outbox, migration 002.

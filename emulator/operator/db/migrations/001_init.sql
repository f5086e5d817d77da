-- Keys from the batched Pedersen DKG: this operator's share of each key, the group key and
-- every operator's public share. status: AVAILABLE (in the pool) or IN_USE (bound to a deposit).
CREATE TABLE signing_keyshares (
  id text PRIMARY KEY,
  batch_id text NOT NULL,
  threshold integer NOT NULL,
  secret_share text NOT NULL,
  public_key text NOT NULL,
  public_shares text NOT NULL,
  status text NOT NULL DEFAULT 'AVAILABLE',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signing_keyshares_status ON signing_keyshares (status, id);

-- Single-use deposit addresses, replicated to every operator.
CREATE TABLE deposit_addresses (
  address text PRIMARY KEY,
  leaf_id text NOT NULL UNIQUE,
  identity_public_key text NOT NULL,
  user_signing_public_key text NOT NULL,
  verifying_public_key text NOT NULL,
  keyshare_id text NOT NULL UNIQUE REFERENCES signing_keyshares (id),
  network integer NOT NULL,
  proof_of_possession text NOT NULL,
  address_signatures text NOT NULL,
  used boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deposit_addresses_owner ON deposit_addresses (identity_public_key, used, created_at);

-- Tree nodes (deposit roots so far), replicated to every operator.
CREATE TABLE tree_nodes (
  id text PRIMARY KEY,
  tree_id text NOT NULL,
  owner_identity_public_key text NOT NULL,
  owner_signing_public_key text NOT NULL,
  value bigint NOT NULL,
  vout integer NOT NULL,
  verifying_public_key text NOT NULL,
  keyshare_id text NOT NULL REFERENCES signing_keyshares (id),
  node_tx text NOT NULL,
  refund_tx text NOT NULL,
  direct_from_cpfp_refund_tx text NOT NULL,
  deposit_txid text NOT NULL,
  deposit_vout integer NOT NULL,
  status text NOT NULL,
  network integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tree_nodes_owner ON tree_nodes (owner_identity_public_key, status, created_at);
CREATE UNIQUE INDEX tree_nodes_deposit ON tree_nodes (deposit_txid, deposit_vout);

-- Authentication challenge nonces already redeemed (single use, kept until they expire).
CREATE TABLE used_challenge_nonces (
  nonce text PRIMARY KEY,
  expires_at bigint NOT NULL
);

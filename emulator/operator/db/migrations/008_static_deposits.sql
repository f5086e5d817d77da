-- Static deposit addresses (docs/ssp.md, section "Static deposits"): one reusable address per
-- identity and network, made like a single-use one. Its deposits become leaves only through a
-- UTXO swap with the service provider.
ALTER TABLE deposit_addresses ADD COLUMN is_static boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX deposit_addresses_static ON deposit_addresses (identity_public_key, network) WHERE is_static;

-- Each deposit output of a static address is claimed (kind 'claim': the transfer paying its owner)
-- or refunded (kind 'refund': the owner's own spend, spend_sighash) once. Replicated from the
-- coordinator to every operator; an operator signs a spend of the output only against this row.
CREATE TABLE utxo_swaps (
  txid text NOT NULL,
  vout integer NOT NULL,
  kind text NOT NULL,
  address text NOT NULL REFERENCES deposit_addresses (address),
  owner_identity_public_key text NOT NULL,
  transfer_id text NOT NULL,
  credit_amount_sats bigint NOT NULL,
  spend_sighash text NOT NULL,
  user_signature text NOT NULL,
  ssp_signature text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (txid, vout)
);

-- Durable replication between operators (emulator/operator/replication/). A state change that
-- peers must apply writes one outbox row per peer IN THE SAME TRANSACTION as the change, so what
-- was answered to a wallet is never lost by a crash; rows stay until the peer acknowledges.
CREATE TABLE replication_outbox (
  record_id text NOT NULL,
  peer text NOT NULL,
  kind text NOT NULL,
  payload text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  seq bigserial NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  delivered_at timestamptz,
  PRIMARY KEY (record_id, peer)
);
CREATE INDEX replication_outbox_pending ON replication_outbox (peer, seq) WHERE delivered_at IS NULL;

-- Records this operator has applied, by id: a redelivery of the same record changes nothing.
CREATE TABLE replication_applied (
  record_id text PRIMARY KEY,
  kind text NOT NULL,
  origin text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- DKG batches. A batch's keys are stored PENDING at finalize and become AVAILABLE only when the
-- coordinator has seen every operator derive the same keys (dkg_commit). A batch a crash left
-- half-finished is then found here and settled the same way on every operator at start-up.
CREATE TABLE dkg_batches (
  batch_id text PRIMARY KEY,
  key_count integer NOT NULL,
  digest text NOT NULL,
  committed boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

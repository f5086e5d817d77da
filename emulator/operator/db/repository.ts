/**
 * The operator's rows, with the same SQL on PGlite and PostgreSQL. Bytes are hex text.
 */
import { bytesToHex, hexToBytes } from '../crypto.js';
import type { UnusedDepositAddress } from '../deposit/deposit-service.js';
import type { Keyshare } from '../signing/keyshares.js';
import type { Database, Sql } from './database.js';

export interface KeyshareRow {
  id: string;
  batch_id: string;
  threshold: number;
  /** hex scalar: this operator's share */
  secret_share: string;
  /** hex point: the group key of this DKG key */
  public_key: string;
  /** JSON {identifier: hex point} */
  public_shares: string;
  status: 'PENDING' | 'AVAILABLE' | 'IN_USE' | 'RETIRED';
}

/** What a DKG key share is made of, before it is stored. */
export interface NewKeyshare {
  id: string;
  batchId: string;
  threshold: number;
  secretShare: Uint8Array;
  groupKey: Uint8Array;
  /** identifier → 33-byte public share */
  publicShares: Record<string, Uint8Array>;
}

/** The row of a new key share (its public shares as JSON of hex points). */
export function keyshareToRow(k: NewKeyshare): Omit<KeyshareRow, 'status'> {
  return {
    id: k.id, batch_id: k.batchId, threshold: k.threshold, secret_share: bytesToHex(k.secretShare), public_key: bytesToHex(k.groupKey),
    public_shares: JSON.stringify(Object.fromEntries(Object.entries(k.publicShares).map(([i, p]) => [i, bytesToHex(p)]))),
  };
}

/** A stored key share as the signing code uses it. */
export function keyshareFromRow(row: KeyshareRow): Keyshare {
  const publicShares = JSON.parse(row.public_shares) as Record<string, string>;
  return {
    id: row.id,
    threshold: Number(row.threshold),
    secretShare: hexToBytes(row.secret_share),
    groupKey: hexToBytes(row.public_key),
    publicShares: Object.fromEntries(Object.entries(publicShares).map(([i, h]) => [i, hexToBytes(h)])),
  };
}

export interface DepositAddressRow {
  address: string;
  leaf_id: string;
  identity_public_key: string;
  user_signing_public_key: string;
  verifying_public_key: string;
  keyshare_id: string;
  network: number;
  proof_of_possession: string;
  /** JSON {identifier: hex DER} (filled on the coordinator) */
  address_signatures: string;
  used: boolean;
  /** a static deposit address (docs/ssp.md, section "Static deposits") */
  is_static: boolean;
}

export interface TreeNodeRow {
  id: string;
  tree_id: string;
  owner_identity_public_key: string;
  owner_signing_public_key: string;
  value: number;
  vout: number;
  verifying_public_key: string;
  keyshare_id: string;
  node_tx: string;
  refund_tx: string;
  direct_from_cpfp_refund_tx: string;
  deposit_txid: string;
  deposit_vout: number;
  status: string;
  network: number;
  created_at: Date;
  updated_at: Date;
}

const num = (v: unknown): number => Number(v);

function normNode(r: TreeNodeRow): TreeNodeRow {
  return { ...r, value: num(r.value), vout: num(r.vout), deposit_vout: num(r.deposit_vout), network: num(r.network),
    created_at: new Date(r.created_at), updated_at: new Date(r.updated_at) };
}

function unusedAddressFromRow(r: DepositAddressRow): UnusedDepositAddress {
  const signatures = JSON.parse(r.address_signatures) as Record<string, string>;
  return {
    address: r.address,
    leafId: r.leaf_id,
    userSigningPublicKey: hexToBytes(r.user_signing_public_key),
    verifyingKey: hexToBytes(r.verifying_public_key),
    addressSignatures: Object.fromEntries(Object.entries(signatures).map(([id, der]) => [id, hexToBytes(der)])),
    proofOfPossession: hexToBytes(r.proof_of_possession),
    isStatic: r.is_static,
  };
}

export class Repository {
  constructor(readonly db: Database) {}

  // ---- keyshares ----
  async insertKeyshares(rows: Omit<KeyshareRow, 'status'>[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const r of rows) {
        await tx.execute(
          `INSERT INTO signing_keyshares (id, batch_id, threshold, secret_share, public_key, public_shares)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
          [r.id, r.batch_id, r.threshold, r.secret_share, r.public_key, r.public_shares],
        );
      }
    });
  }

  /** A DKG batch's keys, stored PENDING (unusable) until the batch is committed on every operator. */
  async insertPendingBatch(batchId: string, digest: string, rows: Omit<KeyshareRow, 'status'>[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute('INSERT INTO dkg_batches (batch_id, key_count, digest) VALUES ($1, $2, $3)', [batchId, rows.length, digest]);
      for (const r of rows) {
        await tx.execute(
          `INSERT INTO signing_keyshares (id, batch_id, threshold, secret_share, public_key, public_shares, status)
           VALUES ($1, $2, $3, $4, $5, $6, 'PENDING')`,
          [r.id, r.batch_id, r.threshold, r.secret_share, r.public_key, r.public_shares],
        );
      }
    });
  }

  /** Makes a batch's keys AVAILABLE. False if the batch is unknown here. */
  async commitBatch(batchId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const found = await tx.execute('UPDATE dkg_batches SET committed = true WHERE batch_id = $1', [batchId]);
      if (found === 0) return false;
      await tx.execute("UPDATE signing_keyshares SET status = 'AVAILABLE' WHERE batch_id = $1 AND status = 'PENDING'", [batchId]);
      return true;
    });
  }

  /** Deletes an uncommitted batch and its keys. Refuses a committed one (its keys may be in use). */
  async discardBatch(batchId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const batch = await tx.query<{ committed: boolean }>('SELECT committed FROM dkg_batches WHERE batch_id = $1 FOR UPDATE', [batchId]);
      if (batch[0]?.committed === true) throw new Error(`DKG batch ${batchId} is committed; it cannot be discarded`);
      await tx.execute("DELETE FROM signing_keyshares WHERE batch_id = $1 AND status = 'PENDING'", [batchId]);
      await tx.execute('DELETE FROM dkg_batches WHERE batch_id = $1', [batchId]);
    });
  }

  async listBatches(): Promise<{ batch_id: string; digest: string; key_count: number; committed: boolean }[]> {
    const rows = await this.db.query<{ batch_id: string; digest: string; key_count: number; committed: boolean }>('SELECT batch_id, digest, key_count, committed FROM dkg_batches ORDER BY created_at, batch_id');
    return rows.map((r) => ({ ...r, key_count: Number(r.key_count), committed: r.committed === true || String(r.committed) === 'true' }));
  }

  async getKeyshare(id: string, sql: Sql = this.db): Promise<KeyshareRow | undefined> {
    const rows = await sql.query<KeyshareRow>('SELECT * FROM signing_keyshares WHERE id = $1', [id]);
    return rows[0];
  }

  async getKeyshares(ids: readonly string[]): Promise<KeyshareRow[]> {
    return this.db.query<KeyshareRow>('SELECT * FROM signing_keyshares WHERE id = ANY($1::text[])', [[...ids]]);
  }

  async countAvailableKeyshares(): Promise<number> {
    const rows = await this.db.query<{ n: string | number }>("SELECT count(*) AS n FROM signing_keyshares WHERE status = 'AVAILABLE'");
    return num(rows[0]?.n ?? 0);
  }

  async firstKeyshare(): Promise<KeyshareRow | undefined> {
    return (await this.db.query<KeyshareRow>("SELECT * FROM signing_keyshares WHERE status <> 'PENDING' ORDER BY created_at, id LIMIT 1"))[0];
  }

  /** Takes one AVAILABLE key out of the pool (marks it IN_USE). Coordinator only. */
  async takeKeyshare(): Promise<KeyshareRow | undefined> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<KeyshareRow>(
        "SELECT * FROM signing_keyshares WHERE status = 'AVAILABLE' ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      await tx.execute("UPDATE signing_keyshares SET status = 'IN_USE' WHERE id = $1", [row.id]);
      return { ...row, status: 'IN_USE' };
    });
  }

  /**
   * Takes a key out of use for good on this operator: a deposit-address request that failed after
   * the coordinator took the key. Any address a peer bound to it before the failure is removed
   * (no wallet was ever given it, and a key with a tree node is never retired).
   */
  async retireKeyshareIn(tx: Sql, keyshareId: string): Promise<void> {
    // The key row is locked first, as insertDepositAddress locks it before binding. A peer can be
    // binding this key (a store_deposit_address of the failed request still in flight) while the
    // retirement arrives: without the lock first, the DELETE below would run before that binding
    // commits and miss it, and the key would end RETIRED with an address (and its leaf) still
    // bound. With it, whichever comes second sees the first one's commit: a binding after the
    // retirement finds the key RETIRED; a retirement after the binding deletes it (a READ
    // COMMITTED statement sees what committed before it started).
    await tx.query('SELECT id FROM signing_keyshares WHERE id = $1 FOR UPDATE', [keyshareId]);
    const node = await tx.query<{ id: string }>('SELECT id FROM tree_nodes WHERE keyshare_id = $1', [keyshareId]);
    if (node.length > 0) throw new Error(`key ${keyshareId} backs tree node ${node[0]?.id ?? ''}; it cannot be retired`);
    await tx.execute('DELETE FROM deposit_addresses WHERE keyshare_id = $1', [keyshareId]);
    await tx.execute("UPDATE signing_keyshares SET status = 'RETIRED' WHERE id = $1", [keyshareId]);
  }

  /** Keys taken from the pool (IN_USE) that no deposit address holds: left by a request cut short by a crash. Coordinator only. */
  async listAbandonedKeyshares(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      "SELECT id FROM signing_keyshares k WHERE status = 'IN_USE' AND NOT EXISTS (SELECT 1 FROM deposit_addresses d WHERE d.keyshare_id = k.id) ORDER BY id",
    );
    return rows.map((r) => r.id);
  }

  // ---- deposit addresses ----
  /** Stores the address and binds its key. False if the key is unknown or already bound elsewhere. */
  async insertDepositAddress(r: Omit<DepositAddressRow, 'used' | 'is_static'> & { is_static?: boolean }): Promise<'stored' | 'exists' | 'key-unavailable'> {
    return this.db.transaction(async (tx) => {
      const existing = await tx.query<DepositAddressRow>('SELECT * FROM deposit_addresses WHERE address = $1', [r.address]);
      if (existing[0] !== undefined) return existing[0].keyshare_id === r.keyshare_id && existing[0].leaf_id === r.leaf_id ? 'exists' : 'key-unavailable';
      const key = await tx.query<KeyshareRow>('SELECT * FROM signing_keyshares WHERE id = $1 FOR UPDATE', [r.keyshare_id]);
      if (key[0] === undefined || key[0].status === 'RETIRED') return 'key-unavailable';
      const bound = await tx.query<{ address: string }>('SELECT address FROM deposit_addresses WHERE keyshare_id = $1 OR leaf_id = $2', [r.keyshare_id, r.leaf_id]);
      if (bound.length > 0) return 'key-unavailable';
      await tx.execute("UPDATE signing_keyshares SET status = 'IN_USE' WHERE id = $1", [r.keyshare_id]);
      await tx.execute(
        `INSERT INTO deposit_addresses (address, leaf_id, identity_public_key, user_signing_public_key, verifying_public_key,
           keyshare_id, network, proof_of_possession, address_signatures, is_static) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
        [r.address, r.leaf_id, r.identity_public_key, r.user_signing_public_key, r.verifying_public_key, r.keyshare_id, r.network,
          r.proof_of_possession, r.address_signatures, r.is_static === true],
      );
      return 'stored';
    });
  }

  async getDepositAddressByKeyshare(keyshareId: string): Promise<DepositAddressRow | undefined> {
    return (await this.db.query<DepositAddressRow>('SELECT * FROM deposit_addresses WHERE keyshare_id = $1', [keyshareId]))[0];
  }

  /**
   * The verifying key a DKG key may sign wallet jobs for: its unspent deposit address's (before
   * the tree exists), or the AVAILABLE leaf that holds it now. A key a leaf moved away from (by a
   * transfer's tweak) is bound to nothing: its old owner can no longer sign with it.
   */
  async boundVerifyingKey(keyshareId: string): Promise<string | undefined> {
    const rows = await this.db.query<{ verifying_public_key: string }>(
      `SELECT verifying_public_key FROM tree_nodes WHERE keyshare_id = $1 AND status = 'AVAILABLE'
       UNION ALL
       SELECT a.verifying_public_key FROM deposit_addresses a
        WHERE a.keyshare_id = $1 AND NOT EXISTS (SELECT 1 FROM tree_nodes n WHERE n.id = a.leaf_id)`,
      [keyshareId],
    );
    return rows[0]?.verifying_public_key;
  }

  async getDepositAddressByLeaf(leafId: string, sql: Sql = this.db): Promise<DepositAddressRow | undefined> {
    return (await sql.query<DepositAddressRow>('SELECT * FROM deposit_addresses WHERE leaf_id = $1', [leafId]))[0];
  }

  async getDepositAddress(address: string): Promise<DepositAddressRow | undefined> {
    return (await this.db.query<DepositAddressRow>('SELECT * FROM deposit_addresses WHERE address = $1', [address]))[0];
  }

  async listUnusedDepositAddresses(identity: string, network: number, limit: number, offset: number): Promise<UnusedDepositAddress[]> {
    const rows = await this.db.query<DepositAddressRow>(
      `SELECT * FROM deposit_addresses WHERE identity_public_key = $1 AND network = $2 AND NOT used AND NOT is_static
       ORDER BY created_at, address LIMIT $3 OFFSET $4`,
      [identity, network, limit, offset],
    );
    return rows.map(unusedAddressFromRow);
  }

  /** The identity's static deposit address on `network`, if it has one (at most one). */
  async getStaticDepositAddress(identity: string, network: number): Promise<UnusedDepositAddress | undefined> {
    const row = (await this.db.query<DepositAddressRow>('SELECT * FROM deposit_addresses WHERE identity_public_key = $1 AND network = $2 AND is_static', [identity, network]))[0];
    return row === undefined ? undefined : unusedAddressFromRow(row);
  }

  // ---- tree nodes ----
  /** Inserts a node and marks its address used, atomically. 'exists' when the same node is there. */
  async insertTreeNode(n: Omit<TreeNodeRow, 'created_at' | 'updated_at'>, depositAddress: string): Promise<'stored' | 'exists' | 'conflict'> {
    return this.db.transaction((tx) => this.insertTreeNodeIn(tx, n, depositAddress));
  }

  /** insertTreeNode inside the caller's transaction (which may also record the node for replication). */
  async insertTreeNodeIn(tx: Sql, n: Omit<TreeNodeRow, 'created_at' | 'updated_at'>, depositAddress: string): Promise<'stored' | 'exists' | 'conflict'> {
    {
      const same = await tx.query<TreeNodeRow>('SELECT * FROM tree_nodes WHERE id = $1 OR (deposit_txid = $2 AND deposit_vout = $3)',
        [n.id, n.deposit_txid, n.deposit_vout]);
      if (same[0] !== undefined) return same[0].id === n.id && same[0].node_tx === n.node_tx ? 'exists' : 'conflict';
      await tx.execute(
        `INSERT INTO tree_nodes (id, tree_id, owner_identity_public_key, owner_signing_public_key, value, vout, verifying_public_key,
           keyshare_id, node_tx, refund_tx, direct_from_cpfp_refund_tx, deposit_txid, deposit_vout, status, network)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
        [n.id, n.tree_id, n.owner_identity_public_key, n.owner_signing_public_key, n.value, n.vout, n.verifying_public_key,
          n.keyshare_id, n.node_tx, n.refund_tx, n.direct_from_cpfp_refund_tx, n.deposit_txid, n.deposit_vout, n.status, n.network],
      );
      await tx.execute('UPDATE deposit_addresses SET used = true WHERE address = $1', [depositAddress]);
      return 'stored';
    }
  }

  async getTreeNode(id: string): Promise<TreeNodeRow | undefined> {
    const rows = await this.db.query<TreeNodeRow>('SELECT * FROM tree_nodes WHERE id = $1', [id]);
    return rows[0] === undefined ? undefined : normNode(rows[0]);
  }

  async listTreeNodesByOwner(owner: string, statuses: string[], network: number | undefined, limit: number, offset: number): Promise<TreeNodeRow[]> {
    const rows = await this.db.query<TreeNodeRow>(
      `SELECT * FROM tree_nodes WHERE owner_identity_public_key = $1
         AND (cardinality($2::text[]) = 0 OR status = ANY($2::text[]))
         AND ($3::int IS NULL OR network = $3::int)
       ORDER BY created_at, id LIMIT $4 OFFSET $5`,
      [owner, statuses, network ?? null, limit, offset],
    );
    return rows.map(normNode);
  }

  async listTreeNodesByIds(ids: string[], statuses: string[]): Promise<TreeNodeRow[]> {
    const rows = await this.db.query<TreeNodeRow>(
      'SELECT * FROM tree_nodes WHERE id = ANY($1::text[]) AND (cardinality($2::text[]) = 0 OR status = ANY($2::text[])) ORDER BY created_at, id',
      [ids, statuses],
    );
    return rows.map(normNode);
  }

  async listTreeNodesWithStatus(status: string): Promise<TreeNodeRow[]> {
    return (await this.db.query<TreeNodeRow>('SELECT * FROM tree_nodes WHERE status = $1 ORDER BY created_at', [status])).map(normNode);
  }

  async setTreeNodeStatus(id: string, from: string, to: string): Promise<boolean> {
    return (await this.db.execute('UPDATE tree_nodes SET status = $3, updated_at = now() WHERE id = $1 AND status = $2', [id, from, to])) === 1;
  }
}

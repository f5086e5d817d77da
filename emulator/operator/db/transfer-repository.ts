/**
 * Transfer rows (migration 003) and the tree-node and keyshare writes a transfer makes, with one
 * mapping between rows and records. Every write takes the `Sql` of the caller's transaction, so
 * a prepare, a commit or an abort is one transaction on this operator.
 */
import type { Database, Sql } from './database.js';
import type { TreeNodeRow } from './repository.js';
import { hexToBytes } from '../crypto.js';

/** spark.TransferStatus names (without the TRANSFER_STATUS_ prefix), in enum order. */
export const TRANSFER_STATUSES = [
  'SENDER_INITIATED', 'SENDER_KEY_TWEAK_PENDING', 'SENDER_KEY_TWEAKED', 'RECEIVER_KEY_TWEAKED', 'RECEIVER_REFUND_SIGNED',
  'COMPLETED', 'EXPIRED', 'RETURNED', 'SENDER_INITIATED_COORDINATOR', 'RECEIVER_KEY_TWEAK_LOCKED',
  'RECEIVER_KEY_TWEAK_APPLIED', 'APPLYING_SENDER_KEY_TWEAK',
] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

/** What a receiver may claim (upstream validateClaimStatus). */
export const CLAIMABLE: readonly TransferStatus[] = ['SENDER_KEY_TWEAKED', 'RECEIVER_KEY_TWEAKED', 'RECEIVER_KEY_TWEAK_LOCKED', 'RECEIVER_KEY_TWEAK_APPLIED', 'RECEIVER_REFUND_SIGNED'];
/** Prepared on this operator, not yet decided. */
export const SENDER_PREPARED: readonly TransferStatus[] = ['SENDER_INITIATED_COORDINATOR', 'SENDER_KEY_TWEAK_PENDING'];

export interface TransferLeafRecord {
  leafId: string;
  position: number;
  /** the leaf's signed refunds and key before this transfer (hex / keyshare id) */
  previousRefundTx: string;
  previousDirectFromCpfpRefundTx: string;
  previousKeyshareId: string;
  /** refunds to the receiver's identity: unsigned after prepare, signed after commit */
  intermediateRefundTx: string;
  intermediateDirectFromCpfpRefundTx: string;
  secretCipher: string;
  signature: string;
  senderKeyshareId: string;
  senderTweakDigest: string;
  claim: {
    keyshareId: string;
    tweakDigest: string;
    ownerSigningPublicKey: string;
    refundTx: string;
    directFromCpfpRefundTx: string;
  } | undefined;
}

/** spark.TransferType names this network creates: transfers, and the two legs of a swap. */
export type TransferType = 'TRANSFER' | 'PRIMARY_SWAP_V3' | 'COUNTER_SWAP_V3';

export interface TransferRecord {
  id: string;
  sender: string;
  receiver: string;
  status: TransferStatus;
  type: TransferType;
  /** a swap's primary transfer: the wallet's adaptor point (hex) */
  adaptorPublicKey?: string;
  totalValue: number;
  network: number;
  expiryTime: Date | undefined;
  createdAt: Date;
  updatedAt: Date;
  leaves: TransferLeafRecord[];
}

export interface TransferQuery {
  participant: { role: 'receiver' | 'sender' | 'either'; identity: string };
  ids: string[];
  statuses: TransferStatus[];
  network: number | undefined;
  createdAfter: Date | undefined;
  createdBefore: Date | undefined;
  ascending: boolean;
  limit: number;
  offset: number;
  /** sender-side pending: only those whose expiry has passed (upstream queryTransfers) */
  expiredBefore: Date | undefined;
}

interface TransferRow {
  id: string;
  sender_identity_public_key: string;
  receiver_identity_public_key: string;
  status: string;
  type: string;
  total_value: string | number;
  network: string | number;
  expiry_time: Date | string | null;
  adaptor_public_key?: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

interface TransferLeafRow {
  transfer_id: string;
  leaf_id: string;
  position: number | string;
  previous_refund_tx: string;
  previous_direct_from_cpfp_refund_tx: string;
  previous_keyshare_id: string;
  intermediate_refund_tx: string;
  intermediate_direct_from_cpfp_refund_tx: string;
  secret_cipher: string;
  signature: string;
  sender_keyshare_id: string;
  sender_tweak_digest: string;
  claim_keyshare_id: string | null;
  claim_tweak_digest: string | null;
  claim_owner_signing_public_key: string | null;
  claim_refund_tx: string | null;
  claim_direct_from_cpfp_refund_tx: string | null;
}

function toLeaf(r: TransferLeafRow): TransferLeafRecord {
  return {
    leafId: r.leaf_id,
    position: Number(r.position),
    previousRefundTx: r.previous_refund_tx,
    previousDirectFromCpfpRefundTx: r.previous_direct_from_cpfp_refund_tx,
    previousKeyshareId: r.previous_keyshare_id,
    intermediateRefundTx: r.intermediate_refund_tx,
    intermediateDirectFromCpfpRefundTx: r.intermediate_direct_from_cpfp_refund_tx,
    secretCipher: r.secret_cipher,
    signature: r.signature,
    senderKeyshareId: r.sender_keyshare_id,
    senderTweakDigest: r.sender_tweak_digest,
    claim: r.claim_keyshare_id === null ? undefined : {
      keyshareId: r.claim_keyshare_id,
      tweakDigest: r.claim_tweak_digest ?? '',
      ownerSigningPublicKey: r.claim_owner_signing_public_key ?? '',
      refundTx: r.claim_refund_tx ?? '',
      directFromCpfpRefundTx: r.claim_direct_from_cpfp_refund_tx ?? '',
    },
  };
}

function toTransfer(r: TransferRow, leaves: TransferLeafRecord[]): TransferRecord {
  return {
    id: r.id,
    sender: r.sender_identity_public_key,
    receiver: r.receiver_identity_public_key,
    status: r.status as TransferStatus,
    type: r.type === 'PRIMARY_SWAP_V3' || r.type === 'COUNTER_SWAP_V3' ? r.type : 'TRANSFER',
    ...(r.adaptor_public_key === null || r.adaptor_public_key === undefined ? {} : { adaptorPublicKey: r.adaptor_public_key }),
    totalValue: Number(r.total_value),
    network: Number(r.network),
    expiryTime: r.expiry_time === null ? undefined : new Date(r.expiry_time),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    leaves,
  };
}

export interface NewKeyshare {
  id: string;
  threshold: number;
  secretShare: string;
  publicKey: string;
  publicShares: string;
}

export class TransferRepository {
  constructor(readonly db: Database) {}

  transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async get(id: string, sql: Sql = this.db, forUpdate = false): Promise<TransferRecord | undefined> {
    const rows = await sql.query<TransferRow>(`SELECT * FROM transfers WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    const row = rows[0];
    if (row === undefined) return undefined;
    return toTransfer(row, await this.leavesOf([id], sql).then((m) => m.get(id) ?? []));
  }

  private async leavesOf(ids: string[], sql: Sql): Promise<Map<string, TransferLeafRecord[]>> {
    const out = new Map<string, TransferLeafRecord[]>();
    if (ids.length === 0) return out;
    const rows = await sql.query<TransferLeafRow>('SELECT * FROM transfer_leaves WHERE transfer_id = ANY($1::text[]) ORDER BY transfer_id, position', [ids]);
    for (const r of rows) {
      const list = out.get(r.transfer_id) ?? [];
      list.push(toLeaf(r));
      out.set(r.transfer_id, list);
    }
    return out;
  }

  async list(q: TransferQuery): Promise<TransferRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    const who = p(q.participant.identity);
    if (q.participant.role === 'receiver') where.push(`receiver_identity_public_key = ${who}`);
    else if (q.participant.role === 'sender') where.push(`sender_identity_public_key = ${who}`);
    else where.push(`(receiver_identity_public_key = ${who} OR sender_identity_public_key = ${who})`);
    if (q.ids.length > 0) where.push(`id = ANY(${p(q.ids)}::text[])`);
    if (q.statuses.length > 0) where.push(`status = ANY(${p(q.statuses)}::text[])`);
    if (q.network !== undefined) where.push(`network = ${p(q.network)}::int`);
    if (q.createdAfter !== undefined) where.push(`created_at > ${p(q.createdAfter.toISOString())}::timestamptz`);
    if (q.createdBefore !== undefined) where.push(`created_at < ${p(q.createdBefore.toISOString())}::timestamptz`);
    if (q.expiredBefore !== undefined) where.push(`expiry_time IS NOT NULL AND expiry_time < ${p(q.expiredBefore.toISOString())}::timestamptz`);
    const order = q.ascending ? 'ASC' : 'DESC';
    const rows = await this.db.query<TransferRow>(
      `SELECT * FROM transfers WHERE ${where.join(' AND ')} ORDER BY created_at ${order}, id ${order} LIMIT ${p(q.limit)} OFFSET ${p(q.offset)}`,
      params,
    );
    const leaves = await this.leavesOf(rows.map((r) => r.id), this.db);
    return rows.map((r) => toTransfer(r, leaves.get(r.id) ?? []));
  }

  async listWithStatus(statuses: readonly TransferStatus[]): Promise<string[]> {
    return (await this.db.query<{ id: string }>('SELECT id FROM transfers WHERE status = ANY($1::text[]) ORDER BY created_at', [[...statuses]])).map((r) => r.id);
  }

  async insert(sql: Sql, t: Omit<TransferRecord, 'createdAt' | 'updatedAt'>): Promise<void> {
    await sql.execute(
      `INSERT INTO transfers (id, sender_identity_public_key, receiver_identity_public_key, status, type, total_value, network, expiry_time, adaptor_public_key)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [t.id, t.sender, t.receiver, t.status, t.type, t.totalValue, t.network, t.expiryTime?.toISOString() ?? null, t.adaptorPublicKey ?? null],
    );
    for (const l of t.leaves) {
      await sql.execute(
        `INSERT INTO transfer_leaves (transfer_id, leaf_id, position, previous_refund_tx, previous_direct_from_cpfp_refund_tx, previous_keyshare_id,
           intermediate_refund_tx, intermediate_direct_from_cpfp_refund_tx, secret_cipher, signature, sender_keyshare_id, sender_tweak_digest)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
        [t.id, l.leafId, l.position, l.previousRefundTx, l.previousDirectFromCpfpRefundTx, l.previousKeyshareId, l.intermediateRefundTx,
          l.intermediateDirectFromCpfpRefundTx, l.secretCipher, l.signature, l.senderKeyshareId, l.senderTweakDigest],
      );
    }
  }

  /** A RETURNED transfer without leaves: an abort that arrived before (or instead of) its prepare. */
  async insertTombstone(sql: Sql, id: string): Promise<void> {
    await sql.execute(
      `INSERT INTO transfers (id, sender_identity_public_key, receiver_identity_public_key, status, type, total_value, network)
       VALUES ($1, '', '', 'RETURNED', 'TRANSFER', 0, 0) ON CONFLICT (id) DO NOTHING`,
      [id],
    );
  }

  async setStatus(sql: Sql, id: string, status: TransferStatus): Promise<void> {
    await sql.execute('UPDATE transfers SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
  }

  async setSignedIntermediate(sql: Sql, transferId: string, leafId: string, refund: string, directFromCpfp: string): Promise<void> {
    await sql.execute(
      'UPDATE transfer_leaves SET intermediate_refund_tx = $3, intermediate_direct_from_cpfp_refund_tx = $4 WHERE transfer_id = $1 AND leaf_id = $2',
      [transferId, leafId, refund, directFromCpfp],
    );
  }

  /** After a claim commits: the claim refunds, now signed (the leaf's refunds too). */
  async setSignedClaim(sql: Sql, transferId: string, leafId: string, refund: string, directFromCpfp: string): Promise<void> {
    await sql.execute(
      'UPDATE transfer_leaves SET claim_refund_tx = $3, claim_direct_from_cpfp_refund_tx = $4 WHERE transfer_id = $1 AND leaf_id = $2',
      [transferId, leafId, refund, directFromCpfp],
    );
  }

  async setClaim(sql: Sql, transferId: string, leafId: string, c: TransferLeafRecord['claim']): Promise<void> {
    await sql.execute(
      `UPDATE transfer_leaves SET claim_keyshare_id = $3, claim_tweak_digest = $4, claim_owner_signing_public_key = $5,
         claim_refund_tx = $6, claim_direct_from_cpfp_refund_tx = $7 WHERE transfer_id = $1 AND leaf_id = $2`,
      [transferId, leafId, c?.keyshareId ?? null, c?.tweakDigest ?? null, c?.ownerSigningPublicKey ?? null, c?.refundTx ?? null, c?.directFromCpfpRefundTx ?? null],
    );
  }

  // ---- tree nodes and keyshares, inside a transfer's transaction ----
  /** The nodes, locked for the caller's transaction (or only read, with `forUpdate` false). */
  async lockNodes(sql: Sql, ids: string[], forUpdate = true): Promise<Map<string, TreeNodeRow>> {
    // Sorted, so two transactions locking overlapping sets cannot deadlock.
    const rows = await sql.query<TreeNodeRow>(`SELECT * FROM tree_nodes WHERE id = ANY($1::text[]) ORDER BY id${forUpdate ? ' FOR UPDATE' : ''}`, [[...ids].sort()]);
    return new Map(rows.map((r) => [r.id, { ...r, value: Number(r.value), vout: Number(r.vout), deposit_vout: Number(r.deposit_vout), network: Number(r.network) }]));
  }

  async setNodeStatus(sql: Sql, id: string, status: string): Promise<void> {
    await sql.execute('UPDATE tree_nodes SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
  }

  /** The leaf's new key and refunds after a tweak (owner identity changes only on a claim). */
  async setNodeKey(sql: Sql, id: string, n: { keyshareId: string; ownerIdentity: string; ownerSigningPublicKey: string; refundTx: string; directFromCpfpRefundTx: string; status: string }): Promise<void> {
    await sql.execute(
      `UPDATE tree_nodes SET keyshare_id = $2, owner_identity_public_key = $3, owner_signing_public_key = $4, refund_tx = $5,
         direct_from_cpfp_refund_tx = $6, status = $7, updated_at = now() WHERE id = $1`,
      [id, n.keyshareId, n.ownerIdentity, n.ownerSigningPublicKey, n.refundTx, n.directFromCpfpRefundTx, n.status],
    );
  }

  /** A tweaked keyshare, stored unused (status TWEAK: never handed out by the deposit pool). */
  async insertKeyshare(sql: Sql, k: NewKeyshare): Promise<void> {
    await sql.execute(
      `INSERT INTO signing_keyshares (id, batch_id, threshold, secret_share, public_key, public_shares, status)
       VALUES ($1, 'tweak', $2, $3, $4, $5, 'TWEAK') ON CONFLICT (id) DO NOTHING`,
      [k.id, k.threshold, k.secretShare, k.publicKey, k.publicShares],
    );
  }

  /** A keyshare's group key, read in the caller's transaction. */
  async keyshareGroupKey(sql: Sql, id: string): Promise<Uint8Array | undefined> {
    const row = (await sql.query<{ public_key: string }>('SELECT public_key FROM signing_keyshares WHERE id = $1', [id]))[0];
    return row === undefined ? undefined : hexToBytes(row.public_key);
  }
}

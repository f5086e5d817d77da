/**
 * Transfer rows (migration 003) and the tree-node and keyshare writes a transfer makes, with one
 * mapping between rows and records. Every write takes the `Sql` of the caller's transaction, so
 * a prepare, a commit or an abort is one transaction on this operator.
 */
import type { Database, Sql } from './database.js';
import type { RenewableNodeRow } from './renew-repository.js';
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
/**
 * Prepared on this operator, not yet decided. A cooperative exit is prepared at SENDER_INITIATED
 * on every operator (upstream's pre-commit state) and moves to SENDER_KEY_TWEAK_PENDING once its
 * connector refunds are signed: see `isExitCommitted`.
 */
export const SENDER_PREPARED: readonly TransferStatus[] = ['SENDER_INITIATED_COORDINATOR', 'SENDER_KEY_TWEAK_PENDING', 'SENDER_INITIATED'];

/** A cooperative exit whose refunds are signed: it waits for its exit transaction, not for a decision. */
export const isExitCommitted = (t: TransferRecord): boolean => t.type === 'COOPERATIVE_EXIT' && t.status !== 'SENDER_INITIATED';

export interface TransferLeafRecord {
  leafId: string;
  position: number;
  /** the leaf's signed refunds and key before this transfer (hex / keyshare id) */
  previousRefundTx: string;
  previousDirectFromCpfpRefundTx: string;
  /** '' when the leaf had no direct refund (likewise for the direct refunds below) */
  previousDirectRefundTx: string;
  previousKeyshareId: string;
  /** refunds to the receiver's identity: unsigned after prepare, signed after commit */
  intermediateRefundTx: string;
  intermediateDirectFromCpfpRefundTx: string;
  intermediateDirectRefundTx: string;
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
    directRefundTx: string;
  } | undefined;
}

/** spark.TransferType names this network creates: transfers, the two legs of a swap, cooperative exits, static deposits' UTXO swaps. */
export type TransferType = 'TRANSFER' | 'PRIMARY_SWAP_V3' | 'COUNTER_SWAP_V3' | 'COOPERATIVE_EXIT' | 'UTXO_SWAP';
const TRANSFER_TYPES: readonly TransferType[] = ['TRANSFER', 'PRIMARY_SWAP_V3', 'COUNTER_SWAP_V3', 'COOPERATIVE_EXIT', 'UTXO_SWAP'];

/** A cooperative exit's L1 side (migration 006). */
export interface ExitRecord {
  /** display-order hex */
  exitTxid: string;
  /** the SSP's unsigned connector transaction, hex */
  connectorTx: string;
  /** the height of the first block holding the exit transaction, once this operator saw it */
  confirmationHeight: number | undefined;
}

export interface TransferRecord {
  id: string;
  sender: string;
  receiver: string;
  status: TransferStatus;
  type: TransferType;
  /** a swap's primary transfer: the wallet's adaptor point (hex) */
  adaptorPublicKey?: string;
  /** a cooperative exit's L1 side */
  exit?: ExitRecord;
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
  exit_txid?: string | null;
  connector_tx?: string | null;
  exit_confirmation_height?: number | string | null;
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
  /** migration 006 */
  previous_direct_refund_tx: string;
  intermediate_direct_refund_tx: string;
  claim_direct_refund_tx: string | null;
}

function toLeaf(r: TransferLeafRow): TransferLeafRecord {
  return {
    leafId: r.leaf_id,
    position: Number(r.position),
    previousRefundTx: r.previous_refund_tx,
    previousDirectFromCpfpRefundTx: r.previous_direct_from_cpfp_refund_tx,
    previousDirectRefundTx: r.previous_direct_refund_tx,
    previousKeyshareId: r.previous_keyshare_id,
    intermediateRefundTx: r.intermediate_refund_tx,
    intermediateDirectFromCpfpRefundTx: r.intermediate_direct_from_cpfp_refund_tx,
    intermediateDirectRefundTx: r.intermediate_direct_refund_tx,
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
      directRefundTx: r.claim_direct_refund_tx ?? '',
    },
  };
}

function toTransfer(r: TransferRow, leaves: TransferLeafRecord[]): TransferRecord {
  return {
    id: r.id,
    sender: r.sender_identity_public_key,
    receiver: r.receiver_identity_public_key,
    status: r.status as TransferStatus,
    type: (TRANSFER_TYPES as readonly string[]).includes(r.type) ? (r.type as TransferType) : 'TRANSFER',
    ...(r.adaptor_public_key === null || r.adaptor_public_key === undefined ? {} : { adaptorPublicKey: r.adaptor_public_key }),
    ...(r.exit_txid === null || r.exit_txid === undefined ? {} : {
      exit: {
        exitTxid: r.exit_txid, connectorTx: r.connector_tx ?? '',
        confirmationHeight: r.exit_confirmation_height === null || r.exit_confirmation_height === undefined ? undefined : Number(r.exit_confirmation_height),
      },
    }),
    totalValue: Number(r.total_value),
    network: Number(r.network),
    expiryTime: r.expiry_time === null ? undefined : new Date(r.expiry_time),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    leaves,
  };
}

/** A leaf's signed refunds (hex), as a commit stores them. */
export interface SignedRefunds {
  leafId: string;
  refund: string;
  directFromCpfp: string;
  /** '' when the leaf has no direct refund */
  direct: string;
}

/** The refund columns of each step (fixed names, never from input). */
const SIGNED_COLUMNS = {
  intermediate: ['intermediate_refund_tx', 'intermediate_direct_from_cpfp_refund_tx', 'intermediate_direct_refund_tx'],
  claim: ['claim_refund_tx', 'claim_direct_from_cpfp_refund_tx', 'claim_direct_refund_tx'],
} as const;

/** A leaf's key and refunds after a tweak. */
export interface NodeKey {
  id: string;
  keyshareId: string;
  ownerIdentity: string;
  ownerSigningPublicKey: string;
  refundTx: string;
  directFromCpfpRefundTx: string;
  directRefundTx: string;
  status: string;
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

  /**
   * One transfer with its leaves, in one statement (a transfer is read several times per send and
   * claim, and on PGlite each statement has a fixed cost well above what its rows cost): the
   * leaves come as a JSON array, which both drivers parse.
   */
  async get(id: string, sql: Sql = this.db, forUpdate = false): Promise<TransferRecord | undefined> {
    const rows = await sql.query<TransferRow & { leaves_json: TransferLeafRow[] | string }>(
      `SELECT t.*, (SELECT coalesce(json_agg(l ORDER BY l.position), '[]'::json) FROM transfer_leaves l WHERE l.transfer_id = t.id) AS leaves_json
         FROM transfers t WHERE t.id = $1${forUpdate ? ' FOR UPDATE OF t' : ''}`,
      [id],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const leaves = typeof row.leaves_json === 'string' ? (JSON.parse(row.leaves_json) as TransferLeafRow[]) : row.leaves_json;
    return toTransfer(row, leaves.map(toLeaf));
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
      `INSERT INTO transfers (id, sender_identity_public_key, receiver_identity_public_key, status, type, total_value, network, expiry_time, adaptor_public_key,
         exit_txid, connector_tx)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
      [t.id, t.sender, t.receiver, t.status, t.type, t.totalValue, t.network, t.expiryTime?.toISOString() ?? null, t.adaptorPublicKey ?? null,
        t.exit?.exitTxid ?? null, t.exit?.connectorTx ?? null],
    );
    if (t.leaves.length === 0) return;
    // One statement for all the leaves (column arrays, unnested in step).
    const col = <K extends keyof TransferLeafRecord>(k: K): TransferLeafRecord[K][] => t.leaves.map((l) => l[k]);
    await sql.execute(
      `INSERT INTO transfer_leaves (transfer_id, leaf_id, position, previous_refund_tx, previous_direct_from_cpfp_refund_tx, previous_keyshare_id,
         intermediate_refund_tx, intermediate_direct_from_cpfp_refund_tx, secret_cipher, signature, sender_keyshare_id, sender_tweak_digest,
         previous_direct_refund_tx, intermediate_direct_refund_tx)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
         $13::text[], $14::text[])`,
      [t.id, col('leafId'), col('position'), col('previousRefundTx'), col('previousDirectFromCpfpRefundTx'), col('previousKeyshareId'), col('intermediateRefundTx'),
        col('intermediateDirectFromCpfpRefundTx'), col('secretCipher'), col('signature'), col('senderKeyshareId'), col('senderTweakDigest'),
        col('previousDirectRefundTx'), col('intermediateDirectRefundTx')],
    );
  }

  /** A RETURNED transfer without leaves: an abort that arrived before (or instead of) its prepare. */
  async insertTombstone(sql: Sql, id: string): Promise<void> {
    await sql.execute(
      `INSERT INTO transfers (id, sender_identity_public_key, receiver_identity_public_key, status, type, total_value, network)
       VALUES ($1, '', '', 'RETURNED', 'TRANSFER', 0, 0) ON CONFLICT (id) DO NOTHING`,
      [id],
    );
  }

  /** Cooperative exits whose refunds are signed and whose exit transaction this operator has not seen mined. */
  async listUnconfirmedExits(): Promise<string[]> {
    return (await this.db.query<{ id: string }>(
      "SELECT id FROM transfers WHERE exit_txid IS NOT NULL AND status = 'SENDER_KEY_TWEAK_PENDING' AND exit_confirmation_height IS NULL ORDER BY created_at",
    )).map((r) => r.id);
  }

  async setExitConfirmationHeight(sql: Sql, id: string, height: number): Promise<void> {
    await sql.execute('UPDATE transfers SET exit_confirmation_height = $2, updated_at = now() WHERE id = $1', [id, height]);
  }

  async setStatus(sql: Sql, id: string, status: TransferStatus): Promise<void> {
    await sql.execute('UPDATE transfers SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
  }

  /**
   * Each leaf's refunds, now signed, in one statement: after a send commits its intermediate
   * refunds, after a claim its claim refunds (the leaf's refunds too).
   */
  async setSignedRefunds(sql: Sql, transferId: string, step: 'intermediate' | 'claim', signed: SignedRefunds[]): Promise<void> {
    if (signed.length === 0) return;
    const [refund, directFromCpfp, direct] = SIGNED_COLUMNS[step];
    await sql.execute(
      `UPDATE transfer_leaves AS l SET ${refund} = v.refund, ${directFromCpfp} = v.dfc, ${direct} = v.direct
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS v(leaf_id, refund, dfc, direct) WHERE l.transfer_id = $1 AND l.leaf_id = v.leaf_id`,
      [transferId, signed.map((x) => x.leafId), signed.map((x) => x.refund), signed.map((x) => x.directFromCpfp), signed.map((x) => x.direct)],
    );
  }

  async setClaim(sql: Sql, transferId: string, leafId: string, c: NonNullable<TransferLeafRecord['claim']>): Promise<void> {
    await this.setClaims(sql, transferId, [{ leafId, ...c }]);
  }

  /** A prepared claim of every leaf given, in one statement. */
  async setClaims(sql: Sql, transferId: string, claims: (NonNullable<TransferLeafRecord['claim']> & { leafId: string })[]): Promise<void> {
    if (claims.length === 0) return;
    const col = <K extends keyof (typeof claims)[number]>(k: K): (typeof claims)[number][K][] => claims.map((c) => c[k]);
    await sql.execute(
      `UPDATE transfer_leaves AS l SET claim_keyshare_id = v.k, claim_tweak_digest = v.digest, claim_owner_signing_public_key = v.owner,
         claim_refund_tx = v.refund, claim_direct_from_cpfp_refund_tx = v.dfc, claim_direct_refund_tx = v.direct
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS v(leaf_id, k, digest, owner, refund, dfc, direct)
       WHERE l.transfer_id = $1 AND l.leaf_id = v.leaf_id`,
      [transferId, col('leafId'), col('keyshareId'), col('tweakDigest'), col('ownerSigningPublicKey'), col('refundTx'), col('directFromCpfpRefundTx'), col('directRefundTx')],
    );
  }

  /** Every leaf's prepared claim undone (a claim aborted), in one statement. */
  async clearClaims(sql: Sql, transferId: string): Promise<void> {
    await sql.execute(
      `UPDATE transfer_leaves SET claim_keyshare_id = NULL, claim_tweak_digest = NULL, claim_owner_signing_public_key = NULL,
         claim_refund_tx = NULL, claim_direct_from_cpfp_refund_tx = NULL, claim_direct_refund_tx = NULL WHERE transfer_id = $1`,
      [transferId],
    );
  }

  // ---- tree nodes and keyshares, inside a transfer's transaction ----
  /** The nodes, locked for the caller's transaction (or only read, with `forUpdate` false). */
  async lockNodes(sql: Sql, ids: string[], forUpdate = true): Promise<Map<string, RenewableNodeRow>> {
    // Sorted, so two transactions locking overlapping sets cannot deadlock.
    const rows = await sql.query<RenewableNodeRow>(`SELECT * FROM tree_nodes WHERE id = ANY($1::text[]) ORDER BY id${forUpdate ? ' FOR UPDATE' : ''}`, [[...ids].sort()]);
    return new Map(rows.map((r) => [r.id, {
      ...r, value: Number(r.value), vout: Number(r.vout), deposit_vout: Number(r.deposit_vout), network: Number(r.network),
      parent_node_id: r.parent_node_id ?? null, direct_tx: r.direct_tx ?? '', direct_refund_tx: r.direct_refund_tx ?? '',
    }]));
  }

  async setNodesStatus(sql: Sql, ids: string[], status: string): Promise<void> {
    if (ids.length === 0) return;
    await sql.execute('UPDATE tree_nodes SET status = $2, updated_at = now() WHERE id = ANY($1::text[])', [ids, status]);
  }

  /** Each leaf's new key and refunds after a tweak (owner identity changes only on a claim), in one statement. */
  async setNodeKeys(sql: Sql, nodes: NodeKey[]): Promise<void> {
    if (nodes.length === 0) return;
    const col = <K extends keyof NodeKey>(k: K): NodeKey[K][] => nodes.map((n) => n[k]);
    await sql.execute(
      `UPDATE tree_nodes AS n SET keyshare_id = v.k, owner_identity_public_key = v.owner, owner_signing_public_key = v.signing, refund_tx = v.refund,
         direct_from_cpfp_refund_tx = v.dfc, direct_refund_tx = v.direct, status = v.status, updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS v(id, k, owner, signing, refund, dfc, status, direct)
       WHERE n.id = v.id`,
      [col('id'), col('keyshareId'), col('ownerIdentity'), col('ownerSigningPublicKey'), col('refundTx'), col('directFromCpfpRefundTx'), col('status'), col('directRefundTx')],
    );
  }

  /** Tweaked keyshares, stored unused (status TWEAK: never handed out by the deposit pool), in one statement. */
  async insertKeyshares(sql: Sql, keys: NewKeyshare[]): Promise<void> {
    if (keys.length === 0) return;
    const col = <K extends keyof NewKeyshare>(k: K): NewKeyshare[K][] => keys.map((x) => x[k]);
    await sql.execute(
      `INSERT INTO signing_keyshares (id, batch_id, threshold, secret_share, public_key, public_shares, status)
       SELECT v.id, 'tweak', v.threshold, v.secret_share, v.public_key, v.public_shares, 'TWEAK'
       FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[]) AS v(id, threshold, secret_share, public_key, public_shares)
       ON CONFLICT (id) DO NOTHING`,
      [col('id'), col('threshold'), col('secretShare'), col('publicKey'), col('publicShares')],
    );
  }

  /** Keyshares' group keys, read in the caller's transaction. */
  async keyshareGroupKeys(sql: Sql, ids: string[]): Promise<Map<string, Uint8Array>> {
    const rows = await sql.query<{ id: string; public_key: string }>('SELECT id, public_key FROM signing_keyshares WHERE id = ANY($1::text[])', [ids]);
    return new Map(rows.map((r) => [r.id, hexToBytes(r.public_key)]));
  }
}

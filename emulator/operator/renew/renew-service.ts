/**
 * renew_leaf on the coordinator (docs/transfers.md, section "Renewal"; upstream
 * so/handler/renew_leaf_handler.go). The wallet sends, for one of its AVAILABLE leaves, its FROST
 * shares of every transaction of one variant; the coordinator
 *   1. rebuilds the variant's transactions from its own rows and compares the wallet's byte for
 *      byte (timelocks, spent outpoints, destinations, amounts);
 *   2. FROST-signs them with t operators (each peer checks every job against its own rebuild,
 *      renew-job-check.ts);
 *   3. applies the signed result and, in the same transaction, records it for every peer in the
 *      replication outbox (replication/kinds/leaf-renewal.ts), delivered before the wallet is
 *      answered to the peers that are up, to the others before they serve again.
 * Nothing is stored before step 3, so a failure or a crash before it changes nothing.
 */
import { jobTx } from '../signing/job.js';
import { randomUUID } from 'node:crypto';
import { bytesToHex, hexToBytes } from '../crypto.js';
import type { Sql } from '../db/database.js';
import type { RenewRepository, RenewableNodeRow } from '../db/renew-repository.js';
import { parseTx, sighash, withKeyPathWitness } from '../deposit/transactions.js';
import { OperatorError } from '../errors.js';
import { crashPoint } from '../faults.js';
import type { CoordinatedJob, SigningCoordinator } from '../signing/coordinator.js';
import type { KeyshareCache } from '../signing/keyshares.js';
import type { UserRefundJob } from '../transfer/transfer-service.js';
import { requireSameTx } from '../transfer/refunds.js';
import { applyRenewal } from './renewal.js';
import type { RenewalDecision } from './renewal.js';
import { expectedRenewal } from './renew-txs.js';
import type { RenewRole, RenewVariant } from './renew-txs.js';

/** The wallet's part of one renewal transaction. */
export interface RenewUserJob extends UserRefundJob {
  rawTx: Uint8Array;
}

export interface RenewRequest {
  leafId: string;
  /** the authenticated identity (hex) */
  owner: string;
  variant: RenewVariant;
  jobs: Partial<Record<RenewRole, RenewUserJob>>;
}

export interface RenewResult {
  leaf: RenewableNodeRow;
  split: RenewableNodeRow | undefined;
}

export interface RenewServiceDeps {
  /** this operator's 1-based index (for crash points in fault tests) */
  index: number;
  nodes: RenewRepository;
  keys: KeyshareCache;
  signing: SigningCoordinator;
  /** records the decision for every peer in `sql`, the transaction that applies it here */
  record: (sql: Sql, d: RenewalDecision) => Promise<void>;
  /** one delivery attempt of the outbox to every peer; never throws */
  deliverNow: () => Promise<void>;
}

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);
const hex = (b: Uint8Array): string => bytesToHex(Uint8Array.from(b));

export class RenewService {
  /** Leaves with a renewal under way here: a second one waits for the first to finish. */
  private readonly renewing = new Set<string>();

  constructor(private readonly d: RenewServiceDeps) {}

  async renew(req: RenewRequest): Promise<RenewResult> {
    if (this.renewing.has(req.leafId)) throw new OperatorError('ABORTED', `leaf ${req.leafId} is being renewed by another request; retry`);
    this.renewing.add(req.leafId);
    try {
      return await this.renewOnce(req);
    } finally {
      this.renewing.delete(req.leafId);
    }
  }

  private async renewOnce(req: RenewRequest): Promise<RenewResult> {
    const { d } = this;
    const leaf = await d.nodes.get(req.leafId);
    if (leaf === undefined || leaf.status === 'SPLIT_LOCKED') throw new OperatorError('NOT_FOUND', `leaf ${req.leafId} does not exist`);
    if (leaf.owner_identity_public_key !== req.owner) throw new OperatorError('PERMISSION_DENIED', `leaf ${req.leafId} is not owned by the caller`);
    if (leaf.status !== 'AVAILABLE') throw new OperatorError('FAILED_PRECONDITION', `leaf ${req.leafId} is ${leaf.status}, not AVAILABLE (in a transfer?); it cannot be renewed now`);
    const parent = leaf.parent_node_id === null ? undefined : await d.nodes.get(leaf.parent_node_id);
    const expected = expectedRenewal(req.variant, leaf, parent);

    const wanted = new Set(expected.txs.map((t) => t.role));
    for (const role of Object.keys(req.jobs)) if (!wanted.has(role as RenewRole)) throw bad(`a ${req.variant} renewal of this leaf has no ${role} transaction; leave that signing job out`);
    const key = await d.keys.get(leaf.keyshare_id);
    const coordinated: CoordinatedJob[] = expected.txs.map((t) => {
      const what = `leaf ${leaf.id}: ${t.role} tx`;
      const job = req.jobs[t.role];
      if (job === undefined) throw bad(`${what}: its signing job is missing`);
      if (hex(job.signingPublicKey) !== leaf.owner_signing_public_key) throw bad(`${what}: signing_public_key is not the leaf's owner key`);
      if (job.userShare.length !== 32) throw bad(`${what}: user_signature must be a 32-byte FROST share`);
      if (job.userCommitment.hiding.length !== 33 || job.userCommitment.binding.length !== 33) throw bad(`${what}: signing_nonce_commitment must hold two 33-byte points`);
      requireSameTx(Uint8Array.from(job.rawTx), t.tx, what);
      const tx = parseTx(t.tx, what);
      return {
        jobId: `${leaf.id}/${t.role}`,
        keyshare: key,
        message: sighash(tx, t.spent),
        verifyingKey: hexToBytes(leaf.verifying_public_key),
        operatorCommitments: job.operatorCommitments,
        user: { commitment: job.userCommitment, publicKey: Uint8Array.from(job.signingPublicKey), share: Uint8Array.from(job.userShare) },
        tx: jobTx({ kind: 'renew', tx: t.tx, leafId: leaf.id }),
      };
    });
    const sigs = await d.signing.sign(coordinated);
    crashPoint(d.index, 'renew:signed');

    const signed: Partial<Record<RenewRole, string>> = {};
    expected.txs.forEach((t, i) => {
      signed[t.role] = hex(withKeyPathWitness(parseTx(t.tx, t.role), sigs[i] as Uint8Array));
    });
    const decision: RenewalDecision = {
      leafId: leaf.id, variant: req.variant, previousNodeTx: leaf.node_tx, previousRefundTx: leaf.refund_tx, keyshareId: leaf.keyshare_id,
      splitNodeId: req.variant === 'refund' ? '' : randomUUID(), signed,
    };
    await d.nodes.db.transaction(async (sql) => {
      await applyRenewal(d.nodes, sql, decision);
      await d.record(sql, decision);
    });
    crashPoint(d.index, 'renew:decided');
    await d.deliverNow();
    const renewed = await d.nodes.get(leaf.id);
    if (renewed === undefined) throw new OperatorError('INTERNAL', `leaf ${leaf.id} vanished`);
    return { leaf: renewed, split: decision.splitNodeId === '' ? undefined : await d.nodes.get(decision.splitNodeId) };
  }
}

/**
 * Transfers and claims on the coordinator (docs/transfers.md, "Operator side"; upstream
 * so/handler/transfer_handler.go, claim_transfer_flow_handler.go). The key tweak needs every
 * operator, so it is applied on all n or on none:
 *   1. prepare on this operator, then on every peer (each checks its own slice and the refunds);
 *   2. the tweak digests must agree (the wallet gave everyone shares of the same tweak);
 *   3. the refunds are FROST-signed with the wallet's shares by t operators;
 *   4. the decision is applied here and, in the same transaction, recorded for every peer in the
 *      replication outbox (replication/kinds/transfer-decision.ts); peers that are up get it
 *      before the wallet is answered, the others from the outbox's delivery loop or when they
 *      pull at start-up, before they serve. A restart of either side loses no decision.
 * A failure before the decision aborts everywhere (the leaves are back with the sender).
 */
import { bytesToHex, hexToBytes } from '../crypto.js';
import type { SigningCommitment } from '../crypto.js';
import type { TransferRecord, TransferRepository } from '../db/transfer-repository.js';
import { OperatorError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Peer, PeerSet } from '../peers/peer.js';
import { PeerCallError } from '../peers/peer-error.js';
import { jobTx } from '../signing/job.js';
import type { CoordinatedJob, SigningCoordinator } from '../signing/coordinator.js';
import type { Keyshare, KeyshareCache } from '../signing/keyshares.js';
import { parseTx, sighash, withKeyPathWitness } from '../deposit/transactions.js';
import { spentByRefund } from './connector.js';
import type { RenewableNodeRow as TreeNodeRow } from '../db/renew-repository.js';
import { combinedDigest, spentTxOf, type TransferParticipant } from './participant.js';
import type { ClaimPrepare, Decision, DecisionRecorder, LeafRefundTxs, Prepared, PreparedTransfer, SendPrepare } from './types.js';
import { crashPoint } from '../faults.js';

/** The wallet's FROST part of one refund (a UserSignedTxSigningJob without the wire). */
export interface UserRefundJob {
  signingPublicKey: Uint8Array;
  userCommitment: SigningCommitment;
  userShare: Uint8Array;
  operatorCommitments: Record<string, SigningCommitment>;
}

export interface LeafJobs {
  leafId: string;
  refund: UserRefundJob;
  /** absent in a swap's primary transfer, which signs the CPFP refund only */
  directFromCpfpRefund?: UserRefundJob;
  /** only for a leaf with a direct node tx that is not a zero node */
  directRefund?: UserRefundJob;
}

/** A leaf's refunds by name, as LeafJobs names their jobs; signed in this order. */
type RefundName = 'refund' | 'directFromCpfpRefund' | 'directRefund';
const REFUND_NAMES: readonly RefundName[] = ['refund', 'directFromCpfpRefund', 'directRefund'];
const REFUND_LABELS: Record<RefundName, string> = { refund: 'refund', directFromCpfpRefund: 'direct-from-CPFP refund', directRefund: 'direct refund' };
/** A leaf's prepared refunds (hex, unsigned; '' for one it does not have). */
type RefundTxsHex = Record<RefundName, string>;

/** A transfer's leaves and their keys, read once for all its refund jobs. */
interface RefundInputs {
  nodes: Map<string, TreeNodeRow>;
  keys: Map<string, Keyshare>;
}

/** A swap primary refund's signing result, for the wallet to aggregate its adaptor signature. */
export interface PrimaryRefundResult {
  leafId: string;
  verifyingKey: Uint8Array;
  operatorCommitments: Record<string, SigningCommitment>;
  operatorShares: Record<string, Uint8Array>;
  /** identifier → the operator's public key share of the leaf's key */
  publicShares: Record<string, Uint8Array>;
}

export interface TransferServiceDeps {
  self: string;
  /** this operator's 1-based index (for crash points in fault tests) */
  index: number;
  participant: TransferParticipant;
  /** the other operators */
  peers: PeerSet;
  /** records a decision for every peer in the transaction that applies it here */
  recordDecision: DecisionRecorder;
  /** one delivery attempt of the outbox to every peer; never throws */
  deliverNow: () => Promise<void>;
  signing: SigningCoordinator;
  keys: KeyshareCache;
  transfers: TransferRepository;
  events: EventBus;
  log: (m: string) => void;
}

/** A peer's error as the wallet should see it: the peer's code when it judged the request, else UNAVAILABLE. */
function peerError(peer: string, e: unknown): OperatorError {
  if (e instanceof PeerCallError) {
    return new OperatorError(e.code ?? 'UNAVAILABLE', `operator ${peer.replace(/^0+/, '')}: ${e.details}`);
  }
  return new OperatorError('UNAVAILABLE', `operator ${peer.replace(/^0+/, '')}: ${(e as Error).message}`);
}

/**
 * A transfer that failed for want of an operator is RETURNED, so repeating the same request
 * (same transfer id) cannot succeed: not UNAVAILABLE, which a client retries as it is.
 */
function finalForThisId(e: unknown): unknown {
  if (e instanceof OperatorError && e.code === 'UNAVAILABLE') {
    return new OperatorError('FAILED_PRECONDITION', `every operator must apply the key tweak and one did not answer (${e.message}); the transfer was returned to the sender, send again later`);
  }
  return e;
}

const hex = (b: Uint8Array): string => bytesToHex(Uint8Array.from(b));

export class TransferService {
  /** Transfers with a claim under way here: a second claim of one waits its turn (upstream locks the row NOWAIT). */
  private readonly claiming = new Set<string>();

  constructor(private readonly d: TransferServiceDeps) {}

  /**
   * Runs an idempotent `fn` (a prepare) on every peer at once; throws the first peer's error (as
   * the wallet should see it). A peer that just restarted can fail the first call on a channel
   * still reconnecting: such transport failures are retried briefly.
   */
  private async onPeers<T>(fn: (peer: Peer) => Promise<T>): Promise<T[]> {
    const results = await Promise.allSettled([...this.d.peers].map(async ([id, api]) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn(api);
        } catch (e) {
          if (attempt < 4 && e instanceof PeerCallError && e.unreachable) {
            await new Promise((r) => setTimeout(r, 250 * attempt));
            continue;
          }
          throw peerError(id, e);
        }
      }
    }));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    return results.map((r) => (r as PromiseFulfilledResult<T>).value);
  }

  /**
   * A send's or a claim's way to its decision: prepared here (`prepareHere` answers the transfer
   * as prepared, whose refunds are signed), then on every peer (`prepare`); the digests agree; the refunds are signed; `decide` applies the decision here
   * and records it for the peers. A failure before the decision runs `undo`, which answers the
   * error to throw.
   */
  private async prepareSignDecide(
    transferId: string,
    kind: 'transfer_refund' | 'claim_refund',
    jobs: LeafJobs[],
    prepareHere: () => Promise<Prepared>,
    prepare: (on: Pick<Peer, 'prepareSend' | 'prepareClaim'>) => Promise<Uint8Array>,
    decide: (decision: Decision) => Promise<TransferRecord>,
    undo: (e: unknown) => Promise<unknown>,
  ): Promise<TransferRecord> {
    const { digest, transfer } = await prepareHere();
    crashPoint(this.d.index, kind === 'transfer_refund' ? 'send:coordinator-prepared' : 'claim:coordinator-prepared');
    try {
      const digests = await this.onPeers(prepare);
      const signed = await this.agreeAndSign(transfer, digest, digests, jobs, kind);
      return await decide({ transferId, tweakDigest: digest, signed });
    } catch (e) {
      throw await undo(e);
    }
  }

  async startTransfer(req: SendPrepare, jobs: LeafJobs[]): Promise<TransferRecord> {
    const record = await this.send(req, jobs, (decision) => this.d.participant.commitSend(decision, this.d.recordDecision));
    this.d.events.publish(record.receiver, { kind: 'receiver_transfer', transfer: record });
    this.d.events.publish(record.sender, { kind: 'sender_transfer', transfer: record });
    return record;
  }

  /**
   * What a transfer and a cooperative exit share: prepare on every operator, sign the refunds,
   * `decide` (recording the decision for the peers), deliver it. A failure before the decision
   * returns the leaves to the sender everywhere.
   */
  private async send(req: SendPrepare, jobs: LeafJobs[], decide: (decision: Decision) => Promise<TransferRecord>): Promise<TransferRecord> {
    const { d } = this;
    const record = await this.prepareSignDecide(req.transferId, 'transfer_refund', jobs, () => d.participant.prepareSendHere(req), (on) => on.prepareSend(req),
      decide,
      async (e) => {
        await this.abortEverywhere(req.transferId);
        return finalForThisId(e);
      });
    crashPoint(d.index, 'send:decided');
    await d.deliverNow();
    crashPoint(d.index, 'send:delivered');
    return record;
  }

  /**
   * A swap's primary transfer (docs/ssp.md, section "The swap protocol (Swap V3)"): prepared on
   * every operator like a transfer, its CPFP refunds signed with the wallet's adaptor point, and
   * NOT decided: the sender's tweak stays stored, unapplied, until the counter transfer settles
   * both legs, or the primary is returned (returnStalePrimaries). Answers the operators' shares,
   * from which the wallet aggregates its adaptor signatures.
   */
  async startPrimarySwap(req: SendPrepare, jobs: LeafJobs[]): Promise<{ record: TransferRecord; results: PrimaryRefundResult[] }> {
    const { d } = this;
    const adaptor = req.adaptorPublicKey;
    if (adaptor === undefined) throw new OperatorError('INVALID_ARGUMENT', 'a swap primary transfer needs the adaptor public key');
    const digest = await d.participant.prepareSend(req);
    try {
      const digests = await this.onPeers((peer) => peer.prepareSend(req));
      if (digests.some((x) => hex(x) !== hex(digest))) {
        throw new OperatorError('INVALID_ARGUMENT', 'the key tweak package gives the operators shares of different tweaks');
      }
      const t = await d.transfers.get(req.transferId);
      if (t === undefined) throw new OperatorError('INTERNAL', 'the prepared transfer vanished');
      const coordinated: CoordinatedJob[] = [];
      const keys: Keyshare[] = [];
      const inputs = await this.refundInputs(t, 'transfer_refund');
      for (const l of t.leaves) {
        const j = jobs.find((x) => x.leafId === l.leafId);
        if (j === undefined) throw new OperatorError('INVALID_ARGUMENT', `no signing job for leaf ${l.leafId}`);
        const job = this.refundJob(t, l.leafId, j.refund, l.intermediateRefundTx, `${l.leafId}/0`, 'transfer_refund', inputs, `leaf ${l.leafId} refund`);
        coordinated.push({ ...job, adaptorPublicKey: Uint8Array.from(adaptor) });
        keys.push(job.keyshare);
      }
      const signed = await d.signing.signWithShares(coordinated);
      // Prepared and signed, not decided: no longer "undecided at a restart" (recover()).
      await d.transfers.transaction((sql) => d.transfers.setStatus(sql, t.id, 'SENDER_KEY_TWEAK_PENDING'));
      const results = t.leaves.map((l, i) => ({
        leafId: l.leafId,
        verifyingKey: (coordinated[i] as CoordinatedJob).verifyingKey,
        operatorCommitments: (coordinated[i] as CoordinatedJob).operatorCommitments,
        operatorShares: (signed[i] as { operatorShares: Record<string, Uint8Array> }).operatorShares,
        publicShares: Object.fromEntries(Object.keys((coordinated[i] as CoordinatedJob).operatorCommitments).map((id) => [id, (keys[i] as Keyshare).publicShares[id] as Uint8Array])),
      }));
      return { record: (await d.transfers.get(t.id)) as TransferRecord, results };
    } catch (e) {
      await this.abortEverywhere(req.transferId);
      throw finalForThisId(e);
    }
  }

  /**
   * A swap's counter transfer (docs/ssp.md, section "The swap protocol (Swap V3)"): prepared and
   * signed like a transfer, each operator checking that it answers the waiting primary transfer
   * (parties reversed, same value); then both legs are decided in one transaction here and
   * replicated together. A failure before that returns the counter transfer only; the primary
   * keeps waiting until its timeout.
   */
  async startCounterSwap(req: SendPrepare, jobs: LeafJobs[], adaptorPublicKey: Uint8Array): Promise<{ counter: TransferRecord; primary: TransferRecord }> {
    const { d } = this;
    const primaryId = req.counterOf;
    if (primaryId === undefined) throw new OperatorError('INVALID_ARGUMENT', 'a counter transfer names its primary transfer');
    const primary = await d.transfers.get(primaryId);
    if (primary?.type !== 'PRIMARY_SWAP_V3') throw new OperatorError('NOT_FOUND', `no swap primary transfer ${primaryId}`);
    if (primary.adaptorPublicKey !== hex(adaptorPublicKey)) throw new OperatorError('INVALID_ARGUMENT', `adaptor_public_key is not the adaptor point of swap primary transfer ${primaryId}`);
    const { digest, transfer } = await d.participant.prepareSendHere(req);
    let settled: { counter: TransferRecord; primary: TransferRecord };
    try {
      const digests = await this.onPeers((peer) => peer.prepareSend(req));
      const signed = await this.agreeAndSign(transfer, digest, digests, jobs, 'transfer_refund');
      const primaryDigest = combinedDigest(primary.leaves.map((l) => l.senderTweakDigest));
      settled = await d.participant.commitSwap(
        { transferId: req.transferId, tweakDigest: digest, signed },
        { transferId: primaryId, tweakDigest: primaryDigest, signed: [] },
        d.recordDecision,
      );
    } catch (e) {
      await this.abortEverywhere(req.transferId);
      throw finalForThisId(e);
    }
    await d.deliverNow();
    d.events.publish(settled.counter.receiver, { kind: 'receiver_transfer', transfer: settled.counter });
    return settled;
  }

  /**
   * A cooperative exit (cooperative_exit_v2; docs/transfers.md, section "Cooperative exit"):
   * prepared on every operator (each checks the connector binds the exit transaction and rebuilds
   * each connector refund byte for byte), its refunds FROST-signed over both spent outputs, then
   * decided as `exit_commit`: the signed refunds are stored everywhere and the sender's tweak
   * waits, unapplied, for the exit transaction to be mined (each operator's chain watcher applies
   * it). A failure before the decision returns the leaves to the sender everywhere.
   */
  async startCooperativeExit(req: SendPrepare, jobs: LeafJobs[]): Promise<TransferRecord> {
    if (req.exit === undefined) throw new OperatorError('INVALID_ARGUMENT', 'a cooperative exit needs its exit txid and connector transaction');
    const record = await this.send(req, jobs, (decision) => this.d.participant.commitExit(decision, this.d.recordDecision));
    this.d.events.publish(record.sender, { kind: 'sender_transfer', transfer: record });
    return record;
  }

  /**
   * Returns every swap primary transfer prepared before `before` and not settled by a counter
   * transfer: its leaves go back to the sender on every operator (the wallet finds them
   * AVAILABLE at its next sync).
   */
  async returnStalePrimaries(before: Date): Promise<string[]> {
    const returned: string[] = [];
    for (const id of await this.d.transfers.listWithStatus(['SENDER_KEY_TWEAK_PENDING', 'SENDER_INITIATED_COORDINATOR'])) {
      const t = await this.d.transfers.get(id);
      if (t?.type !== 'PRIMARY_SWAP_V3' || t.createdAt >= before) continue;
      this.d.log(`swap primary transfer ${id} had no counter transfer in time: returning it to the sender`);
      await this.abortEverywhere(id);
      returned.push(id);
    }
    return returned;
  }

  async claimTransfer(req: ClaimPrepare, jobs: LeafJobs[]): Promise<TransferRecord> {
    if (this.claiming.has(req.transferId)) throw new OperatorError('ABORTED', `transfer ${req.transferId} is being claimed by another request; retry`);
    this.claiming.add(req.transferId);
    try {
      return await this.claimOnce(req, jobs);
    } finally {
      this.claiming.delete(req.transferId);
    }
  }

  private async claimOnce(req: ClaimPrepare, jobs: LeafJobs[]): Promise<TransferRecord> {
    const { d } = this;
    const record = await this.prepareSignDecide(req.transferId, 'claim_refund', jobs, () => d.participant.prepareClaimHere(req), (on) => on.prepareClaim(req),
      (decision) => d.participant.commitClaim(decision, d.recordDecision),
      async (e) => {
        // A prepared claim is harmless (the transfer stays claimable); undo it where we can.
        await d.participant.abortClaim(req.transferId).catch(() => undefined);
        await Promise.allSettled([...d.peers.values()].map((peer) => peer.abortClaim(req.transferId)));
        return e;
      });
    crashPoint(d.index, 'claim:decided');
    await d.deliverNow();
    crashPoint(d.index, 'claim:delivered');
    d.events.publish(record.sender, { kind: 'sender_transfer', transfer: record });
    return record;
  }

  /**
   * The step a send and a claim share once every operator has prepared: all must hold shares of
   * the same tweak (else the package lied to some of them), then the leaves' refunds, as prepared
   * here, are FROST-signed (every signer checks them against its own prepare).
   */
  private async agreeAndSign(
    prepared: PreparedTransfer,
    digest: Uint8Array,
    peerDigests: Uint8Array[],
    jobs: LeafJobs[],
    kind: 'transfer_refund' | 'claim_refund',
  ): Promise<LeafRefundTxs[]> {
    const { d } = this;
    const what = kind === 'transfer_refund' ? 'key tweak' : 'claim';
    if (peerDigests.some((x) => hex(x) !== hex(digest))) {
      throw new OperatorError('INVALID_ARGUMENT', `the ${what} package gives the operators shares of different tweaks`);
    }
    crashPoint(d.index, kind === 'transfer_refund' ? 'send:prepared' : 'claim:prepared');
    const signed = await this.signRefunds(prepared, jobs, kind);
    crashPoint(d.index, kind === 'transfer_refund' ? 'send:signed' : 'claim:signed');
    return signed;
  }

  /** FROST-signs each leaf's two refunds with the wallet's shares, as prepared on this operator. */
  private async signRefunds(t: PreparedTransfer, jobs: LeafJobs[], kind: 'transfer_refund' | 'claim_refund'): Promise<LeafRefundTxs[]> {
    const { d } = this;
    const claim = kind === 'claim_refund';
    const coordinated: CoordinatedJob[] = [];
    /** per leaf, the index of each of its refunds' jobs in `coordinated` (undefined: no such refund) */
    const slots: { leafId: string; txs: RefundTxsHex; at: Partial<Record<RefundName, number>> }[] = [];
    const inputs = await this.refundInputs(t, kind);
    for (const l of t.leaves) {
      const j = jobs.find((x) => x.leafId === l.leafId);
      if (j === undefined) throw new OperatorError('INVALID_ARGUMENT', `no signing jobs for leaf ${l.leafId}`);
      const txs: RefundTxsHex = claim
        ? { refund: l.claim?.refundTx ?? '', directFromCpfpRefund: l.claim?.directFromCpfpRefundTx ?? '', directRefund: l.claim?.directRefundTx ?? '' }
        : { refund: l.intermediateRefundTx, directFromCpfpRefund: l.intermediateDirectFromCpfpRefundTx, directRefund: l.intermediateDirectRefundTx };
      const at: Partial<Record<RefundName, number>> = {};
      for (const name of REFUND_NAMES) {
        const what = `leaf ${l.leafId} ${REFUND_LABELS[name]}`;
        const user = j[name];
        if (txs[name] === '') {
          // Prepared without it (a leaf with no direct refund): a job for it is a lie about the leaf.
          if (user !== undefined) throw new OperatorError('INVALID_ARGUMENT', `${what}: this leaf has no such refund, yet a signing job was given`);
          continue;
        }
        if (user === undefined) throw new OperatorError('INVALID_ARGUMENT', `${what}: no signing job`);
        at[name] = coordinated.length;
        coordinated.push(this.refundJob(t, l.leafId, user, txs[name], `${l.leafId}/${REFUND_NAMES.indexOf(name)}`, kind, inputs, what, name === 'directRefund' ? 'direct' : 'node'));
      }
      slots.push({ leafId: l.leafId, txs, at });
    }
    const sigs = await d.signing.sign(coordinated);
    const signedTx = (s: (typeof slots)[number], name: RefundName): Uint8Array => {
      const i = s.at[name];
      return i === undefined ? new Uint8Array(0) : withKeyPathWitness(parseTx(hexToBytes(s.txs[name]), 'refund'), sigs[i] as Uint8Array);
    };
    return slots.map((s) => ({
      leafId: s.leafId, refundTx: signedTx(s, 'refund'), directFromCpfpRefundTx: signedTx(s, 'directFromCpfpRefund'), directRefundTx: signedTx(s, 'directRefund'),
    }));
  }

  /** The nodes and keys a transfer's refund jobs are built from, each read once for all its leaves. */
  private async refundInputs(t: PreparedTransfer, kind: 'transfer_refund' | 'claim_refund'): Promise<RefundInputs> {
    const { d } = this;
    const claim = kind === 'claim_refund';
    const nodes = await d.transfers.lockNodes(d.transfers.db, t.leaves.map((l) => l.leafId), false);
    const keyshareIds = t.leaves.map((l) => (claim ? l.claim?.keyshareId : l.previousKeyshareId));
    if (keyshareIds.some((k) => k === undefined)) throw new OperatorError('INTERNAL', `transfer ${t.id} has a leaf that is not prepared`);
    const keys = await d.keys.getMany(keyshareIds as string[]);
    return { nodes, keys: new Map(t.leaves.map((l, i) => [l.leafId, keys[i] as Keyshare])) };
  }

  private refundJob(
    t: PreparedTransfer, leafId: string, user: UserRefundJob, rawTxHex: string, jobId: string,
    kind: 'transfer_refund' | 'claim_refund', inputs: RefundInputs, what: string, spends: 'node' | 'direct' = 'node',
  ): CoordinatedJob {
    const node = inputs.nodes.get(leafId);
    const key = inputs.keys.get(leafId);
    if (node === undefined || key === undefined) throw new OperatorError('INTERNAL', `leaf ${leafId} vanished`);
    const claim = kind === 'claim_refund';
    const userKey = claim ? t.leaves.find((l) => l.leafId === leafId)?.claim?.ownerSigningPublicKey : node.owner_signing_public_key;
    if (userKey === undefined) throw new OperatorError('INTERNAL', `leaf ${leafId} is not prepared`);
    if (hex(user.signingPublicKey) !== userKey) throw new OperatorError('INVALID_ARGUMENT', `${what}: signing_public_key is not the leaf's ${claim ? 'new' : 'current'} owner key`);
    if (user.userShare.length !== 32) throw new OperatorError('INVALID_ARGUMENT', `${what}: user_signature must be a 32-byte FROST share`);
    if (user.userCommitment.hiding.length !== 33 || user.userCommitment.binding.length !== 33) throw new OperatorError('INVALID_ARGUMENT', `${what}: signing_nonce_commitment must hold two 33-byte points`);
    const tx = parseTx(hexToBytes(rawTxHex), what);
    const spent = spentByRefund(spentTxOf(node, spends), tx, claim ? undefined : t.exit?.connectorTx);
    return {
      jobId,
      keyshare: key,
      message: sighash(tx, spent),
      verifyingKey: hexToBytes(node.verifying_public_key),
      operatorCommitments: user.operatorCommitments,
      user: { commitment: user.userCommitment, publicKey: Uint8Array.from(user.signingPublicKey), share: Uint8Array.from(user.userShare) },
      tx: jobTx({ kind, tx: tx.raw, parentTx: hexToBytes(spends === 'direct' ? node.direct_tx : node.node_tx), parentVout: 0, transferId: t.id }),
    };
  }

  private async abortEverywhere(transferId: string): Promise<void> {
    try {
      await this.d.participant.abort(transferId, this.d.recordDecision);
    } catch (e) {
      this.d.log(`transfer ${transferId}: local abort failed: ${(e as Error).message}`);
      return;
    }
    await this.d.deliverNow();
  }

  /**
   * At start: a transfer prepared here but never decided (the coordinator stopped in between)
   * is aborted everywhere, its leaves back with the sender. Decided ones are in the replication
   * outbox already.
   */
  async recover(): Promise<void> {
    for (const id of await this.d.transfers.listWithStatus(['SENDER_INITIATED_COORDINATOR', 'SENDER_INITIATED'])) {
      this.d.log(`transfer ${id} was prepared but not decided before a restart: returning it to the sender`);
      await this.d.participant.abort(id, this.d.recordDecision);
    }
  }
}

/**
 * The other operators of the network, as the domain services call them: every method takes and
 * answers domain records (dkg/types.ts, signing/job.ts, replication/, deposit/, transfer/types.ts).
 * The one implementation over the network is grpc/internal/peer-client.ts, the only place that
 * knows the internal wire format; a service may equally be handed an in-process Peer (itself, or
 * another operator in a test).
 */
import type { SigningCommitment } from '../crypto.js';
import type { ReplicatedDepositAddress } from '../deposit/address-replication.js';
import type { BatchPackage, DkgBatchInfo, DkgFinalized, DkgRound1 } from '../dkg/types.js';
import type { OperatorHealth } from '../health.js';
import type { ApplyResult, ReplicationRecord } from '../replication/replicator.js';
import type { SignatureShare, SigningJob } from '../signing/job.js';
import type { ClaimPrepare, SendPrepare } from '../transfer/types.js';

export interface Peer {
  health(): Promise<OperatorHealth>;

  // Batched DKG (dkg/service.ts), driven by the coordinator.
  dkgRound1(r: DkgRound1): Promise<BatchPackage>;
  dkgRound2(batchId: string, packages: BatchPackage[]): Promise<void>;
  /** A sender's secret shares for this peer, one scalar per key of the batch. */
  dkgDeliverShares(batchId: string, sender: string, shares: Uint8Array[]): Promise<void>;
  dkgFinalize(batchId: string): Promise<DkgFinalized>;
  dkgCommit(batchId: string): Promise<void>;
  dkgBatches(): Promise<DkgBatchInfo[]>;
  dkgDiscard(batchId: string): Promise<void>;

  // FROST rounds (signing/).
  /** `count` fresh commitments; the peer keeps the nonces behind them, each usable once. */
  frostCommitments(count: number): Promise<SigningCommitment[]>;
  frostSign(jobs: SigningJob[]): Promise<SignatureShare[]>;

  /** Stores and checks a new deposit address; answers the peer's DER signature of it. */
  storeDepositAddress(a: ReplicatedDepositAddress): Promise<Uint8Array>;

  // Durable replication (replication/).
  replicate(origin: string, records: ReplicationRecord[]): Promise<ApplyResult>;
  /** The records the peer still holds for `self` (start-up catch-up). */
  replicationPull(self: string): Promise<ReplicationRecord[]>;
  replicationAck(self: string, ids: string[]): Promise<void>;

  // Transfers (transfer/): each answers the peer's tweak digest.
  prepareSend(p: SendPrepare): Promise<Uint8Array>;
  prepareClaim(p: ClaimPrepare): Promise<Uint8Array>;
  abortClaim(transferId: string): Promise<void>;
}

/** The other operators by identifier (never this one). */
export type PeerSet = ReadonlyMap<string, Peer>;

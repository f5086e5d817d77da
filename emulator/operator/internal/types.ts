/**
 * TypeScript shapes of proto/spark_operator_internal.proto as @grpc/proto-loader decodes them
 * (snake_case, bytes as Buffer, int64 as number, defaults filled in). Requests we send may omit
 * defaults.
 */
export interface HealthResponse {
  identifier: string;
  identity_public_key: Uint8Array;
  ready: boolean;
  group_public_key: Uint8Array;
  key_pool_available: number;
  public_address: string;
}
export interface DkgPackage { identifier: string; commitments: Uint8Array[]; proofs: Uint8Array[] }
export interface DkgRound1Request { batch_id: string; count: number; threshold: number; participants: string[] }
export interface DkgRound1Response { package: DkgPackage | null }
export interface DkgRound2Request { batch_id: string; packages: DkgPackage[] }
export interface DkgDeliverSharesRequest { batch_id: string; sender: string; shares: Uint8Array[] }
export interface DkgFinalizeRequest { batch_id: string }
export interface DkgFinalizeResponse { digest: Uint8Array; count: number; first_group_key: Uint8Array }
export interface DkgCommitRequest { batch_id: string }
export interface DkgBatchInfo { batch_id: string; digest: Uint8Array; key_count: number; committed: boolean }
export interface DkgBatchesResponse { batches: DkgBatchInfo[] }
export interface DkgDiscardRequest { batch_id: string }
export interface Commitment { hiding: Uint8Array; binding: Uint8Array }
export interface FrostCommitmentsRequest { count: number }
export interface FrostCommitmentsResponse { commitments: Commitment[] }
export interface FrostJob {
  job_id: string;
  keyshare_id: string;
  message: Uint8Array;
  verifying_key: Uint8Array;
  operator_commitments: Record<string, Commitment>;
  user_commitment: Commitment | null;
  tx?: TxContext | null;
}
export interface TxContext { kind: string; tx: Uint8Array; parent_tx: Uint8Array; parent_vout: number; transfer_id?: string; leaf_id?: string }
export interface FrostSignRequest { jobs: FrostJob[] }
export interface FrostShare { job_id: string; share: Uint8Array }
export interface FrostSignResponse { shares: FrostShare[] }
export interface FrostSignOperatorsRequest { messages: Uint8Array[]; keyshare_id: string }
export interface FrostSignOperatorsResponse { signatures: Uint8Array[]; verifying_key: Uint8Array; signers: string[] }
export interface DepositAddressRecord {
  address: string;
  leaf_id: string;
  identity_public_key: Uint8Array;
  user_signing_public_key: Uint8Array;
  verifying_public_key: Uint8Array;
  keyshare_id: string;
  network: number;
  proof_of_possession: Uint8Array;
}
export interface StoreDepositAddressRequest { record: DepositAddressRecord | null }
export interface StoreDepositAddressResponse { address_signature: Uint8Array }
export interface TreeNodeRecord {
  id: string;
  tree_id: string;
  owner_identity_public_key: Uint8Array;
  owner_signing_public_key: Uint8Array;
  value: number;
  vout: number;
  verifying_public_key: Uint8Array;
  keyshare_id: string;
  node_tx: Uint8Array;
  refund_tx: Uint8Array;
  direct_from_cpfp_refund_tx: Uint8Array;
  deposit_txid: string;
  deposit_vout: number;
  status: string;
  network: number;
}
export interface StoreTreeNodeRequest { node: TreeNodeRecord | null }

export interface ReplicationRecord { id: string; kind: string; payload: string }
export interface ReplicateRequest { origin: string; records: ReplicationRecord[] }
export interface ReplicateResponse { applied: string[]; errors: Record<string, string> }
export interface ReplicationPullRequest { peer: string }
export interface ReplicationPullResponse { records: ReplicationRecord[] }
export interface ReplicationAckRequest { peer: string; ids: string[] }

export interface LeafRefunds { leaf_id: string; refund_tx: Uint8Array; direct_from_cpfp_refund_tx: Uint8Array }
export interface TransferPrepareRequest {
  transfer_id: string;
  sender_identity_public_key: Uint8Array;
  receiver_identity_public_key: Uint8Array;
  expiry_unix_ms: number;
  leaves: LeafRefunds[];
  key_tweak_package: Record<string, Uint8Array>;
  user_signature: Uint8Array;
}
export interface ClaimPrepareRequest {
  transfer_id: string;
  receiver_identity_public_key: Uint8Array;
  leaves: LeafRefunds[];
  key_tweak_package: Record<string, Uint8Array>;
  user_signature: Uint8Array;
}
export interface TweakPrepared { tweak_digest: Uint8Array }
export interface ClaimAbortRequest { transfer_id: string }

type Empty = Record<string, never>;

/** The internal service, as a handler object (server side) and as a client (same signatures). */
export interface InternalApi {
  health(req: Empty): Promise<HealthResponse>;
  dkg_round1(req: DkgRound1Request): Promise<DkgRound1Response>;
  dkg_round2(req: DkgRound2Request): Promise<Empty>;
  dkg_deliver_shares(req: DkgDeliverSharesRequest): Promise<Empty>;
  dkg_finalize(req: DkgFinalizeRequest): Promise<DkgFinalizeResponse>;
  dkg_commit(req: DkgCommitRequest): Promise<Empty>;
  dkg_batches(req: Empty): Promise<DkgBatchesResponse>;
  dkg_discard(req: DkgDiscardRequest): Promise<Empty>;
  frost_commitments(req: FrostCommitmentsRequest): Promise<FrostCommitmentsResponse>;
  frost_sign(req: FrostSignRequest): Promise<FrostSignResponse>;
  frost_sign_operators(req: FrostSignOperatorsRequest): Promise<FrostSignOperatorsResponse>;
  store_deposit_address(req: StoreDepositAddressRequest): Promise<StoreDepositAddressResponse>;
  store_tree_node(req: StoreTreeNodeRequest): Promise<Empty>;
  replicate(req: ReplicateRequest): Promise<ReplicateResponse>;
  replication_pull(req: ReplicationPullRequest): Promise<ReplicationPullResponse>;
  replication_ack(req: ReplicationAckRequest): Promise<Empty>;

  transfer_prepare(req: TransferPrepareRequest): Promise<TweakPrepared>;
  claim_abort(req: ClaimAbortRequest): Promise<Empty>;
  claim_prepare(req: ClaimPrepareRequest): Promise<TweakPrepared>;
}

/** The replication part of the internal service (what a Replicator needs of a peer). */
export type ReplicationApi = Pick<InternalApi, 'replicate' | 'replication_pull' | 'replication_ack'>;

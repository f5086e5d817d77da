/**
 * The one mapping between the internal service's messages (generated from
 * proto/spark_operator_internal.proto) and the domain records the services use. Both sides of the
 * wire use it: the peer client (peer-client.ts) and the handlers (handlers.ts). Bytes taken from
 * a message are copied into plain Uint8Arrays (the transport hands out Buffers over its own
 * memory); absent optional fields map to the proto3 defaults and back.
 */
import type { SigningCommitment } from '../../crypto.js';
import type { ReplicatedDepositAddress } from '../../deposit/address-replication.js';
import type { BatchPackage, DkgBatchInfo, DkgFinalized } from '../../dkg/types.js';
import { OperatorError } from '../../errors.js';
import type { OperatorHealth } from '../../health.js';
import type { JobTx, SignatureShare, SigningJob } from '../../signing/job.js';
import type { ClaimPrepare, LeafRefundTxs, SendPrepare } from '../../transfer/types.js';
import type {
  ClaimPrepareRequest, Commitment, DepositAddressRecord, DkgBatchInfo as DkgBatchInfoMessage, DkgFinalizeResponse, DkgPackage, FrostJob, FrostShare,
  HealthResponse, LeafRefunds, TransferPrepareRequest, TxContext,
} from '../generated/spark_operator_internal.js';

const copy = (b: Uint8Array): Uint8Array => Uint8Array.from(b);
const copyAll = (bs: readonly Uint8Array[]): Uint8Array[] => bs.map(copy);
const copyMap = (m: Record<string, Uint8Array>): Record<string, Uint8Array> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, copy(v)]));
/** An empty bytes field is how proto3 carries "absent". */
const optionalBytes = (b: Uint8Array | undefined): Uint8Array | undefined => (b === undefined || b.length === 0 ? undefined : copy(b));
const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);

// ---- health ----
export const healthToWire = (h: OperatorHealth): HealthResponse => ({
  identifier: h.identifier, identity_public_key: h.identityPublicKey, ready: h.ready, group_public_key: h.groupPublicKey,
  key_pool_available: h.keyPoolAvailable, public_address: h.publicAddress,
});
export const healthFromWire = (h: HealthResponse): OperatorHealth => ({
  identifier: h.identifier, identityPublicKey: copy(h.identity_public_key), ready: h.ready, groupPublicKey: copy(h.group_public_key),
  keyPoolAvailable: h.key_pool_available, publicAddress: h.public_address,
});

// ---- DKG ----
export const packageFromWire = (p: DkgPackage | undefined): BatchPackage => {
  if (p === undefined) throw new OperatorError('DKG_FAILED', 'an operator answered round 1 without a package');
  return { identifier: p.identifier, commitments: copyAll(p.commitments), proofs: copyAll(p.proofs) };
};
export const finalizedToWire = (f: DkgFinalized): DkgFinalizeResponse => ({ digest: f.digest, count: f.count, first_group_key: f.firstGroupKey });
export const finalizedFromWire = (f: DkgFinalizeResponse): DkgFinalized => ({ digest: copy(f.digest), count: f.count, firstGroupKey: copy(f.first_group_key) });
export const batchInfoToWire = (b: DkgBatchInfo): DkgBatchInfoMessage => ({ batch_id: b.batchId, digest: b.digest, key_count: b.keyCount, committed: b.committed });
export const batchInfoFromWire = (b: DkgBatchInfoMessage): DkgBatchInfo => ({ batchId: b.batch_id, digest: copy(b.digest), keyCount: b.key_count, committed: b.committed });

// ---- FROST ----
export const commitmentFromWire = (c: Commitment): SigningCommitment => ({ hiding: copy(c.hiding), binding: copy(c.binding) });
const txToWire = (t: JobTx): TxContext => ({
  kind: t.kind, tx: t.tx, parent_tx: t.parentTx, parent_vout: t.parentVout, transfer_id: t.transferId, leaf_id: t.leafId,
});
const txFromWire = (t: TxContext): JobTx => ({
  kind: t.kind, tx: copy(t.tx), parentTx: copy(t.parent_tx), parentVout: t.parent_vout, transferId: t.transfer_id, leafId: t.leaf_id,
});
export const jobToWire = (j: SigningJob): FrostJob => ({
  job_id: j.jobId, keyshare_id: j.keyshareId, message: j.message, verifying_key: j.verifyingKey,
  operator_commitments: j.operatorCommitments, user_commitment: j.userCommitment,
  tx: j.tx === undefined ? undefined : txToWire(j.tx), adaptor_public_key: j.adaptorPublicKey ?? new Uint8Array(0),
});
export const jobFromWire = (j: FrostJob): SigningJob => ({
  jobId: j.job_id, keyshareId: j.keyshare_id, message: copy(j.message), verifyingKey: copy(j.verifying_key),
  operatorCommitments: Object.fromEntries(Object.entries(j.operator_commitments).map(([id, c]) => [id, commitmentFromWire(c)])),
  userCommitment: j.user_commitment === undefined ? undefined : commitmentFromWire(j.user_commitment),
  tx: j.tx === undefined ? undefined : txFromWire(j.tx), adaptorPublicKey: optionalBytes(j.adaptor_public_key),
});
export const shareToWire = (s: SignatureShare): FrostShare => ({ job_id: s.jobId, share: s.share });
export const shareFromWire = (s: FrostShare): SignatureShare => ({ jobId: s.job_id, share: copy(s.share) });

// ---- deposit addresses ----
export const addressToWire = (a: ReplicatedDepositAddress): DepositAddressRecord => ({
  address: a.address, leaf_id: a.leafId, identity_public_key: a.identity, user_signing_public_key: a.userKey,
  verifying_public_key: a.verifyingKey, keyshare_id: a.keyshareId, network: a.network, proof_of_possession: a.proofOfPossession, is_static: a.isStatic,
});
export const addressFromWire = (r: DepositAddressRecord | undefined): ReplicatedDepositAddress => {
  if (r === undefined) throw bad('record is required');
  return {
    address: r.address, leafId: r.leaf_id, identity: copy(r.identity_public_key), userKey: copy(r.user_signing_public_key),
    verifyingKey: copy(r.verifying_public_key), keyshareId: r.keyshare_id, proofOfPossession: copy(r.proof_of_possession), network: r.network,
    isStatic: r.is_static,
  };
};

// ---- transfers ----
const refundsToWire = (l: LeafRefundTxs): LeafRefunds => ({
  leaf_id: l.leafId, refund_tx: l.refundTx, direct_from_cpfp_refund_tx: l.directFromCpfpRefundTx, direct_refund_tx: l.directRefundTx,
});
const refundsFromWire = (l: LeafRefunds): LeafRefundTxs => ({
  leafId: l.leaf_id, refundTx: copy(l.refund_tx), directFromCpfpRefundTx: copy(l.direct_from_cpfp_refund_tx), directRefundTx: copy(l.direct_refund_tx),
});
export const sendPrepareToWire = (p: SendPrepare): TransferPrepareRequest => ({
  transfer_id: p.transferId, sender_identity_public_key: p.sender, receiver_identity_public_key: p.receiver,
  expiry_unix_ms: p.expiry?.getTime() ?? 0, leaves: p.leaves.map(refundsToWire), key_tweak_package: p.keyTweakPackage, user_signature: p.userSignature,
  adaptor_public_key: p.adaptorPublicKey ?? new Uint8Array(0), counter_of: p.counterOf ?? '',
  exit_txid: p.exit?.exitTxid ?? new Uint8Array(0), connector_tx: p.exit?.connectorTx ?? new Uint8Array(0), utxo_swap: p.utxoSwap === true,
});
export const sendPrepareFromWire = (r: TransferPrepareRequest): SendPrepare => {
  const adaptor = optionalBytes(r.adaptor_public_key);
  return {
    transferId: r.transfer_id, sender: copy(r.sender_identity_public_key), receiver: copy(r.receiver_identity_public_key),
    expiry: r.expiry_unix_ms > 0 ? new Date(r.expiry_unix_ms) : undefined, leaves: r.leaves.map(refundsFromWire),
    keyTweakPackage: copyMap(r.key_tweak_package), userSignature: copy(r.user_signature),
    ...(adaptor === undefined ? {} : { adaptorPublicKey: adaptor }),
    ...(r.counter_of === '' ? {} : { counterOf: r.counter_of }),
    ...(r.exit_txid.length === 0 ? {} : { exit: { exitTxid: copy(r.exit_txid), connectorTx: copy(r.connector_tx) } }),
    ...(r.utxo_swap ? { utxoSwap: true as const } : {}),
  };
};
export const claimPrepareToWire = (p: ClaimPrepare): ClaimPrepareRequest => ({
  transfer_id: p.transferId, receiver_identity_public_key: p.receiver, leaves: p.leaves.map(refundsToWire),
  key_tweak_package: p.keyTweakPackage, user_signature: p.userSignature,
});
export const claimPrepareFromWire = (r: ClaimPrepareRequest): ClaimPrepare => ({
  transferId: r.transfer_id, receiver: copy(r.receiver_identity_public_key), leaves: r.leaves.map(refundsFromWire),
  keyTweakPackage: copyMap(r.key_tweak_package), userSignature: copy(r.user_signature),
});

/**
 * spark.SparkService transfer messages ↔ the transfer domain (docs/sdk-wire.md; SDK
 * services/transfer.ts): requests become SendPrepare / ClaimPrepare and the wallet's signing
 * jobs, records become spark.Transfer. Only translation and shape checks live here.
 */
import type {
  ClaimTransferRequest, CooperativeExitRequest, InitiateSwapPrimaryTransferRequest, LeafRefundTxSigningResult, StartTransferRequest, Transfer, TransferFilter, TreeNode, UserSignedTxSigningJob,
} from '@buildonspark/spark-sdk/proto/spark';
import { hexToBytes } from '../../crypto.js';
import { TRANSFER_STATUSES } from '../../db/transfer-repository.js';
import type { TransferQuery, TransferRecord, TransferStatus } from '../../db/transfer-repository.js';
import { OperatorError } from '../../errors.js';
import type { LeafJobs, PrimaryRefundResult, UserRefundJob } from '../../transfer/transfer-service.js';
import type { ClaimPrepare, SendPrepare } from '../../transfer/types.js';

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);
/** spark.TransferType values of the types this network creates. */
const TYPE_TRANSFER = 2;
const TYPE_PRIMARY_SWAP_V3 = 4;
const TYPE_COUNTER_SWAP_V3 = 5;
const TYPE_COOPERATIVE_EXIT = 1;
const TYPE_UTXO_SWAP = 3;
const TYPE_NUMBER = {
  TRANSFER: TYPE_TRANSFER, PRIMARY_SWAP_V3: TYPE_PRIMARY_SWAP_V3, COUNTER_SWAP_V3: TYPE_COUNTER_SWAP_V3, COOPERATIVE_EXIT: TYPE_COOPERATIVE_EXIT, UTXO_SWAP: TYPE_UTXO_SWAP,
} as const;
/** spark.HashVariant.HASH_VARIANT_V2 */
const HASH_VARIANT_V2 = 1;

export function userJob(j: UserSignedTxSigningJob, what: string): UserRefundJob {
  const c = j.signingNonceCommitment;
  if (c === undefined) throw bad(`${what}: signing_nonce_commitment is missing`);
  const ops = j.signingCommitments?.signingCommitments;
  if (ops === undefined || Object.keys(ops).length === 0) throw bad(`${what}: signing_commitments (from get_signing_commitments) are missing`);
  return { signingPublicKey: j.signingPublicKey, userCommitment: c, userShare: j.userSignature, operatorCommitments: ops };
}

/**
 * Groups each leaf's CPFP, direct-from-CPFP and (for a leaf with a direct node tx that is not a
 * zero node) direct refund jobs. Whether a leaf needs a direct refund is each operator's check
 * against its own rows (transfer/participant.ts); here only the shape: one job of each kind per
 * leaf at most, no job for a leaf without a CPFP refund job.
 */
function leafJobs(cpfp: UserSignedTxSigningJob[], direct: UserSignedTxSigningJob[], directFromCpfp: UserSignedTxSigningJob[], what: string): { jobs: LeafJobs[]; refunds: SendPrepare['leaves'] } {
  if (cpfp.length === 0) throw bad(`${what}: no refund signing jobs`);
  if (directFromCpfp.length !== cpfp.length) throw bad(`${what}: ${cpfp.length} refund jobs but ${directFromCpfp.length} direct-from-CPFP refund jobs`);
  const leafIds = new Set(cpfp.map((j) => j.leafId));
  const stray = direct.find((x) => !leafIds.has(x.leafId));
  if (stray !== undefined) throw bad(`${what}: a direct refund job for leaf ${stray.leafId}, which has no refund job`);
  if (new Set(direct.map((x) => x.leafId)).size !== direct.length) throw bad(`${what}: two direct refund jobs for one leaf`);
  const jobs: LeafJobs[] = [];
  const refunds: SendPrepare['leaves'] = [];
  for (const j of cpfp) {
    const d = directFromCpfp.find((x) => x.leafId === j.leafId);
    if (d === undefined) throw bad(`${what}: leaf ${j.leafId} has no direct-from-CPFP refund job`);
    const dr = direct.find((x) => x.leafId === j.leafId);
    jobs.push({
      leafId: j.leafId, refund: userJob(j, `leaf ${j.leafId} refund`), directFromCpfpRefund: userJob(d, `leaf ${j.leafId} direct-from-CPFP refund`),
      ...(dr === undefined ? {} : { directRefund: userJob(dr, `leaf ${j.leafId} direct refund`) }),
    });
    refunds.push({ leafId: j.leafId, refundTx: j.rawTx, directFromCpfpRefundTx: d.rawTx, directRefundTx: dr?.rawTx ?? new Uint8Array(0) });
  }
  return { jobs, refunds };
}

export function startTransferFromWire(req: StartTransferRequest): { prepare: SendPrepare; jobs: LeafJobs[] } {
  const pkg = req.transferPackage;
  if (pkg === undefined) throw bad('transfer_package is required (the legacy leaves_to_send path is not served)');
  if (req.leavesToSend.length > 0) throw bad('leaves_to_send must be empty when a transfer_package is given');
  if (pkg.hashVariant !== HASH_VARIANT_V2) throw bad(`transfer_package.hash_variant ${pkg.hashVariant} is not HASH_VARIANT_V2`);
  if (req.receiverIdentityPublicKey.length !== 33) throw bad('receiver_identity_public_key must be a 33-byte compressed key');
  if (req.sparkInvoice !== '') throw new OperatorError('UNIMPLEMENTED', 'transfers with a spark_invoice are not supported by this network');
  const { jobs, refunds } = leafJobs(pkg.leavesToSend, pkg.directLeavesToSend, pkg.directFromCpfpLeavesToSend, 'transfer_package');
  return {
    prepare: {
      transferId: req.transferId, sender: req.ownerIdentityPublicKey, receiver: req.receiverIdentityPublicKey, expiry: req.expiryTime,
      leaves: refunds, keyTweakPackage: pkg.keyTweakPackage, userSignature: pkg.userSignature,
    },
    jobs,
  };
}

/**
 * cooperative_exit_v2 (docs/transfers.md, section "Cooperative exit"): a transfer to the SSP
 * whose refunds spend the connector outputs, with the exit transaction's id and the connector
 * transaction; checked as a transfer package is, the connector by every operator.
 */
export function coopExitFromWire(req: CooperativeExitRequest): { prepare: SendPrepare; jobs: LeafJobs[] } {
  if (req.transfer === undefined) throw bad('transfer is required');
  if (req.exitTxid.length !== 32) throw bad(`exit_txid must be 32 bytes, has ${req.exitTxid.length}`);
  if (req.connectorTx.length === 0) throw bad('connector_tx is required');
  const { prepare, jobs } = startTransferFromWire(req.transfer);
  return { prepare: { ...prepare, exit: { exitTxid: req.exitTxid, connectorTx: req.connectorTx } }, jobs };
}

/**
 * initiate_swap_primary_transfer (docs/ssp.md, section "The swap protocol (Swap V3)"): a transfer
 * package with CPFP refunds only, and the wallet's adaptor point. Direct refunds are refused, as
 * upstream does for a primary transfer.
 */
export function swapPrimaryFromWire(req: InitiateSwapPrimaryTransferRequest): { prepare: SendPrepare; jobs: LeafJobs[] } {
  const t = req.transfer;
  if (t === undefined) throw bad('transfer is required');
  const pkg = t.transferPackage;
  if (pkg === undefined) throw bad('transfer.transfer_package is required');
  if (t.leavesToSend.length > 0) throw bad('transfer.leaves_to_send must be empty when a transfer_package is given');
  if (pkg.hashVariant !== HASH_VARIANT_V2) throw bad(`transfer_package.hash_variant ${pkg.hashVariant} is not HASH_VARIANT_V2`);
  if (t.receiverIdentityPublicKey.length !== 33) throw bad('receiver_identity_public_key must be a 33-byte compressed key');
  if (pkg.directLeavesToSend.length > 0 || pkg.directFromCpfpLeavesToSend.length > 0) throw bad(`direct transactions must not be given for a swap's primary transfer ${t.transferId}`);
  const adaptor = req.adaptorPublicKeys?.adaptorPublicKey;
  if (adaptor === undefined || adaptor.length !== 33) throw bad('adaptor_public_keys.adaptor_public_key must be a 33-byte compressed point');
  if (pkg.leavesToSend.length === 0) throw bad('transfer_package: no refund signing jobs');
  const jobs: LeafJobs[] = pkg.leavesToSend.map((j) => ({ leafId: j.leafId, refund: userJob(j, `leaf ${j.leafId} refund`) }));
  return {
    prepare: {
      transferId: t.transferId, sender: t.ownerIdentityPublicKey, receiver: t.receiverIdentityPublicKey, expiry: t.expiryTime,
      leaves: pkg.leavesToSend.map((j) => ({ leafId: j.leafId, refundTx: j.rawTx, directFromCpfpRefundTx: new Uint8Array(0), directRefundTx: new Uint8Array(0) })),
      keyTweakPackage: pkg.keyTweakPackage, userSignature: pkg.userSignature, adaptorPublicKey: adaptor,
    },
    jobs,
  };
}

/** The operators' shares of each primary refund, as the SDK's aggregateFrost takes them. */
export function primaryResultsToWire(results: PrimaryRefundResult[]): LeafRefundTxSigningResult[] {
  return results.map((r) => ({
    leafId: r.leafId,
    verifyingKey: r.verifyingKey,
    refundTxSigningResult: { publicKeys: r.publicShares, signingNonceCommitments: r.operatorCommitments, signatureShares: r.operatorShares, signingKeyshare: undefined },
    directRefundTxSigningResult: undefined,
    directFromCpfpRefundTxSigningResult: undefined,
  }));
}

export function claimFromWire(req: ClaimTransferRequest): { prepare: ClaimPrepare; jobs: LeafJobs[] } {
  const pkg = req.claimPackage;
  if (pkg === undefined) throw bad('claim_package is required');
  if (pkg.hashVariant !== HASH_VARIANT_V2) throw bad(`claim_package.hash_variant ${pkg.hashVariant} is not HASH_VARIANT_V2`);
  const { jobs, refunds } = leafJobs(pkg.leavesToClaim, pkg.directLeavesToClaim, pkg.directFromCpfpLeavesToClaim, 'claim_package');
  return {
    prepare: { transferId: req.transferId, receiver: req.ownerIdentityPublicKey, leaves: refunds, keyTweakPackage: pkg.keyTweakPackage, userSignature: pkg.userSignature },
    jobs,
  };
}

export function transferToWire(t: TransferRecord, nodes: Map<string, TreeNode>): Transfer {
  return {
    id: t.id,
    senderIdentityPublicKey: hexToBytes(t.sender),
    receiverIdentityPublicKey: hexToBytes(t.receiver),
    status: TRANSFER_STATUSES.indexOf(t.status),
    totalValue: t.totalValue,
    expiryTime: t.expiryTime,
    leaves: t.leaves.map((l) => ({
      leaf: nodes.get(l.leafId),
      secretCipher: hexToBytes(l.secretCipher),
      signature: hexToBytes(l.signature),
      intermediateRefundTx: hexToBytes(l.intermediateRefundTx),
      intermediateDirectRefundTx: hexToBytes(l.intermediateDirectRefundTx),
      intermediateDirectFromCpfpRefundTx: hexToBytes(l.intermediateDirectFromCpfpRefundTx),
      pendingKeyTweakPublicKey: new Uint8Array(0),
      transferReceiverId: '',
      transferSenderId: '',
    })),
    createdTime: t.createdAt,
    updatedTime: t.updatedAt,
    type: TYPE_NUMBER[t.type],
    sparkInvoice: '',
    network: t.network,
    receivers: [],
    senders: [],
  };
}

/**
 * A TransferFilter as a query (upstream transfer_handler.go queryTransfers): limit 0 or above
 * 100 → 100; pending for a receiver = the claimable statuses, for a sender = not yet settled
 * and expired; `statuses` must be empty when pending. Undefined when the filter can match
 * nothing here (types without TRANSFER).
 */
export function queryFromWire(f: TransferFilter, identity: string, pending: boolean): TransferQuery | undefined {
  const p = f.participant;
  if (p === undefined) throw bad('transfer filter needs a participant');
  if (f.types.length > 0 && !Object.values(TYPE_NUMBER).some((t) => f.types.includes(t))) return undefined;
  const role = p.$case === 'receiverIdentityPublicKey' ? 'receiver' : p.$case === 'senderIdentityPublicKey' ? 'sender' : 'either';
  let statuses: TransferStatus[] = f.statuses.map((s) => {
    const n = (TRANSFER_STATUSES as readonly TransferStatus[])[s];
    if (n === undefined) throw bad(`unknown transfer status ${s}`);
    return n;
  });
  let expiredBefore: Date | undefined;
  if (pending) {
    if (statuses.length > 0) throw bad('statuses must be empty when querying pending transfers');
    if (role === 'sender') {
      statuses = ['SENDER_INITIATED', 'SENDER_KEY_TWEAK_PENDING'];
      expiredBefore = new Date();
    } else {
      statuses = ['SENDER_KEY_TWEAKED', 'RECEIVER_KEY_TWEAKED', 'RECEIVER_KEY_TWEAK_LOCKED', 'RECEIVER_KEY_TWEAK_APPLIED', 'RECEIVER_REFUND_SIGNED'];
    }
  }
  const limit = f.limit <= 0 || f.limit > 100 ? 100 : f.limit;
  if (f.offset < 0) throw bad('offset must not be negative');
  return {
    participant: { role: pending && role === 'either' ? 'receiver' : role, identity },
    ids: f.transferIds,
    statuses,
    network: f.network === 0 ? undefined : f.network,
    createdAfter: f.timeFilter?.$case === 'createdAfter' ? f.timeFilter.createdAfter : undefined,
    createdBefore: f.timeFilter?.$case === 'createdBefore' ? f.timeFilter.createdBefore : undefined,
    ascending: f.order === 1,
    limit,
    offset: f.offset,
    expiredBefore,
  };
}

/**
 * spark.SparkService deposit messages ↔ the deposit domain (deposit/deposit-service.ts). Only
 * translation lives here; the checks are the domain's.
 */
import type {
  Address,
  DepositAddressQueryResult,
  GenerateStaticDepositAddressRequest,
  FinalizeDepositTreeCreationRequest,
  GenerateDepositAddressRequest,
  GetSigningCommitmentsRequest,
  GetSigningCommitmentsResponse,
  UserSignedTxSigningJob,
} from '@buildonspark/spark-sdk/proto/spark';
import type { SigningCommitment } from '../../crypto.js';
import type { AddressRequest, CommitmentsRequest, DepositAddress, DepositSigningJob, TreeRequest, UnusedDepositAddress } from '../../deposit/deposit-service.js';

export function addressRequestFromWire(req: GenerateDepositAddressRequest): AddressRequest {
  return { identityPublicKey: req.identityPublicKey, signingPublicKey: req.signingPublicKey, network: req.network, isStatic: req.isStatic === true, leafId: req.leafId };
}

export function depositAddressToWire(a: DepositAddress): { depositAddress: Address } {
  return {
    depositAddress: {
      address: a.address,
      verifyingKey: a.verifyingKey,
      depositAddressProof: { addressSignatures: a.addressSignatures, proofOfPossessionSignature: a.proofOfPossession },
      isStatic: a.isStatic,
    },
  };
}

export function staticAddressRequestFromWire(req: GenerateStaticDepositAddressRequest): AddressRequest {
  return { identityPublicKey: req.identityPublicKey, signingPublicKey: req.signingPublicKey, network: req.network, isStatic: true, leafId: undefined };
}

export function unusedAddressToWire(a: UnusedDepositAddress): DepositAddressQueryResult {
  return {
    depositAddress: a.address,
    userSigningPublicKey: a.userSigningPublicKey,
    verifyingPublicKey: a.verifyingKey,
    leafId: a.leafId,
    proofOfPossession: { addressSignatures: a.addressSignatures, proofOfPossessionSignature: a.proofOfPossession },
  };
}

export function commitmentsRequestFromWire(req: GetSigningCommitmentsRequest): CommitmentsRequest {
  return { nodeIds: req.nodeIds, nodeIdCount: req.nodeIdCount ?? 0, count: req.count ?? 0 };
}

export function commitmentsToWire(sets: Record<string, SigningCommitment>[]): GetSigningCommitmentsResponse {
  return { signingCommitments: sets.map((s) => ({ signingNonceCommitments: s })) };
}

function signingJob(j: UserSignedTxSigningJob | undefined): DepositSigningJob | undefined {
  if (j === undefined) return undefined;
  return { signingPublicKey: j.signingPublicKey, rawTx: j.rawTx, userCommitment: j.signingNonceCommitment, userShare: j.userSignature, operatorCommitments: j.signingCommitments?.signingCommitments };
}

export function treeRequestFromWire(req: FinalizeDepositTreeCreationRequest): TreeRequest {
  const u = req.onChainUtxo;
  return {
    identityPublicKey: req.identityPublicKey,
    utxo: u === undefined ? undefined : { rawTx: u.rawTx, txid: u.txid, vout: u.vout, network: u.network },
    additionalUtxos: req.additionalOnChainUtxos.length,
    root: signingJob(req.rootTxSigningJob),
    refund: signingJob(req.refundTxSigningJob),
    directFromCpfpRefund: signingJob(req.directFromCpfpRefundTxSigningJob),
  };
}

/**
 * spark.SparkService initiate_static_deposit_utxo_refund ↔ the UTXO swap service's refund
 * (static-deposit/utxo-swap-service.ts; docs/ssp.md, section "Static deposits"). Translation only.
 */
import type { InitiateStaticDepositUtxoRefundRequest, InitiateStaticDepositUtxoRefundResponse } from '@buildonspark/spark-sdk/proto/spark';
import { bytesToHex, hexToBytes } from '../../crypto.js';
import { OperatorError } from '../../errors.js';
import type { UtxoRefundRequest, UtxoRefundResult } from '../../static-deposit/utxo-swap-service.js';

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);

export function refundRequestFromWire(req: InitiateStaticDepositUtxoRefundRequest): UtxoRefundRequest {
  const utxo = req.onChainUtxo;
  if (utxo === undefined) throw bad('on_chain_utxo is required');
  if (utxo.txid.length !== 32) throw bad('on_chain_utxo.txid must be 32 bytes');
  const job = req.refundTxSigningJob;
  if (job === undefined) throw bad('refund_tx_signing_job is required');
  const c = job.signingNonceCommitment;
  if (c === undefined || c.hiding.length !== 33 || c.binding.length !== 33) throw bad('refund_tx_signing_job.signing_nonce_commitment must hold two 33-byte points');
  if (job.signingPublicKey.length !== 33) throw bad('refund_tx_signing_job.signing_public_key must be a 33-byte compressed key');
  if (req.userSignature.length === 0) throw bad('user_signature is required');
  return {
    txid: bytesToHex(Uint8Array.from(utxo.txid)), vout: utxo.vout, network: utxo.network,
    userSignature: Uint8Array.from(req.userSignature), refundTx: Uint8Array.from(job.rawTx), userSigningPublicKey: Uint8Array.from(job.signingPublicKey),
    userCommitment: { hiding: Uint8Array.from(c.hiding), binding: Uint8Array.from(c.binding) },
  };
}

export function refundResultToWire(r: UtxoRefundResult): InitiateStaticDepositUtxoRefundResponse {
  return {
    refundTxSigningResult: { publicKeys: r.publicShares, signingNonceCommitments: r.operatorCommitments, signatureShares: r.operatorShares, signingKeyshare: undefined },
    depositAddress: {
      depositAddress: r.address.address,
      userSigningPublicKey: hexToBytes(r.address.user_signing_public_key),
      verifyingPublicKey: hexToBytes(r.address.verifying_public_key),
      leafId: r.address.leaf_id,
      proofOfPossession: undefined,
    },
  };
}

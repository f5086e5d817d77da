/**
 * spark.SparkService renew_leaf messages ↔ the renewal domain (docs/transfers.md, section
 * "Renewal"; spark-sdk 0.8.8 services/transfer.ts `renew*Txn`). Only translation and shape
 * checks live here.
 */
import type { RenewLeafRequest, RenewLeafResponse, TreeNode, UserSignedTxSigningJob } from '@buildonspark/spark-sdk/proto/spark';
import { OperatorError } from '../../errors.js';
import type { RenewRequest, RenewUserJob } from '../../renew/renew-service.js';
import type { RenewRole, RenewVariant } from '../../renew/renew-txs.js';
import { userJob } from './transfer-wire.js';

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);

type Jobs = Partial<Record<RenewRole, UserSignedTxSigningJob | undefined>>;

function jobsOf(leafId: string, given: Jobs): Partial<Record<RenewRole, RenewUserJob>> {
  const out: Partial<Record<RenewRole, RenewUserJob>> = {};
  for (const [role, j] of Object.entries(given) as [RenewRole, UserSignedTxSigningJob | undefined][]) {
    if (j === undefined) continue;
    const what = `leaf ${leafId}: ${role} tx signing job`;
    if (j.rawTx.length === 0) throw bad(`${what}: raw_tx is empty`);
    out[role] = { ...userJob(j, what), rawTx: j.rawTx };
  }
  return out;
}

export function renewFromWire(req: RenewLeafRequest, owner: string): RenewRequest {
  if (req.leafId === '') throw bad('leaf_id is required');
  const s = req.signingJobs;
  let variant: RenewVariant;
  let jobs: Jobs;
  if (s?.$case === 'renewNodeZeroTimelockSigningJob') {
    const j = s.renewNodeZeroTimelockSigningJob;
    variant = 'zero';
    jobs = { node: j.nodeTxSigningJob, directNode: j.directNodeTxSigningJob, refund: j.refundTxSigningJob, directFromCpfpRefund: j.directFromCpfpRefundTxSigningJob };
  } else if (s?.$case === 'renewRefundTimelockSigningJob') {
    const j = s.renewRefundTimelockSigningJob;
    variant = 'refund';
    jobs = { node: j.nodeTxSigningJob, directNode: j.directNodeTxSigningJob, refund: j.refundTxSigningJob, directRefund: j.directRefundTxSigningJob, directFromCpfpRefund: j.directFromCpfpRefundTxSigningJob };
  } else if (s?.$case === 'renewNodeTimelockSigningJob') {
    const j = s.renewNodeTimelockSigningJob;
    variant = 'node';
    jobs = {
      split: j.splitNodeTxSigningJob, directSplit: j.splitNodeDirectTxSigningJob, node: j.nodeTxSigningJob, directNode: j.directNodeTxSigningJob,
      refund: j.refundTxSigningJob, directRefund: j.directRefundTxSigningJob, directFromCpfpRefund: j.directFromCpfpRefundTxSigningJob,
    };
  } else {
    throw bad('renew_leaf needs one of renew_node_timelock_signing_job, renew_refund_timelock_signing_job, renew_node_zero_timelock_signing_job');
  }
  return { leafId: req.leafId, owner, variant, jobs: jobsOf(req.leafId, jobs) };
}

export function renewToWire(variant: RenewVariant, node: TreeNode, splitNode: TreeNode | undefined): RenewLeafResponse {
  if (variant === 'refund') return { renewResult: { $case: 'renewRefundTimelockResult', renewRefundTimelockResult: { node } } };
  if (variant === 'zero') return { renewResult: { $case: 'renewNodeZeroTimelockResult', renewNodeZeroTimelockResult: { node, splitNode } } };
  return { renewResult: { $case: 'renewNodeTimelockResult', renewNodeTimelockResult: { node, splitNode } } };
}

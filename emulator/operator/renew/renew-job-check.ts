/**
 * Every operator's own check of a renewal signing job before it gives its share (the
 * coordinator's included): the job names an AVAILABLE leaf this operator stores, with that
 * leaf's current key and verifying key, and its transaction is byte for byte one this operator
 * rebuilds for a renewal the leaf is eligible for now (renew-txs.ts), its message that
 * transaction's sighash. So a leaf key is never used to sign anything but a renewal of that leaf.
 */
import { bytesToHex } from '../crypto.js';
import type { RenewRepository } from '../db/renew-repository.js';
import { parseTx, sighash } from '../deposit/transactions.js';
import { OperatorError } from '../errors.js';
import type { FrostJob } from '../grpc/generated/spark_operator_internal.js';
import { anyExpectedTx } from './renew-txs.js';

const hex = (b: Uint8Array): string => bytesToHex(Uint8Array.from(b));

export async function checkRenewJob(nodes: RenewRepository, self: string, job: FrostJob): Promise<void> {
  const ctx = job.tx;
  if (ctx === undefined || ctx === null || (ctx.leaf_id ?? '') === '') throw new OperatorError('INVALID_ARGUMENT', `job ${job.job_id}: a renewal job must name its leaf`);
  const leafId = ctx.leaf_id as string;
  const leaf = await nodes.get(leafId);
  if (leaf === undefined) throw new OperatorError('NOT_FOUND', `job ${job.job_id}: leaf ${leafId} is unknown to operator ${self}`);
  if (leaf.status !== 'AVAILABLE') throw new OperatorError('FAILED_PRECONDITION', `job ${job.job_id}: leaf ${leafId} is ${leaf.status} on operator ${self}`);
  if (job.keyshare_id !== leaf.keyshare_id) throw new OperatorError('PERMISSION_DENIED', `job ${job.job_id}: not the current key of leaf ${leafId} on operator ${self}`);
  if (hex(job.verifying_key) !== leaf.verifying_public_key) throw new OperatorError('PERMISSION_DENIED', `job ${job.job_id}: not the verifying key of leaf ${leafId}`);
  const parent = leaf.parent_node_id === null ? undefined : await nodes.get(leaf.parent_node_id);
  const given = parseTx(Uint8Array.from(ctx.tx), `job ${job.job_id} tx`);
  const match = anyExpectedTx(leaf, parent).find((t) => hex(t.tx) === hex(given.raw));
  if (match === undefined) throw new OperatorError('PERMISSION_DENIED', `job ${job.job_id}: not a renewal transaction of leaf ${leafId} on operator ${self}`);
  if (hex(sighash(given, match.spent)) !== hex(job.message)) throw new OperatorError('INVALID_ARGUMENT', `job ${job.job_id}: message is not the transaction's sighash`);
}

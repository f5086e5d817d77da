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
import type { SigningJob } from '../signing/job.js';
import { anyExpectedTx } from './renew-txs.js';

const hex = (b: Uint8Array): string => bytesToHex(Uint8Array.from(b));

export async function checkRenewJob(nodes: RenewRepository, self: string, job: SigningJob): Promise<void> {
  const ctx = job.tx;
  if (ctx === undefined || ctx.leafId === '') throw new OperatorError('INVALID_ARGUMENT', `job ${job.jobId}: a renewal job must name its leaf`);
  const leafId = ctx.leafId;
  const leaf = await nodes.get(leafId);
  if (leaf === undefined) throw new OperatorError('NOT_FOUND', `job ${job.jobId}: leaf ${leafId} is unknown to operator ${self}`);
  if (leaf.status !== 'AVAILABLE') throw new OperatorError('FAILED_PRECONDITION', `job ${job.jobId}: leaf ${leafId} is ${leaf.status} on operator ${self}`);
  if (job.keyshareId !== leaf.keyshare_id) throw new OperatorError('PERMISSION_DENIED', `job ${job.jobId}: not the current key of leaf ${leafId} on operator ${self}`);
  if (hex(job.verifyingKey) !== leaf.verifying_public_key) throw new OperatorError('PERMISSION_DENIED', `job ${job.jobId}: not the verifying key of leaf ${leafId}`);
  const parent = leaf.parent_node_id === null ? undefined : await nodes.get(leaf.parent_node_id);
  const given = parseTx(ctx.tx, `job ${job.jobId} tx`);
  const match = anyExpectedTx(leaf, parent).find((t) => hex(t.tx) === hex(given.raw));
  if (match === undefined) throw new OperatorError('PERMISSION_DENIED', `job ${job.jobId}: not a renewal transaction of leaf ${leafId} on operator ${self}`);
  if (hex(sighash(given, match.spent)) !== hex(job.message)) throw new OperatorError('INVALID_ARGUMENT', `job ${job.jobId}: message is not the transaction's sighash`);
}

/**
 * An operator's own check before it signs a spend of a static deposit output (TxContext kind
 * "static_spend"; docs/ssp.md, section "Static deposits"). It signs only:
 *  - a transaction with one input, spending exactly that output, the message being its sighash;
 *  - against this operator's claim or refund row of the output (replicated from the coordinator,
 *    checked against the owner's signature when it arrived): a claim whose transfer to the owner
 *    is committed here for the claimed credit, or the owner's refund of exactly this transaction.
 */
import { bytesToHex } from '../crypto.js';
import type { Sql } from '../db/database.js';
import { SENDER_PREPARED, type TransferRepository } from '../db/transfer-repository.js';
import { getUtxoSwap } from '../db/utxo-swap-repository.js';
import { addressOfScript, p2trScript } from '../deposit/address.js';
import { output, parseTx, sighash } from '../deposit/transactions.js';
import { OperatorError } from '../errors.js';
import type { SigningJob } from '../signing/job.js';

export const STATIC_SPEND = 'static_spend';

const hex = (b: Uint8Array): string => bytesToHex(Uint8Array.from(b));

export async function checkStaticSpend(d: { db: Sql; transfers: TransferRepository; self: string }, job: SigningJob): Promise<void> {
  const ctx = job.tx;
  if (ctx?.kind !== STATIC_SPEND) throw new OperatorError('INVALID_ARGUMENT', `job ${job.jobId}: not a static deposit spend`);
  const spend = parseTx(ctx.tx, 'spend tx');
  const deposit = parseTx(ctx.parentTx, 'deposit tx');
  const spent = output(deposit, ctx.parentVout, 'deposit tx');
  if (hex(spent.script) !== hex(p2trScript(job.verifyingKey))) throw new OperatorError('PERMISSION_DENIED', `job ${job.jobId}: the output does not pay the job's verifying key`);
  const input = spend.tx.getInput(0);
  if (spend.tx.inputsLength !== 1 || input.txid === undefined || hex(input.txid) !== deposit.txid || input.index !== ctx.parentVout) {
    throw new OperatorError('INVALID_ARGUMENT', `job ${job.jobId}: the spend tx must have one input, spending ${deposit.txid}:${ctx.parentVout}`);
  }
  const message = sighash(spend, spent);
  if (hex(message) !== hex(job.message)) throw new OperatorError('INVALID_ARGUMENT', `job ${job.jobId}: message is not the spend tx's sighash`);
  const row = await getUtxoSwap(d.db, deposit.txid, ctx.parentVout);
  if (row === undefined) throw new OperatorError('FAILED_PRECONDITION', `job ${job.jobId}: operator ${d.self} holds no claim or refund of ${deposit.txid}:${ctx.parentVout}`);
  if (row.address !== addressOfScript(spent.script)) throw new OperatorError('PERMISSION_DENIED', `job ${job.jobId}: the output is not the claimed one`);
  if (row.kind === 'refund') {
    if (row.spend_sighash !== hex(message)) throw new OperatorError('PERMISSION_DENIED', `job ${job.jobId}: not the refund the owner signed`);
    return;
  }
  const t = await d.transfers.get(row.transfer_id);
  if (t === undefined || SENDER_PREPARED.includes(t.status) || t.status === 'RETURNED' || t.status === 'EXPIRED') {
    throw new OperatorError('FAILED_PRECONDITION', `job ${job.jobId}: the transfer paying the claim of ${deposit.txid}:${ctx.parentVout} is not committed on operator ${d.self}`);
  }
  if (t.receiver !== row.owner_identity_public_key || t.totalValue !== row.credit_amount_sats) {
    throw new OperatorError('PERMISSION_DENIED', `job ${job.jobId}: transfer ${t.id} does not pay the owner the claimed credit`);
  }
}

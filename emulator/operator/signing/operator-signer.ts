/**
 * FROST round 2 on this operator: a signature share for each job, with the nonce behind this
 * operator's commitment in the job (consumed whatever happens next).
 */
import { buildSigningContext, bytesToHex, isSparkCryptoError, operatorShareWithOwnNonce, scalarToBytes } from '../crypto.js';
import type { CommitmentMap, SigningContext } from '../crypto.js';
import { OperatorError } from '../errors.js';
import { p2trScript } from '../deposit/address.js';
import { checkTreeJob } from '../deposit/transactions.js';
import { STATIC_SPEND } from '../static-deposit/spend-check.js';
import type { SignatureShare, SigningJob } from './job.js';
import type { Keyshare, KeyshareSource } from './keyshares.js';
import type { NonceStore, TakenNonce } from './nonce-store.js';

export class OperatorSigner {
  constructor(
    private readonly identifier: string,
    private readonly nonces: NonceStore,
    private readonly keys: KeyshareSource,
    /**
     * The verifying key a DKG key is bound to on this operator (its deposit address: DKG key +
     * the wallet's leaf key), if any. A job that names another combined key is refused, so a
     * key serves only the wallet it was given to.
     */
    private readonly boundVerifyingKey: (keyshareId: string) => Promise<string | undefined> = async () => undefined,
    /**
     * Checks transfer and claim refund jobs against what this operator prepared
     * (transfer/participant.ts); given all such jobs of one request at once, so it reads each
     * transfer and its leaves once rather than once per job.
     */
    private readonly checkTransferJobs: (jobs: SigningJob[]) => Promise<void> = async () => {
      throw new OperatorError('FAILED_PRECONDITION', 'this signer does not sign transfer refunds');
    },
    /** Checks a renewal's job against this operator's own rebuild (renew/renew-job-check.ts). */
    private readonly checkRenewJob: (job: SigningJob) => Promise<void> = async () => {
      throw new OperatorError('FAILED_PRECONDITION', 'this signer does not sign renewals');
    },
    /** Checks a spend of a static deposit output against this operator's claim or refund of it (static-deposit/spend-check.ts). */
    private readonly checkStaticSpend: (job: SigningJob) => Promise<void> = async () => {
      throw new OperatorError('FAILED_PRECONDITION', 'this signer does not sign static deposit spends');
    },
  ) {}

  /**
   * Checks signer count and, for a job with a wallet share, that the key is this wallet's.
   * Returns 'transfer' for a transfer or claim refund, which checkJobs checks with the others of its request.
   */
  private async checkJob(job: SigningJob, key: Keyshare): Promise<'done' | 'transfer'> {
    const signers = Object.keys(job.operatorCommitments).length;
    if (signers < key.threshold) {
      throw new OperatorError('INVALID_ARGUMENT', `job ${job.jobId} names ${signers} signing operators; key ${key.id} needs ${key.threshold}`);
    }
    const vk = bytesToHex(job.verifyingKey);
    if (vk === bytesToHex(key.groupKey)) return 'done';
    if (job.tx?.kind === 'transfer_refund' || job.tx?.kind === 'claim_refund') return 'transfer';
    if (job.tx?.kind === 'renew') {
      await this.checkRenewJob(job);
      return 'done';
    }
    const bound = await this.boundVerifyingKey(key.id);
    if (bound !== vk) {
      throw new OperatorError('PERMISSION_DENIED', `job ${job.jobId}: key ${key.id} is not bound to verifying key ${vk} on operator ${this.identifier}`);
    }
    // A wallet's leaf is only ever signed for a transaction this operator checked itself.
    const tx = job.tx;
    if (tx === undefined) throw new OperatorError('INVALID_ARGUMENT', `job ${job.jobId}: the transaction to sign is missing`);
    if (tx.kind === STATIC_SPEND) {
      await this.checkStaticSpend(job);
      return 'done';
    }
    checkTreeJob(tx.kind, tx.tx, tx.parentTx, tx.parentVout, p2trScript(job.verifyingKey), job.message);
    return 'done';
  }

  /** Every job of one request checked, the transfer refunds among them in one batch. */
  private async checkJobs(jobs: SigningJob[], keys: Keyshare[]): Promise<void> {
    const transfer: SigningJob[] = [];
    for (const [i, job] of jobs.entries()) {
      if ((await this.checkJob(job, keys[i] as Keyshare)) === 'transfer') transfer.push(job);
    }
    if (transfer.length > 0) await this.checkTransferJobs(transfer);
  }

  /**
   * Takes the nonce behind this operator's commitment in each job (consumed whatever happens
   * next), loads the keys and checks the jobs; then `share` computes each job's share. The
   * nonces are wiped when it returns or throws.
   */
  private async withCheckedJobs<T>(jobs: SigningJob[], share: (job: SigningJob, i: number, key: Keyshare, taken: TakenNonce) => T): Promise<T[]> {
    const taken: TakenNonce[] = [];
    try {
      for (const job of jobs) {
        const own = job.operatorCommitments[this.identifier];
        if (own === undefined) throw new OperatorError('INVALID_ARGUMENT', `job ${job.jobId} has no commitment of operator ${this.identifier}`);
        if (job.userCommitment === undefined) throw new OperatorError('INVALID_ARGUMENT', `job ${job.jobId} has no user commitment`);
        taken.push(this.nonces.take(own));
      }
      const keys = await this.keys.getMany(jobs.map((j) => j.keyshareId));
      await this.checkJobs(jobs, keys);
      return jobs.map((job, i) => {
        try {
          return share(job, i, keys[i] as Keyshare, taken[i] as TakenNonce);
        } catch (e) {
          if (isSparkCryptoError(e)) throw new OperatorError('INVALID_ARGUMENT', `job ${job.jobId}: ${e.message}`);
          throw e;
        }
      });
    } finally {
      for (const t of taken) {
        t.nonce.hiding.fill(0);
        t.nonce.binding.fill(0);
      }
    }
  }

  async sign(jobs: SigningJob[]): Promise<SignatureShare[]> {
    return this.withCheckedJobs(jobs, (job, _i, key, taken) => {
      const ctx = buildSigningContext({
        message: job.message,
        verifyingKey: job.verifyingKey,
        operatorCommitments: job.operatorCommitments as CommitmentMap,
        userCommitment: job.userCommitment as CommitmentMap[string],
        adaptorPubKey: job.adaptorPublicKey,
      });
      return { jobId: job.jobId, share: scalarToBytes(this.shareWith(ctx, key, taken)) };
    });
  }

  /**
   * z_i in a built context. The nonce pair is the one the store keeps under exactly this
   * operator's commitment in the job (it made both and keyed one by the other), so the core
   * skips RFC 9591's "nonce matches its commitment" recomputation.
   */
  private shareWith(ctx: SigningContext, key: Keyshare, taken: TakenNonce): bigint {
    return operatorShareWithOwnNonce(ctx, this.identifier, key.secretShare, taken.nonce);
  }

  /**
   * This operator's shares computed in contexts the caller already built for the same jobs (the
   * coordinator aggregates in them too, so it builds one context per job, not two).
   */
  async sharesInContexts(items: { ctx: SigningContext; job: SigningJob }[]): Promise<bigint[]> {
    return this.withCheckedJobs(items.map((x) => x.job), (_job, i, key, taken) => this.shareWith((items[i] as { ctx: SigningContext }).ctx, key, taken));
  }
}

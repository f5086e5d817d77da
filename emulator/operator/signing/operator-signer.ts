/**
 * FROST round 2 on this operator: a signature share for each job, with the nonce behind this
 * operator's commitment in the job (consumed whatever happens next).
 */
import { buildSigningContext, bytesToHex, isSparkCryptoError, operatorShareWithOwnNonce, scalarToBytes } from '../crypto.js';
import type { CommitmentMap, SigningContext } from '../crypto.js';
import { OperatorError } from '../errors.js';
import { p2trScript } from '../deposit/address.js';
import { checkTreeJob } from '../deposit/transactions.js';
import type { FrostJob, FrostShare } from '../grpc/generated/spark_operator_internal.js';
import type { Keyshare, KeyshareSource } from './keyshares.js';
import type { NonceStore, TakenNonce } from './nonce-store.js';

/** The job's adaptor point, if it has one (the wire leaves an absent bytes field empty). */
export function adaptorOf(job: FrostJob): Uint8Array | undefined {
  const a = job.adaptor_public_key;
  return a === undefined || a === null || a.length === 0 ? undefined : Uint8Array.from(a);
}

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
    /** Checks a transfer's or a claim's refund job against what this operator prepared (transfer/participant.ts). */
    private readonly checkTransferJob: (job: FrostJob) => Promise<void> = async () => {
      throw new OperatorError('FAILED_PRECONDITION', 'this signer does not sign transfer refunds');
    },
    /** Checks a renewal's job against this operator's own rebuild (renew/renew-job-check.ts). */
    private readonly checkRenewJob: (job: FrostJob) => Promise<void> = async () => {
      throw new OperatorError('FAILED_PRECONDITION', 'this signer does not sign renewals');
    },
  ) {}

  /** Checks signer count and, for a job with a wallet share, that the key is this wallet's. */
  private async checkJob(job: FrostJob, key: Keyshare): Promise<void> {
    const signers = Object.keys(job.operator_commitments).length;
    if (signers < key.threshold) {
      throw new OperatorError('INVALID_ARGUMENT', `job ${job.job_id} names ${signers} signing operators; key ${key.id} needs ${key.threshold}`);
    }
    const vk = bytesToHex(Uint8Array.from(job.verifying_key));
    if (vk === key.groupKeyHex) return;
    if (job.tx?.kind === 'transfer_refund' || job.tx?.kind === 'claim_refund') {
      await this.checkTransferJob(job);
      return;
    }
    if (job.tx?.kind === 'renew') {
      await this.checkRenewJob(job);
      return;
    }
    const bound = await this.boundVerifyingKey(key.id);
    if (bound !== vk) {
      throw new OperatorError('PERMISSION_DENIED', `job ${job.job_id}: key ${key.id} is not bound to verifying key ${vk} on operator ${this.identifier}`);
    }
    // A wallet's leaf is only ever signed for a transaction this operator checked itself.
    const tx = job.tx;
    if (tx === undefined) throw new OperatorError('INVALID_ARGUMENT', `job ${job.job_id}: the transaction to sign is missing`);
    checkTreeJob(tx.kind, Uint8Array.from(tx.tx), Uint8Array.from(tx.parent_tx), tx.parent_vout, p2trScript(Uint8Array.from(job.verifying_key)), Uint8Array.from(job.message));
  }

  async sign(jobs: FrostJob[]): Promise<FrostShare[]> {
    const out: FrostShare[] = [];
    for (const job of jobs) {
      const userCommitment = job.user_commitment;
      if (userCommitment === undefined) {
        // Refused before a nonce is taken, so the pair stays usable.
        throw job.operator_commitments[this.identifier] === undefined ? this.noOwnCommitment(job) : new OperatorError('INVALID_ARGUMENT', `job ${job.job_id} has no user commitment`);
      }
      const share = await this.withOwnNonce(job, (key, taken) => {
        const ctx = buildSigningContext({
          message: job.message,
          verifyingKey: job.verifying_key,
          operatorCommitments: job.operator_commitments as CommitmentMap,
          userCommitment,
          adaptorPubKey: adaptorOf(job),
        });
        return this.shareWith(ctx, key, taken);
      });
      out.push({ job_id: job.job_id, share: scalarToBytes(share) });
    }
    return out;
  }

  /**
   * Runs `use` with the key and the nonce pair this operator handed out under its commitment in
   * `job`, after the job's checks. The pair is used once: wiped whatever happens.
   */
  private async withOwnNonce<T>(job: FrostJob, use: (key: Keyshare, taken: TakenNonce) => T): Promise<T> {
    const own = job.operator_commitments[this.identifier];
    if (own === undefined) throw this.noOwnCommitment(job);
    const taken = this.nonces.take(own);
    try {
      const key = await this.keys.get(job.keyshare_id);
      await this.checkJob(job, key);
      return use(key, taken);
    } catch (e) {
      if (isSparkCryptoError(e)) throw new OperatorError('INVALID_ARGUMENT', `job ${job.job_id}: ${e.message}`);
      throw e;
    } finally {
      taken.nonce.hiding.fill(0);
      taken.nonce.binding.fill(0);
    }
  }

  private noOwnCommitment(job: FrostJob): OperatorError {
    return new OperatorError('INVALID_ARGUMENT', `job ${job.job_id} has no commitment of operator ${this.identifier}`);
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
   * This operator's share computed in a context the caller already built for the same job (the
   * coordinator aggregates in that context too, so it builds one context per job, not two).
   */
  async shareInContext(ctx: SigningContext, job: FrostJob): Promise<bigint> {
    return this.withOwnNonce(job, (key, taken) => this.shareWith(ctx, key, taken));
  }
}

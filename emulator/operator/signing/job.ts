/**
 * A FROST signing job as every operator sees it (the coordinator builds it, each signer checks
 * and signs it), independent of the internal wire format.
 */
import type { SigningCommitment } from '../crypto.js';

/**
 * The transaction a job signs, for every signer's own check before it gives a share:
 * - "root" (spends the deposit output) and "refund" (spends root:0) carry the parent they spend;
 * - "transfer_refund" / "claim_refund" name the transfer whose prepared refund it must be;
 * - "renew" names the leaf whose renewal it must be.
 */
export interface JobTx {
  kind: string;
  /** unsigned, no witness */
  tx: Uint8Array;
  /** the deposit tx (root) or the unsigned root tx (refund); empty otherwise */
  parentTx: Uint8Array;
  parentVout: number;
  /** transfer_refund and claim_refund only; '' otherwise */
  transferId: string;
  /** renew only; '' otherwise */
  leafId: string;
}

/** A JobTx with the fields its kind does not use left empty. */
export const jobTx = (t: Pick<JobTx, 'kind' | 'tx'> & Partial<JobTx>): JobTx => ({
  parentTx: new Uint8Array(0), parentVout: 0, transferId: '', leafId: '', ...t,
});

export interface SigningJob {
  jobId: string;
  keyshareId: string;
  /** 32-byte sighash or message digest */
  message: Uint8Array;
  /** P = user key + operator key (untweaked), or the operator key alone */
  verifyingKey: Uint8Array;
  /** identifier → the commitment of each signing operator */
  operatorCommitments: Record<string, SigningCommitment>;
  userCommitment: SigningCommitment | undefined;
  /** Required when the job carries a wallet share (verifyingKey is not the operator key). */
  tx: JobTx | undefined;
  /** An adaptor point T (33 bytes) for a swap's adaptor signature; absent for an ordinary signature. */
  adaptorPublicKey: Uint8Array | undefined;
}

/** One operator's signature share of one job. */
export interface SignatureShare {
  jobId: string;
  share: Uint8Array;
}

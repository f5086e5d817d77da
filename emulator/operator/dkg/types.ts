/** The records of the batched DKG exchanged between operators, independent of the internal wire format. */

export type { BatchPackage } from './batch.js';

/** What an operator answers once it has finalized a batch: a digest of its keys for cross-checking. */
export interface DkgFinalized {
  /** SHA-256 over the batch's group keys and public shares */
  digest: Uint8Array;
  count: number;
  firstGroupKey: Uint8Array;
}

/** A batch as one operator holds it (for the start-up repair of a cut-short batch). */
export interface DkgBatchInfo {
  batchId: string;
  /** as answered at finalize */
  digest: Uint8Array;
  keyCount: number;
  committed: boolean;
}

/** Round 1 of a batch: `count` keys of threshold `threshold` among every participant (all n). */
export interface DkgRound1 {
  batchId: string;
  count: number;
  threshold: number;
  participants: string[];
}

/** Domain types of a transfer, independent of the public and internal wire formats. */
import type { Sql } from '../db/database.js';
import type { TransferRecord } from '../db/transfer-repository.js';

export interface LeafRefundTxs {
  leafId: string;
  refundTx: Uint8Array;
  directFromCpfpRefundTx: Uint8Array;
  /**
   * The direct refund, spending the leaf's direct node tx: present exactly when the leaf has a
   * direct node tx and is not a zero node (transfer/refunds.ts `directNodeTxOf`); empty otherwise.
   */
  directRefundTx: Uint8Array;
}

/** What every operator checks and stores at the start of a transfer. */
export interface SendPrepare {
  transferId: string;
  sender: Uint8Array;
  receiver: Uint8Array;
  expiry: Date | undefined;
  /** unsigned refunds to the receiver, as the wallet built and signed them */
  leaves: LeafRefundTxs[];
  keyTweakPackage: Record<string, Uint8Array>;
  userSignature: Uint8Array;
  /**
   * A swap's primary transfer (docs/ssp.md, section "The swap protocol (Swap V3)"): the wallet's
   * adaptor point. Its leaves carry the CPFP refund only (directFromCpfpRefundTx empty), signed
   * into an adaptor signature, and the sender's tweak waits for the counter transfer.
   */
  adaptorPublicKey?: Uint8Array;
  /**
   * A swap's counter transfer: the id of the primary transfer it answers. It must reverse the
   * primary's parties and carry its value; committing it settles both legs together.
   */
  counterOf?: string;
  /**
   * A cooperative exit (docs/transfers.md, section "Cooperative exit"): the L1 exit transaction's
   * id as the wallet sent it and the SSP's connector transaction. Each leaf's refunds spend one
   * connector output as their second input; the sender's tweak waits for the exit to be mined.
   */
  exit?: { exitTxid: Uint8Array; connectorTx: Uint8Array };
  /**
   * A static deposit's UTXO swap (docs/ssp.md, section "Static deposits"): the transfer paying a
   * claimed deposit output's owner. Only the coordinator's UTXO swap sets it; it types the transfer.
   */
  utxoSwap?: true;
}

export interface ClaimPrepare {
  transferId: string;
  receiver: Uint8Array;
  /** unsigned refunds to the receiver's new leaf key */
  leaves: LeafRefundTxs[];
  keyTweakPackage: Record<string, Uint8Array>;
  userSignature: Uint8Array;
}

/** The coordinator's decision: the digest all operators answered and the signed refunds. */
export interface Decision {
  transferId: string;
  tweakDigest: Uint8Array;
  signed: LeafRefundTxs[];
}

/**
 * A decision's kind: the sender's tweak applied, the receiver's tweak applied, the transfer
 * returned, a swap's primary settled, or a cooperative exit's refunds signed (its tweak then
 * waits for the exit transaction, applied by each operator's chain watcher).
 */
/**
 * What a prepare stored on this operator: the tweak digest every operator must agree on, and the
 * transfer's leaves with the refunds to sign (with the claim's, after a claim's prepare).
 */
export interface Prepared {
  digest: Uint8Array;
  transfer: PreparedTransfer;
}
export type PreparedTransfer = Pick<TransferRecord, 'id' | 'leaves' | 'exit'>;

export type DecisionAction = 'commit' | 'abort' | 'claim_commit' | 'primary_commit' | 'exit_commit';

/**
 * Writes a decision for every peer in `sql`, the transaction that applies it here (the
 * coordinator's durable replication outbox): both commit, or neither.
 */
export type DecisionRecorder = (sql: Sql, action: DecisionAction, decision: Decision) => Promise<void>;

export const TRANSFER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

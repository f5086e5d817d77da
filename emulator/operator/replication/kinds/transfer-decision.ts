/**
 * Kind "transfer_decision": the coordinator's decision on a transfer every operator prepared
 * (docs/transfers.md, sections "start_transfer_v2 on the operators" and "claim_transfer on the
 * operators"). The coordinator writes it in the transaction that applies the decision to its own
 * rows, so the decision and the promise to tell every peer commit together:
 * - `commit`: the sender's key tweak is applied (the leaf takes the tweaked keyshare and the
 *   signed refunds to the receiver; the transfer is SENDER_KEY_TWEAKED);
 * - `claim_commit`: the receiver's key tweak is applied (new owner, new key, the receiver's signed
 *   refunds; the leaf AVAILABLE again; the transfer COMPLETED);
 * - `abort`: the transfer is RETURNED and its leaves AVAILABLE with their old key;
 * - `primary_commit`: a swap's primary transfer settles with its counter transfer (recorded in the
 *   same transaction as the counter's `commit`): the sender's tweak is applied, the refunds keep
 *   their adaptor signatures only (docs/ssp.md, section "The swap protocol (Swap V3)");
 * - `exit_commit`: a cooperative exit's connector refunds are signed and stored; its tweak waits
 *   for the exit transaction, applied by each operator's own chain watcher (docs/transfers.md,
 *   section "Cooperative exit").
 * Only the coordinator decides, so a decision from any other operator is refused. Each peer
 * applies it with its own checks (its prepared digest, the refunds it prepared and their
 * signatures), exactly as if the coordinator had called it directly. Records to one peer are
 * delivered in order, so a claim's commit never overtakes the commit of its transfer.
 */
import type { Sql } from '../../db/database.js';
import { OperatorError } from '../../errors.js';
import { bytesToHex, hexToBytes } from '../../crypto.js';
import type { Decision, DecisionAction, LeafRefundTxs } from '../../transfer/types.js';
import { crashPoint } from '../../faults.js';
import { field, type RecordKind } from '../kinds.js';

export const TRANSFER_DECISION = 'transfer_decision';

/** One decision per transfer and action: re-recording it is a no-op, and so is its redelivery. */
export const transferDecisionRecordId = (action: DecisionAction, transferId: string): string => `${TRANSFER_DECISION}:${action}:${transferId}`;

export interface TransferDecisionPayload {
  action: DecisionAction;
  transfer_id: string;
  /** hex; empty for an abort */
  tweak_digest: string;
  /** hex transactions; empty for an abort. direct_refund_tx: '' when the leaf has no direct refund (absent in older records). */
  signed: { leaf_id: string; refund_tx: string; direct_from_cpfp_refund_tx: string; direct_refund_tx: string }[];
}

const ACTIONS: readonly DecisionAction[] = ['commit', 'abort', 'claim_commit', 'primary_commit', 'exit_commit'];

/** What an operator does with a decision, in the receiving transaction (transfer/participant.ts). */
export interface DecisionApplier {
  applyCommitSend(sql: Sql, decision: Decision): Promise<void>;
  applyCommitClaim(sql: Sql, decision: Decision): Promise<void>;
  applyAbort(sql: Sql, transferId: string): Promise<void>;
  applyCommitPrimary(sql: Sql, decision: Decision): Promise<unknown>;
  applyCommitExit(sql: Sql, decision: Decision): Promise<void>;
}

const hex = (b: Uint8Array): string => bytesToHex(Uint8Array.from(b));

export function toTransferDecisionPayload(action: DecisionAction, d: Decision): TransferDecisionPayload {
  return {
    action,
    transfer_id: d.transferId,
    tweak_digest: hex(d.tweakDigest),
    signed: d.signed.map((l) => ({ leaf_id: l.leafId, refund_tx: hex(l.refundTx), direct_from_cpfp_refund_tx: hex(l.directFromCpfpRefundTx), direct_refund_tx: hex(l.directRefundTx) })),
  };
}

function toDecision(p: TransferDecisionPayload): Decision {
  const signed: LeafRefundTxs[] = p.signed.map((l) => ({
    leafId: l.leaf_id, refundTx: hexToBytes(l.refund_tx), directFromCpfpRefundTx: hexToBytes(l.direct_from_cpfp_refund_tx), directRefundTx: hexToBytes(l.direct_refund_tx),
  }));
  return { transferId: p.transfer_id, tweakDigest: hexToBytes(p.tweak_digest), signed };
}

function decodeSigned(v: unknown): TransferDecisionPayload['signed'] {
  if (!Array.isArray(v)) throw new OperatorError('INVALID_ARGUMENT', 'replicated record: signed must be an array');
  return v.map((x: unknown) => {
    const o = field.object(x);
    return {
      leaf_id: field.string(o, 'leaf_id'), refund_tx: field.hex(o, 'refund_tx'), direct_from_cpfp_refund_tx: field.hex(o, 'direct_from_cpfp_refund_tx'),
      direct_refund_tx: o.direct_refund_tx === undefined ? '' : field.hex(o, 'direct_refund_tx'),
    };
  });
}

/** `operatorIndex` is this operator's 1-based index, for the fault tests' crash point. */
export function transferDecisionKind(transfers: DecisionApplier, coordinator: string, operatorIndex: number): RecordKind<TransferDecisionPayload> {
  return {
    name: TRANSFER_DECISION,
    decode(json: unknown): TransferDecisionPayload {
      const o = field.object(json);
      const action = field.string(o, 'action') as DecisionAction;
      if (!ACTIONS.includes(action)) throw new OperatorError('INVALID_ARGUMENT', `replicated record: action must be one of ${ACTIONS.join(', ')}`);
      return { action, transfer_id: field.string(o, 'transfer_id'), tweak_digest: field.hex(o, 'tweak_digest'), signed: decodeSigned(o.signed) };
    },
    async apply(tx, p, origin) {
      if (origin !== coordinator) throw new OperatorError('PERMISSION_DENIED', `transfer ${p.transfer_id}: only the coordinator decides a transfer, not operator ${origin}`);
      crashPoint(operatorIndex, 'decision:peer-apply');
      if (p.action === 'abort') await transfers.applyAbort(tx, p.transfer_id);
      else if (p.action === 'commit') await transfers.applyCommitSend(tx, toDecision(p));
      else if (p.action === 'primary_commit') await transfers.applyCommitPrimary(tx, toDecision(p));
      else if (p.action === 'exit_commit') await transfers.applyCommitExit(tx, toDecision(p));
      else await transfers.applyCommitClaim(tx, toDecision(p));
    },
  };
}

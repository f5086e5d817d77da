/**
 * Kind "leaf_renewal": a renewal the coordinator signed and applied (renew/renew-service.ts), for
 * every other operator. Each applies it with its own checks (renew/renewal.ts): the leaf is still
 * in the state the renewal was built on, every transaction is byte for byte the one it rebuilds
 * from its own rows, and each carries a valid signature by the leaf's verifying key. Only the
 * coordinator renews, so a record from any other operator is refused.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '../../crypto.js';
import type { RenewRepository } from '../../db/renew-repository.js';
import { OperatorError } from '../../errors.js';
import { crashPoint } from '../../faults.js';
import { applyRenewal } from '../../renew/renewal.js';
import type { RenewalDecision } from '../../renew/renewal.js';
import { RENEW_VARIANTS } from '../../renew/renew-txs.js';
import type { RenewRole, RenewVariant } from '../../renew/renew-txs.js';
import { field, type RecordKind } from '../kinds.js';

export const LEAF_RENEWAL = 'leaf_renewal';

const ROLES: readonly RenewRole[] = ['split', 'directSplit', 'node', 'directNode', 'refund', 'directRefund', 'directFromCpfpRefund'];

/** One record per renewal: the leaf and the node tx it replaces (a leaf is renewed from a given state once). */
export const leafRenewalRecordId = (d: RenewalDecision): string =>
  `${LEAF_RENEWAL}:${d.leafId}:${bytesToHex(sha256(hexToBytes(d.previousNodeTx + d.previousRefundTx))).slice(0, 32)}`;

export function leafRenewalKind(nodes: RenewRepository, coordinator: string, operatorIndex: number): RecordKind<RenewalDecision> {
  return {
    name: LEAF_RENEWAL,
    decode(json: unknown): RenewalDecision {
      const o = field.object(json);
      const variant = field.string(o, 'variant');
      if (!RENEW_VARIANTS.includes(variant as RenewVariant)) throw new OperatorError('INVALID_ARGUMENT', `replicated record: unknown renewal variant ${variant}`);
      const s = field.object(o.signed);
      const signed: Partial<Record<RenewRole, string>> = {};
      for (const [k] of Object.entries(s)) {
        if (!ROLES.includes(k as RenewRole)) throw new OperatorError('INVALID_ARGUMENT', `replicated record: unknown renewal transaction ${k}`);
        signed[k as RenewRole] = field.hex(s, k);
      }
      return {
        leafId: field.string(o, 'leafId'), variant: variant as RenewVariant, previousNodeTx: field.hex(o, 'previousNodeTx'),
        previousRefundTx: field.hex(o, 'previousRefundTx'), keyshareId: field.string(o, 'keyshareId'), splitNodeId: field.string(o, 'splitNodeId'), signed,
      };
    },
    async apply(tx, d, origin) {
      if (origin !== coordinator) throw new OperatorError('PERMISSION_DENIED', `leaf ${d.leafId}: only the coordinator renews leaves, not operator ${origin}`);
      crashPoint(operatorIndex, 'renew:peer-apply');
      await applyRenewal(nodes, tx, d);
    },
  };
}

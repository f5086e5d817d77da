/**
 * A renewal as every operator applies it: the coordinator's signed transactions, checked against
 * the transactions this operator rebuilds from its own rows (renew-txs.ts) and their key-path
 * signatures, then stored (the leaf's new txs; for the zero and node variants a split node above
 * it). The coordinator applies it this way too, so every operator stores exactly what it checked.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes, tweakedKey } from '../crypto.js';
import type { Sql } from '../db/database.js';
import type { RenewRepository, RenewableNodeRow, SplitNode } from '../db/renew-repository.js';
import { parseTx, sighash } from '../deposit/transactions.js';
import { OperatorError } from '../errors.js';
import { expectedRenewal } from './renew-txs.js';
import type { RenewRole, RenewVariant } from './renew-txs.js';

/** What the coordinator decided for one renewal (hex transactions, signed). */
export interface RenewalDecision {
  leafId: string;
  variant: RenewVariant;
  /** the leaf's node and refund tx and key the renewal was built on: applied only to that state */
  previousNodeTx: string;
  previousRefundTx: string;
  keyshareId: string;
  /** the id of the split node it creates ('' for the refund variant) */
  splitNodeId: string;
  signed: Partial<Record<RenewRole, string>>;
}

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);

/** Checks one signed tx: the expected bytes plus a valid key-path signature by the leaf's verifying key. */
function checkSigned(signedHex: string | undefined, expected: Uint8Array, spent: { script: Uint8Array; amount: bigint }, verifyingKey: string, what: string): string {
  if (signedHex === undefined || signedHex === '') throw bad(`${what} is missing`);
  const tx = parseTx(hexToBytes(signedHex), what);
  if (bytesToHex(tx.raw) !== bytesToHex(expected)) throw bad(`${what} is not the transaction this operator expects for the renewal`);
  const witness = tx.tx.getInput(0).finalScriptWitness;
  const sig = witness?.[0];
  if (witness?.length !== 1 || sig?.length !== 64) throw bad(`${what} has no key-path signature`);
  if (!schnorr.verify(sig, sighash(tx, spent), tweakedKey(hexToBytes(verifyingKey)).qx)) throw bad(`${what}: the signature does not verify`);
  return signedHex;
}

/**
 * Applies `d` in `sql` (the caller's transaction, which may also record it for the peers).
 * Returns false when it was already applied (a repeated record), true when applied now.
 */
export async function applyRenewal(repo: RenewRepository, sql: Sql, d: RenewalDecision): Promise<boolean> {
  const leaf = await repo.get(d.leafId, sql, true);
  if (leaf === undefined) throw new OperatorError('NOT_FOUND', `leaf ${d.leafId} does not exist`);
  const signedNode = d.signed.node;
  if (signedNode !== undefined && leaf.node_tx === signedNode) return false;
  if (leaf.node_tx !== d.previousNodeTx || leaf.refund_tx !== d.previousRefundTx || leaf.keyshare_id !== d.keyshareId) {
    throw new OperatorError('FAILED_PRECONDITION', `leaf ${d.leafId} changed since the renewal was built (a transfer or another renewal); renew again`);
  }
  if (leaf.status !== 'AVAILABLE') throw new OperatorError('FAILED_PRECONDITION', `leaf ${d.leafId} is ${leaf.status}, not AVAILABLE; it cannot be renewed now`);
  const parent = leaf.parent_node_id === null ? undefined : await repo.get(leaf.parent_node_id, sql);
  const expected = expectedRenewal(d.variant, leaf, parent);
  const roles = new Set(expected.txs.map((t) => t.role));
  for (const role of Object.keys(d.signed)) if (!roles.has(role as RenewRole)) throw bad(`a ${d.variant} renewal has no ${role} transaction`);
  const s: Partial<Record<RenewRole, string>> = {};
  for (const t of expected.txs) s[t.role] = checkSigned(d.signed[t.role], t.tx, t.spent, leaf.verifying_public_key, `leaf ${d.leafId}: signed ${t.role} tx`);
  const split = splitOf(d, leaf, s);
  await repo.applyRenewal(sql, leaf, split, {
    nodeTx: s.node as string, directTx: s.directNode as string, refundTx: s.refund as string, directRefundTx: s.directRefund ?? '',
    directFromCpfpRefundTx: s.directFromCpfpRefund as string, parentNodeId: split?.id ?? leaf.parent_node_id,
  });
  return true;
}

/** The split node a variant leaves above the leaf: the leaf's old node (zero), the new split tx (node), none (refund). */
function splitOf(d: RenewalDecision, leaf: RenewableNodeRow, s: Partial<Record<RenewRole, string>>): SplitNode | undefined {
  if (d.variant === 'refund') return undefined;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(d.splitNodeId)) throw bad(`split node id ${JSON.stringify(d.splitNodeId)} is not a lowercase UUID`);
  if (d.variant === 'zero') return { id: d.splitNodeId, nodeTx: leaf.node_tx, directTx: leaf.direct_tx, parentNodeId: leaf.parent_node_id };
  return { id: d.splitNodeId, nodeTx: s.split as string, directTx: s.directSplit as string, parentNodeId: leaf.parent_node_id };
}

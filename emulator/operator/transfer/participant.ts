/**
 * One operator's part in transfers and claims (docs/transfers.md, "Operator side"): it checks
 * everything a sender or receiver could lie about with its OWN slice of the wallet's package,
 * prepares (stores the transfer, locks the leaves, stores the tweaked keyshare unused), and
 * later commits (the leaf takes the tweaked key and the signed refunds) or aborts. Prepare,
 * commit and abort are each one database transaction and idempotent, so the coordinator can
 * repeat them after any crash.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, verifyTaprootSignature } from '../crypto.js';
import type { Sql } from '../db/database.js';
import type { RenewableNodeRow as TreeNodeRow } from '../db/renew-repository.js';
import { CLAIMABLE, SENDER_PREPARED, isExitCommitted } from '../db/transfer-repository.js';
import type { NewKeyshare, NodeKey, SignedRefunds, TransferLeafRecord, TransferRecord, TransferRepository } from '../db/transfer-repository.js';
import { parseTx, sighash } from '../deposit/transactions.js';
import { OperatorError } from '../errors.js';
import type { IdentityKey } from '../identity.js';
import type { Keyshare, KeyshareCache } from '../signing/keyshares.js';
import type { SigningJob } from '../signing/job.js';
import { applyTweak, checkTweak, leafDigest, openClaimTweaks, openSendTweaks, ownerKeyAfter } from './key-tweak.js';
import type { LeafTweak } from './key-tweak.js';
import { claimPackagePayload, leafTweakDigest, transferPackagePayload, verifiesDigest } from './payload.js';
import { buildRefunds, currentSequence, decrementedSequence, directNodeTxOf, requireSameTx, timelockOf } from './refunds.js';
import type { ConnectorInput, RefundPair } from './refunds.js';
import { checkConnector, checkConnectorLayout, connectorInputOf, spentByRefund } from './connector.js';
import type { Connector } from './connector.js';
import { TRANSFER_ID } from './types.js';
import type { ClaimPrepare, Decision, DecisionAction, DecisionRecorder, LeafRefundTxs, Prepared, SendPrepare } from './types.js';

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);
const hex = (b: Uint8Array): string => bytesToHex(Uint8Array.from(b));

/** The digest of a whole transfer: SHA-256 over its leaves' tweak digests in order. */
export function combinedDigest(leafDigests: string[]): Uint8Array {
  return sha256(concatBytes(...leafDigests.map((d) => hexToBytes(d))));
}

/** A 33-byte compressed point, as hex; INVALID_ARGUMENT otherwise. */
function checkAdaptorPoint(key: Uint8Array): string {
  try {
    secp256k1.ProjectivePoint.fromHex(Uint8Array.from(key)).assertValidity();
  } catch {
    throw bad('adaptor_public_key is not a valid compressed secp256k1 point');
  }
  if (key.length !== 33) throw bad('adaptor_public_key must be a 33-byte compressed point');
  return hex(key);
}

/** The tweaked keyshare to store under `id` (unused until the decision), and its group key. */
function tweakedKeyRow(key: Keyshare, tweak: LeafTweak, id: string): { row: NewKeyshare; groupKey: Uint8Array } {
  const t = applyTweak(key, tweak);
  const row: NewKeyshare = {
    id, threshold: key.threshold, secretShare: hex(t.secretShare), publicKey: hex(t.groupKey),
    publicShares: JSON.stringify(Object.fromEntries(Object.entries(t.publicShares).map(([k, v]) => [k, hex(v)]))),
  };
  t.secretShare.fill(0);
  return { row, groupKey: t.groupKey };
}

/** The output a leaf's refund spends: output 0 of its node tx, or of its direct node tx for the direct refund. */
/** The stored transaction (hex) whose output 0 a refund spends: the node tx, or the direct node tx. */
export function spentTxOf(node: TreeNodeRow, spends: 'node' | 'direct'): string {
  if (spends === 'direct') {
    if (node.direct_tx === '') throw new OperatorError('INTERNAL', `leaf ${node.id} has no direct node tx`);
    return node.direct_tx;
  }
  return node.node_tx;
}

/**
 * The wallet gives a direct refund exactly when the leaf has one (a direct node tx, not a zero
 * node: spark-sdk 0.8.8 `signRefundsCore`), byte for byte the one rebuilt here.
 */
function requireDirectRefund(given: LeafRefundTxs, expected: RefundPair, what: string): void {
  if (expected.direct === undefined) {
    if (given.directRefundTx.length > 0) throw bad(`${what}: a direct refund was given, but the leaf has no direct node tx or is a zero node`);
    return;
  }
  if (given.directRefundTx.length === 0) throw bad(`${what}: the leaf has a direct node tx, so a direct refund (direct_leaves_to_send / direct_leaves_to_claim) is required`);
  requireSameTx(given.directRefundTx, expected.direct, `${what} direct refund tx`);
}

function checkSendable(node: TreeNodeRow, sender: string): void {
  if (node.owner_identity_public_key !== sender) throw new OperatorError('PERMISSION_DENIED', `leaf ${node.id} is not owned by the sender`);
  if (node.status !== 'AVAILABLE') throw new OperatorError('FAILED_PRECONDITION', `leaf ${node.id} is ${node.status}, not AVAILABLE (in another transfer, or not confirmed yet)`);
}

export interface ParticipantDeps {
  self: string;
  isCoordinator: boolean;
  threshold: number;
  /** every operator's identifier, this one included */
  operators: string[];
  identity: IdentityKey;
  transfers: TransferRepository;
  keys: KeyshareCache;
  /** the chain's height as this operator sees it (a cooperative exit's claim waits for confirmations) */
  chainHeight?: () => Promise<number>;
}

/**
 * Confirmations of the exit transaction before the SSP may claim a cooperative exit's leaves
 * (upstream so/handler/transfer_handler.go, CoopExitConfirmationThreshold).
 */
export const EXIT_CLAIM_CONFIRMATIONS = 6;

/**
 * The connector output each leaf's refunds spend: the CPFP and direct-from-CPFP refunds the same
 * one, no two leaves the same one (upstream validateCoopExitConnectorLayout).
 */
function connectorInputs(c: Connector, leaves: SendPrepare['leaves']): Map<string, ConnectorInput> {
  const byLeaf = new Map<string, ConnectorInput>();
  const used = new Map<number, string>();
  for (const l of leaves) {
    const cpfp = connectorInputOf(l.refundTx, c, leaves.length, `leaf ${l.leafId}: refund tx`);
    const direct = connectorInputOf(l.directFromCpfpRefundTx, c, leaves.length, `leaf ${l.leafId}: direct-from-CPFP refund tx`);
    if (direct.index !== cpfp.index) throw bad(`leaf ${l.leafId}: its refunds must spend the same connector output; they spend ${cpfp.index} and ${direct.index}`);
    const other = used.get(cpfp.index);
    if (other !== undefined) throw bad(`connector output ${cpfp.index} is spent by the refunds of two leaves, ${other} and ${l.leafId}`);
    used.set(cpfp.index, l.leafId);
    byLeaf.set(l.leafId, cpfp);
  }
  return byLeaf;
}

function checkLeafSet(given: { leafId: string }[], what: string): string[] {
  const ids = given.map((l) => l.leafId);
  if (ids.length === 0) throw bad(`${what} names no leaves`);
  if (ids.length > 1000) throw bad(`${what} names ${ids.length} leaves; at most 1000 per transfer`);
  if (new Set(ids).size !== ids.length) throw bad(`${what} names a leaf twice`);
  return ids;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
}

export class TransferParticipant {
  constructor(private readonly d: ParticipantDeps) {}

  private checkPackageKeys(pkg: Record<string, Uint8Array>): void {
    if (!sameSet(Object.keys(pkg), this.d.operators)) {
      throw bad(`key_tweak_package must hold exactly one entry per operator (${this.d.operators.length}), has ${Object.keys(pkg).length}`);
    }
  }

  // ------------------------------------------------------------------ sender side

  /** Checks the transfer with this operator's slice and stores it prepared; returns the tweak digest. */
  async prepareSend(req: SendPrepare): Promise<Uint8Array> {
    return (await this.prepareSendHere(req)).digest;
  }

  /**
   * prepareSend, answering the transfer as prepared too: the coordinator signs its refunds from
   * it, without reading back what it has just written.
   */
  async prepareSendHere(req: SendPrepare): Promise<Prepared> {
    const { d } = this;
    if (!TRANSFER_ID.test(req.transferId)) throw bad(`transfer_id ${JSON.stringify(req.transferId)} is not a lowercase UUID`);
    const sender = hex(req.sender);
    const receiver = hex(req.receiver);
    const leafIds = checkLeafSet(req.leaves, 'the transfer');
    if (req.expiry !== undefined && req.expiry.getTime() <= Date.now()) throw bad('expiry_time is in the past');
    const adaptor = req.adaptorPublicKey === undefined ? undefined : checkAdaptorPoint(req.adaptorPublicKey);
    if (adaptor !== undefined && req.exit !== undefined) throw bad('a transfer is a swap or a cooperative exit, not both');
    // A cooperative exit: the connector binds the exit transaction, one output per leaf (before any write).
    const connector = req.exit === undefined ? undefined : checkConnector(req.exit.connectorTx, req.exit.exitTxid);
    let connectors: Map<string, ConnectorInput> | undefined;
    if (connector !== undefined) {
      checkConnectorLayout(connector, leafIds.length);
      connectors = connectorInputs(connector, req.leaves);
    }
    // Ownership and status first (read again, locked, in the transaction below). Keys are read
    // here, outside the transaction (PGlite runs one statement stream at a time); the
    // transaction checks that each leaf still has the key read here.
    const keysBefore = await this.currentKeys(leafIds, sender);
    this.checkPackageKeys(req.keyTweakPackage);
    if (!verifiesDigest(req.userSignature, transferPackagePayload(req.transferId, req.keyTweakPackage), req.sender, 'der')) {
      throw bad('user_signature is not the sender identity key\'s signature of the transfer package');
    }
    const tweaks = openSendTweaks(req.keyTweakPackage[d.self], d.identity.privateKey, d.self);
    if (!sameSet(tweaks.map((t) => t.leafId), leafIds)) throw bad(`the key tweaks for operator ${d.self} are not for exactly the transfer's leaves`);
    const byLeaf = new Map(tweaks.map((t) => [t.leafId, t]));
    for (const t of tweaks) {
      checkTweak(t, d.self, d.threshold, d.operators);
      if (t.secretCipher.length === 0) throw bad(`leaf ${t.leafId}: secret_cipher is empty`);
      if (!verifiesDigest(t.signature, leafTweakDigest(t.leafId, req.transferId, t.secretCipher), req.sender, 'compact')) {
        throw bad(`leaf ${t.leafId}: the key tweak signature is not the sender identity key's`);
      }
    }

    return d.transfers.transaction(async (sql) => {
      const existing = await d.transfers.get(req.transferId, sql, true);
      if (existing !== undefined) {
        // The same request again (a retried prepare): answer as before; anything else is a reused id.
        if (SENDER_PREPARED.includes(existing.status) && existing.sender === sender && sameSet(existing.leaves.map((l) => l.leafId), leafIds)) {
          return { digest: combinedDigest(existing.leaves.map((l) => l.senderTweakDigest)), transfer: existing };
        }
        throw new OperatorError('ALREADY_EXISTS', `transfer ${req.transferId} already exists (${existing.status})`);
      }
      const nodes = await d.transfers.lockNodes(sql, leafIds);
      const leaves: TransferLeafRecord[] = [];
      const tweakedKeys: NewKeyshare[] = [];
      let total = 0;
      let network: number | undefined;
      for (const [position, l] of req.leaves.entries()) {
        const node = nodes.get(l.leafId);
        if (node === undefined) throw new OperatorError('NOT_FOUND', `leaf ${l.leafId} does not exist`);
        checkSendable(node, sender);
        if (network !== undefined && node.network !== network) throw bad('the leaves are on different networks');
        network = node.network;
        total += node.value;
        // Rebuilt from what this operator stores: spends the node tx, one interval lower, to the receiver.
        const sequence = decrementedSequence(timelockOf(hexToBytes(node.refund_tx), 'stored refund tx').sequence);
        const expected = buildRefunds(hexToBytes(node.node_tx), sequence, req.receiver, directNodeTxOf(node), connectors?.get(l.leafId));
        requireSameTx(l.refundTx, expected.cpfp, `leaf ${l.leafId}: refund tx`);
        // A swap's primary transfer signs the CPFP refund only (upstream InitiateSwapPrimaryTransfer).
        if (adaptor === undefined) {
          requireSameTx(l.directFromCpfpRefundTx, expected.directFromCpfp, `leaf ${l.leafId}: direct-from-CPFP refund tx`);
          requireDirectRefund(l, expected, `leaf ${l.leafId}`);
        } else if (l.directFromCpfpRefundTx.length > 0 || l.directRefundTx.length > 0) {
          throw bad(`leaf ${l.leafId}: a swap's primary transfer carries no direct refunds`);
        }
        const tweak = byLeaf.get(l.leafId) as (typeof tweaks)[number];
        const digest = leafDigest(tweak, d.operators);
        const key = keysBefore.get(l.leafId);
        if (key?.id !== node.keyshare_id) throw new OperatorError('ABORTED', `leaf ${l.leafId} changed during the transfer; retry`);
        const senderKeyshareId = `${req.transferId}/${l.leafId}/send`;
        tweakedKeys.push(tweakedKeyRow(key, tweak, senderKeyshareId).row);
        leaves.push({
          leafId: l.leafId, position,
          previousRefundTx: node.refund_tx, previousDirectFromCpfpRefundTx: node.direct_from_cpfp_refund_tx, previousDirectRefundTx: node.direct_refund_tx,
          previousKeyshareId: node.keyshare_id,
          intermediateRefundTx: hex(expected.cpfp), intermediateDirectFromCpfpRefundTx: adaptor === undefined ? hex(expected.directFromCpfp) : '',
          intermediateDirectRefundTx: adaptor === undefined && expected.direct !== undefined ? hex(expected.direct) : '',
          secretCipher: hex(tweak.secretCipher), signature: hex(tweak.signature),
          senderKeyshareId, senderTweakDigest: digest, claim: undefined,
        });
      }
      if (req.counterOf !== undefined) await this.checkCounter(sql, req.counterOf, sender, receiver, total);
      await d.transfers.insertKeyshares(sql, tweakedKeys);
      // A cooperative exit is prepared at SENDER_INITIATED everywhere (upstream's pre-commit state).
      const status = connector !== undefined ? 'SENDER_INITIATED' : d.isCoordinator ? 'SENDER_INITIATED_COORDINATOR' : 'SENDER_KEY_TWEAK_PENDING';
      const type = adaptor !== undefined ? 'PRIMARY_SWAP_V3' : req.counterOf !== undefined ? 'COUNTER_SWAP_V3' : connector !== undefined ? 'COOPERATIVE_EXIT'
        : req.utxoSwap === true ? 'UTXO_SWAP' : 'TRANSFER';
      const exit = connector === undefined ? undefined : { exitTxid: connector.exitTxid, connectorTx: hex(connector.tx.raw), confirmationHeight: undefined };
      await d.transfers.insert(sql, {
        id: req.transferId, sender, receiver, status, type, ...(adaptor === undefined ? {} : { adaptorPublicKey: adaptor }),
        ...(exit === undefined ? {} : { exit }), totalValue: total, network: network ?? 0, expiryTime: req.expiry, leaves,
      });
      await d.transfers.setNodesStatus(sql, leafIds, 'TRANSFER_LOCKED');
      return { digest: combinedDigest(leaves.map((l) => l.senderTweakDigest)), transfer: { id: req.transferId, leaves, ...(exit === undefined ? {} : { exit }) } };
    });
  }

  /**
   * A counter transfer answers a primary transfer still waiting here: the primary's receiver pays
   * its sender back exactly its value (this provider's swaps have no fee; upstream refuses a
   * counter whose amount does not match too).
   */
  private async checkCounter(sql: Sql, primaryId: string, sender: string, receiver: string, total: number): Promise<void> {
    const p = await this.d.transfers.get(primaryId, sql, true);
    if (p?.type !== 'PRIMARY_SWAP_V3') throw new OperatorError('NOT_FOUND', `no swap primary transfer ${primaryId}`);
    if (!SENDER_PREPARED.includes(p.status)) throw new OperatorError('FAILED_PRECONDITION', `swap primary transfer ${primaryId} is ${p.status}: it no longer waits for a counter transfer`);
    if (p.receiver !== sender || p.sender !== receiver) throw new OperatorError('PERMISSION_DENIED', `the counter transfer must go from the primary transfer's receiver back to its sender`);
    if (total !== p.totalValue) throw bad(`the counter transfer carries ${total} sat; the primary transfer ${primaryId} carries ${p.totalValue}`);
  }

  /** Each leaf's current keyshare, read outside any transaction; with `owner`, the sender's checks too. */
  private async currentKeys(leafIds: string[], owner?: string): Promise<Map<string, Keyshare>> {
    const nodes = await this.d.transfers.lockNodes(this.d.transfers.db, leafIds, false);
    for (const id of leafIds) {
      const n = nodes.get(id);
      if (n === undefined) throw new OperatorError('NOT_FOUND', `leaf ${id} does not exist`);
      if (owner !== undefined) checkSendable(n, owner);
    }
    const keys = await this.d.keys.getMany(leafIds.map((id) => (nodes.get(id) as TreeNodeRow).keyshare_id));
    return new Map(leafIds.map((id, i) => [id, keys[i] as Keyshare]));
  }

  /**
   * Checks a signed refund: the stored unsigned bytes plus a valid key-path signature by the leaf,
   * over the output it spends (the direct refund spends the direct node tx, the others the node
   * tx; a cooperative exit's connector refund also the connector output). A refund not prepared
   * (a leaf without a direct refund) must come back empty.
   */
  private checkSigned(node: TreeNodeRow, storedUnsigned: string, signed: Uint8Array, what: string, spends: 'node' | 'direct' = 'node', connectorTx?: string): string {
    if (storedUnsigned === '') {
      if (signed.length > 0) throw bad(`${what}: this leaf has no such refund`);
      return '';
    }
    const tx = parseTx(signed, what);
    if (hex(tx.raw) !== storedUnsigned) throw bad(`${what} is not the refund prepared for this transfer`);
    const witness = tx.tx.getInput(0).finalScriptWitness;
    const sig = witness?.[0];
    if (witness?.length !== 1 || sig?.length !== 64) throw bad(`${what} has no key-path signature`);
    const spent = spentByRefund(spentTxOf(node, spends), tx, connectorTx);
    if (!verifyTaprootSignature(sig, sighash(tx, spent), hexToBytes(node.verifying_public_key))) throw bad(`${what}: the signature does not verify`);
    return hex(signed);
  }

  private signedFor(decision: Decision, leafId: string): LeafRefundTxs {
    const s = decision.signed.find((x) => x.leafId === leafId);
    if (s === undefined) throw bad(`the decision has no signed refunds for leaf ${leafId}`);
    return s;
  }

  /**
   * Applies the sender's tweak: the leaf takes the tweaked key and the signed refunds to the
   * receiver. With `record` (the coordinator), the decision is recorded for every peer in the same
   * transaction.
   */
  async commitSend(decision: Decision, record?: DecisionRecorder): Promise<TransferRecord> {
    return this.decide('commit', (sql) => this.applyCommitSend(sql, decision), decision, record);
  }

  /** Applies a decision and records it (the coordinator) in one transaction; answers the transfer as it now is. */
  private async decide(action: DecisionAction, apply: (sql: Sql) => Promise<void>, decision: Decision, record?: DecisionRecorder): Promise<TransferRecord> {
    return this.d.transfers.transaction(async (sql) => {
      await apply(sql);
      await record?.(sql, action, decision);
      return (await this.d.transfers.get(decision.transferId, sql)) as TransferRecord;
    });
  }

  /**
   * commitSend's change, in the caller's transaction (also how a peer applies the coordinator's
   * replicated decision). It does not read the transfer back: only the coordinator answers with it.
   */
  async applyCommitSend(sql: Sql, decision: Decision): Promise<void> {
    const { d } = this;
    const t = await d.transfers.get(decision.transferId, sql, true);
    if (t === undefined) throw new OperatorError('NOT_FOUND', `transfer ${decision.transferId} is not prepared on operator ${d.self}`);
    if (!SENDER_PREPARED.includes(t.status)) {
      if (t.status === 'RETURNED' || t.status === 'EXPIRED') throw new OperatorError('FAILED_PRECONDITION', `transfer ${t.id} was ${t.status}; it cannot be committed`);
      return; // already committed (a repeated decision)
    }
    if (t.type === 'PRIMARY_SWAP_V3') throw new OperatorError('FAILED_PRECONDITION', `transfer ${t.id} is a swap's primary transfer: it settles only with its counter transfer`);
    if (t.type === 'COOPERATIVE_EXIT') throw new OperatorError('FAILED_PRECONDITION', `transfer ${t.id} is a cooperative exit: its tweak is applied once its exit transaction is mined`);
    const nodes = await this.lockSentLeaves(sql, t, decision);
    const groupKeys = await this.tweakedGroupKeys(sql, t);
    const signed: SignedRefunds[] = [];
    const keys: NodeKey[] = [];
    for (const l of t.leaves) {
      const node = nodes.get(l.leafId) as TreeNodeRow;
      const s = this.signedFor(decision, l.leafId);
      const refund = this.checkSigned(node, l.intermediateRefundTx, s.refundTx, `leaf ${l.leafId}: signed refund`);
      const dfc = this.checkSigned(node, l.intermediateDirectFromCpfpRefundTx, s.directFromCpfpRefundTx, `leaf ${l.leafId}: signed direct-from-CPFP refund`);
      const direct = this.checkSigned(node, l.intermediateDirectRefundTx, s.directRefundTx, `leaf ${l.leafId}: signed direct refund`, 'direct');
      signed.push({ leafId: l.leafId, refund, directFromCpfp: dfc, direct });
      keys.push({
        id: l.leafId, keyshareId: l.senderKeyshareId, ownerIdentity: node.owner_identity_public_key,
        ownerSigningPublicKey: hex(ownerKeyAfter(hexToBytes(node.verifying_public_key), groupKeys.get(l.leafId) as Uint8Array)),
        refundTx: refund, directFromCpfpRefundTx: dfc, directRefundTx: direct, status: 'TRANSFER_LOCKED',
      });
    }
    await d.transfers.setSignedRefunds(sql, t.id, 'intermediate', signed);
    await d.transfers.setNodeKeys(sql, keys);
    await d.transfers.setStatus(sql, t.id, 'SENDER_KEY_TWEAKED');
  }

  /**
   * A cooperative exit's decision: its connector refunds, signed, are stored with the transfer
   * (checked against what this operator prepared); the leaves keep their key and their old
   * refunds, locked, until the exit transaction is mined (applyExitConfirmed). With `record` (the
   * coordinator), the decision is recorded for every peer in the same transaction.
   */
  async commitExit(decision: Decision, record?: DecisionRecorder): Promise<TransferRecord> {
    return this.decide('exit_commit', (sql) => this.applyCommitExit(sql, decision), decision, record);
  }

  async applyCommitExit(sql: Sql, decision: Decision): Promise<void> {
    const { d } = this;
    const t = await d.transfers.get(decision.transferId, sql, true);
    if (t === undefined) throw new OperatorError('NOT_FOUND', `transfer ${decision.transferId} is not prepared on operator ${d.self}`);
    if (t.type !== 'COOPERATIVE_EXIT') throw bad(`transfer ${t.id} is not a cooperative exit`);
    if (t.status !== 'SENDER_INITIATED') {
      if (t.status === 'RETURNED' || t.status === 'EXPIRED') throw new OperatorError('FAILED_PRECONDITION', `cooperative exit ${t.id} was ${t.status}; it cannot be committed`);
      return; // already committed (a repeated decision), or confirmed since
    }
    const nodes = await this.lockSentLeaves(sql, t, decision);
    const signed: SignedRefunds[] = t.leaves.map((l) => {
      const node = nodes.get(l.leafId) as TreeNodeRow;
      const s = this.signedFor(decision, l.leafId);
      return {
        leafId: l.leafId,
        refund: this.checkSigned(node, l.intermediateRefundTx, s.refundTx, `leaf ${l.leafId}: signed connector refund`, 'node', t.exit?.connectorTx),
        directFromCpfp: this.checkSigned(node, l.intermediateDirectFromCpfpRefundTx, s.directFromCpfpRefundTx, `leaf ${l.leafId}: signed direct-from-CPFP connector refund`, 'node', t.exit?.connectorTx),
        direct: this.checkSigned(node, l.intermediateDirectRefundTx, s.directRefundTx, `leaf ${l.leafId}: signed direct connector refund`, 'direct', t.exit?.connectorTx),
      };
    });
    await d.transfers.setSignedRefunds(sql, t.id, 'intermediate', signed);
    await d.transfers.setStatus(sql, t.id, 'SENDER_KEY_TWEAK_PENDING');
  }

  /**
   * A cooperative exit's transaction is in block `height` (this operator's chain watcher saw it):
   * the sender's tweak is applied as upstream's chain watcher does (so/chain/watch_chain.go,
   * handleCoopExitConfirmation): each leaf takes the tweaked key and the signed connector
   * refunds; the transfer is SENDER_KEY_TWEAKED, claimable by the SSP once the exit has
   * EXIT_CLAIM_CONFIRMATIONS confirmations. One transaction, applied once: false if there was
   * nothing to apply (not committed, already applied, or returned).
   */
  async applyExitConfirmed(transferId: string, height: number): Promise<boolean> {
    const { d } = this;
    return d.transfers.transaction(async (sql) => {
      const t = await d.transfers.get(transferId, sql, true);
      if (t?.type !== 'COOPERATIVE_EXIT' || t.status !== 'SENDER_KEY_TWEAK_PENDING' || t.exit?.confirmationHeight !== undefined) return false;
      const nodes = await d.transfers.lockNodes(sql, t.leaves.map((l) => l.leafId));
      for (const l of t.leaves) {
        const node = nodes.get(l.leafId);
        if (node?.keyshare_id !== l.previousKeyshareId || node.status !== 'TRANSFER_LOCKED') throw new OperatorError('INTERNAL', `leaf ${l.leafId} changed while locked by cooperative exit ${t.id}`);
      }
      await this.takeSenderTweak(sql, t, nodes, true);
      await d.transfers.setStatus(sql, t.id, 'SENDER_KEY_TWEAKED');
      await d.transfers.setExitConfirmationHeight(sql, t.id, height);
      return true;
    });
  }

  /**
   * The sender's tweak, without a new signature: each locked leaf takes its tweaked keyshare, the
   * owner signing key that implies, and its transfer's refund (a swap primary's adaptor-signed
   * one, a cooperative exit's connector refund), and with `withDirect` its direct refunds too
   * (a swap primary signs none).
   */
  private async takeSenderTweak(sql: Sql, t: TransferRecord, nodes: Map<string, TreeNodeRow>, withDirect: boolean): Promise<void> {
    const groupKeys = await this.tweakedGroupKeys(sql, t);
    await this.d.transfers.setNodeKeys(sql, t.leaves.map((l) => {
      const node = nodes.get(l.leafId) as TreeNodeRow;
      return {
        id: l.leafId, keyshareId: l.senderKeyshareId, ownerIdentity: node.owner_identity_public_key,
        ownerSigningPublicKey: hex(ownerKeyAfter(hexToBytes(node.verifying_public_key), groupKeys.get(l.leafId) as Uint8Array)),
        refundTx: l.intermediateRefundTx,
        directFromCpfpRefundTx: withDirect ? l.intermediateDirectFromCpfpRefundTx : '',
        directRefundTx: withDirect ? l.intermediateDirectRefundTx : '',
        status: 'TRANSFER_LOCKED',
      };
    }));
  }

  /**
   * Each leaf's tweaked group key (by leaf id), read with the transaction's own connection: the
   * keyshare cache would read outside it.
   */
  private async tweakedGroupKeys(sql: Sql, t: TransferRecord): Promise<Map<string, Uint8Array>> {
    const byKeyshare = await this.d.transfers.keyshareGroupKeys(sql, t.leaves.map((l) => l.senderKeyshareId));
    return new Map(t.leaves.map((l) => {
      const groupKey = byKeyshare.get(l.senderKeyshareId);
      if (groupKey === undefined) throw new OperatorError('INTERNAL', `transfer ${t.id}: the tweaked keyshare of leaf ${l.leafId} is missing`);
      return [l.leafId, groupKey];
    }));
  }

  /**
   * A sender's decision meets this operator's prepare: the same tweak digest, and each leaf still
   * locked by the transfer with its previous key. Returns the leaves, locked in `sql`.
   */
  private async lockSentLeaves(sql: Sql, t: TransferRecord, decision: Decision): Promise<Map<string, TreeNodeRow>> {
    if (hex(combinedDigest(t.leaves.map((l) => l.senderTweakDigest))) !== hex(decision.tweakDigest)) {
      throw bad(`transfer ${t.id}: the operators' tweak digests differ from this operator's`);
    }
    const nodes = await this.d.transfers.lockNodes(sql, t.leaves.map((l) => l.leafId));
    for (const l of t.leaves) {
      const node = nodes.get(l.leafId);
      if (node?.keyshare_id !== l.previousKeyshareId || node.status !== 'TRANSFER_LOCKED') throw new OperatorError('INTERNAL', `leaf ${l.leafId} changed while locked by transfer ${t.id}`);
    }
    return nodes;
  }

  /**
   * Settles a swap: the counter transfer's commit and its primary's, in one transaction; with
   * `record` (the coordinator), both decisions are recorded for every peer in it too.
   */
  async commitSwap(counter: Decision, primary: Decision, record?: DecisionRecorder): Promise<{ counter: TransferRecord; primary: TransferRecord }> {
    return this.d.transfers.transaction(async (sql) => {
      await this.applyCommitSend(sql, counter);
      await this.applyCommitPrimary(sql, primary);
      await record?.(sql, 'commit', counter);
      await record?.(sql, 'primary_commit', primary);
      const read = async (id: string): Promise<TransferRecord> => (await this.d.transfers.get(id, sql)) as TransferRecord;
      return { counter: await read(counter.transferId), primary: await read(primary.transferId) };
    });
  }

  /**
   * Applies a swap primary's sender tweak once its counter transfer is decided: the leaf takes the
   * tweaked key; its refund to the receiver stays as prepared, unsigned (the wallet holds only an
   * adaptor signature of it, whose secret it never reveals), until the receiver claims the leaf.
   */
  async applyCommitPrimary(sql: Sql, decision: Decision): Promise<void> {
    const { d } = this;
    const t = await d.transfers.get(decision.transferId, sql, true);
    if (t === undefined) throw new OperatorError('NOT_FOUND', `transfer ${decision.transferId} is not prepared on operator ${d.self}`);
    if (t.type !== 'PRIMARY_SWAP_V3') throw bad(`transfer ${t.id} is not a swap's primary transfer`);
    if (!SENDER_PREPARED.includes(t.status)) {
      if (t.status === 'RETURNED' || t.status === 'EXPIRED') throw new OperatorError('FAILED_PRECONDITION', `swap primary transfer ${t.id} was ${t.status}; it cannot settle`);
      return;
    }
    const nodes = await this.lockSentLeaves(sql, t, decision);
    await this.takeSenderTweak(sql, t, nodes, false);
    await d.transfers.setStatus(sql, t.id, 'SENDER_KEY_TWEAKED');
  }

  /**
   * Undoes a prepare: a prepared transfer is RETURNED and its leaves AVAILABLE again with their
   * old key; a prepared claim goes back to SENDER_KEY_TWEAKED. An abort for a transfer this
   * operator never saw leaves a RETURNED tombstone, so a late prepare cannot lock leaves after it.
   */
  async abort(transferId: string, record?: DecisionRecorder): Promise<void> {
    await this.d.transfers.transaction(async (sql) => {
      await this.applyAbort(sql, transferId);
      await record?.(sql, 'abort', { transferId, tweakDigest: new Uint8Array(0), signed: [] });
    });
  }

  /**
   * Undoes a claim prepared here that failed before its decision: the transfer goes back to
   * SENDER_KEY_TWEAKED, claimable again. Any other state is left as it is; in particular a send
   * this operator has not committed yet (its decision still on the way) is never returned by a
   * failed claim: only the coordinator's replicated decision settles a send.
   */
  async abortClaim(transferId: string): Promise<void> {
    const { d } = this;
    await d.transfers.transaction(async (sql) => {
      const t = await d.transfers.get(transferId, sql, true);
      if (t?.status !== 'RECEIVER_KEY_TWEAK_LOCKED') return;
      await d.transfers.clearClaims(sql, t.id);
      await d.transfers.setStatus(sql, t.id, 'SENDER_KEY_TWEAKED');
    });
  }

  /** abort's change, in the caller's transaction. */
  async applyAbort(sql: Sql, transferId: string): Promise<void> {
    const { d } = this;
    const t = await d.transfers.get(transferId, sql, true);
    if (t === undefined) {
      await d.transfers.insertTombstone(sql, transferId);
    } else if (isExitCommitted(t)) {
      // Its refunds are signed: returning the leaves could let the user keep them after the SSP paid.
      if (t.status !== 'RETURNED') throw new OperatorError('FAILED_PRECONDITION', `cooperative exit ${t.id} is ${t.status}: it waits for its exit transaction and cannot be returned`);
    } else if (SENDER_PREPARED.includes(t.status)) {
      const nodes = await d.transfers.lockNodes(sql, t.leaves.map((l) => l.leafId));
      const locked = t.leaves.filter((l) => {
        const node = nodes.get(l.leafId);
        return node?.status === 'TRANSFER_LOCKED' && node.keyshare_id === l.previousKeyshareId;
      });
      await d.transfers.setNodesStatus(sql, locked.map((l) => l.leafId), 'AVAILABLE');
      await d.transfers.setStatus(sql, t.id, 'RETURNED');
    } else if (t.status === 'RECEIVER_KEY_TWEAK_LOCKED') {
      await d.transfers.clearClaims(sql, t.id);
      await d.transfers.setStatus(sql, t.id, 'SENDER_KEY_TWEAKED');
    } else if (t.status === 'COMPLETED') {
      throw new OperatorError('FAILED_PRECONDITION', `transfer ${t.id} is COMPLETED; it cannot be aborted`);
    }
    // RETURNED, or SENDER_KEY_TWEAKED (a claim abort with no claim prepared here): nothing to undo.
  }

  // ------------------------------------------------------------------ receiver side

  /** Checks a claim with this operator's slice and stores it prepared; returns the tweak digest. */
  async prepareClaim(req: ClaimPrepare): Promise<Uint8Array> {
    return (await this.prepareClaimHere(req)).digest;
  }

  /** prepareClaim, answering the transfer with its claim as prepared too (see prepareSendHere). */
  async prepareClaimHere(req: ClaimPrepare): Promise<Prepared> {
    const { d } = this;
    const receiver = hex(req.receiver);
    const leafIds = checkLeafSet(req.leaves, 'the claim');
    const t0 = await this.claimable(req.transferId, receiver);
    if (!sameSet(t0.leaves.map((l) => l.leafId), leafIds)) throw bad(`the claim must sign refunds for exactly the transfer's ${t0.leaves.length} leaves`);
    this.checkPackageKeys(req.keyTweakPackage);
    if (!verifiesDigest(req.userSignature, claimPackagePayload(req.transferId, req.keyTweakPackage), req.receiver, 'der')) {
      throw bad('user_signature is not the receiver identity key\'s signature of the claim package');
    }
    const tweaks = openClaimTweaks(req.keyTweakPackage[d.self], d.identity.privateKey, d.self);
    if (!sameSet(tweaks.map((t) => t.leafId), leafIds)) throw bad(`the key tweaks for operator ${d.self} are not for exactly the transfer's leaves`);
    for (const t of tweaks) checkTweak(t, d.self, d.threshold, d.operators);
    const byLeaf = new Map(tweaks.map((t) => [t.leafId, t]));
    const keysBefore = await this.currentKeys(leafIds);

    return d.transfers.transaction(async (sql) => {
      const t = await d.transfers.get(req.transferId, sql, true);
      if (t === undefined || t.status !== t0.status) throw new OperatorError('ABORTED', `transfer ${req.transferId} changed during the claim; retry`);
      const nodes = await d.transfers.lockNodes(sql, leafIds);
      const digests: string[] = [];
      const tweakedKeys: NewKeyshare[] = [];
      const claims: Parameters<TransferRepository['setClaims']>[2] = [];
      for (const l of t.leaves) {
        const node = nodes.get(l.leafId) as TreeNodeRow;
        if (node.keyshare_id !== l.senderKeyshareId) throw new OperatorError('FAILED_PRECONDITION', `leaf ${l.leafId} does not carry the sender's tweaked key on operator ${d.self}`);
        const tweak = byLeaf.get(l.leafId) as LeafTweak;
        const given = req.leaves.find((x) => x.leafId === l.leafId) as LeafRefundTxs;
        const digest = leafDigest(tweak, d.operators);
        const keyshareId = `${t.id}/${l.leafId}/claim/${digest.slice(0, 16)}`;
        const key = keysBefore.get(l.leafId);
        if (key?.id !== node.keyshare_id) throw new OperatorError('ABORTED', `leaf ${l.leafId} changed during the claim; retry`);
        const tweaked = tweakedKeyRow(key, tweak, keyshareId);
        tweakedKeys.push(tweaked.row);
        const owner = ownerKeyAfter(hexToBytes(node.verifying_public_key), tweaked.groupKey);
        // Same timelock as the sender's refund (a claim does not decrement), paying the new owner key.
        const sequence = currentSequence(timelockOf(hexToBytes(l.intermediateRefundTx), 'intermediate refund tx').sequence);
        const expected = buildRefunds(hexToBytes(node.node_tx), sequence, owner, directNodeTxOf(node));
        requireSameTx(given.refundTx, expected.cpfp, `leaf ${l.leafId}: claim refund tx`);
        requireSameTx(given.directFromCpfpRefundTx, expected.directFromCpfp, `leaf ${l.leafId}: claim direct-from-CPFP refund tx`);
        requireDirectRefund(given, expected, `leaf ${l.leafId}: claim`);
        claims.push({
          leafId: l.leafId, keyshareId, tweakDigest: digest, ownerSigningPublicKey: hex(owner), refundTx: hex(expected.cpfp), directFromCpfpRefundTx: hex(expected.directFromCpfp),
          directRefundTx: expected.direct === undefined ? '' : hex(expected.direct),
        });
        digests.push(digest);
      }
      await d.transfers.insertKeyshares(sql, tweakedKeys);
      await d.transfers.setClaims(sql, t.id, claims);
      await d.transfers.setStatus(sql, t.id, 'RECEIVER_KEY_TWEAK_LOCKED');
      const claimOf = new Map(claims.map(({ leafId, ...c }) => [leafId, c]));
      const leaves = t.leaves.map((l) => ({ ...l, claim: claimOf.get(l.leafId) }));
      return { digest: combinedDigest(digests), transfer: { id: t.id, leaves, ...(t.exit === undefined ? {} : { exit: t.exit }) } };
    });
  }

  /** The transfer, if `receiver` may claim it now; a clear error otherwise. */
  async claimable(transferId: string, receiver: string): Promise<TransferRecord> {
    const t = await this.d.transfers.get(transferId);
    if (t === undefined || t.sender === '') throw new OperatorError('NOT_FOUND', `transfer ${transferId} not found`);
    if (t.receiver !== receiver) throw new OperatorError('PERMISSION_DENIED', `transfer ${transferId} is not addressed to this identity`);
    if (t.status === 'COMPLETED') throw new OperatorError('ALREADY_EXISTS', `transfer ${transferId} is already claimed`);
    if (t.type === 'COOPERATIVE_EXIT') await this.checkExitClaimable(t);
    if (!CLAIMABLE.includes(t.status)) throw new OperatorError('FAILED_PRECONDITION', `transfer ${transferId} is ${t.status} on operator ${this.d.self}, not claimable`);
    return t;
  }

  /**
   * The SSP claims a cooperative exit's leaves only once the exit transaction has
   * EXIT_CLAIM_CONFIRMATIONS confirmations here (upstream checkCoopExitTxBroadcasted).
   */
  private async checkExitClaimable(t: TransferRecord): Promise<void> {
    const h = t.exit?.confirmationHeight;
    if (h === undefined) throw new OperatorError('FAILED_PRECONDITION', `cooperative exit ${t.id}: its exit transaction ${t.exit?.exitTxid ?? ''} is not confirmed on operator ${this.d.self}`);
    if (this.d.chainHeight === undefined) throw new OperatorError('FAILED_PRECONDITION', `cooperative exit ${t.id}: operator ${this.d.self} watches no chain`);
    const tip = await this.d.chainHeight();
    if (h + EXIT_CLAIM_CONFIRMATIONS - 1 > tip) {
      throw new OperatorError('FAILED_PRECONDITION', `cooperative exit ${t.id}: its exit transaction has ${tip - h + 1} confirmations on operator ${this.d.self}; ${EXIT_CLAIM_CONFIRMATIONS} are needed to claim`);
    }
  }

  /**
   * Applies the receiver's tweak: new owner, new key, the receiver's signed refunds; leaf
   * AVAILABLE. With `record` (the coordinator), the decision is recorded for every peer in the
   * same transaction.
   */
  async commitClaim(decision: Decision, record?: DecisionRecorder): Promise<TransferRecord> {
    return this.decide('claim_commit', (sql) => this.applyCommitClaim(sql, decision), decision, record);
  }

  /** commitClaim's change, in the caller's transaction (not read back, as applyCommitSend). */
  async applyCommitClaim(sql: Sql, decision: Decision): Promise<void> {
    const { d } = this;
    const t = await d.transfers.get(decision.transferId, sql, true);
    if (t === undefined) throw new OperatorError('NOT_FOUND', `transfer ${decision.transferId} is unknown to operator ${d.self}`);
    if (t.status === 'COMPLETED') return;
    if (t.status !== 'RECEIVER_KEY_TWEAK_LOCKED') throw new OperatorError('FAILED_PRECONDITION', `transfer ${t.id} is ${t.status} on operator ${d.self}; no claim is prepared`);
    if (hex(combinedDigest(t.leaves.map((l) => l.claim?.tweakDigest ?? ''))) !== hex(decision.tweakDigest)) {
      throw bad(`transfer ${t.id}: the operators' claim tweak digests differ from this operator's`);
    }
    const nodes = await d.transfers.lockNodes(sql, t.leaves.map((l) => l.leafId));
    const signed: SignedRefunds[] = [];
    const keys: NodeKey[] = [];
    for (const l of t.leaves) {
      const c = l.claim;
      const node = nodes.get(l.leafId) as TreeNodeRow;
      if (c === undefined || node.keyshare_id !== l.senderKeyshareId) throw new OperatorError('INTERNAL', `leaf ${l.leafId} is not in the prepared claim state`);
      const s = this.signedFor(decision, l.leafId);
      const refund = this.checkSigned(node, c.refundTx, s.refundTx, `leaf ${l.leafId}: signed claim refund`);
      const dfc = this.checkSigned(node, c.directFromCpfpRefundTx, s.directFromCpfpRefundTx, `leaf ${l.leafId}: signed claim direct-from-CPFP refund`);
      const direct = this.checkSigned(node, c.directRefundTx, s.directRefundTx, `leaf ${l.leafId}: signed claim direct refund`, 'direct');
      signed.push({ leafId: l.leafId, refund, directFromCpfp: dfc, direct });
      keys.push({
        id: l.leafId, keyshareId: c.keyshareId, ownerIdentity: t.receiver, ownerSigningPublicKey: c.ownerSigningPublicKey,
        refundTx: refund, directFromCpfpRefundTx: dfc, directRefundTx: direct, status: 'AVAILABLE',
      });
    }
    await d.transfers.setSignedRefunds(sql, t.id, 'claim', signed);
    await d.transfers.setNodeKeys(sql, keys);
    await d.transfers.setStatus(sql, t.id, 'COMPLETED');
  }

  // ------------------------------------------------------------------ signing

  /**
   * An operator signs a transfer's refund only if it is byte for byte a refund it prepared
   * itself, with the key that refund is to be signed with: the leaf's current key for the
   * sender's refunds, the prepared tweaked key for the receiver's. All refund jobs of one signing
   * request are checked together: each transfer and its leaves are read once.
   */
  async checkSigningJobs(jobs: SigningJob[]): Promise<void> {
    const byTransfer = new Map<string, SigningJob[]>();
    for (const job of jobs) {
      const tx = job.tx;
      if (tx === undefined) throw bad(`job ${job.jobId}: the transaction to sign is missing`);
      byTransfer.set(tx.transferId, [...(byTransfer.get(tx.transferId) ?? []), job]);
    }
    for (const [transferId, group] of byTransfer) {
      const t = await this.d.transfers.get(transferId);
      const nodes = t === undefined ? new Map<string, TreeNodeRow>() : await this.d.transfers.lockNodes(this.d.transfers.db, t.leaves.map((l) => l.leafId), false);
      for (const job of group) this.checkSigningJob(job, transferId, t, nodes);
    }
  }

  private checkSigningJob(job: SigningJob, transferId: string, t: TransferRecord | undefined, nodes: Map<string, TreeNodeRow>): void {
    const tx = job.tx as NonNullable<SigningJob['tx']>;
    if (t === undefined) throw new OperatorError('NOT_FOUND', `job ${job.jobId}: transfer ${transferId} is unknown to operator ${this.d.self}`);
    const raw = hex(tx.tx);
    const claim = tx.kind === 'claim_refund';
    if (claim ? t.status !== 'RECEIVER_KEY_TWEAK_LOCKED' : !SENDER_PREPARED.includes(t.status) || isExitCommitted(t)) {
      throw new OperatorError('FAILED_PRECONDITION', `job ${job.jobId}: transfer ${t.id} is ${t.status}; nothing to sign`);
    }
    const leaf = t.leaves.find((l) => claim
      ? l.claim !== undefined && (l.claim.refundTx === raw || l.claim.directFromCpfpRefundTx === raw || l.claim.directRefundTx === raw)
      : l.intermediateRefundTx === raw || l.intermediateDirectFromCpfpRefundTx === raw || l.intermediateDirectRefundTx === raw);
    if (leaf === undefined) throw new OperatorError('PERMISSION_DENIED', `job ${job.jobId}: not a refund prepared for transfer ${t.id} on operator ${this.d.self}`);
    const key = claim ? leaf.claim?.keyshareId : leaf.previousKeyshareId;
    if (job.keyshareId !== key) throw new OperatorError('PERMISSION_DENIED', `job ${job.jobId}: wrong key for this refund`);
    // A swap's primary refunds are signed with the wallet's adaptor point and nothing else; every other refund with none.
    const adaptor = hex(job.adaptorPublicKey ?? new Uint8Array(0));
    if (adaptor !== (claim ? '' : t.adaptorPublicKey ?? '')) throw new OperatorError('PERMISSION_DENIED', `job ${job.jobId}: not the adaptor point this refund was prepared with`);
    const node = nodes.get(leaf.leafId) as TreeNodeRow;
    if (node.verifying_public_key !== hex(job.verifyingKey)) throw new OperatorError('PERMISSION_DENIED', `job ${job.jobId}: not the leaf's verifying key`);
    if (claim ? node.keyshare_id !== leaf.senderKeyshareId : node.keyshare_id !== leaf.previousKeyshareId) {
      throw new OperatorError('FAILED_PRECONDITION', `job ${job.jobId}: leaf ${leaf.leafId} no longer has the key of this step`);
    }
    // The direct refund spends the direct node tx; the other two the node tx.
    const direct = raw === (claim ? leaf.claim?.directRefundTx : leaf.intermediateDirectRefundTx);
    const refund = parseTx(Uint8Array.from(tx.tx), 'refund tx');
    const spent = spentByRefund(spentTxOf(node, direct ? 'direct' : 'node'), refund, claim ? undefined : t.exit?.connectorTx);
    if (hex(sighash(refund, spent)) !== hex(job.message)) throw bad(`job ${job.jobId}: message is not the refund's sighash`);
  }
}

/**
 * The internal service as served by every operator. Replicated rows are checked independently
 * before they are stored: a deposit address must be the P2TR of (DKG key + user key) and carry a
 * valid proof of possession by that key; only then does this operator bind the key and sign the
 * address with its identity key.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, tweakedKey } from '../crypto.js';
import type { Repository } from '../db/repository.js';
import { addPublicKeys, depositAddress } from '../deposit/address.js';
import { addressSignatureDigest, proofOfPossessionMessage } from '../deposit/proof.js';
import type { DkgService } from '../dkg/service.js';
import { OperatorError } from '../errors.js';
import type { EventBus } from '../events.js';
import { signDigestDer } from '../identity.js';
import type { IdentityKey } from '../identity.js';
import type { KeyshareCache } from '../signing/keyshares.js';
import type { NonceStore } from '../signing/nonce-store.js';
import { applyTreeNode } from '../replication/kinds/tree-node.js';
import type { Replicator } from '../replication/replicator.js';
import type { OperatorSigner } from '../signing/operator-signer.js';
import { crashPoint } from '../faults.js';
import type { TransferParticipant } from '../transfer/participant.js';
import type { LeafRefundTxs } from '../transfer/types.js';
import type { HealthResponse, InternalApi, LeafRefunds } from './types.js';

export interface InternalDeps {
  /** Coordinator only. */
  signOperators: ((keyshareId: string, messages: Uint8Array[]) => Promise<{ signatures: Uint8Array[]; verifying_key: Uint8Array; signers: string[] }>) | undefined;
  health: () => Promise<HealthResponse>;
  dkg: DkgService;
  nonces: NonceStore;
  signer: OperatorSigner;
  repo: Repository;
  keys: KeyshareCache;
  identity: IdentityKey;
  events: EventBus;
  replicator: Replicator;
  transfers: TransferParticipant;
  /**
   * True once this operator has applied every record its peers hold for it (start-up catch-up).
   * Before that it may lack a decision on a leaf (a key tweak applied elsewhere while it was
   * down), so it prepares no transfer or claim: it never takes part with a stale key share.
   */
  caughtUp: () => boolean;
  /** this operator's 1-based index (for crash points in fault tests) */
  index: number;
}

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);
const hex = (b: Uint8Array): string => bytesToHex(Uint8Array.from(b));
const refunds = (l: LeafRefunds): LeafRefundTxs => ({ leafId: l.leaf_id, refundTx: Uint8Array.from(l.refund_tx), directFromCpfpRefundTx: Uint8Array.from(l.direct_from_cpfp_refund_tx) });
const bytesMap = (m: Record<string, Uint8Array>): Record<string, Uint8Array> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Uint8Array.from(v)]));

export function createInternalHandlers(d: InternalDeps): InternalApi {
  const requireCaughtUp = (what: string): void => {
    if (!d.caughtUp()) throw new OperatorError('UNAVAILABLE', `${what}: this operator is still applying its peers' replicated changes after a restart; retry`);
  };
  return {
    health: () => d.health(),
    dkg_round1: async (req) => d.dkg.round1(req),
    dkg_round2: (req) => d.dkg.round2(req),
    dkg_deliver_shares: async (req) => d.dkg.deliver(req),
    dkg_finalize: (req) => d.dkg.finalize(req),
    dkg_commit: (req) => d.dkg.commit(req),
    dkg_batches: () => d.dkg.listBatches(),
    dkg_discard: (req) => d.dkg.discard(req),
    frost_commitments: async (req) => ({ commitments: d.nonces.create(req.count) }),
    frost_sign: async (req) => ({ shares: await d.signer.sign(req.jobs) }),
    async frost_sign_operators(req) {
      if (d.signOperators === undefined) throw new OperatorError('FAILED_PRECONDITION', 'frost_sign_operators is served by the coordinator only');
      if (req.messages.length < 1 || req.messages.length > 1000) throw bad('messages must hold 1..1000 entries');
      for (const m of req.messages) if (m.length !== 32) throw bad('each message must be 32 bytes');
      return d.signOperators(req.keyshare_id, req.messages.map((m) => Uint8Array.from(m)));
    },

    async store_deposit_address(req) {
      const r = req.record;
      if (r === null) throw bad('record is required');
      const key = await d.keys.get(r.keyshare_id);
      const verifying = addPublicKeys(key.groupKey, Uint8Array.from(r.user_signing_public_key));
      if (hex(verifying) !== hex(r.verifying_public_key)) throw bad('verifying_public_key is not the DKG key plus the user key');
      if (depositAddress(verifying) !== r.address) throw bad(`address ${r.address} is not the P2TR of the verifying key`);
      const msg = proofOfPossessionMessage(Uint8Array.from(r.identity_public_key), key.groupKey, r.address);
      if (!schnorr.verify(Uint8Array.from(r.proof_of_possession), msg, tweakedKey(key.groupKey).qx)) throw bad('proof of possession does not verify');
      const stored = await d.repo.insertDepositAddress({
        address: r.address, leaf_id: r.leaf_id, identity_public_key: hex(r.identity_public_key),
        user_signing_public_key: hex(r.user_signing_public_key), verifying_public_key: hex(r.verifying_public_key),
        keyshare_id: r.keyshare_id, network: r.network, proof_of_possession: hex(r.proof_of_possession), address_signatures: '{}',
      });
      if (stored === 'key-unavailable') throw new OperatorError('ALREADY_EXISTS', `key ${r.keyshare_id} or leaf ${r.leaf_id} is already bound to another address`);
      return { address_signature: signDigestDer(d.identity, addressSignatureDigest(r.address)) };
    },

    async store_tree_node(req) {
      const n = req.node;
      if (n === null) throw bad('node is required');
      const node = {
        id: n.id, tree_id: n.tree_id, owner_identity_public_key: hex(n.owner_identity_public_key),
        owner_signing_public_key: hex(n.owner_signing_public_key), value: n.value, vout: n.vout,
        verifying_public_key: hex(n.verifying_public_key), keyshare_id: n.keyshare_id, node_tx: hex(n.node_tx),
        refund_tx: hex(n.refund_tx), direct_from_cpfp_refund_tx: hex(n.direct_from_cpfp_refund_tx), deposit_txid: n.deposit_txid,
        deposit_vout: n.deposit_vout, status: n.status, network: n.network,
      };
      await d.repo.db.transaction((tx) => applyTreeNode(d.repo, tx, node));
      return {};
    },

    replicate: (req) => d.replicator.applyIncoming(req.origin, req.records),
    replication_pull: async (req) => ({ records: await d.replicator.pendingFor(req.peer) }),
    async replication_ack(req) {
      await d.replicator.acknowledge(req.peer, req.ids);
      return {};
    },

    async transfer_prepare(req) {
      requireCaughtUp('transfer_prepare');
      const digest = await d.transfers.prepareSend({
        transferId: req.transfer_id, sender: Uint8Array.from(req.sender_identity_public_key), receiver: Uint8Array.from(req.receiver_identity_public_key),
        expiry: req.expiry_unix_ms > 0 ? new Date(req.expiry_unix_ms) : undefined, leaves: req.leaves.map(refunds),
        keyTweakPackage: bytesMap(req.key_tweak_package), userSignature: Uint8Array.from(req.user_signature),
      });
      crashPoint(d.index, 'send:peer-prepared');
      return { tweak_digest: digest };
    },
    async claim_abort(req) {
      await d.transfers.abortClaim(req.transfer_id);
      return {};
    },
    async claim_prepare(req) {
      requireCaughtUp('claim_prepare');
      const digest = await d.transfers.prepareClaim({
        transferId: req.transfer_id, receiver: Uint8Array.from(req.receiver_identity_public_key), leaves: req.leaves.map(refunds),
        keyTweakPackage: bytesMap(req.key_tweak_package), userSignature: Uint8Array.from(req.user_signature),
      });
      crashPoint(d.index, 'claim:peer-prepared');
      return { tweak_digest: digest };
    },
  };
}

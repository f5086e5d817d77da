/**
 * The internal service as served by every operator: each handler translates its messages to the
 * domain service that does the work (deposit/address-replication.ts, dkg/, signing/, replication/,
 * transfer/).
 */
import type { Repository } from '../../db/repository.js';
import { acceptReplicatedAddress } from '../../deposit/address-replication.js';
import type { DkgService } from '../../dkg/service.js';
import { OperatorError } from '../../errors.js';
import type { EventBus } from '../../events.js';
import type { IdentityKey } from '../../identity.js';
import type { KeyshareCache } from '../../signing/keyshares.js';
import type { NonceStore } from '../../signing/nonce-store.js';
import type { Replicator } from '../../replication/replicator.js';
import type { OperatorSigner } from '../../signing/operator-signer.js';
import { crashPoint } from '../../faults.js';
import type { TransferParticipant } from '../../transfer/participant.js';
import type { LeafRefundTxs } from '../../transfer/types.js';
import type { InternalApi } from './api.js';
import type { HealthResponse, LeafRefunds } from '../generated/spark_operator_internal.js';

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
      if (r === undefined) throw bad('record is required');
      const address = {
        address: r.address, leafId: r.leaf_id, identity: r.identity_public_key, userKey: r.user_signing_public_key,
        verifyingKey: r.verifying_public_key, keyshareId: r.keyshare_id, proofOfPossession: r.proof_of_possession, isStatic: r.is_static,
      };
      return { address_signature: await acceptReplicatedAddress(d, address, r.network) };
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
        ...(req.adaptor_public_key === undefined || req.adaptor_public_key.length === 0 ? {} : { adaptorPublicKey: Uint8Array.from(req.adaptor_public_key) }),
        ...(req.counter_of === undefined || req.counter_of === '' ? {} : { counterOf: req.counter_of }),
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

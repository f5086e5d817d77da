/**
 * The internal service as served by every operator: each handler translates its messages
 * (messages.ts) to the domain service that does the work (deposit/address-replication.ts, dkg/,
 * signing/, replication/, transfer/) and its answer back.
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
import { crashPoint, type CrashStep } from '../../faults.js';
import type { TransferParticipant } from '../../transfer/participant.js';
import type { OperatorHealth } from '../../health.js';
import type { InternalApi } from './api.js';
import {
  addressFromWire, batchInfoToWire, claimPrepareFromWire, finalizedToWire, healthToWire, jobFromWire, packageFromWire, sendPrepareFromWire, shareToWire,
} from './messages.js';

export interface InternalDeps {
  /** Coordinator only. */
  signOperators: ((keyshareId: string, messages: Uint8Array[]) => Promise<{ signatures: Uint8Array[]; verifying_key: Uint8Array; signers: string[] }>) | undefined;
  health: () => Promise<OperatorHealth>;
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

export function createInternalHandlers(d: InternalDeps): InternalApi {
  const requireCaughtUp = (what: string): void => {
    if (!d.caughtUp()) throw new OperatorError('UNAVAILABLE', `${what}: this operator is still applying its peers' replicated changes after a restart; retry`);
  };
  /** A send's or a claim's prepare on this operator, once it is caught up; answers its tweak digest. */
  const prepare = async (what: string, step: CrashStep, run: () => Promise<Uint8Array>): Promise<{ tweak_digest: Uint8Array }> => {
    requireCaughtUp(what);
    const digest = await run();
    crashPoint(d.index, step);
    return { tweak_digest: digest };
  };
  return {
    health: async () => healthToWire(await d.health()),
    dkg_round1: async (req) => ({ package: d.dkg.round1({ batchId: req.batch_id, count: req.count, threshold: req.threshold, participants: req.participants }) }),
    async dkg_round2(req) {
      await d.dkg.round2(req.batch_id, req.packages.map(packageFromWire));
      return {};
    },
    async dkg_deliver_shares(req) {
      d.dkg.deliver(req.batch_id, req.sender, req.shares.map((s) => Uint8Array.from(s)));
      return {};
    },
    dkg_finalize: async (req) => finalizedToWire(await d.dkg.finalize(req.batch_id)),
    async dkg_commit(req) {
      await d.dkg.commit(req.batch_id);
      return {};
    },
    dkg_batches: async () => ({ batches: (await d.dkg.listBatches()).map(batchInfoToWire) }),
    async dkg_discard(req) {
      await d.dkg.discard(req.batch_id);
      return {};
    },
    frost_commitments: async (req) => ({ commitments: d.nonces.create(req.count) }),
    frost_sign: async (req) => ({ shares: (await d.signer.sign(req.jobs.map(jobFromWire))).map(shareToWire) }),
    async frost_sign_operators(req) {
      if (d.signOperators === undefined) throw new OperatorError('FAILED_PRECONDITION', 'frost_sign_operators is served by the coordinator only');
      if (req.messages.length < 1 || req.messages.length > 1000) throw bad('messages must hold 1..1000 entries');
      for (const m of req.messages) if (m.length !== 32) throw bad('each message must be 32 bytes');
      return d.signOperators(req.keyshare_id, req.messages.map((m) => Uint8Array.from(m)));
    },

    store_deposit_address: async (req) => ({ address_signature: await acceptReplicatedAddress(d, addressFromWire(req.record)) }),

    replicate: (req) => d.replicator.applyIncoming(req.origin, req.records),
    replication_pull: async (req) => ({ records: await d.replicator.pendingFor(req.peer) }),
    async replication_ack(req) {
      await d.replicator.acknowledge(req.peer, req.ids);
      return {};
    },

    transfer_prepare: (req) => prepare('transfer_prepare', 'send:peer-prepared', () => d.transfers.prepareSend(sendPrepareFromWire(req))),
    async claim_abort(req) {
      await d.transfers.abortClaim(req.transfer_id);
      return {};
    },
    claim_prepare: (req) => prepare('claim_prepare', 'claim:peer-prepared', () => d.transfers.prepareClaim(claimPrepareFromWire(req))),
  };
}

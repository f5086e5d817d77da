/**
 * The other operators over the network: a Peer (peers/peer.ts) on a client of their internal
 * service, over mutual TLS with this operator's certificate. One channel per peer, kept for the
 * life of the process. A failed call becomes a PeerCallError: the services never see gRPC.
 */
import { readFileSync } from 'node:fs';
import { ChannelCredentials } from '@grpc/grpc-js';
import { ClientError, createChannel, createClient, Status } from 'nice-grpc';
import type { Channel } from 'nice-grpc';
import type { PeerConfig, ResolvedOperatorConfig } from '../../config.js';
import type { OperatorErrorCode } from '../../errors.js';
import type { Peer } from '../../peers/peer.js';
import { PeerCallError } from '../../peers/peer-error.js';
import { OperatorInternalServiceDefinition } from '../generated/spark_operator_internal.js';
import type { InternalApi } from './api.js';
import {
  addressToWire, batchInfoFromWire, claimPrepareToWire, commitmentFromWire, finalizedFromWire, healthFromWire, jobToWire, packageFromWire,
  sendPrepareToWire, shareFromWire,
} from './messages.js';

/** A client of the internal service on `channel` (a peer, or a bench or test talking to one). */
export const internalClient = (channel: Channel): InternalApi => createClient(OperatorInternalServiceDefinition, channel);

/** The codes by which a peer says it judged a request (anything else: it did not answer). */
const JUDGED: Partial<Record<Status, OperatorErrorCode>> = {
  [Status.INVALID_ARGUMENT]: 'INVALID_ARGUMENT', [Status.PERMISSION_DENIED]: 'PERMISSION_DENIED', [Status.NOT_FOUND]: 'NOT_FOUND',
  [Status.ALREADY_EXISTS]: 'ALREADY_EXISTS', [Status.FAILED_PRECONDITION]: 'FAILED_PRECONDITION', [Status.ABORTED]: 'ABORTED',
};

async function call<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ClientError) throw new PeerCallError(e.message, JUDGED[e.code], e.details, e.code === Status.UNAVAILABLE, { cause: e });
    throw e;
  }
}

/** The Peer behind a client of its internal service. */
export function grpcPeer(api: InternalApi): Peer {
  return {
    health: async () => healthFromWire(await call(api.health({}))),
    dkgRound1: async (r) => packageFromWire((await call(api.dkg_round1({ batch_id: r.batchId, count: r.count, threshold: r.threshold, participants: r.participants }))).package),
    dkgRound2: async (batchId, packages) => void (await call(api.dkg_round2({ batch_id: batchId, packages }))),
    dkgDeliverShares: async (batchId, sender, shares) => void (await call(api.dkg_deliver_shares({ batch_id: batchId, sender, shares }))),
    dkgFinalize: async (batchId) => finalizedFromWire(await call(api.dkg_finalize({ batch_id: batchId }))),
    dkgCommit: async (batchId) => void (await call(api.dkg_commit({ batch_id: batchId }))),
    dkgBatches: async () => (await call(api.dkg_batches({}))).batches.map(batchInfoFromWire),
    dkgDiscard: async (batchId) => void (await call(api.dkg_discard({ batch_id: batchId }))),
    frostCommitments: async (count) => (await call(api.frost_commitments({ count }))).commitments.map(commitmentFromWire),
    frostSign: async (jobs) => (await call(api.frost_sign({ jobs: jobs.map(jobToWire) }))).shares.map(shareFromWire),
    storeDepositAddress: async (a) => Uint8Array.from((await call(api.store_deposit_address({ record: addressToWire(a) }))).address_signature),
    replicate: async (origin, records) => {
      const r = await call(api.replicate({ origin, records }));
      return { applied: r.applied, errors: r.errors };
    },
    replicationPull: async (self) => (await call(api.replication_pull({ peer: self }))).records.map((r) => ({ id: r.id, kind: r.kind, payload: r.payload })),
    replicationAck: async (self, ids) => void (await call(api.replication_ack({ peer: self, ids }))),
    prepareSend: async (p) => Uint8Array.from((await call(api.transfer_prepare(sendPrepareToWire(p)))).tweak_digest),
    prepareClaim: async (p) => Uint8Array.from((await call(api.claim_prepare(claimPrepareToWire(p)))).tweak_digest),
    abortClaim: async (transferId) => void (await call(api.claim_abort({ transfer_id: transferId }))),
  };
}

export class PeerClients {
  private readonly channels: Channel[] = [];
  readonly peers: Map<string, Peer> = new Map();

  constructor(cfg: ResolvedOperatorConfig) {
    const creds = ChannelCredentials.createSsl(readFileSync(cfg.tls.caPath), readFileSync(cfg.tls.keyPath), readFileSync(cfg.tls.certPath));
    for (const p of cfg.peers) {
      if (p.identifier === cfg.identifier) continue;
      this.peers.set(p.identifier, grpcPeer(internalClient(this.channelTo(p, creds))));
    }
  }

  private channelTo(p: PeerConfig, creds: ChannelCredentials): Channel {
    const channel = createChannel(p.internalAddress, creds, {
      'grpc.max_receive_message_length': 64 << 20,
      'grpc.max_send_message_length': 64 << 20,
      // A restarted peer must be usable again within seconds, not after grpc-js's default
      // reconnect backoff (which grows to 2 minutes while the peer is down).
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.min_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 2000,
    });
    this.channels.push(channel);
    return channel;
  }

  get(identifier: string): Peer {
    const p = this.peers.get(identifier);
    if (p === undefined) throw new Error(`unknown peer ${identifier}`);
    return p;
  }

  close(): void {
    for (const c of this.channels) c.close();
  }
}

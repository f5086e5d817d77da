/**
 * Clients for the other operators' internal services, over mutual TLS with this operator's
 * certificate. One channel per peer, kept for the life of the process.
 */
import { readFileSync } from 'node:fs';
import { ChannelCredentials } from '@grpc/grpc-js';
import { createChannel, createClient } from 'nice-grpc';
import type { Channel } from 'nice-grpc';
import type { PeerConfig, ResolvedOperatorConfig } from '../../config.js';
import { OperatorInternalServiceDefinition } from '../generated/spark_operator_internal.js';
import type { InternalApi } from './api.js';

/** A client of the internal service on `channel` (a peer, or a bench or test talking to one). */
export const internalClient = (channel: Channel): InternalApi => createClient(OperatorInternalServiceDefinition, channel);

export interface Peer {
  config: PeerConfig;
  api: InternalApi;
}

export class PeerClients {
  private readonly channels: Channel[] = [];
  readonly peers: Map<string, Peer> = new Map();

  constructor(cfg: ResolvedOperatorConfig) {
    const creds = ChannelCredentials.createSsl(readFileSync(cfg.tls.caPath), readFileSync(cfg.tls.keyPath), readFileSync(cfg.tls.certPath));
    for (const p of cfg.peers) {
      if (p.identifier === cfg.identifier) continue;
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
      this.peers.set(p.identifier, { config: p, api: internalClient(channel) });
    }
  }

  get(identifier: string): Peer {
    const p = this.peers.get(identifier);
    if (p === undefined) throw new Error(`unknown peer ${identifier}`);
    return p;
  }

  /** Fills in `keys` with each peer's identity key as the peers answer (a while, then gives up). */
  async learnIdentities(keys: Record<string, Uint8Array>, stopped: () => boolean): Promise<void> {
    for (let attempt = 0; attempt < 50 && !stopped(); attempt++) {
      let missing = 0;
      for (const [id, p] of this.peers) {
        if (keys[id] !== undefined) continue;
        try {
          keys[id] = Uint8Array.from((await p.api.health({})).identity_public_key);
        } catch {
          missing++;
        }
      }
      if (missing === 0) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  close(): void {
    for (const c of this.channels) c.close();
  }
}

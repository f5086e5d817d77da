/** An operator's liveness and the fields of its READY line (answered to peers and tools). */
import type { ResolvedOperatorConfig } from './config.js';
import { hexToBytes } from './crypto.js';
import type { Repository } from './db/repository.js';
import type { IdentityKey } from './identity.js';

export interface OperatorHealth {
  identifier: string;
  identityPublicKey: Uint8Array;
  ready: boolean;
  /** the first DKG key; empty before READY */
  groupPublicKey: Uint8Array;
  keyPoolAvailable: number;
  publicAddress: string;
}

export interface HealthDeps {
  cfg: Pick<ResolvedOperatorConfig, 'identifier' | 'host'>;
  identity: IdentityKey;
  repo: Repository;
  ready: () => boolean;
  publicPort: () => number;
}

export function healthOf(d: HealthDeps): () => Promise<OperatorHealth> {
  return async () => {
    const ready = d.ready();
    const first = ready ? await d.repo.firstKeyshare() : undefined;
    return {
      identifier: d.cfg.identifier,
      identityPublicKey: d.identity.publicKey,
      ready,
      groupPublicKey: first === undefined ? new Uint8Array(0) : hexToBytes(first.public_key),
      keyPoolAvailable: await d.repo.countAvailableKeyshares(),
      publicAddress: `https://${d.cfg.host}:${d.publicPort()}`,
    };
  };
}

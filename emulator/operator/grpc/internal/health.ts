/** The internal `health` answer: liveness, and the fields of the READY line. */
import type { ResolvedOperatorConfig } from '../../config.js';
import { hexToBytes } from '../../crypto.js';
import type { Repository } from '../../db/repository.js';
import type { IdentityKey } from '../../identity.js';
import type { HealthResponse } from '../generated/spark_operator_internal.js';

export interface HealthDeps {
  cfg: Pick<ResolvedOperatorConfig, 'identifier' | 'host'>;
  identity: IdentityKey;
  repo: Repository;
  ready: () => boolean;
  publicPort: () => number;
}

export function healthOf(d: HealthDeps): () => Promise<HealthResponse> {
  return async () => {
    const ready = d.ready();
    const first = ready ? await d.repo.firstKeyshare() : undefined;
    return {
      identifier: d.cfg.identifier,
      identity_public_key: d.identity.publicKey,
      ready,
      group_public_key: first === undefined ? new Uint8Array(0) : hexToBytes(first.public_key),
      key_pool_available: await d.repo.countAvailableKeyshares(),
      public_address: `https://${d.cfg.host}:${d.publicPort()}`,
    };
  };
}

/**
 * Kind "keyshare_retired": the coordinator took a DKG key for a deposit address and the request
 * then failed (a peer down, a signing error). The key is retired on every operator, together
 * with any address a peer bound to it before the failure, so that the key pools stay in step:
 * every operator ends with the same keys AVAILABLE, IN_USE and RETIRED.
 */
import type { Repository } from '../../db/repository.js';
import { field, type RecordKind } from '../kinds.js';

export const KEYSHARE_RETIRED = 'keyshare_retired';

export const keyshareRetiredRecordId = (keyshareId: string): string => `${KEYSHARE_RETIRED}:${keyshareId}`;

export interface KeyshareRetiredPayload {
  keyshare_id: string;
}

export function keyshareRetiredKind(repo: Repository): RecordKind<KeyshareRetiredPayload> {
  return {
    name: KEYSHARE_RETIRED,
    decode: (json) => ({ keyshare_id: field.string(field.object(json), 'keyshare_id') }),
    apply: (tx, p) => repo.retireKeyshareIn(tx, p.keyshare_id),
  };
}

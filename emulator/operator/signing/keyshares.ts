/** Read-through cache of this operator's DKG key shares (rows never change once written). */
import { keyshareFromRow } from '../db/repository.js';
import type { Repository } from '../db/repository.js';
import { OperatorError } from '../errors.js';

export interface Keyshare {
  id: string;
  threshold: number;
  secretShare: Uint8Array;
  groupKey: Uint8Array;
  groupKeyHex: string;
  /** identifier → 33-byte public share */
  publicShares: Record<string, Uint8Array>;
  publicSharesHex: Record<string, string>;
}

/** Where signing code reads key shares from (the cache below; a fixed set in benches and tests). */
export interface KeyshareSource {
  get(id: string): Promise<Keyshare>;
}

export class KeyshareCache implements KeyshareSource {
  private readonly cache = new Map<string, Keyshare>();
  constructor(private readonly repo: Repository) {}

  async get(id: string): Promise<Keyshare> {
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit;
    const row = await this.repo.getKeyshare(id);
    if (row === undefined) throw new OperatorError('NOT_FOUND', `signing keyshare ${id} is unknown to this operator`);
    const k = keyshareFromRow(row);
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(id, k);
    return k;
  }
}

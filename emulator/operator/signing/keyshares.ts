/** Read-through cache of this operator's DKG key shares (rows never change once written). */
import { hexToBytes } from '../crypto.js';
import type { KeyshareRow, Repository } from '../db/repository.js';
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

export class KeyshareCache {
  private readonly cache = new Map<string, Keyshare>();
  constructor(private readonly repo: Repository) {}

  async get(id: string): Promise<Keyshare> {
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit;
    const row = await this.repo.getKeyshare(id);
    if (row === undefined) throw new OperatorError('NOT_FOUND', `signing keyshare ${id} is unknown to this operator`);
    return this.remember(row);
  }

  /** Several keys in the order asked; the ones not cached yet are read in one query. */
  async getMany(ids: readonly string[]): Promise<Keyshare[]> {
    const missing = ids.filter((id) => !this.cache.has(id));
    const rows = missing.length === 0 ? [] : await this.repo.getKeyshares(missing);
    const read = new Map(rows.map((r) => [r.id, this.remember(r)]));
    return ids.map((id) => {
      const k = this.cache.get(id) ?? read.get(id);
      if (k === undefined) throw new OperatorError('NOT_FOUND', `signing keyshare ${id} is unknown to this operator`);
      return k;
    });
  }

  private remember(row: KeyshareRow): Keyshare {
    const id = row.id;
    const publicSharesHex = JSON.parse(row.public_shares) as Record<string, string>;
    const k: Keyshare = {
      id,
      threshold: Number(row.threshold),
      secretShare: hexToBytes(row.secret_share),
      groupKey: hexToBytes(row.public_key),
      groupKeyHex: row.public_key,
      publicShares: Object.fromEntries(Object.entries(publicSharesHex).map(([i, h]) => [i, hexToBytes(h)])),
      publicSharesHex,
    };
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(id, k);
    return k;
  }
}

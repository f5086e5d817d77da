/** Read-through cache of this operator's DKG key shares (rows never change once written). */
import { keyshareFromRow } from '../db/repository.js';
import type { KeyshareRow, Repository } from '../db/repository.js';
import { OperatorError } from '../errors.js';

export interface Keyshare {
  id: string;
  threshold: number;
  secretShare: Uint8Array;
  groupKey: Uint8Array;
  /** identifier → 33-byte public share */
  publicShares: Record<string, Uint8Array>;
}

/** Where signing code reads key shares from (the cache below; a fixed set in benches and tests). */
export interface KeyshareSource {
  get(id: string): Promise<Keyshare>;
  /** Several keys in the order asked. */
  getMany(ids: readonly string[]): Promise<Keyshare[]>;
}

const unknown = (id: string): OperatorError => new OperatorError('NOT_FOUND', `signing keyshare ${id} is unknown to this operator`);

export class KeyshareCache implements KeyshareSource {
  private readonly cache = new Map<string, Keyshare>();
  constructor(private readonly repo: Repository) {}

  async get(id: string): Promise<Keyshare> {
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit;
    const row = await this.repo.getKeyshare(id);
    if (row === undefined) throw unknown(id);
    return this.remember(row);
  }

  /** The ones not cached yet are read in one query (a transfer of many leaves asks for all at once). */
  async getMany(ids: readonly string[]): Promise<Keyshare[]> {
    const missing = ids.filter((id) => !this.cache.has(id));
    const rows = missing.length === 0 ? [] : await this.repo.getKeyshares(missing);
    const read = new Map(rows.map((r) => [r.id, this.remember(r)]));
    return ids.map((id) => {
      const k = this.cache.get(id) ?? read.get(id);
      if (k === undefined) throw unknown(id);
      return k;
    });
  }

  private remember(row: KeyshareRow): Keyshare {
    const k = keyshareFromRow(row);
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(k.id, k);
    return k;
  }
}

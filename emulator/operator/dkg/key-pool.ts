/**
 * The coordinator's pool of unused DKG keys: one is taken per deposit address, a new DKG batch
 * runs when the pool is empty or runs low, and a key whose request failed is retired on every
 * operator (durably: a peer that is down gets the retirement when it is back), so that every
 * operator's pool holds the same keys.
 */
import type { Database } from '../db/database.js';
import type { Repository } from '../db/repository.js';
import { OperatorError } from '../errors.js';
import { KEYSHARE_RETIRED, keyshareRetiredRecordId } from '../replication/kinds/keyshare-retired.js';
import type { Replicator } from '../replication/replicator.js';
import type { Keyshare, KeyshareCache } from '../signing/keyshares.js';
import type { DkgService } from './service.js';

export interface KeyPoolDeps {
  db: Database;
  repo: Repository;
  keys: KeyshareCache;
  dkg: DkgService;
  replicator: Replicator;
  /** keys made by one DKG batch */
  batchSize: number;
  /** a batch is started in the background when fewer keys than this are left */
  lowWater: number;
  log: (msg: string) => void;
}

export class KeyPool {
  constructor(private readonly d: KeyPoolDeps) {}

  /** Takes an unused key, running a DKG batch first when none is left. */
  async take(): Promise<Keyshare> {
    const { repo, dkg } = this.d;
    let row = await repo.takeKeyshare();
    if (row === undefined) {
      try {
        await dkg.runBatch(this.d.batchSize);
      } catch (e) {
        throw new OperatorError('KEY_POOL_EMPTY', `no unused DKG key left and a new DKG batch failed: ${(e as Error).message}`);
      }
      row = await repo.takeKeyshare();
      if (row === undefined) throw new OperatorError('KEY_POOL_EMPTY', 'no unused DKG key left');
    }
    if ((await repo.countAvailableKeyshares()) < this.d.lowWater) {
      dkg.runBatch(this.d.batchSize).catch((e: unknown) => this.d.log(`key pool refill failed: ${(e as Error).message}`));
    }
    return this.d.keys.get(row.id);
  }

  /** Retires a key taken for a request that failed, here and on every peer; a failure is logged. */
  async retire(keyshareId: string): Promise<void> {
    try {
      await this.retireDurably(keyshareId);
      await this.d.replicator.deliverNow();
    } catch (e) {
      this.d.log(`could not retire key ${keyshareId}: ${(e as Error).message}`);
    }
  }

  /**
   * At start-up, before any request is in flight: a key taken for an address request that a crash
   * cut short is taken without an address. Retire it everywhere, as a failed request would.
   */
  async retireAbandoned(): Promise<void> {
    for (const id of await this.d.repo.listAbandonedKeyshares()) {
      this.d.log(`retiring key ${id}: taken for an address request that did not finish`);
      await this.retireDurably(id);
    }
  }

  /** Retires a key here and, in the same transaction, records the retirement for every peer. */
  private async retireDurably(keyshareId: string): Promise<void> {
    await this.d.db.transaction(async (tx) => {
      await this.d.repo.retireKeyshareIn(tx, keyshareId);
      await this.d.replicator.record(tx, KEYSHARE_RETIRED, keyshareRetiredRecordId(keyshareId), { keyshare_id: keyshareId });
    });
  }
}

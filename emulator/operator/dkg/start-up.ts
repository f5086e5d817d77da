/** The coordinator's DKG at start-up: the first batch on a new network, the repair of a cut-short one. */
import type { Repository } from '../db/repository.js';
import type { Peer } from '../peers/peer.js';
import type { DkgService } from './service.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface FirstDkgDeps {
  dkg: DkgService;
  peers: ReadonlyMap<string, Pick<Peer, 'health'>>;
  repo: Repository;
  batchSize: number;
  log: (msg: string) => void;
  /** true once there is nothing left to do (stopped, or the keys arrived) */
  finished: () => boolean;
  /** called when a repaired first batch turns out to hold the keys already */
  onKeys: () => void;
}

/** First start: wait until every peer answers, then run the first DKG batch (retrying). */
export async function firstDkg(d: FirstDkgDeps): Promise<void> {
  while (!d.finished()) {
    const down: string[] = [];
    await Promise.all([...d.peers].map(async ([id, api]) => {
      try {
        await api.health();
      } catch {
        down.push(id);
      }
    }));
    if (down.length === 0) {
      try {
        // A first batch that a crash cut short may only need its commit (or must go everywhere).
        await d.dkg.repair();
        if ((await d.repo.firstKeyshare()) !== undefined) {
          d.onKeys();
          return;
        }
        await d.dkg.runBatch(d.batchSize);
        return;
      } catch (e) {
        d.log(`first DKG failed, retrying: ${(e as Error).message}`);
      }
    }
    await sleep(300);
  }
}

/** A later batch a crash cut short is settled as soon as every operator answers. */
export async function repairDkgWhenAllUp(dkg: DkgService, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    try {
      await dkg.repair();
      return;
    } catch {
      await sleep(1000);
    }
  }
}

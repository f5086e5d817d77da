/**
 * A DKG batch (or a pool key) that a coordinator crash leaves half-used is settled the same way on every
 * operator when the coordinator starts again: discarded everywhere when some operator never
 * finalized it, committed everywhere when all finalized it but the commit was cut short. The
 * crash is played by driving the batch's rounds over the internal service by hand (as the
 * coordinator would) and stopping before the end; then the coordinator is restarted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifierForIndex } from '../config.js';
import { PeerClients } from '../grpc/internal/peer-client.js';
import type { Peer } from '../peers/peer.js';
import { startLocalOperators, type LocalNetwork } from '../testing/local-operators.js';

const BATCH = 4;

describe('crash repair at start-up: DKG batches and pool keys', { timeout: 120_000 }, () => {
  let net: LocalNetwork;
  let fromOp1: PeerClients;
  let fromOp2: PeerClients;
  const ids = [1, 2, 3].map(identifierForIndex);
  /** Operator i's internal service, over mutual TLS. */
  const api = (i: number): Peer => (i === 1 ? fromOp2 : fromOp1).get(identifierForIndex(i));
  /** Reads over a channel that may still be reconnecting to a just restarted operator. */
  const read = async <T>(f: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await f();
      } catch (e) {
        if (attempt >= 120) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };
  const pools = (): Promise<number[]> => Promise.all([1, 2, 3].map((i) => read(async () => (await api(i).health()).keyPoolAvailable)));
  const batchesOn = (i: number): Promise<Map<string, boolean>> => read(async () => new Map((await api(i).dkgBatches()).map((b) => [b.batchId, b.committed])));

  /**
   * Rounds 1 and 2 on every operator, then finalize on `finalizeOn` only: where a crash cut it
   * short. Like the coordinator, it starts over with a new batch id while round 2 cannot reach
   * every peer (a just restarted operator takes its peers a moment to reconnect to).
   */
  const crashedBatch = async (name: string, finalizeOn: number[]): Promise<string> => {
    for (let attempt = 0; ; attempt++) {
      const batchId = `${name}-${attempt}`;
      const packages = await Promise.all([1, 2, 3].map((i) => read(() => api(i).dkgRound1({ batchId, count: BATCH, threshold: 2, participants: ids }))));
      try {
        await Promise.all([1, 2, 3].map((i) => api(i).dkgRound2(batchId, packages)));
      } catch (e) {
        if (attempt >= 40) throw e;
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      for (const i of finalizeOn) await api(i).dkgFinalize(batchId);
      return batchId;
    }
  };

  const restartCoordinator = async (): Promise<void> => {
    await net.stopOperator(0);
    await net.startOperator(0);
  };

  /** Polls until `done` holds for every operator's batch list. */
  const waitForBatches = async (done: (lists: Map<string, boolean>[]) => boolean): Promise<Map<string, boolean>[]> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const lists = await Promise.all([1, 2, 3].map(batchesOn));
      if (done(lists) || Date.now() > deadline) return lists;
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  beforeAll(async () => {
    net = await startLocalOperators(3, 2, { keyPoolBatch: BATCH });
    fromOp1 = new PeerClients(net.configs[0] as LocalNetwork['configs'][number]);
    fromOp2 = new PeerClients(net.configs[1] as LocalNetwork['configs'][number]);
  }, 120_000);

  afterAll(async () => {
    fromOp1.close();
    fromOp2.close();
    await net.close();
  });

  it('a batch finalized on two operators of three is discarded on both; the pools stay equal', async () => {
    const before = await pools();
    expect(new Set(before).size).toBe(1);
    const batch = await crashedBatch('crash-partial', [1, 2]);
    // Its keys are PENDING where finalized: never handed out, not counted in the pool.
    expect((await batchesOn(1)).get(batch)).toBe(false);
    expect((await batchesOn(3)).has(batch)).toBe(false);
    expect(await pools()).toEqual(before);

    await restartCoordinator();
    const lists = await waitForBatches((ls) => ls.every((l) => !l.has(batch)));
    for (const l of lists) expect(l.has(batch)).toBe(false);
    expect(await pools()).toEqual(before);
  });

  it('a pool key the coordinator took for an address request cut short by a crash is retired on every operator', async () => {
    const before = await pools();
    expect(new Set(before).size).toBe(1);
    // What generate_deposit_address does first; then the "crash".
    const coordinator = net.operators[0];
    if (coordinator === undefined) throw new Error('no coordinator');
    const taken = await coordinator.repo.takeKeyshare();
    expect(taken).toBeDefined();
    await restartCoordinator();
    const deadline = Date.now() + 60_000;
    let after = await pools();
    while (new Set(after).size !== 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      after = await pools();
    }
    expect(after).toEqual(before.map((c) => c - 1));
  });

  it('a batch finalized everywhere but committed on one peer only is committed everywhere', async () => {
    const before = await pools();
    const batch = await crashedBatch('crash-commit', [1, 2, 3]);
    await api(2).dkgCommit(batch);
    expect(await pools()).toEqual([before[0], (before[1] ?? 0) + BATCH, before[2]]);

    await restartCoordinator();
    const lists = await waitForBatches((ls) => ls.every((l) => l.get(batch) === true));
    for (const l of lists) expect(l.get(batch)).toBe(true);
    const after = await pools();
    expect(after).toEqual(before.map((c) => c + BATCH));
  });
});

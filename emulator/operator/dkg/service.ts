/**
 * The DKG over the network. Every operator serves the rounds; the coordinator drives batches:
 * round 1 on all → round 2 on all (each operator then sends its secret shares straight to each
 * peer over mutual TLS, so the coordinator never sees them) → finalize on all, and checks that
 * every operator derived the same group keys, then commits the batch on every peer and last on
 * itself: only committed keys are AVAILABLE. All n operators must take part. A batch that a crash
 * left half-finished (finalized on some operators, or not committed everywhere) is settled by
 * `repair()`, which the coordinator runs at start-up and before every new batch.
 */
import { randomUUID } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes } from '../crypto.js';
import { keyshareToRow } from '../db/repository.js';
import type { Repository } from '../db/repository.js';
import { OperatorError } from '../errors.js';
import type { Peer } from '../peers/peer.js';
import { DkgBatch } from './batch.js';
import type { BatchPackage, DkgBatchInfo, DkgFinalized, DkgRound1 } from './types.js';

/** What the DKG needs of an operator (a peer, or this one through `local()`). */
export type DkgPeer = Pick<Peer, 'dkgRound1' | 'dkgRound2' | 'dkgDeliverShares' | 'dkgFinalize' | 'dkgCommit' | 'dkgBatches' | 'dkgDiscard'>;

export class DkgService {
  private readonly batches = new Map<string, { batch: DkgBatch; started: number }>();
  private inFlight: Promise<number> | undefined;
  private lane: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly self: string,
    /** All operators, sorted, self included. */
    private readonly participants: string[],
    private readonly threshold: number,
    private readonly repo: Repository,
    /** Peers' DKG endpoints (not self). */
    private readonly peers: ReadonlyMap<string, DkgPeer>,
    private readonly log: (m: string) => void,
    private readonly onKeys: () => void,
  ) {}

  private get(batchId: string): DkgBatch {
    const b = this.batches.get(batchId);
    if (b === undefined) throw new OperatorError('NOT_FOUND', `DKG batch ${batchId} is unknown to operator ${this.self}`);
    return b.batch;
  }

  // ---- served on every operator ----
  round1(req: DkgRound1): BatchPackage {
    const now = Date.now();
    for (const [id, b] of this.batches) if (b.started < now - 120_000) { b.batch.wipe(); this.batches.delete(id); }
    if (this.batches.has(req.batchId)) throw new OperatorError('ALREADY_EXISTS', `DKG batch ${req.batchId} already started`);
    if (req.threshold !== this.threshold) throw new OperatorError('INVALID_ARGUMENT', `DKG threshold ${req.threshold} differs from this operator's ${this.threshold}`);
    const want = [...this.participants].sort().join(',');
    if ([...req.participants].sort().join(',') !== want) throw new OperatorError('INVALID_ARGUMENT', 'DKG participants differ from this operator\'s peer list');
    const batch = new DkgBatch(this.self, this.participants, this.threshold, req.count);
    this.batches.set(req.batchId, { batch, started: now });
    return batch.own;
  }

  async round2(batchId: string, packages: BatchPackage[]): Promise<void> {
    const batch = this.get(batchId);
    batch.processRound1(packages.map((p) => ({ identifier: p.identifier, commitments: p.commitments, proofs: p.proofs })));
    await Promise.all([...this.peers].map(async ([id, api]) => {
      try {
        await api.dkgDeliverShares(batchId, this.self, batch.sharesFor(id));
      } catch (e) {
        throw new OperatorError('DKG_FAILED', `could not deliver DKG shares to ${id}: ${(e as Error).message}`);
      }
    }));
  }

  deliver(batchId: string, sender: string, shares: Uint8Array[]): void {
    this.get(batchId).receive(sender, shares);
  }

  async finalize(batchId: string): Promise<DkgFinalized> {
    const batch = this.get(batchId);
    this.batches.delete(batchId);
    const results = batch.finish();
    const rows = results.map((r, k) => keyshareToRow({
      id: `${batchId}.${String(k).padStart(4, '0')}`, batchId, threshold: r.threshold,
      secretShare: r.secretShare, groupKey: r.groupPublicKey, publicShares: r.publicShares,
    }));
    for (const r of results) r.secretShare.fill(0);
    const digest = sha256(concatBytes(...rows.map((r) => new TextEncoder().encode(`${r.id}|${r.public_key}|${r.public_shares};`))));
    await this.repo.insertPendingBatch(batchId, bytesToHex(digest), rows);
    return { digest, count: rows.length, firstGroupKey: hexToBytes(rows[0]?.public_key ?? '') };
  }

  async commit(batchId: string): Promise<void> {
    if (!(await this.repo.commitBatch(batchId))) throw new OperatorError('NOT_FOUND', `DKG batch ${batchId} is unknown to operator ${this.self}`);
    this.onKeys();
  }

  async listBatches(): Promise<DkgBatchInfo[]> {
    return (await this.repo.listBatches()).map((b) => ({ batchId: b.batch_id, digest: hexToBytes(b.digest), keyCount: b.key_count, committed: b.committed }));
  }

  async discard(batchId: string): Promise<void> {
    this.batches.get(batchId)?.batch.wipe();
    this.batches.delete(batchId);
    try {
      await this.repo.discardBatch(batchId);
    } catch (e) {
      throw new OperatorError('FAILED_PRECONDITION', (e as Error).message);
    }
  }

  /** This operator's own DKG, called alike with its peers'. */
  private local(): DkgPeer {
    return {
      dkgRound1: async (r) => this.round1(r),
      dkgRound2: (batchId, packages) => this.round2(batchId, packages),
      dkgDeliverShares: async (batchId, sender, shares) => this.deliver(batchId, sender, shares),
      dkgFinalize: (batchId) => this.finalize(batchId),
      dkgCommit: (batchId) => this.commit(batchId),
      dkgBatches: () => this.listBatches(),
      dkgDiscard: (batchId) => this.discard(batchId),
    };
  }

  /**
   * Settles every uncommitted batch the same way on all operators: committed where every
   * operator holds it with the same digest (each finalized it, the commit was cut short), else
   * discarded wherever it is. Needs every operator to answer; throws otherwise (nothing changed).
   * Returns the number of batches settled.
   */
  repair(): Promise<number> {
    return this.exclusive(() => this.repairNow());
  }

  /** Batches and repairs one at a time: a repair must never see a batch that is still being run. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn, fn);
    this.lane = run.catch(() => undefined);
    return run;
  }

  private async repairNow(): Promise<number> {
    const all: [string, DkgPeer][] = [...this.peers, [this.self, this.local()]];
    const lists = await Promise.all(all.map(async ([id, api]) => {
      try {
        return { id, api, batches: new Map((await api.dkgBatches()).map((b) => [b.batchId, b])) };
      } catch (e) {
        throw new OperatorError('DKG_FAILED', `DKG repair needs every operator; ${id} did not answer: ${(e as Error).message}`);
      }
    }));
    const open = new Set<string>();
    for (const l of lists) for (const b of l.batches.values()) if (!b.committed) open.add(b.batchId);
    for (const batchId of open) {
      const held = lists.map((l) => l.batches.get(batchId));
      const digests = new Set(held.map((b) => (b === undefined ? 'missing' : bytesToHex(Uint8Array.from(b.digest)))));
      if (digests.size === 1 && !digests.has('missing')) {
        // Peers first, this operator last: the coordinator uses a batch only once it is committed here.
        for (const l of lists) if (l.batches.get(batchId)?.committed === false) await l.api.dkgCommit(batchId);
        this.log(`DKG repair: batch ${batchId} was finalized everywhere but not committed everywhere; committed it`);
      } else if (held.some((b) => b?.committed === true)) {
        // Committed means every operator had finalized it: a differing copy is lost or damaged data.
        this.log(`DKG repair: batch ${batchId} is committed on some operators but missing or different on others; left as it is`);
        continue;
      } else {
        for (const l of lists) if (l.batches.has(batchId)) await l.api.dkgDiscard(batchId);
        this.log(`DKG repair: batch ${batchId} was left half-finished (held by ${lists.filter((l) => l.batches.has(batchId)).length} of ${lists.length} operators); discarded it everywhere`);
      }
    }
    return open.size;
  }

  // ---- driven by the coordinator ----
  /** Runs one batch over all operators; resolves with the number of keys made. Single-flight. */
  runBatch(count: number): Promise<number> {
    this.inFlight ??= this.exclusive(() => this.doRunBatch(count)).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async doRunBatch(count: number): Promise<number> {
    // A batch a crash left behind is settled first, so that the pools of all operators agree.
    await this.repairNow();
    const batchId = randomUUID();
    const all: [string, DkgPeer][] = [[this.self, this.local()], ...this.peers];
    const started = Date.now();
    try {
      const packages = await Promise.all(all.map(([, api]) => api.dkgRound1({ batchId, count, threshold: this.threshold, participants: this.participants })));
      await Promise.all(all.map(([, api]) => api.dkgRound2(batchId, packages)));
      const fin = await Promise.all(all.map(([, api]) => api.dkgFinalize(batchId)));
      const digests = new Set(fin.map((f) => bytesToHex(f.digest)));
      if (digests.size !== 1) throw new OperatorError('DKG_FAILED', `operators derived different keys in batch ${batchId}`);
      for (const [, api] of this.peers) await api.dkgCommit(batchId);
      await this.commit(batchId);
      this.log(`DKG batch ${batchId}: ${count} keys in ${Date.now() - started} ms`);
      return count;
    } catch (e) {
      this.batches.get(batchId)?.batch.wipe();
      this.batches.delete(batchId);
      // Settle the failed batch now if every operator answers; otherwise at the next start or batch.
      await this.repairNow().catch((r: unknown) => this.log(`DKG batch ${batchId} failed; repair deferred: ${(r as Error).message}`));
      throw e instanceof OperatorError ? e : new OperatorError('DKG_FAILED', `DKG batch failed: ${(e as Error).message}`);
    }
  }
}

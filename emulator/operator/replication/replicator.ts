/**
 * Delivery, receipt and start-up catch-up of replicated records (see index.ts for the model).
 */
import type { Database, Sql } from '../db/database.js';
import { OperatorError } from '../errors.js';
import type { Peer } from '../peers/peer.js';
import type { RecordKinds } from './kinds.js';
import { appliedRecords, outbox, type OutboxRecord } from '../db/replication-outbox.js';

/** One replicated change, as its origin's outbox holds it and as it travels to a peer. */
export type ReplicationRecord = OutboxRecord;

/** What a receiver applied (now or before), and why it stopped at the first record it refused. */
export interface ApplyResult {
  applied: string[];
  /** id → why it was not applied */
  errors: Record<string, string>;
}

/** What the replicator needs of a peer. */
export type ReplicationPeer = Pick<Peer, 'replicate' | 'replicationPull' | 'replicationAck'>;

/** Records sent to one peer per call. */
const BATCH = 64;
const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

interface PeerState {
  api: ReplicationPeer;
  backoffMs: number;
  nextAttempt: number;
  /** One delivery pass per peer at a time, so records reach it in order. */
  busy: Promise<void> | undefined;
  /**
   * False only when the last pass left nothing for this peer and nothing was recorded since: the
   * background loop then reads the outbox for it only every IDLE_READ_MS instead of every tick.
   * Only record() adds records for a peer, and it sets this; a pass clears it before it reads and
   * sets it again if it fails. Forced passes (deliverNow, after a commit) always read. A record
   * committed while a pass was reading (so that pass missed it) with no deliverNow after its commit
   * is picked up by the next idle read.
   */
  mayHavePending: boolean;
  lastRead: number;
}

/** How often the background loop reads the outbox for a peer it believes has nothing pending. */
const IDLE_READ_MS = 10_000;

export class Replicator {
  private readonly peers = new Map<string, PeerState>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly db: Database,
    /** This operator's identifier. */
    readonly self: string,
    peers: ReadonlyMap<string, ReplicationPeer>,
    private readonly kinds: RecordKinds,
    private readonly log: (m: string) => void,
  ) {
    for (const [id, api] of peers) this.peers.set(id, { api, backoffMs: MIN_BACKOFF_MS, nextAttempt: 0, busy: undefined, mayHavePending: true, lastRead: 0 });
  }

  // ---- sending side ----

  /**
   * Records a change for every peer, in the caller's transaction (`tx` must be the transaction
   * that makes the change): committed together, or neither. Call deliverNow() after the commit.
   */
  async record(tx: Sql, kind: string, id: string, payload: unknown): Promise<void> {
    this.kinds.get(kind);
    const rec: OutboxRecord = { id, kind, payload: JSON.stringify(payload) };
    // Before the write, so that a pass that reads before this commits leaves the flag set.
    for (const st of this.peers.values()) st.mayHavePending = true;
    await outbox.enqueue(tx, rec, [...this.peers.keys()]);
  }

  /** One delivery attempt to every peer with pending records, ignoring backoff. Never throws. */
  async deliverNow(): Promise<void> {
    await Promise.all([...this.peers.entries()].map(async ([peer, st]) => {
      // A pass already running may have read the outbox before the caller's commit: run another after it.
      if (st.busy !== undefined) await st.busy;
      await this.deliverTo(peer, true);
    }));
  }

  /** Starts the background loop that retries undelivered records with backoff until each peer acknowledges. */
  start(intervalMs = 500): void {
    const tick = async (): Promise<void> => {
      await Promise.all([...this.peers.keys()].map((peer) => this.deliverTo(peer, false)));
      if (!this.stopped) this.timer = setTimeout(() => void tick(), intervalMs);
    };
    this.timer = setTimeout(() => void tick(), intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  async pendingCounts(): Promise<Record<string, number>> {
    return outbox.countPending(this.db);
  }

  private deliverTo(peer: string, force: boolean): Promise<void> {
    const st = this.peers.get(peer);
    if (st === undefined || this.stopped) return Promise.resolve();
    if (st.busy !== undefined) return st.busy;
    const now = Date.now();
    if (!force && (now < st.nextAttempt || (!st.mayHavePending && now - st.lastRead < IDLE_READ_MS))) return Promise.resolve();
    st.busy = this.deliverPass(peer, st).finally(() => {
      st.busy = undefined;
    });
    return st.busy;
  }

  private async deliverPass(peer: string, st: PeerState): Promise<void> {
    st.mayHavePending = false;
    st.lastRead = Date.now();
    try {
      for (;;) {
        if (this.stopped) return;
        const rows = await outbox.pending(this.db, peer, BATCH);
        if (rows.length === 0) break;
        const res = await st.api.replicate(this.self, rows.map((r) => ({ id: r.id, kind: r.kind, payload: r.payload })));
        const applied = new Set(res.applied);
        await outbox.markDelivered(this.db, peer, rows.filter((r) => applied.has(r.id)).map((r) => r.id));
        const refused = rows.find((r) => !applied.has(r.id));
        if (refused !== undefined) {
          const why = res.errors[refused.id] ?? 'not applied';
          await outbox.markFailed(this.db, peer, refused.id, why);
          throw new Error(`record ${refused.id} (${refused.kind}) refused: ${why}`);
        }
        if (rows.length < BATCH) break;
      }
      st.backoffMs = MIN_BACKOFF_MS;
      st.nextAttempt = 0;
    } catch (e) {
      st.mayHavePending = true;
      if (this.stopped) return;
      st.nextAttempt = Date.now() + st.backoffMs;
      if (st.backoffMs >= 2000) this.log(`replication to ${peer} pending (retry in ${st.backoffMs} ms): ${message(e)}`);
      st.backoffMs = Math.min(MAX_BACKOFF_MS, st.backoffMs * 2);
    }
  }

  // ---- receiving side ----

  /**
   * Applies records from `origin`, each in its own transaction together with its applied-mark;
   * a record already applied is acknowledged again without being applied twice. Stops at the
   * first record it cannot apply (later ones may depend on it); returns what it applied and why
   * it stopped.
   */
  async applyIncoming(origin: string, records: readonly ReplicationRecord[]): Promise<ApplyResult> {
    if (!this.peers.has(origin)) throw new OperatorError('PERMISSION_DENIED', `replication origin ${origin} is not a peer of this operator`);
    const applied: string[] = [];
    for (const r of records) {
      try {
        const kind = this.kinds.get(r.kind);
        let parsed: unknown;
        try {
          parsed = JSON.parse(r.payload);
        } catch {
          throw new OperatorError('INVALID_ARGUMENT', `record ${r.id}: payload is not JSON`);
        }
        const payload = kind.decode(parsed);
        await this.db.transaction(async (tx) => {
          // Claim the id first: a concurrent delivery of the same record waits on it and then skips.
          if (await appliedRecords.claim(tx, r, origin)) await kind.apply(tx, payload, origin);
        });
        applied.push(r.id);
      } catch (e) {
        this.log(`replicated record ${r.id} (${r.kind}) from ${origin} not applied: ${message(e)}`);
        return { applied, errors: { [r.id]: message(e) } };
      }
    }
    return { applied, errors: {} };
  }

  /** What this operator still has to deliver to `peer` (served to a peer catching up). */
  async pendingFor(peer: string): Promise<ReplicationRecord[]> {
    if (!this.peers.has(peer)) throw new OperatorError('PERMISSION_DENIED', `${peer} is not a peer of this operator`);
    return (await outbox.pending(this.db, peer, 10_000)).map((r) => ({ id: r.id, kind: r.kind, payload: r.payload }));
  }

  async acknowledge(peer: string, ids: readonly string[]): Promise<void> {
    if (!this.peers.has(peer)) throw new OperatorError('PERMISSION_DENIED', `${peer} is not a peer of this operator`);
    await outbox.markDelivered(this.db, peer, ids);
  }

  /**
   * Start-up catch-up: pulls from EVERY peer what it holds for this operator and applies it.
   * Resolves only when each peer has answered once and everything it sent is applied: a record
   * for this operator can only be in its origin's outbox, so no other peer can vouch for a
   * peer that does not answer. Peers serve this pull whether or not they are caught up
   * themselves, so operators restarted together cannot wait on each other.
   */
  async catchUp(isStopped: () => boolean, onWaiting: (peers: string[]) => void): Promise<void> {
    const todo = new Set(this.peers.keys());
    let round = 0;
    while (todo.size > 0 && !isStopped()) {
      await Promise.all([...todo].map(async (peer) => {
        const st = this.peers.get(peer);
        if (st === undefined) return;
        try {
          const records = await st.api.replicationPull(this.self);
          const { applied, errors } = await this.applyIncoming(peer, records);
          if (applied.length > 0) await st.api.replicationAck(this.self, applied);
          if (Object.keys(errors).length > 0) throw new Error(Object.values(errors).join('; '));
          if (records.length > 0) this.log(`caught up ${records.length} record(s) from ${peer}`);
          todo.delete(peer);
        } catch (e) {
          if (round % 20 === 0) this.log(`catching up from ${peer}: ${message(e)}`);
        }
      }));
      if (todo.size > 0) {
        if (round % 20 === 0) onWaiting([...todo]);
        round++;
        await sleep(500);
      }
    }
  }
}

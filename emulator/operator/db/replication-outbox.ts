/**
 * The replication tables (migration 002_replication.sql): the outbox, one row per (record, peer)
 * until that peer acknowledges it, and the ids of the records this operator applied.
 */
import type { Sql } from './database.js';

export interface OutboxRecord {
  id: string;
  kind: string;
  /** JSON text */
  payload: string;
}

export interface PendingRow extends OutboxRecord {
  peer: string;
  attempts: number;
}

export const outbox = {
  /**
   * Writes `record` for every peer, in the caller's transaction, in one statement (the payload is
   * sent once, however many peers). A record id written twice is kept once.
   */
  async enqueue(tx: Sql, record: OutboxRecord, peers: readonly string[]): Promise<void> {
    if (peers.length === 0) return;
    await tx.execute(
      `INSERT INTO replication_outbox (record_id, peer, kind, payload)
       SELECT $1, p.peer, $3, $4 FROM unnest($2::text[]) WITH ORDINALITY AS p(peer, n) ORDER BY p.n
       ON CONFLICT (record_id, peer) DO NOTHING`,
      [record.id, [...peers], record.kind, record.payload],
    );
  },

  /** Undelivered records for `peer`, oldest first. */
  async pending(sql: Sql, peer: string, limit: number): Promise<PendingRow[]> {
    const rows = await sql.query<{ record_id: string; peer: string; kind: string; payload: string; attempts: number }>(
      'SELECT record_id, peer, kind, payload, attempts FROM replication_outbox WHERE peer = $1 AND delivered_at IS NULL ORDER BY seq LIMIT $2',
      [peer, limit],
    );
    return rows.map((r) => ({ id: r.record_id, peer: r.peer, kind: r.kind, payload: r.payload, attempts: Number(r.attempts) }));
  },

  async markDelivered(sql: Sql, peer: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await sql.execute('UPDATE replication_outbox SET delivered_at = now(), last_error = NULL WHERE peer = $1 AND record_id = ANY($2::text[]) AND delivered_at IS NULL', [peer, [...ids]]);
  },

  async markFailed(sql: Sql, peer: string, id: string, error: string): Promise<void> {
    await sql.execute('UPDATE replication_outbox SET attempts = attempts + 1, last_error = $3 WHERE peer = $1 AND record_id = $2', [peer, id, error.slice(0, 2000)]);
  },

  async countPending(sql: Sql): Promise<Record<string, number>> {
    const rows = await sql.query<{ peer: string; n: string | number }>('SELECT peer, count(*) AS n FROM replication_outbox WHERE delivered_at IS NULL GROUP BY peer');
    return Object.fromEntries(rows.map((r) => [r.peer, Number(r.n)]));
  },
};

export const appliedRecords = {
  /**
   * Claims a received record's id in the caller's transaction; false if it was applied before. A
   * concurrent delivery of the same record waits on this row and then finds it taken.
   */
  async claim(tx: Sql, record: OutboxRecord, origin: string): Promise<boolean> {
    const fresh = await tx.execute('INSERT INTO replication_applied (record_id, kind, origin) VALUES ($1, $2, $3) ON CONFLICT (record_id) DO NOTHING', [record.id, record.kind, origin]);
    return fresh === 1;
  },
};

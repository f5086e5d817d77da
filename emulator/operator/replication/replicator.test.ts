/**
 * The replication module on real databases (PGlite, migrated) with the peers wired in-process:
 * a record commits with its change or not at all, reaches a peer that was down once it is back,
 * is applied once however often it arrives (push and pull), keeps its order behind a refused
 * record, and start-up catch-up waits for every peer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { openDatabase } from '../db/open.js';
import { OperatorError } from '../errors.js';
import { field, RecordKinds, type RecordKind } from './kinds.js';
import { Replicator } from './replicator.js';
import type { ReplicationPeer } from './replicator.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

/** A test kind: appends `value` to a table; refuses the value "poison". */
const itemKind: RecordKind<{ value: string }> = {
  name: 'test_item',
  decode: (json) => ({ value: field.string(field.object(json), 'value') }),
  async apply(tx, p) {
    if (p.value === 'poison') throw new OperatorError('INVALID_ARGUMENT', 'poison refused');
    await tx.execute('INSERT INTO test_items (value) VALUES ($1)', [p.value]);
  },
};

/** B's replication API as A sees it, with a switch that plays B being down. */
function wire(target: () => Replicator, origin: string): { api: ReplicationPeer; up: boolean } {
  const link = {
    up: true,
    api: {} as ReplicationPeer,
  };
  const down = (): never => {
    throw new Error('UNAVAILABLE: peer is down');
  };
  link.api = {
    replicate: async (from, records) => (link.up ? target().applyIncoming(from, records) : down()),
    replicationPull: async () => (link.up ? target().pendingFor(origin) : down()),
    replicationAck: async (_self, ids) => {
      if (!link.up) down();
      await target().acknowledge(origin, ids);
    },
  };
  return link;
}

describe('replication', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'replication-'));
  let dbA: Database;
  let dbB: Database;
  let a: Replicator;
  let b: Replicator;
  let aToB: { api: ReplicationPeer; up: boolean };
  let bToA: { api: ReplicationPeer; up: boolean };
  const items = async (db: Database): Promise<string[]> => (await db.query<{ value: string }>('SELECT value FROM test_items ORDER BY id')).map((r) => r.value);
  const kinds = (): RecordKinds => new RecordKinds().register(itemKind);

  beforeAll(async () => {
    [dbA, dbB] = await Promise.all([openDatabase({ kind: 'pglite', dir: join(dir, 'a') }), openDatabase({ kind: 'pglite', dir: join(dir, 'b') })]);
    for (const db of [dbA, dbB]) await db.script('CREATE TABLE test_items (id serial PRIMARY KEY, value text NOT NULL)');
    aToB = wire(() => b, A);
    bToA = wire(() => a, B);
    a = new Replicator(dbA, A, new Map([[B, aToB.api]]), kinds(), () => undefined);
    b = new Replicator(dbB, B, new Map([[A, bToA.api]]), kinds(), () => undefined);
  }, 120_000);

  afterAll(async () => {
    a.stop();
    b.stop();
    await Promise.all([dbA.close(), dbB.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a record commits with its change, or neither does', async () => {
    await expect(dbA.transaction(async (tx) => {
      await tx.execute('INSERT INTO test_items (value) VALUES ($1)', ['rolled-back']);
      await a.record(tx, 'test_item', 'item:rolled-back', { value: 'rolled-back' });
      throw new Error('the change fails');
    })).rejects.toThrow('the change fails');
    expect(await a.pendingCounts()).toEqual({});
    await expect(dbA.transaction((tx) => a.record(tx, 'no_such_kind', 'x', {}))).rejects.toThrow(/unknown replication record kind/);
  });

  it('reaches a peer that was down once it is back, and is applied once however often it arrives', async () => {
    aToB.up = false;
    await dbA.transaction((tx) => a.record(tx, 'test_item', 'item:1', { value: 'one' }));
    await a.deliverNow();
    expect(await a.pendingCounts()).toEqual({ [B]: 1 });
    expect(await items(dbB)).toEqual([]);

    aToB.up = true;
    // Pulled by B (its start-up catch-up) AND pushed by A: one row on B.
    await b.catchUp(() => false, () => undefined);
    await a.deliverNow();
    await a.deliverNow();
    expect(await items(dbB)).toEqual(['one']);
    expect(await a.pendingCounts()).toEqual({});
    // Delivered again by hand: acknowledged, not applied twice.
    expect(await b.applyIncoming(A, [{ id: 'item:1', kind: 'test_item', payload: JSON.stringify({ value: 'one' }) }])).toEqual({ applied: ['item:1'], errors: {} });
    expect(await items(dbB)).toEqual(['one']);
  });

  it('a refused record stays pending with its reason, and the records behind it wait', async () => {
    await dbA.transaction((tx) => a.record(tx, 'test_item', 'item:poison', { value: 'poison' }));
    await dbA.transaction((tx) => a.record(tx, 'test_item', 'item:2', { value: 'two' }));
    await a.deliverNow();
    expect(await a.pendingCounts()).toEqual({ [B]: 2 });
    expect(await items(dbB)).toEqual(['one']);
    const rows = await dbA.query<{ record_id: string; last_error: string | null }>('SELECT record_id, last_error FROM replication_outbox WHERE delivered_at IS NULL ORDER BY seq');
    expect(rows.map((r) => r.record_id)).toEqual(['item:poison', 'item:2']);
    expect(rows[0]?.last_error).toMatch(/poison refused/);
    // Records from an operator that is not a peer are refused outright.
    await expect(b.applyIncoming('c'.repeat(64), [])).rejects.toThrow(/not a peer/);
  });

  it('start-up catch-up waits until every peer has answered', async () => {
    // A pulls from B over A's link to B.
    aToB.up = false;
    let waitingFor: string[] = [];
    let done = false;
    const catchUp = a.catchUp(() => false, (peers) => (waitingFor = peers)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 1500));
    expect(done).toBe(false);
    expect(waitingFor).toEqual([B]);
    aToB.up = true;
    await catchUp;
    expect(done).toBe(true);
  });
});

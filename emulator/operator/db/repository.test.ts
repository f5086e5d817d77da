/**
 * The same repository SQL on embedded PGlite and on a real PostgreSQL server (Debian's, started
 * in a temp dir by emulator/network's helper): migrations, key pool, addresses, nodes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer } from '../../network/postgres-server.js';
import type { PostgresServer } from '../../network/postgres-server.js';
import type { Database } from './database.js';
import { listMigrations } from './migrate.js';
import { openDatabase } from './open.js';
import { Repository } from './repository.js';

const key = (id: string): { id: string; batch_id: string; threshold: number; secret_share: string; public_key: string; public_shares: string } =>
  ({ id, batch_id: 'b1', threshold: 2, secret_share: '11'.repeat(32), public_key: '02' + '22'.repeat(32), public_shares: '{}' });

async function exercise(db: Database): Promise<void> {
  const repo = new Repository(db);
  await repo.insertKeyshares([key('k1'), key('k2'), key('k3')]);
  expect(await repo.countAvailableKeyshares()).toBe(3);
  const taken = await repo.takeKeyshare();
  expect(taken?.id).toBe('k1');
  expect(await repo.countAvailableKeyshares()).toBe(2);

  const addr = { address: 'bcrt1pexample', leaf_id: 'leaf-1', identity_public_key: 'aa', user_signing_public_key: 'bb', verifying_public_key: 'cc',
    keyshare_id: 'k2', network: 2, proof_of_possession: 'dd', address_signatures: '{}' };
  expect(await repo.insertDepositAddress(addr)).toBe('stored');
  expect(await repo.insertDepositAddress(addr)).toBe('exists');
  // The same key or leaf cannot back a second address.
  expect(await repo.insertDepositAddress({ ...addr, address: 'bcrt1pother' })).toBe('key-unavailable');
  expect(await repo.countAvailableKeyshares()).toBe(1);
  expect((await repo.listUnusedDepositAddresses('aa', 2, 10, 0)).map((r) => r.address)).toEqual(['bcrt1pexample']);

  const node = { id: 'leaf-1', tree_id: 't', owner_identity_public_key: 'aa', owner_signing_public_key: 'bb', value: 100_000, vout: 0,
    verifying_public_key: 'cc', keyshare_id: 'k2', node_tx: '00', refund_tx: '01', direct_from_cpfp_refund_tx: '02', deposit_txid: 'ff', deposit_vout: 0,
    status: 'CREATING', network: 2 };
  expect(await repo.insertTreeNode(node, 'bcrt1pexample')).toBe('stored');
  expect(await repo.insertTreeNode(node, 'bcrt1pexample')).toBe('exists');
  expect(await repo.insertTreeNode({ ...node, id: 'leaf-2' }, 'bcrt1pexample')).toBe('conflict');
  expect(await repo.listUnusedDepositAddresses('aa', 2, 10, 0)).toEqual([]);
  expect(await repo.listTreeNodesByOwner('aa', ['AVAILABLE'], 2, 10, 0)).toEqual([]);
  expect(await repo.setTreeNodeStatus('leaf-1', 'CREATING', 'AVAILABLE')).toBe(true);
  expect(await repo.setTreeNodeStatus('leaf-1', 'CREATING', 'AVAILABLE')).toBe(false);
  const [n] = await repo.listTreeNodesByOwner('aa', ['AVAILABLE'], 2, 10, 0);
  expect(n?.value).toBe(100_000);
  expect(n?.created_at).toBeInstanceOf(Date);
  expect((await repo.listTreeNodesByOwner('aa', [], undefined, 10, 0)).length).toBe(1);
  expect((await repo.listTreeNodesByIds(['leaf-1', 'nope'], [])).map((r) => r.id)).toEqual(['leaf-1']);
}

describe('repository on PGlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'op-repo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('stores and queries the same way', async () => {
    const db = await openDatabase({ kind: 'pglite', dir });
    try {
      await exercise(db);
    } finally {
      await db.close();
    }
  });
});

describe('repository on a PostgreSQL server', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgresServer();
  });
  afterAll(async () => {
    await pg?.stop();
  });
  it('stores and queries the same way, and a second open applies no migration twice', async () => {
    const url = await pg.createDatabase('op_repo');
    let db = await openDatabase({ kind: 'postgres', url });
    try {
      await exercise(db);
    } finally {
      await db.close();
    }
    db = await openDatabase({ kind: 'postgres', url });
    try {
      expect(await new Repository(db).countAvailableKeyshares()).toBe(1);
      const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => Number(r.version))).toEqual(listMigrations().map((m) => m.version));
    } finally {
      await db.close();
    }
  });

  /**
   * A peer binding a key (store_deposit_address) while the coordinator's retirement of the same
   * key arrives: the coordinator retires as soon as one peer fails, while another peer's store
   * may still be in flight. Both run as real concurrent transactions; a third one holds the key
   * row so that both queue on it in a chosen order, which makes the interleaving deterministic.
   */
  describe('binding and retiring the same key concurrently', () => {
    let db: Database;
    let repo: Repository;
    const addr = (keyshareId: string, leaf: string): Parameters<Repository['insertDepositAddress']>[0] => ({
      address: `bcrt1p-${leaf}`, leaf_id: leaf, identity_public_key: 'aa', user_signing_public_key: 'bb', verifying_public_key: 'cc',
      keyshare_id: keyshareId, network: 2, proof_of_possession: 'dd', address_signatures: '{}' });
    /** Sessions of this database waiting on a lock. */
    const lockWaiters = async (): Promise<number> => Number((await db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))[0]?.n ?? 0);
    const untilLockWaiters = async (n: number): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while ((await lockWaiters()) < n) {
        if (Date.now() > deadline) throw new Error(`fewer than ${n} sessions ever waited on the key row`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    /** Runs `first` then `second`, each queued on the key row held by another transaction, then releases it. */
    const queuedOnKey = async <A, B>(keyshareId: string, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> => {
      let release: () => void = () => undefined;
      const released = new Promise<void>((r) => { release = r; });
      let locked: () => void = () => undefined;
      const isLocked = new Promise<void>((r) => { locked = r; });
      const holder = db.transaction(async (tx) => {
        await tx.query('SELECT id FROM signing_keyshares WHERE id = $1 FOR UPDATE', [keyshareId]);
        locked();
        await released;
      });
      await isLocked;
      const a = first();
      await untilLockWaiters(1);
      const b = second();
      await untilLockWaiters(2);
      release();
      await holder;
      return Promise.all([a, b]);
    };
    const retire = (keyshareId: string): Promise<void> => db.transaction((tx) => repo.retireKeyshareIn(tx, keyshareId));
    const status = async (keyshareId: string): Promise<string | undefined> => (await repo.getKeyshare(keyshareId))?.status;

    beforeAll(async () => {
      db = await openDatabase({ kind: 'postgres', url: await pg.createDatabase('op_bind_retire') });
      repo = new Repository(db);
      await repo.insertKeyshares([key('r1'), key('r2')]);
    });
    afterAll(async () => {
      await db?.close();
    });

    it('a retirement that arrives while the binding is in flight removes the binding', async () => {
      const [bound] = await queuedOnKey('r1', () => repo.insertDepositAddress(addr('r1', 'leaf-r1')), () => retire('r1'));
      expect(bound).toBe('stored');
      expect(await status('r1')).toBe('RETIRED');
      // Neither the key nor the request's leaf stays bound: the wallet's retry with the same leaf can succeed.
      expect(await repo.getDepositAddressByKeyshare('r1')).toBeUndefined();
      expect(await repo.getDepositAddressByLeaf('leaf-r1')).toBeUndefined();
    });

    it('a binding that arrives after the retirement is refused', async () => {
      const [, bound] = await queuedOnKey('r2', () => retire('r2'), () => repo.insertDepositAddress(addr('r2', 'leaf-r2')));
      expect(bound).toBe('key-unavailable');
      expect(await status('r2')).toBe('RETIRED');
      expect(await repo.getDepositAddressByLeaf('leaf-r2')).toBeUndefined();
    });
  });
});

/**
 * PGlite statements sent in one call and kept prepared (pglite.ts): every kind of parameter the
 * repositories pass reaches the server as the value it is, results parse as PGlite's own path
 * parses them, a failing statement throws PGlite's DatabaseError and leaves the database usable,
 * in and out of a transaction, and a statement prepared before a schema change returns the new
 * columns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { openPglite } from './pglite.js';

describe('PGlite statements in one call', () => {
  let dir: string;
  let db: Database;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spark-pglite-'));
    db = await openPglite(join(dir, 'db'));
    await db.script('CREATE TABLE t (id text PRIMARY KEY, n integer, big bigint, flag boolean, at timestamptz, tags text[])');
  }, 120_000);
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes each kind of parameter and reads it back typed', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const tags = ['plain', 'with "quotes"', 'back\\slash', 'comma,brace}', '', 'NULL'];
    expect(await db.execute('INSERT INTO t (id, n, big, flag, at, tags) VALUES ($1, $2, $3, $4, $5, $6)', ['a', 7, 2n ** 40n, true, at, tags])).toBe(1);
    expect(await db.execute('INSERT INTO t (id, n, big, flag, at, tags) VALUES ($1, $2, $3, $4, $5, $6)', ['b', null, undefined, false, null, ['x', null]])).toBe(1);
    const rows = await db.query<{ id: string; n: number | null; big: unknown; flag: boolean; at: Date | null; tags: (string | null)[] }>('SELECT * FROM t ORDER BY id');
    expect(rows[0]).toMatchObject({ id: 'a', n: 7, flag: true, at, tags });
    expect(Number(rows[0]?.big)).toBe(2 ** 40);
    expect(rows[1]).toMatchObject({ id: 'b', n: null, big: null, flag: false, at: null, tags: ['x', null] });
    // Arrays as ANY($1::text[]), as the repositories pass ids.
    expect((await db.query<{ id: string }>('SELECT id FROM t WHERE id = ANY($1::text[]) ORDER BY id', [['b', 'a', 'zz']])).map((r) => r.id)).toEqual(['a', 'b']);
    expect(await db.execute('UPDATE t SET n = $2 WHERE id = ANY($1::text[])', [['a', 'b'], 9])).toBe(2);
    // A parameter of another kind (bytes) takes PGlite's own path.
    expect(await db.query<{ x: string }>('SELECT encode($1::bytea, \'hex\') AS x', [new Uint8Array([1, 2, 255])])).toEqual([{ x: '0102ff' }]);
  });

  it('a failing statement throws the server\'s error and changes nothing; the next statement runs', async () => {
    await expect(db.execute('INSERT INTO t (id) VALUES ($1)', ['a'])).rejects.toMatchObject({ name: 'error', code: '23505' });
    await expect(db.query('SELECT * FROM missing_table WHERE id = $1', ['a'])).rejects.toMatchObject({ code: '42P01' });
    expect((await db.query<{ c: number }>('SELECT count(*)::int AS c FROM t')).at(0)?.c).toBe(2);
  });

  it('in a transaction: statements see each other; a failure rolls every one back', async () => {
    await expect(db.transaction(async (tx) => {
      await tx.execute('INSERT INTO t (id, n) VALUES ($1, $2)', ['c', 1]);
      expect((await tx.query<{ n: number }>('SELECT n FROM t WHERE id = $1', ['c'])).at(0)?.n).toBe(1);
      await tx.execute('INSERT INTO t (id) VALUES ($1)', ['a']); // duplicate key
    })).rejects.toMatchObject({ code: '23505' });
    expect(await db.query('SELECT * FROM t WHERE id = $1', ['c'])).toEqual([]);
    await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO t (id, n) VALUES ($1, $2)', ['c', 2]);
    });
    expect((await db.query<{ n: number }>('SELECT n FROM t WHERE id = $1', ['c'])).at(0)?.n).toBe(2);
  });

  it('statements from concurrent callers do not interleave with a transaction', async () => {
    let inside = false;
    const seen: boolean[] = [];
    const tx = db.transaction(async (t) => {
      inside = true;
      await t.execute('UPDATE t SET n = n + 1 WHERE id = $1', ['c']);
      await new Promise((r) => setTimeout(r, 50));
      await t.execute('UPDATE t SET n = n + 1 WHERE id = $1', ['c']);
      inside = false;
    });
    const outside = db.query<{ n: number }>('SELECT n FROM t WHERE id = $1', ['c']).then((r) => {
      seen.push(inside);
      return r;
    });
    await Promise.all([tx, outside]);
    expect(seen).toEqual([false]);
    expect((await db.query<{ n: number }>('SELECT n FROM t WHERE id = $1', ['c'])).at(0)?.n).toBe(4);
  });

  it('a statement first prepared in a transaction that rolled back runs after it; after DDL, SELECT * returns the new columns', async () => {
    const read = 'SELECT * FROM t WHERE id = $1';
    await expect(db.transaction(async (tx) => {
      expect(await tx.query(read, ['c'])).toHaveLength(1);
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    for (let i = 0; i < 3; i++) expect(await db.query(read, ['c'])).toHaveLength(1);
    await db.script('ALTER TABLE t ADD COLUMN note text NOT NULL DEFAULT \'new\'');
    expect((await db.query<{ note: string }>(read, ['c'])).at(0)?.note).toBe('new');
  });
});

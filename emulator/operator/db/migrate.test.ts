import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from './pglite.js';
import { listMigrations, migrate } from './migrate.js';

describe('migrations on PGlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'op-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('applies every migration once, persists, and rolls back a failing one', async () => {
    let db = await openPglite(dir);
    const names = listMigrations().map((m) => m.name);
    expect(await migrate(db)).toEqual(names);
    expect(await migrate(db)).toEqual([]);
    await db.execute("INSERT INTO used_challenge_nonces (nonce, expires_at) VALUES ('aa', 1)");
    await db.close();

    db = await openPglite(dir);
    expect(await migrate(db)).toEqual([]);
    expect(await db.query('SELECT nonce FROM used_challenge_nonces')).toEqual([{ nonce: 'aa' }]);
    const bad = { version: 999, name: '999_bad.sql', sql: 'CREATE TABLE t999 (x int);\nSELECT nope FROM nowhere;' };
    await expect(migrate(db, [bad])).rejects.toThrow(/nowhere/);
    // The failed migration left neither its table nor its version row.
    expect(await db.query("SELECT to_regclass('t999') AS t")).toEqual([{ t: null }]);
    expect(await db.query('SELECT version FROM schema_migrations WHERE version = 999')).toEqual([]);
    await db.close();
  });
});

/**
 * Embedded PGlite, persisted in a directory.
 *
 * A fresh PGlite directory costs a full initdb inside WASM, which is slow, while loading an empty,
 * already initialized cluster from a tar dump is much faster. So
 * the first fresh start on a machine keeps a dump of its empty cluster (before any migration) in
 * the OS temp dir, keyed by the PGlite version, and later fresh starts load it. A template that
 * fails to load is deleted and the slow path is taken.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Sql } from './database.js';

interface PgliteLike {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
}

function wrap(q: PgliteLike): Sql {
  return {
    async query<T extends object>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await q.query<T>(text, [...params])).rows;
    },
    async execute(text: string, params: readonly unknown[] = []): Promise<number> {
      return (await q.query(text, [...params])).affectedRows ?? 0;
    },
  };
}

function templatePath(): string {
  let version = 'unknown';
  try {
    // The package does not export its package.json; read it where npm installs it.
    const pkg = fileURLToPath(new URL('../../../node_modules/@electric-sql/pglite/package.json', import.meta.url));
    version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    // An unversioned template still works: a dump that does not load is discarded.
  }
  return join(tmpdir(), `spark-operator-pglite-empty-${version}.tar`);
}

async function createFresh(dir: string): Promise<PGlite> {
  const template = templatePath();
  if (existsSync(template)) {
    try {
      return await PGlite.create(dir, { loadDataDir: new Blob([readFileSync(template)]) });
    } catch {
      rmSync(template, { force: true });
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }
  }
  const db = await PGlite.create(dir);
  try {
    const dump = await db.dumpDataDir('none');
    // Write then rename, so a concurrent reader never sees half a file.
    const tmp = `${template}.${process.pid}.tmp`;
    writeFileSync(tmp, new Uint8Array(await dump.arrayBuffer()));
    renameSync(tmp, template);
  } catch {
    // Only a cache: a failure to write it costs time later, nothing else.
  }
  return db;
}

export async function openPglite(dir: string): Promise<Database> {
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  mkdirSync(dir, { recursive: true });
  const db = fresh ? await createFresh(dir) : await PGlite.create(dir);
  const base = wrap(db);
  return {
    kind: 'pglite',
    ...base,
    transaction: <T>(fn: (tx: Sql) => Promise<T>): Promise<T> => db.transaction((tx) => fn(wrap(tx))),
    script: async (text: string): Promise<void> => {
      await db.exec(text);
    },
    close: () => db.close(),
  };
}

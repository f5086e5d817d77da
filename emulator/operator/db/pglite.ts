/** Embedded PGlite, persisted in a directory. */
import { mkdirSync } from 'node:fs';
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

export async function openPglite(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
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

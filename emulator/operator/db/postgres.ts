/** A PostgreSQL server through `pg` (a pool; transactions take one client). */
import pg from 'pg';
import type { Database, Sql } from './database.js';

/** What a pool and a pooled client have in common. */
type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

function wrap(q: Queryable): Sql {
  return {
    async query<T extends object>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await q.query(text, [...params])).rows as T[];
    },
    async execute(text: string, params: readonly unknown[] = []): Promise<number> {
      return (await q.query(text, [...params])).rowCount ?? 0;
    },
  };
}

export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // Fail at start, not at the first wallet call, when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  const base = wrap(pool);
  return {
    kind: 'postgres',
    ...base,
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async script(text: string): Promise<void> {
      await pool.query(text);
    },
    close: () => pool.end(),
  };
}

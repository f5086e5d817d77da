import { createConnection } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgresServer } from './postgres-server.js';

async function portAnswers(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      r(true);
    });
    s.once('error', () => r(false));
  });
}

describe('PostgreSQL server helper', () => {
  it('starts Debian postgres on a free loopback port, creates databases, and stops', async () => {
    const server = await startPostgresServer();
    try {
      expect(server.baseUrl).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+$/);
      const url = await server.createDatabase('spark_test_1');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('CREATE TABLE t (v int)');
        await client.query('INSERT INTO t VALUES (41), (1)');
        const { rows } = await client.query<{ s: string }>('SELECT sum(v) AS s FROM t');
        expect(Number(rows[0]?.s)).toBe(42);
        const db = await client.query<{ d: string }>('SELECT current_database() AS d');
        expect(db.rows[0]?.d).toBe('spark_test_1');
      } finally {
        await client.end();
      }
      await expect(server.createDatabase('Bad;Name')).rejects.toThrow(/bad database name/);
    } finally {
      await server.stop();
    }
    expect(await portAnswers(server.port)).toBe(false);
  });
});

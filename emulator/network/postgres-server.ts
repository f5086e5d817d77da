import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { CodedError } from '../../src/errors/coded-error.js';
import { freePort } from '../process/free-port.js';

const run = promisify(execFile);

/** Debian's PostgreSQL 15 server binaries (scripts/setup.sh installs the `postgresql` package). */
export const PG_BIN_DIR = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

/** The test PostgreSQL server could not be set up, started or used (missing binaries, a failed command). */
export class PostgresServerError extends CodedError<'POSTGRES_SERVER_FAILED'> {
  override readonly name = 'PostgresServerError';
  constructor(message: string) {
    super('POSTGRES_SERVER_FAILED', message);
  }
}

/** A throwaway PostgreSQL server for tests. */
export interface PostgresServer {
  /** Base URL without a database name, e.g. postgres://postgres@127.0.0.1:5433 */
  baseUrl: string;
  port: number;
  /** Creates a database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

interface OsUser {
  uid: number;
  gid: number;
}

async function postgresUser(): Promise<OsUser> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

/**
 * initdb and postgres refuse to run as root, so as root every server command runs as the
 * `postgres` system user (created by Debian's package) through runuser; as anyone else directly.
 */
async function pgCommand(asUser: boolean, binary: string, args: string[]): Promise<string> {
  const path = join(PG_BIN_DIR, binary);
  if (!existsSync(path)) throw new PostgresServerError(`${path} not found: install Debian's postgresql package (scripts/setup.sh)`);
  const [cmd, cmdArgs] = asUser ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  try {
    const { stdout, stderr } = await run(cmd, cmdArgs, { timeout: 60_000 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new PostgresServerError(`${binary} ${args.join(' ')} failed: ${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`);
  }
}

/**
 * Starts PostgreSQL in a fresh temporary directory on 127.0.0.1 and a free port, with trust
 * authentication (loopback only, test data only) and durability switched off for speed.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const asUser = process.getuid?.() === 0;
  const root = mkdtempSync(join(tmpdir(), 'spark-pg-'));
  const dataDir = join(root, 'data');
  if (asUser) {
    const user = await postgresUser();
    chownSync(root, user.uid, user.gid);
  }
  const port = await freePort();
  await pgCommand(asUser, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const options = [
    '-c listen_addresses=127.0.0.1',
    `-c port=${port}`,
    `-c unix_socket_directories=${root}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  await pgCommand(asUser, 'pg_ctl', ['-D', dataDir, '-o', options, '-l', join(root, 'server.log'), '-w', '-t', '60', 'start']);
  const baseUrl = `postgres://postgres@127.0.0.1:${port}`;
  let stopped = false;
  return {
    baseUrl,
    port,
    async createDatabase(name: string): Promise<string> {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new PostgresServerError(`bad database name ${JSON.stringify(name)}`);
      const client = new pg.Client({ connectionString: `${baseUrl}/postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `${baseUrl}/${name}`;
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await pgCommand(asUser, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

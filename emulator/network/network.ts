import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ConfigOptions } from '@buildonspark/spark-sdk';
import pg from 'pg';
import { startChain, type Chain } from '../chain/chain.js';
import { ChainError } from '../chain/errors.js';
import { freePort, isPortFree } from '../process/free-port.js';
import { identifierForIndex, type OperatorConfig, type PeerConfig, type ReadyLine } from '../operator/config.js';
import { openLocalCa } from './ca.js';
import { NetworkLock, NetworkLockedError } from '../process/lock.js';
import { OperatorProcess, OperatorProcessError } from './operator-process.js';
import { processRef } from '../process/process-identity.js';
import { startSsp, withSsp, type SspProcess } from './ssp-process.js';

/** The largest network the issue asks for (t-of-n up to 5). */
export const MAX_OPERATORS = 5;

export type NetworkErrorCode = 'BAD_OPTIONS' | 'DATA_MISMATCH' | 'DATA_DAMAGED' | 'LOCKED' | 'NO_SUCH_OPERATOR';

export class NetworkError extends Error {
  constructor(readonly code: NetworkErrorCode, message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

export interface NetworkOptions {
  /** Number of operators, 1..5. Default 3. */
  operators?: number;
  /** Signing threshold t. Default 2 (or n when n < 2). */
  threshold?: number;
  /** Persistent data directory. Default: a fresh temporary directory, removed by stop(). */
  dataDir?: string;
  /** Base URL of a PostgreSQL server (postgres://user@host:port); each operator gets database
   *  `<databasePrefix><index>` there. Absent: each operator uses embedded PGlite. */
  postgresUrl?: string;
  /** Default "spark_op". */
  databasePrefix?: string;
  /** How long to wait for every operator's READY (the first start runs the DKG and PGlite's initdb). Default 240 s. */
  readyTimeoutMs?: number;
  /** How long operators keep a swap's primary transfer waiting for its counter transfer (default: the operator's). */
  swapPrimaryTimeoutMs?: number;
  /** Start the service provider (emulator/ssp) and put it in the wallet options. Default true. */
  ssp?: boolean;
  /** Progress messages (taking over a stale lock). Default: stderr. */
  log?: (message: string) => void;
}

/** Everything a wallet needs, as JSON: the options for SparkWallet.initialize and its environment. */
export interface WalletConnection {
  walletOptions: ConfigOptions;
  /** Set these BEFORE the SDK (and grpc-js) loads: chain access for LOCAL and trust in the local CA. */
  env: Record<string, string>;
}

export interface RunningNetwork extends WalletConnection {
  dataDir: string;
  chain: Chain;
  caPath: string;
  operators: OperatorProcess[];
  /** the service provider, unless started with `ssp: false` */
  ssp: SspProcess | undefined;
  threshold: number;
  /** The READY line of each operator, by 1-based index (the last one seen). */
  ready(index: number): ReadyLine;
  stopOperator(index: number): Promise<void>;
  /** Kills an operator with SIGKILL, as a crash would. */
  killOperator(index: number): Promise<void>;
  restartOperator(index: number): Promise<ReadyLine>;
  stop(): Promise<void>;
  /** The data directory's lock, held until stop(). */
  lock: NetworkLock;
}

interface SavedLayout {
  operators: number;
  threshold: number;
  ports: { publicPort: number; internalPort: number }[];
  database: 'pglite' | 'postgres';
  sspPort?: number;
}

/** Reuses the previous run's ports when they are still free, so wallets keep working across restarts. */
async function choosePorts(n: number, previous: SavedLayout | undefined): Promise<SavedLayout['ports']> {
  const taken = new Set<number>();
  const pick = async (old: number | undefined): Promise<number> => {
    if (old !== undefined && !taken.has(old) && (await isPortFree(old))) {
      taken.add(old);
      return old;
    }
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  const ports: SavedLayout['ports'] = [];
  for (let i = 0; i < n; i++) {
    const old = previous?.ports[i];
    ports.push({ publicPort: await pick(old?.publicPort), internalPort: await pick(old?.internalPort) });
  }
  return ports;
}

async function freePortOtherThan(ports: SavedLayout['ports']): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (!ports.some((x) => x.publicPort === p || x.internalPort === p)) return p;
  }
}

async function ensureDatabase(baseUrl: string, name: string): Promise<string> {
  const base = new URL(baseUrl);
  const admin = new URL(base.href);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(base.href);
  url.pathname = `/${name}`;
  return url.href;
}

/**
 * Starts btcd with its endpoints, a local CA, and N operator processes; resolves when every
 * operator has printed READY. A second start on the same dataDir reuses the chain, the keys, the
 * databases and (when free) the ports.
 */
export async function startNetwork(options: NetworkOptions = {}): Promise<RunningNetwork> {
  const n = options.operators ?? 3;
  const threshold = options.threshold ?? Math.min(2, n);
  if (!Number.isInteger(n) || n < 1 || n > MAX_OPERATORS) throw new NetworkError('BAD_OPTIONS', `operators must be 1..${MAX_OPERATORS}, got ${n}`);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > n) throw new NetworkError('BAD_OPTIONS', `threshold must be 1..${n}, got ${threshold}`);
  const temporary = options.dataDir === undefined;
  const dataDir = resolve(options.dataDir ?? mkdtempSync(join(tmpdir(), 'spark-network-')));
  mkdirSync(dataDir, { recursive: true });
  const log = options.log ?? ((m: string): void => void process.stderr.write(`${m}\n`));
  let lock: NetworkLock;
  try {
    lock = await NetworkLock.acquire(dataDir, log);
  } catch (e) {
    if (e instanceof NetworkLockedError) throw new NetworkError('LOCKED', e.message);
    throw e;
  }
  try {
    return await startLocked(options, n, threshold, dataDir, temporary, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** A damaged part of the data directory: what is wrong, and what the user can do. */
function damaged(dataDir: string, what: string, cause: string, remedy: string): NetworkError {
  return new NetworkError('DATA_DAMAGED', `${dataDir}: ${what} is damaged (${cause}). Nothing was started. ${remedy}`);
}

function readLayout(dataDir: string): SavedLayout | undefined {
  const layoutPath = join(dataDir, 'network.json');
  if (!existsSync(layoutPath)) return undefined;
  try {
    const layout = JSON.parse(readFileSync(layoutPath, 'utf8')) as SavedLayout;
    if (!Number.isInteger(layout.operators) || !Number.isInteger(layout.threshold) || !Array.isArray(layout.ports)) throw new Error('fields missing');
    return layout;
  } catch (e) {
    throw damaged(dataDir, 'network.json', (e as Error).message,
      `It records the network's shape (n, t, database) and ports; restore it from a backup, or write it again as {"operators":n,"threshold":t,"database":"pglite"|"postgres","ports":[]}.`);
  }
}

async function startLocked(options: NetworkOptions, n: number, threshold: number, dataDir: string, temporary: boolean, lock: NetworkLock): Promise<RunningNetwork> {
  const layoutPath = join(dataDir, 'network.json');
  const previous = readLayout(dataDir);
  const database = options.postgresUrl === undefined ? 'pglite' : 'postgres';
  if (previous !== undefined && (previous.operators !== n || previous.threshold !== threshold || previous.database !== database)) {
    throw new NetworkError(
      'DATA_MISMATCH',
      `${dataDir} holds a ${previous.threshold}-of-${previous.operators} network on ${previous.database}; ` +
        `asked for ${threshold}-of-${n} on ${database}: use another --data directory`,
    );
  }
  const ports = await choosePorts(n, previous);
  const sspPort = previous?.sspPort !== undefined && !ports.some((p) => p.publicPort === previous.sspPort || p.internalPort === previous.sspPort) && (await isPortFree(previous.sspPort))
    ? previous.sspPort
    : await freePortOtherThan(ports);
  writeFileSync(layoutPath, JSON.stringify({ operators: n, threshold, ports, database, sspPort } satisfies SavedLayout, null, 2) + '\n');

  let chain: Chain;
  try {
    chain = await startChain({ dataDir: join(dataDir, 'chain') });
  } catch (e) {
    if (e instanceof ChainError && e.code === 'ARCHIVE_DAMAGED') {
      throw damaged(dataDir, 'the chain archive (chain/blocks.txt)', e.message,
        'Restore the data directory from a backup. To start a new chain instead, move chain/blocks.txt and chain/mempool.json aside: ' +
        'the operators keep their keys and leaves, but deposits on the old chain are then unknown to btcd.');
    }
    throw e;
  }
  const operators: OperatorProcess[] = [];
  let ssp: SspProcess | undefined;
  let stopped = false;
  const stopAll = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await ssp?.stop();
    await Promise.all(operators.map((o) => o.stop()));
    await chain.stop();
    lock.release();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  };
  const recordChildren = (): void => {
    const pids = [chain.btcdNode.pid, ...operators.map((o) => o.pid), ssp?.pid].filter((p): p is number => p !== undefined);
    lock.update({ children: pids.map(processRef) });
  };
  recordChildren();

  try {
    const ca = openLocalCa(join(dataDir, 'tls'));
    const peers: PeerConfig[] = ports.map((p, i) => ({
      index: i + 1,
      identifier: identifierForIndex(i + 1),
      internalAddress: `127.0.0.1:${p.internalPort}`,
      publicAddress: `https://127.0.0.1:${p.publicPort}`,
    }));
    for (let i = 1; i <= n; i++) {
      const opDir = join(dataDir, `operator-${i}`);
      mkdirSync(opDir, { recursive: true });
      const cert = ca.issue(`operator-${i}`);
      const port = ports[i - 1];
      if (port === undefined) throw new NetworkError('BAD_OPTIONS', `no port for operator ${i}`);
      const config: OperatorConfig = {
        index: i,
        identifier: identifierForIndex(i),
        threshold,
        coordinatorIdentifier: identifierForIndex(1),
        dataDir: opDir,
        database:
          options.postgresUrl === undefined
            ? { kind: 'pglite' }
            : { kind: 'postgres', url: await ensureDatabase(options.postgresUrl, `${options.databasePrefix ?? 'spark_op'}${i}`) },
        host: '127.0.0.1',
        publicPort: port.publicPort,
        internalPort: port.internalPort,
        tls: { certPath: cert.certPath, keyPath: cert.keyPath, caPath: ca.caPath },
        peers,
        chain: { rpcUrl: chain.info.bitcoindRpc.url, rpcUser: chain.info.bitcoindRpc.user, rpcPassword: chain.info.bitcoindRpc.pass },
        network: 'REGTEST',
        ...(options.swapPrimaryTimeoutMs === undefined ? {} : { swapPrimaryTimeoutMs: options.swapPrimaryTimeoutMs }),
      };
      const configPath = join(opDir, 'config.json');
      writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n');
      const op = new OperatorProcess(i, configPath, join(opDir, 'operator.log'));
      op.onSpawn = recordChildren;
      operators.push(op);
    }
    const readyTimeout = options.readyTimeoutMs ?? 240_000;
    // All at once: at first start the DKG needs every peer up, and at every start each operator
    // catches up from all its peers before it is READY.
    try {
      await Promise.all(operators.map((o) => o.start(readyTimeout)));
    } catch (e) {
      if (e instanceof OperatorProcessError && e.code === 'OPERATOR_FATAL' && options.postgresUrl === undefined && /DB_ERROR/.test(e.message)) {
        throw damaged(dataDir, `an operator's database`, e.message.split('\n')[0] ?? e.message,
          `See operator-<i>/operator.log. An operator's database holds its key shares: restore it from a backup; it cannot be rebuilt from the other operators.`);
      }
      throw e;
    }

    const operatorAt = (index: number): OperatorProcess => {
      const op = operators[index - 1];
      if (op === undefined) throw new NetworkError('NO_SUCH_OPERATOR', `no operator ${index} (network has ${n})`);
      return op;
    };
    const signingOperators: Record<string, { id: number; identifier: string; address: string; identityPublicKey: string }> = {};
    for (const op of operators) {
      const ready = op.ready;
      if (ready === undefined) throw new NetworkError('BAD_OPTIONS', `operator ${op.index} has no READY line`);
      signingOperators[ready.identifier] = {
        id: op.index - 1,
        identifier: ready.identifier,
        address: ready.publicAddress,
        identityPublicKey: ready.identityPublicKey,
      };
    }
    let walletOptions: ConfigOptions = {
      network: 'LOCAL',
      signingOperators,
      coordinatorIdentifier: identifierForIndex(1),
      threshold,
      electrsUrl: chain.info.esploraUrl,
    };
    const env: Record<string, string> = {
      ...chain.env,
      // grpc-js uses only this file as roots when it is set; NODE_EXTRA_CA_CERTS is for everything else
      // (docs/sdk-wire.md, section "TLS").
      GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: ca.caPath,
      NODE_EXTRA_CA_CERTS: ca.caPath,
    };
    if (options.ssp ?? true) {
      ssp = await startSsp({ dataDir, port: sspPort, ca, chain, walletOptions, env, onSpawn: recordChildren, readyTimeoutMs: readyTimeout });
      // The network's endpoints and the SSP; everything else is the SDK's default, leaf
      // optimization on (docs/ssp.md, section "Wallet options").
      walletOptions = withSsp(walletOptions, ssp.ready as NonNullable<SspProcess['ready']>);
    } else {
      // No service provider: background optimization would start swaps that cannot succeed
      // (docs/sdk-wire.md, section "Options that stop background work").
      walletOptions = { ...walletOptions, optimizationOptions: { auto: false }, tokenOptimizationOptions: { enabled: false } };
    }
    writeFileSync(join(dataDir, 'wallet.json'), JSON.stringify({ walletOptions, env }, null, 2) + '\n');
    lock.update({ coordinatorAddress: operatorAt(1).ready?.publicAddress ?? '' });

    return {
      dataDir,
      chain,
      caPath: ca.caPath,
      operators,
      ssp,
      threshold,
      walletOptions,
      env,
      ready(index: number): ReadyLine {
        const r = operatorAt(index).ready;
        if (r === undefined) throw new NetworkError('NO_SUCH_OPERATOR', `operator ${index} is not ready`);
        return r;
      },
      stopOperator: (index) => operatorAt(index).stop(),
      killOperator: (index) => operatorAt(index).kill(),
      restartOperator: (index) => operatorAt(index).start(readyTimeout),
      stop: stopAll,
      lock,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

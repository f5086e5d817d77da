import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, createWriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerChild, terminate } from '../process/child-registry.js';
import { ChainError } from './errors.js';
import { freePort } from '../process/free-port.js';
import { RpcClient, type RpcEndpoint } from './rpc-client.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXIT_WITH_PARENT = join(dirname(fileURLToPath(import.meta.url)), '..', 'process', 'exit-with-parent.sh');

/** Options for one btcd regtest node. */
export interface BtcdOptions {
  /** Directory for chain data, logs and btcd's $HOME; reused across starts. */
  dataDir: string;
  /** Coinbase payee for `generate` (fixed for the process lifetime: docs/btcd.md, section "Flags"). */
  miningAddress: string;
  /** RPC port; a free one is chosen when absent. */
  rpcPort?: number;
  rpcUser?: string;
  rpcPass?: string;
  /** btcd binary; default: $BTCD_BIN, then <repo>/.tools/bin/btcd, then $HOME/go/bin/btcd. */
  binary?: string;
  /** How long to wait for the RPC server to answer. */
  startTimeoutMs?: number;
}

/** A running btcd. */
export interface BtcdNode {
  rpc: RpcClient;
  endpoint: RpcEndpoint;
  rpcPort: number;
  /** The watchdog's pid (exit-with-parent.sh); btcd is its only child. */
  pid: number;
  stop(): Promise<void>;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the btcd binary, failing loudly (tests must not skip when it is missing). */
export function resolveBtcdBinary(explicit?: string): string {
  const candidates = [
    explicit,
    process.env.BTCD_BIN,
    join(REPO_ROOT, '.tools', 'bin', 'btcd'),
    process.env.HOME === undefined ? undefined : join(process.env.HOME, 'go', 'bin', 'btcd'),
  ].filter((c): c is string => c !== undefined && c !== '');
  for (const candidate of candidates) {
    if (isExecutable(candidate)) return candidate;
  }
  throw new ChainError(
    'BTCD_NOT_FOUND',
    `btcd not found (looked in ${candidates.join(', ')}); run scripts/setup.sh or set BTCD_BIN`,
  );
}

/** The command-line flags for an isolated regtest node (flag meanings: docs/btcd.md, sections "Flags"
 * and "Relay policy for L2 transactions"). */
export function btcdArgs(opts: Required<Pick<BtcdOptions, 'dataDir' | 'miningAddress' | 'rpcUser' | 'rpcPass'>> & { rpcPort: number }): string[] {
  return [
    '--regtest',
    `--datadir=${join(opts.dataDir, 'data')}`,
    `--logdir=${join(opts.dataDir, 'logs')}`,
    `--rpcuser=${opts.rpcUser}`,
    `--rpcpass=${opts.rpcPass}`,
    `--rpclisten=127.0.0.1:${opts.rpcPort}`,
    // Plain HTTP is only accepted for loopback listeners, which is all we use.
    '--notls',
    // No P2P at all: an isolated node needs no peers for `generate`.
    '--nolisten',
    '--nodnsseed',
    '--noonion',
    '--txindex',
    '--addrindex',
    `--miningaddr=${opts.miningAddress}`,
    // Zero-fee v3 parents with a P2A anchor (Spark's root/refund txs) must relay and be mined.
    '--minrelaytxfee=0',
    '--debuglevel=info',
  ];
}

async function waitForRpc(rpc: RpcClient, child: ChildProcess, timeoutMs: number, stderrTail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ChainError('BTCD_EXITED', `btcd exited (${child.exitCode ?? child.signalCode}) before its RPC answered: ${stderrTail()}`);
    }
    try {
      await rpc.getBlockCount();
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new ChainError('BTCD_START_FAILED', `btcd RPC did not answer within ${timeoutMs} ms: ${stderrTail()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Starts btcd in regtest on 127.0.0.1 and waits until its RPC answers. */
export async function startBtcd(options: BtcdOptions): Promise<BtcdNode> {
  const binary = resolveBtcdBinary(options.binary);
  const rpcPort = options.rpcPort ?? (await freePort());
  const rpcUser = options.rpcUser ?? 'btcd';
  const rpcPass = options.rpcPass ?? 'btcd-regtest';
  const home = join(options.dataDir, 'home');
  mkdirSync(home, { recursive: true });
  mkdirSync(join(options.dataDir, 'logs'), { recursive: true });

  const args = btcdArgs({ dataDir: options.dataDir, miningAddress: options.miningAddress, rpcUser, rpcPass, rpcPort });
  // btcd creates ~/.btcd even when --datadir points elsewhere (docs/btcd.md, "Files and HOME"), so give
  // it its own HOME.
  // Its own process group: a Ctrl-C on the terminal must not stop btcd before the chain has
  // archived its blocks (see block-archive.ts); the chain stops it last.
  // btcd is a Go binary we do not modify: a small shell watchdog runs it and stops it if this
  // process dies without stopping it (exit-with-parent.sh); signals to the watchdog reach btcd.
  const child = spawn('/bin/sh', [EXIT_WITH_PARENT, String(process.pid), binary, ...args], {
    env: { ...process.env, HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  registerChild(child);
  const out = createWriteStream(join(options.dataDir, 'logs', 'btcd.stdout.log'), { flags: 'a' });
  let tail = '';
  const keepTail = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-2000);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);

  const endpoint: RpcEndpoint = { url: `http://127.0.0.1:${rpcPort}/`, user: rpcUser, pass: rpcPass };
  const rpc = new RpcClient(endpoint);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const stop = async (): Promise<void> => {
    await terminate(child, exited);
    out.end();
  };

  try {
    await waitForRpc(rpc, child, options.startTimeoutMs ?? 30_000, () => tail);
  } catch (err) {
    await stop();
    throw err;
  }
  if (child.pid === undefined) throw new ChainError('BTCD_START_FAILED', 'btcd has no pid');
  return { rpc, endpoint, rpcPort, pid: child.pid, stop };
}

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBitcoindRpc } from './bitcoind-rpc.js';
import { BlockArchive } from './block-archive.js';
import { startBtcd, type BtcdNode } from './btcd.js';
import { ChainClient } from './chain-client.js';
import { startEsplora } from './esplora.js';
import { FundingWallet } from './funding-wallet.js';
import type { LocalHttpServer } from './http-util.js';
import type { RpcEndpoint } from './rpc-client.js';
import { portIfFree } from '../process/free-port.js';

/** Options for the whole local chain: btcd plus the two endpoints the SDK reads. */
export interface ChainOptions {
  /** Persistent directory: btcd's chain, the funding key, chain.json. Reused across starts. */
  dataDir: string;
  /** Credentials of the bitcoind-style JSON-RPC; default the SDK's testutil/testutilpassword. */
  rpcUser?: string;
  rpcPassword?: string;
  btcdBinary?: string;
}

/** Where everything listens; also written to <dataDir>/chain.json for the CLI. */
export interface ChainInfo {
  /** btcd's own RPC (btcd dialect: `generate`, int verbosity, searchrawtransactions). */
  btcd: RpcEndpoint;
  /** The bitcoind-style JSON-RPC for network LOCAL. */
  bitcoindRpc: RpcEndpoint;
  /** The Esplora HTTP API for network REGTEST. */
  esploraUrl: string;
  /** The funding wallet's address (btcd's --miningaddr). */
  miningAddress: string;
}

/** A running chain. */
export interface Chain extends ChainClient {
  info: ChainInfo;
  wallet: FundingWallet;
  btcdNode: BtcdNode;
  /** The environment the SDK's LOCAL test faucet reads (docs/sdk-wire.md, section "Chain access"). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The file the running chain describes itself in. */
export function chainInfoPath(dataDir: string): string {
  return join(dataDir, 'chain.json');
}

/** The environment variables that point the SDK's LOCAL chain access at this chain. */
export function walletEnv(info: ChainInfo): Record<string, string> {
  return {
    BITCOIN_RPC_URL: info.bitcoindRpc.url,
    BITCOIN_RPC_USER: info.bitcoindRpc.user,
    BITCOIN_RPC_PASSWORD: info.bitcoindRpc.pass,
  };
}

/**
 * Starts btcd (regtest), the funding wallet, the bitcoind-style JSON-RPC and the Esplora API, and
 * mines the first 101 blocks on a fresh chain so that the wallet can pay at once.
 */
export async function startChain(options: ChainOptions): Promise<Chain> {
  mkdirSync(options.dataDir, { recursive: true });
  const keyFile = join(options.dataDir, 'funding-wallet.json');
  const keyOnly = FundingWallet.loadOrCreate(keyFile);
  // The previous run's ports, reused when still free so that printed wallet options stay valid.
  const portsFile = join(options.dataDir, 'ports.json');
  const previous = existsSync(portsFile) ? (JSON.parse(readFileSync(portsFile, 'utf8')) as Partial<Record<'btcd' | 'rpc' | 'esplora', number>>) : {};
  // Read (and checked) before btcd starts, so a damaged archive leaves nothing running.
  const archive = new BlockArchive(join(options.dataDir, 'blocks.txt'), join(options.dataDir, 'mempool.json'));
  const btcdPort = await portIfFree(previous.btcd);
  const btcdNode = await startBtcd({
    dataDir: join(options.dataDir, 'btcd'),
    miningAddress: keyOnly.address,
    ...(btcdPort === undefined ? {} : { rpcPort: btcdPort }),
    ...(options.btcdBinary === undefined ? {} : { binary: options.btcdBinary }),
  });
  // One archive sync at a time; a periodic one covers blocks mined through btcd's own RPC.
  let archiving: Promise<void> = Promise.resolve();
  const syncArchive = (): Promise<void> => {
    archiving = archiving.then(() => archive.sync(btcdNode.rpc)).catch(() => undefined);
    return archiving;
  };
  let timer: NodeJS.Timeout | undefined;
  const servers: LocalHttpServer[] = [];
  let stopped = false;
  // Until the archive has replayed in full, btcd holds only part of it: syncing the archive to
  // btcd then would cut the archive down to that part.
  let replayed = false;
  const stopAll = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (timer !== undefined) clearInterval(timer);
    for (const s of servers.reverse()) await s.close();
    if (replayed) {
      await syncArchive();
      await archive.saveMempool(btcdNode.rpc).catch(() => undefined);
    }
    await btcdNode.stop();
    rmSync(chainInfoPath(options.dataDir), { force: true });
  };
  try {
    await archive.replay(btcdNode.rpc);
    replayed = true;
    const wallet = FundingWallet.loadOrCreate(keyFile, btcdNode.rpc);
    await wallet.ensureMatureCoins();
    await syncArchive();
    timer = setInterval(() => void syncArchive(), 2_000);
    timer.unref();
    const rpcServer = await startBitcoindRpc({
      btcd: btcdNode.rpc,
      wallet,
      afterMine: syncArchive,
      port: (await portIfFree(previous.rpc)) ?? 0,
      ...(options.rpcUser === undefined ? {} : { user: options.rpcUser }),
      ...(options.rpcPassword === undefined ? {} : { password: options.rpcPassword }),
    });
    servers.push(rpcServer);
    const esplora = await startEsplora(btcdNode.rpc, (await portIfFree(previous.esplora)) ?? 0);
    servers.push(esplora);
    const info: ChainInfo = {
      btcd: btcdNode.endpoint,
      bitcoindRpc: { url: rpcServer.url, user: rpcServer.user, pass: rpcServer.password },
      esploraUrl: esplora.url,
      miningAddress: wallet.address,
    };
    writeFileSync(chainInfoPath(options.dataDir), JSON.stringify(info, null, 2) + '\n');
    writeFileSync(portsFile, JSON.stringify({ btcd: btcdNode.rpcPort, rpc: rpcServer.port, esplora: esplora.port }) + '\n');
    const client = new ChainClient(info.bitcoindRpc);
    return Object.assign(client, { info, wallet, btcdNode, env: walletEnv(info), stop: stopAll });
  } catch (err) {
    await stopAll();
    throw err;
  }
}

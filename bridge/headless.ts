/**
 * The headless bridge: the core, the UI and the local API on 127.0.0.1, in one command.
 *
 *   npx tsx bridge/headless.ts --network network.json [--speculos 127.0.0.1:<apdu port>] [--port 7777] [--data ~/.spark-bridge]
 *       [--rpc-url URL --rpc-user U --rpc-pass P] [--fee-key FILE] [--mine]
 *
 * network.json holds `walletOptions` (SparkWallet options) and optionally `env`, as printed by
 * `npx tsx emulator/network/start.ts` for the local network. Without --speculos the bridge looks
 * for a Ledger on USB. Prints the UI address; stops on Ctrl-C.
 *
 * The bridge keeps each account's exit data in its record. "Exit now" needs a Bitcoin node's
 * JSON-RPC (--rpc-url, or $BITCOIN_RPC_URL), and for zero-fee transactions a P2WPKH fee wallet
 * (--fee-key, as the exit command's); --mine (regtest only) mines the blocks timelocks need.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ConfigOptions } from '@buildonspark/spark-sdk';
import { endpointFrom } from '../emulator/chain/endpoint-options.js';
import { FundingWallet } from '../emulator/chain/funding-wallet.js';
import { rpcExitChain } from '../src/exit/exit-chain.js';
import type { SparkNetworkName } from '../src/exit/exit-data.js';
import { BridgeCore } from './core/bridge-core.js';
import type { ChainExitOptions } from './core/exit/device-exit.js';
import { nodeHidSource, speculosSource, type DeviceSource } from './core/device/device-source.js';
import { ledgerWalletFactories } from './core/wallet/ledger-wallet.js';
import { startBridgeServer, type RunningBridgeServer } from './server/http-server.js';
import { PairingRegistry } from './server/pairing.js';

export interface HeadlessOptions {
  walletOptions: ConfigOptions;
  env?: Record<string, string>;
  source: DeviceSource;
  dataDir: string;
  port?: number;
  pollMs?: number;
  /** A Spark service provider serves the network (BridgeCoreOptions.serviceProvider). */
  serviceProvider?: boolean;
  /** Where "exit now" exits (BridgeCoreOptions.exit); without it the action says it is not available. */
  exit?: ChainExitOptions;
}

export interface RunningHeadlessBridge {
  core: BridgeCore;
  pairing: PairingRegistry;
  server: RunningBridgeServer;
  stop(): Promise<void>;
}

/** Starts the core and the server; used by the command below, the Electron shell and the tests. */
export async function startHeadlessBridge(o: HeadlessOptions): Promise<RunningHeadlessBridge> {
  const factories = await ledgerWalletFactories(o.walletOptions, o.env);
  const core = new BridgeCore({
    source: o.source,
    dataDir: o.dataDir,
    ...factories,
    ...(o.pollMs === undefined ? {} : { pollMs: o.pollMs }),
    serviceProvider: o.serviceProvider ?? false,
    network: (o.walletOptions.network ?? 'REGTEST') as SparkNetworkName,
    ...(o.exit === undefined ? {} : { exit: o.exit }),
  });
  const pairing = new PairingRegistry(o.dataDir);
  await pairing.load();
  const server = await startBridgeServer({ core, pairing, ...(o.port === undefined ? {} : { port: o.port }) });
  core.start();
  return {
    core,
    pairing,
    server,
    async stop() {
      await server.close();
      await core.stop();
    },
  };
}

export function parseDeviceAddress(text: string | undefined): DeviceSource {
  if (text === undefined) return nodeHidSource();
  const m = /^(127\.0\.0\.1|localhost):(\d{1,5})$/.exec(text);
  if (m === null) throw new Error(`--speculos takes 127.0.0.1:<apdu port>, got ${text}`);
  return speculosSource('127.0.0.1', Number(m[2]));
}

/** The exit chain the command line names, if any. */
function exitOptions(values: { 'rpc-url'?: string; 'rpc-user'?: string; 'rpc-pass'?: string; 'fee-key'?: string; mine?: boolean }, network: SparkNetworkName): { exit?: ChainExitOptions } {
  const url = values['rpc-url'] ?? (process.env.BITCOIN_RPC_URL || undefined);
  if (url === undefined) return {};
  const chain = rpcExitChain(endpointFrom({ ...values, 'rpc-url': url, data: '' }), { regtest: values.mine === true });
  const feeFile = values['fee-key'];
  const feeWallet = feeFile === undefined ? undefined : FundingWallet.loadOrCreate(feeFile, chain.rpc);
  if (feeWallet !== undefined) console.log(`exit fee wallet ${feeFile}: ${feeWallet.address}`);
  return { exit: { network, chain, mine: values.mine === true, ...(feeWallet === undefined ? {} : { feeWallet }) } };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      network: { type: 'string' },
      speculos: { type: 'string' },
      port: { type: 'string', default: '7777' },
      data: { type: 'string', default: path.join(os.homedir(), '.spark-bridge') },
      // Only when a Spark service provider serves the network: sends may then split leaves.
      'service-provider': { type: 'boolean', default: false },
      'rpc-url': { type: 'string' },
      'rpc-user': { type: 'string' },
      'rpc-pass': { type: 'string' },
      'fee-key': { type: 'string' },
      mine: { type: 'boolean', default: false },
    },
  });
  if (values.network === undefined) throw new Error('--network <file> is required (walletOptions and env, as emulator/network/start.ts prints them)');
  const config = JSON.parse(readFileSync(values.network, 'utf8')) as { walletOptions?: ConfigOptions; env?: Record<string, string> };
  if (config.walletOptions === undefined) throw new Error(`${values.network} has no walletOptions`);
  const bridge = await startHeadlessBridge({
    walletOptions: config.walletOptions,
    ...(config.env === undefined ? {} : { env: config.env }),
    source: parseDeviceAddress(values.speculos),
    dataDir: values.data,
    port: Number(values.port),
    serviceProvider: values['service-provider'],
    ...exitOptions(values, (config.walletOptions.network ?? 'REGTEST') as SparkNetworkName),
  });
  console.log(`Spark bridge: UI and API on ${bridge.server.url} (device: ${bridge.core.device.status().source})`);
  const stop = (): void => {
    void bridge.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((err: unknown) => {
    console.error(`bridge: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

/**
 * Command line for the local chain.
 *
 *   npx tsx emulator/chain/cli.ts fund <address> <sats> [--confirmations N]
 *   npx tsx emulator/chain/cli.ts mine <n>
 *   npx tsx emulator/chain/cli.ts height
 *   npx tsx emulator/chain/cli.ts start [--data DIR]      (a standalone chain until Ctrl-C)
 *
 * fund/mine/height find the chain from --rpc-url/--rpc-user/--rpc-pass, else $BITCOIN_RPC_URL
 * (with $BITCOIN_RPC_USER/$BITCOIN_RPC_PASSWORD), else <--data>/chain.json written by a running chain.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chainInfoPath, startChain, type ChainInfo } from './chain.js';
import { ChainClient } from './chain-client.js';
import { DEFAULT_RPC_PASSWORD, DEFAULT_RPC_USER } from './bitcoind-rpc.js';
import type { RpcEndpoint } from './rpc-client.js';

/** Where the network's start command keeps its chain; the CLI's default. */
export const DEFAULT_CHAIN_DIR = join('.data', 'network', 'chain');

const USAGE = `usage: cli.ts fund <address> <sats> [--confirmations N] | mine <n> | height | start [--data DIR]
  options: --data DIR (default ${DEFAULT_CHAIN_DIR}), --rpc-url URL, --rpc-user U, --rpc-pass P`;

class UsageError extends Error {}

function endpointFrom(values: { 'rpc-url'?: string; 'rpc-user'?: string; 'rpc-pass'?: string; data: string }): RpcEndpoint {
  const url = values['rpc-url'] ?? (process.env.BITCOIN_RPC_URL || undefined);
  if (url !== undefined) {
    return {
      url,
      user: values['rpc-user'] ?? process.env.BITCOIN_RPC_USER ?? DEFAULT_RPC_USER,
      pass: values['rpc-pass'] ?? process.env.BITCOIN_RPC_PASSWORD ?? DEFAULT_RPC_PASSWORD,
    };
  }
  const file = chainInfoPath(values.data);
  if (!existsSync(file)) {
    throw new UsageError(`no running chain found: ${file} is missing (start one, or pass --rpc-url / set BITCOIN_RPC_URL)`);
  }
  return (JSON.parse(readFileSync(file, 'utf8')) as ChainInfo).bitcoindRpc;
}

function positiveInt(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) <= 0) throw new UsageError(`${what} must be a positive integer, got ${String(text)}`);
  return Number(text);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string', default: DEFAULT_CHAIN_DIR },
      'rpc-url': { type: 'string' },
      'rpc-user': { type: 'string' },
      'rpc-pass': { type: 'string' },
      confirmations: { type: 'string', default: '1' },
    },
  });
  const [command, ...rest] = positionals;
  switch (command) {
    case 'fund': {
      const [address, satsText] = rest;
      if (address === undefined) throw new UsageError('fund needs an address');
      const sats = positiveInt(satsText, 'sats');
      const confirmations = Number(values.confirmations);
      if (!Number.isInteger(confirmations) || confirmations < 0) throw new UsageError('--confirmations must be an integer ≥ 0');
      const client = new ChainClient(endpointFrom(values));
      const result = await client.fund(address, BigInt(sats), { confirmations });
      process.stdout.write(JSON.stringify({ txid: result.txid, vout: result.vout, confirmations }) + '\n');
      return;
    }
    case 'mine': {
      const n = positiveInt(rest[0], 'block count');
      const hashes = await new ChainClient(endpointFrom(values)).mine(n);
      process.stdout.write(JSON.stringify({ mined: hashes.length, tip: hashes[hashes.length - 1] }) + '\n');
      return;
    }
    case 'height': {
      process.stdout.write(String(await new ChainClient(endpointFrom(values)).getBlockCount()) + '\n');
      return;
    }
    case 'start': {
      const chain = await startChain({ dataDir: values.data });
      process.stdout.write(JSON.stringify({ ...chain.info, env: chain.env }, null, 2) + '\n');
      const stop = (): void => {
        chain.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    }
    default:
      throw new UsageError(command === undefined ? 'no command given' : `unknown command ${command}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  if (err instanceof UsageError) process.stderr.write(USAGE + '\n');
  process.exit(err instanceof UsageError ? 2 : 1);
});

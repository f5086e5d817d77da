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
import { parseArgs } from 'node:util';
import { startChain } from './chain.js';
import { ChainClient } from './chain-client.js';
import { DEFAULT_CHAIN_DIR, endpointFrom } from './endpoint-options.js';


const USAGE = `usage: cli.ts fund <address> <sats> [--confirmations N] | mine <n> | height | start [--data DIR]
  options: --data DIR (default ${DEFAULT_CHAIN_DIR}), --rpc-url URL, --rpc-user U, --rpc-pass P`;

class UsageError extends Error {}

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

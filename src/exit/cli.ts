/**
 * Unilateral exit from the command line.
 *
 *   npx tsx src/exit/cli.ts collect --network-json FILE --seed-file FILE --out exit-data.json
 *       Saves the exit data of the wallet of that seed (operators must be up). FILE is what
 *       `emulator/network/start.ts` prints: { walletOptions, env }.
 *   npx tsx src/exit/cli.ts run --data exit-data.json --to ADDRESS (--seed-file FILE | --ledger | --speculos HOST:PORT)
 *       [--leaf ID ...] [--variant direct|cpfp] [--fee-key FILE] [--fee-rate SAT_PER_VB] [--mine]
 *       Exits each leaf (default: all) and sweeps it to ADDRESS; no operator is needed. The sweep
 *       is signed with the seed, or on a Ledger running the Spark app (USB, or Speculos's APDU
 *       port for developers), which shows fee, amount and address for approval.
 *   npx tsx src/exit/cli.ts watch --data exit-data.json [--fee-key FILE] [--poll-ms N]
 *       The watchtower: broadcasts the current refund of any leaf whose node tx confirms.
 *
 * The chain is a bitcoind-style JSON-RPC: --rpc-url/--rpc-user/--rpc-pass, else $BITCOIN_RPC_URL,
 * else <--chain-data>/chain.json of a running local chain (default .data/network/chain).
 * --mine (regtest only) mines the blocks each timelock needs instead of waiting for them.
 * --seed-file holds the wallet seed in hex; --fee-key a P2WPKH fee wallet ({"privateKey": hex},
 * created when missing; fund its address) that pays the anchor children of zero-fee transactions.
 * Progress goes to stderr, the result as JSON to stdout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CHAIN_DIR, endpointFrom } from '../../emulator/chain/endpoint-options.js';
import { FundingWallet } from '../../emulator/chain/funding-wallet.js';
import { hexToBytes } from '../crypto/index.js';
import { SparkLedgerApp } from '../device/app.js';
import { openNodeHidTransport, openSpeculosTransport } from '../device/transports.js';
import { deviceExitSweepSigner } from '../signer/exit-sweep.js';
import { ExitError } from './errors.js';
import { blockClock, rpcExitChain } from './exit-chain.js';
import { readExitDataFile, writeExitDataFile } from './exit-data-file.js';
import type { ExitData, SparkNetworkName } from './exit-data.js';
import type { ExitVariant } from './exit-plan.js';
import { runUnilateralExit } from './exit-runner.js';
import { SoftwareSweepSigner, type ExitSweepSigner } from './sweep-signer.js';
import { ExitWatchtower } from './watchtower.js';

const USAGE = `usage: cli.ts collect --network-json FILE --seed-file FILE --out FILE
       cli.ts run --data FILE --to ADDRESS (--seed-file FILE | --ledger | --speculos HOST:PORT) [--leaf ID]... [--variant direct|cpfp] [--fee-key FILE] [--fee-rate N] [--mine]
       cli.ts watch --data FILE [--fee-key FILE] [--poll-ms N]
  chain: --rpc-url URL --rpc-user U --rpc-pass P, or $BITCOIN_RPC_URL, or --chain-data DIR (default ${DEFAULT_CHAIN_DIR})`;

class UsageError extends Error {}

const log = (m: string): void => void process.stderr.write(m + '\n');

function need(v: string | undefined, name: string): string {
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

function readSeed(file: string): Uint8Array {
  const text = readFileSync(file, 'utf8').trim();
  if (!/^([0-9a-fA-F]{2}){16,64}$/.test(text)) throw new UsageError(`${file} must hold the wallet seed as 16..64 bytes of hex`);
  return hexToBytes(text.toLowerCase());
}

function bigJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x), 2);
}

type Values = Record<string, string | boolean | string[] | undefined>;

async function collect(values: Values): Promise<void> {
  const net = JSON.parse(readFileSync(need(values['network-json'] as string | undefined, 'network-json'), 'utf8')) as { walletOptions?: { network?: string }; env?: Record<string, string> };
  if (net.walletOptions === undefined) throw new UsageError('--network-json has no walletOptions');
  // grpc-js and the SDK read their environment once, when first loaded: set it before importing.
  Object.assign(process.env, net.env ?? {});
  const { SparkWallet } = await import('@buildonspark/spark-sdk');
  const { collectFromWallet } = await import('./wallet-source.js');
  const seed = readSeed(need(values['seed-file'] as string | undefined, 'seed-file'));
  const { wallet } = await SparkWallet.initialize({ mnemonicOrSeed: seed, options: net.walletOptions as never });
  try {
    const data = await collectFromWallet(wallet, { network: (net.walletOptions.network ?? 'REGTEST') as SparkNetworkName });
    const out = need(values.out as string | undefined, 'out');
    writeExitDataFile(out, data);
    process.stdout.write(bigJson({ file: out, leaves: data.leaves.map((l) => ({ leafId: l.leafId, source: l.source, value: l.value })) }) + '\n');
  } finally {
    await wallet.cleanupConnections();
  }
}

/** The sweep signer the options name (exactly one of them), and how to let go of it. */
async function sweepSignerFrom(values: Values, data: ExitData): Promise<{ signer: ExitSweepSigner; close: () => Promise<void> }> {
  const seedFile = values['seed-file'] as string | undefined;
  const speculos = values.speculos as string | undefined;
  const ledger = values.ledger === true;
  const named = [seedFile !== undefined, speculos !== undefined, ledger].filter(Boolean).length;
  if (named !== 1) throw new UsageError('name exactly one sweep signer: --seed-file FILE, --ledger or --speculos HOST:PORT');
  if (seedFile !== undefined) {
    const signer = new SoftwareSweepSigner(readSeed(seedFile));
    return { signer, close: async () => signer.wipe() };
  }
  let transport;
  if (speculos !== undefined) {
    const m = /^([\w.-]+):(\d{1,5})$/.exec(speculos);
    if (m === null) throw new UsageError(`--speculos takes HOST:APDU_PORT, got ${speculos}`);
    transport = await openSpeculosTransport(Number(m[2]), m[1]);
  } else {
    log('waiting for a Ledger on USB with the Spark app open…');
    transport = await openNodeHidTransport();
  }
  log('approve each sweep on the device: it shows the fee, the amount and the address');
  return { signer: deviceExitSweepSigner(new SparkLedgerApp(transport), data.network), close: () => transport.close() };
}

function feeWalletFrom(file: string | undefined, rpc: ReturnType<typeof rpcExitChain>['rpc']): FundingWallet | undefined {
  if (file === undefined) return undefined;
  const created = !existsSync(file);
  const w = FundingWallet.loadOrCreate(file, rpc);
  if (created) log(`created fee wallet ${file}: fund ${w.address}`);
  return w;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'network-json': { type: 'string' },
      'seed-file': { type: 'string' },
      ledger: { type: 'boolean', default: false },
      speculos: { type: 'string' },
      out: { type: 'string' },
      data: { type: 'string' },
      to: { type: 'string' },
      leaf: { type: 'string', multiple: true },
      variant: { type: 'string', default: 'direct' },
      'fee-key': { type: 'string' },
      'fee-rate': { type: 'string' },
      'poll-ms': { type: 'string', default: '10000' },
      mine: { type: 'boolean', default: false },
      'rpc-url': { type: 'string' },
      'rpc-user': { type: 'string' },
      'rpc-pass': { type: 'string' },
      'chain-data': { type: 'string', default: DEFAULT_CHAIN_DIR },
    },
  });
  const command = positionals[0];
  if (command === 'collect') return collect(values);
  if (command !== 'run' && command !== 'watch') throw new UsageError(command === undefined ? 'no command given' : `unknown command ${command}`);

  const data = readExitDataFile(need(values.data, 'data'));
  const chain = rpcExitChain(endpointFrom({ ...values, data: values['chain-data'] }), { regtest: values.mine === true });
  const feeWallet = feeWalletFrom(values['fee-key'], chain.rpc);
  const feeRate = values['fee-rate'] === undefined ? undefined : Number(values['fee-rate']);

  if (command === 'watch') {
    const pollMs = Number(values['poll-ms']);
    if (!Number.isInteger(pollMs) || pollMs < 100) throw new UsageError('--poll-ms must be an integer ≥ 100');
    const tower = new ExitWatchtower({ chain, ...(feeWallet === undefined ? {} : { feeWallet }), ...(feeRate === undefined ? {} : { feeRate }), onStatus: (s) => log(JSON.stringify(s)) });
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    // The file is re-read every round: a newer one (after a claim) is picked up without a restart.
    await tower.run(() => readExitDataFile(need(values.data, 'data')), stop.signal, pollMs);
    return;
  }

  const variant = values.variant;
  if (variant !== 'direct' && variant !== 'cpfp') throw new UsageError('--variant must be direct or cpfp');
  const to = need(values.to, 'to');
  const { signer, close } = await sweepSignerFrom(values, data);
  const leafIds = values.leaf ?? data.leaves.map((l) => l.leafId);
  const results = [];
  try {
    for (const leafId of leafIds) {
      results.push(await runUnilateralExit({
        data, leafId, variant: variant as ExitVariant, to, chain, signer,
        clock: blockClock(chain, { mine: values.mine === true, onWait: (w) => log(`waiting for ${w}`) }),
        ...(feeWallet === undefined ? {} : { feeWallet }),
        ...(feeRate === undefined ? {} : { feeRate }),
        onProgress: (m) => log(`${leafId}: ${m}`),
      }));
    }
  } finally {
    await close();
  }
  process.stdout.write(bigJson(results) + '\n');
}

// stdout carries only the JSON result: whatever a library logs (the SDK's logger uses
// console.log, e.g. under NODE_ENV=test) goes to stderr with the progress lines.
console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);

main(process.argv.slice(2)).catch((err: unknown) => {
  const code = err instanceof ExitError ? ` [${err.code}]` : '';
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}${code}\n`);
  if (err instanceof UsageError) process.stderr.write(USAGE + '\n');
  process.exit(err instanceof UsageError ? 2 : 1);
});

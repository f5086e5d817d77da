/**
 * Starts the whole local Spark network and prints, as one JSON object on stdout, the options to
 * pass to SparkWallet.initialize and the environment the wallet needs:
 *
 *   npx tsx emulator/network/start.ts [--operators 3] [--threshold 2] [--data .data/network] [--postgres <base-url>]
 *
 * Runs until Ctrl-C, SIGTERM or SIGHUP (to this process, to the npx/tsx launcher above it, or to
 * the process group), then stops every part; the operators and btcd also stop by themselves if
 * this process is killed outright. One network per --data: a second start while one runs is
 * refused. A later start with the same --data reuses the chain, the keys and the databases.
 * `ctl.ts` stops and restarts single operators through <data>/control.sock. Progress goes to stderr.
 */
import { parseArgs } from 'node:util';
import type { Server } from 'node:net';
import { controlSocketPath, serveControl } from './control.js';
import { watchLauncher } from '../process/launcher-watch.js';
import { NetworkError, startNetwork, type RunningNetwork } from './network.js';

function intOption(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new NetworkError('BAD_OPTIONS', `--${name} must be a whole number, got ${text}`);
  return Number(text);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      operators: { type: 'string' },
      threshold: { type: 'string' },
      data: { type: 'string', default: '.data/network' },
      postgres: { type: 'string' },
    },
  });
  const operators = intOption(values.operators, 'operators');
  const threshold = intOption(values.threshold, 'threshold');
  process.stderr.write(`starting the network in ${values.data}…\n`);
  // Set once the network is up; the signal handler may run before that.
  const state: { network?: RunningNetwork; control?: Server } = {};
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping…\n`);
    // Still starting: main() stops what it started as soon as startNetwork returns.
    if (state.network === undefined) return;
    state.control?.close();
    state.network.stop().then(
      () => {
        process.stderr.write('stopped\n');
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  // `npx` ends on SIGTERM without passing it on: its end is our signal (emulator/process/launcher-watch.ts).
  watchLauncher((reason) => shutdown(reason));

  const network = await startNetwork({
    dataDir: values.data,
    ...(operators === undefined ? {} : { operators }),
    ...(threshold === undefined ? {} : { threshold }),
    ...(values.postgres === undefined ? {} : { postgresUrl: values.postgres }),
  });
  state.network = network;
  for (const op of network.operators) {
    op.onUnexpectedExit = (index, code, signal) => {
      process.stderr.write(`operator ${index} exited unexpectedly (${code ?? signal}); see ${op.logPath}\n`);
    };
  }
  if (stopping) {
    await network.stop();
    process.stderr.write('stopped\n');
    process.exit(0);
  }
  state.control = await serveControl(network, () => shutdown('stop requested on the control socket'));
  network.lock.update({ controlSocket: controlSocketPath(network.dataDir) });
  const summary = {
    walletOptions: network.walletOptions,
    env: network.env,
    chain: {
      bitcoindRpc: network.chain.info.bitcoindRpc,
      esploraUrl: network.chain.info.esploraUrl,
      btcdRpc: network.chain.info.btcd,
      fundCommand: `npx tsx emulator/chain/cli.ts fund <address> <sats> --data ${values.data}/chain`,
    },
    controlCommand: `npx tsx emulator/network/ctl.ts status|stop|stop-operator <i>|restart-operator <i> --data ${values.data}`,
    operators: network.operators.map((o) => ({ ...network.ready(o.index), pid: o.pid })),
    serviceProvider: network.ssp?.ready,
    dataDir: network.dataDir,
  };
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  process.stderr.write('network ready; Ctrl-C to stop\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
  process.exit(1);
});

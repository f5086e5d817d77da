/**
 * The operator process:  npx tsx emulator/operator/main.ts --config <operator.json>
 * Prints LISTENING {…} and READY {…} lines on stdout (see config.ts), logs on stderr, and stops
 * cleanly on SIGTERM / SIGINT, or when the launcher named in SPARK_PARENT_PID is gone.
 */
import { ConfigError, loadConfigFile } from './config.js';
import { OperatorError } from './errors.js';
import { Operator } from './operator.js';
import { watchParent } from '../process/parent-watch.js';

function fatal(code: string, message: string): never {
  process.stdout.write(`FATAL ${JSON.stringify({ code, message })}\n`);
  process.stderr.write(`operator: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--config');
  const file = i >= 0 ? process.argv[i + 1] : undefined;
  if (file === undefined) fatal('USAGE', 'usage: npx tsx emulator/operator/main.ts --config <operator.json>');
  let op: Operator;
  try {
    const cfg = loadConfigFile(file);
    op = await Operator.start(cfg, {
      onListening: (l) => process.stdout.write(`LISTENING ${JSON.stringify(l)}\n`),
      onReady: (r) => process.stdout.write(`READY ${JSON.stringify(r)}\n`),
    });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof OperatorError) fatal(e.code, e.message);
    fatal('START_FAILED', e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`operator ${op.cfg.index}: ${sig}, stopping\n`);
    op.stop().then(() => process.exit(0), (e: unknown) => {
      process.stderr.write(`operator ${op.cfg.index}: error while stopping: ${String(e)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Started by the network's launcher: stop when it is gone (killed without stopping us).
  watchParent(() => stop('launcher exited'));
}

void main();

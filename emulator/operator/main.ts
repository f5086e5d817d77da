/**
 * The operator process:  npx tsx emulator/operator/main.ts --config <operator.json>
 * Prints LISTENING {…} and READY {…} lines on stdout (see config.ts), logs on stderr, and stops
 * cleanly on SIGTERM / SIGINT, or when the launcher named in SPARK_PARENT_PID is gone.
 */
import { ConfigError, loadConfigFile } from './config.js';
import { OperatorError } from './errors.js';
import { Operator } from './operator.js';
import { configArg, fatalStart, stopOnSignals } from '../process/child-main.js';

async function main(): Promise<void> {
  const file = configArg('operator', 'npx tsx emulator/operator/main.ts --config <operator.json>');
  let op: Operator;
  try {
    const cfg = loadConfigFile(file);
    op = await Operator.start(cfg, {
      onListening: (l) => process.stdout.write(`LISTENING ${JSON.stringify(l)}\n`),
      onReady: (r) => process.stdout.write(`READY ${JSON.stringify(r)}\n`),
    });
  } catch (e) {
    fatalStart('operator', e, (x) => (x instanceof ConfigError || x instanceof OperatorError ? x : undefined));
  }
  stopOnSignals((m) => void process.stderr.write(`operator ${op.cfg.index}: ${m}\n`), () => op.stop());
}

void main();

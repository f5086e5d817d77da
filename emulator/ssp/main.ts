/**
 * The service-provider process:  node --import tsx emulator/ssp/main.ts --config <ssp.json>
 * Prints READY {…} or FATAL {…} on stdout (config.ts); stops on SIGTERM / SIGINT, or when the
 * launcher named in SPARK_PARENT_PID is gone.
 */
import { configArg, fatalStart, stopOnSignals } from '../process/child-main.js';
import { loadSspConfig } from './config.js';
import { SspError } from './errors.js';
import { ServiceProvider } from './ssp.js';

async function main(): Promise<void> {
  const file = configArg('ssp', 'node --import tsx emulator/ssp/main.ts --config <ssp.json>');
  const log = (m: string): void => void process.stderr.write(`ssp: ${m}\n`);
  let ssp: ServiceProvider;
  try {
    ssp = await ServiceProvider.start(loadSspConfig(file), log);
  } catch (e) {
    fatalStart('ssp', e, (x) => (x instanceof SspError ? x : undefined));
  }
  process.stdout.write(`READY ${JSON.stringify(ssp.ready)}\n`);
  stopOnSignals(log, () => ssp.stop());
}

void main();

/**
 * The service-provider process:  node --import tsx emulator/ssp/main.ts --config <ssp.json>
 * Prints READY {…} or FATAL {…} on stdout (config.ts); stops on SIGTERM / SIGINT, or when the
 * launcher named in SPARK_PARENT_PID is gone.
 */
import { watchParent } from '../process/parent-watch.js';
import { loadSspConfig } from './config.js';
import { SspError } from './errors.js';
import { ServiceProvider } from './ssp.js';

function fatal(code: string, message: string): never {
  process.stdout.write(`FATAL ${JSON.stringify({ code, message })}\n`);
  process.stderr.write(`ssp: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--config');
  const file = i >= 0 ? process.argv[i + 1] : undefined;
  if (file === undefined) fatal('USAGE', 'usage: node --import tsx emulator/ssp/main.ts --config <ssp.json>');
  const log = (m: string): void => void process.stderr.write(`ssp: ${m}\n`);
  let ssp: ServiceProvider;
  try {
    ssp = await ServiceProvider.start(loadSspConfig(file), log);
  } catch (e) {
    if (e instanceof SspError) fatal(e.code, e.message);
    fatal('START_FAILED', e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
  process.stdout.write(`READY ${JSON.stringify(ssp.ready)}\n`);
  let stopping = false;
  const stop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${why}, stopping`);
    ssp.stop().then(() => process.exit(0), (e: unknown) => {
      log(`error while stopping: ${String(e)}`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  watchParent(() => stop('launcher exited'));
}

void main();

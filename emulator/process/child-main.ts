/**
 * The entry point of a child the launcher starts (an operator, the service provider): its
 * `--config` argument, the FATAL line the launcher reads when it cannot start, and a clean stop on
 * SIGTERM / SIGINT or when the launcher is gone (parent-watch.ts).
 */
import { watchParent } from './parent-watch.js';

/** Prints FATAL {code, message} on stdout for the launcher and the message on stderr; exits 1. */
export function fatal(name: string, code: string, message: string): never {
  process.stdout.write(`FATAL ${JSON.stringify({ code, message })}\n`);
  process.stderr.write(`${name}: ${message}\n`);
  process.exit(1);
}

/** The file after `--config`; without one, a USAGE fatal that shows `usage`. */
export function configArg(name: string, usage: string): string {
  const i = process.argv.indexOf('--config');
  const file = i >= 0 ? process.argv[i + 1] : undefined;
  if (file === undefined) fatal(name, 'USAGE', `usage: ${usage}`);
  return file;
}

/** The FATAL line for a start that threw: `known` gives a typed error's code, anything else is START_FAILED. */
export function fatalStart(name: string, e: unknown, known: (e: unknown) => { code: string; message: string } | undefined): never {
  const typed = known(e);
  if (typed !== undefined) fatal(name, typed.code, typed.message);
  fatal(name, 'START_FAILED', e instanceof Error ? (e.stack ?? e.message) : String(e));
}

/**
 * Runs `stop` once on SIGTERM, SIGINT or the launcher's exit, then exits 0 (1 if stopping threw).
 * `log` prefixes what it writes with the process's own name.
 */
export function stopOnSignals(log: (message: string) => void, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (why: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${why}, stopping`);
    stop().then(() => process.exit(0), (e: unknown) => {
      log(`error while stopping: ${String(e)}`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  // Started by the network's launcher: stop when it is gone (killed without stopping us).
  watchParent(() => onSignal('launcher exited'));
}

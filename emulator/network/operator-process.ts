import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { registerChild, terminate } from '../process/child-registry.js';
import type { ListeningLine, ReadyLine } from '../operator/config.js';
import { PARENT_PID_ENV } from '../process/parent-watch.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** C2's operator entry point; the contract is in emulator/operator/config.ts. */
export const OPERATOR_MAIN = join(REPO_ROOT, 'emulator', 'operator', 'main.ts');

/**
 * Extra node options for the spawned processes, space-separated (e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof` to profile the operators under a benchmark). Empty by default.
 */
export const NODE_ARGS_ENV = 'SPARK_NODE_ARGS';

function extraNodeArgs(): string[] {
  return (process.env[NODE_ARGS_ENV] ?? '').split(/\s+/).filter((a) => a !== '');
}

export type OperatorErrorCode = 'OPERATOR_FATAL' | 'OPERATOR_EXITED' | 'OPERATOR_TIMEOUT';

export class OperatorProcessError extends Error {
  constructor(readonly code: OperatorErrorCode, message: string) {
    super(message);
    this.name = 'OperatorProcessError';
  }
}

/** What to run: the entry point and how messages name the process. Default: operator `index`. */
export interface ProcessEntry {
  main: string;
  label: string;
  /** added to the launcher's environment */
  env?: Record<string, string>;
}

/**
 * One operator process (or, with another `entry`, the service provider: same config-file and
 * READY-line contract), started from a config file and watched through its stdout lines.
 */
export class OperatorProcess<Ready = ReadyLine> {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exited: Promise<void> = Promise.resolve();
  listening: ListeningLine | undefined;
  ready: Ready | undefined;
  /** Called when the process exits without stop()/kill() having been asked (a crash). */
  onUnexpectedExit: ((index: number, code: number | null, signal: string | null) => void) | undefined;
  /** Called right after the process is spawned (e.g. to record its pid in the network's lock). */
  onSpawn: (() => void) | undefined;
  private stopping = false;

  constructor(
    readonly index: number,
    readonly configPath: string,
    readonly logPath: string,
    readonly entry: ProcessEntry = { main: OPERATOR_MAIN, label: `operator ${index}` },
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Spawns the operator and resolves on its READY line. It rejects on FATAL, on exit, or after
   * `timeoutMs`; the process is stopped in those cases.
   */
  async start(timeoutMs: number): Promise<Ready> {
    if (this.running) throw new OperatorProcessError('OPERATOR_FATAL', `${this.entry.label} is already running`);
    this.listening = undefined;
    this.ready = undefined;
    this.stopping = false;
    this.log = createWriteStream(this.logPath, { flags: 'a' });
    // `node --import tsx` rather than the tsx CLI: one process, so our signals reach the operator itself.
    const child = spawn(process.execPath, [...extraNodeArgs(), '--import', 'tsx', this.entry.main, '--config', this.configPath], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The operator exits by itself if this process dies without stopping it (emulator/process/parent-watch.ts).
      env: { ...process.env, ...this.entry.env, [PARENT_PID_ENV]: String(process.pid) },
      // Its own process group, so that a terminal Ctrl-C reaches only the launcher, which then
      // stops the operators before the chain they watch.
      detached: true,
    });
    this.child = child;
    registerChild(child);
    this.onSpawn?.();
    const log = this.log;
    this.exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.once('exit', (code, signal) => {
      if (!this.stopping && this.ready !== undefined) this.onUnexpectedExit?.(this.index, code, signal);
    });
    child.stderr?.pipe(log, { end: false });
    let tail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-3000);
    });

    return new Promise<Ready>((resolvePromise, reject) => {
      let settled = false;
      const fail = (code: OperatorErrorCode, message: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void this.stop().then(() => reject(new OperatorProcessError(code, `${this.entry.label}: ${message}\n--- stderr tail ---\n${tail}`)));
      };
      const timer = setTimeout(() => fail('OPERATOR_TIMEOUT', `no READY within ${timeoutMs} ms`), timeoutMs);
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on('line', (line) => {
        log.write(`[${new Date().toISOString()} stdout] ${line}\n`);
        const space = line.indexOf(' ');
        const keyword = space < 0 ? line : line.slice(0, space);
        const payload = space < 0 ? '' : line.slice(space + 1);
        if (keyword === 'LISTENING') {
          this.listening = JSON.parse(payload) as ListeningLine;
        } else if (keyword === 'READY') {
          this.ready = JSON.parse(payload) as Ready;
          if (!settled) {
            settled = true;
            clearTimeout(timer);
            resolvePromise(this.ready);
          }
        } else if (keyword === 'FATAL') {
          fail('OPERATOR_FATAL', payload);
        }
      });
      child.once('exit', (code, signal) => fail('OPERATOR_EXITED', `exited (${code ?? signal}) before READY`));
      child.once('error', (err) => fail('OPERATOR_EXITED', `could not start: ${err.message}`));
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.child !== undefined) await terminate(this.child, this.exited, graceMs);
    this.log?.end();
    this.log = undefined;
  }

  /** Kills without a chance to clean up, as a crash would. */
  async kill(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await this.exited;
    }
    this.log?.end();
    this.log = undefined;
  }
}

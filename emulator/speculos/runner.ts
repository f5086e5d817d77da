import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SpeculosError } from './errors.js';
import { freePort } from '../process/free-port.js';
import { REPO_ROOT, SPECULOS_PYTHON } from './paths.js';

export type SpeculosModel = 'nanosp' | 'nanox';

export interface SpeculosOptions {
  /** Path of the app ELF (must not contain ':' — Speculos splits arguments on it). */
  elfPath: string;
  /** BIP39 mnemonic (or "hex:<seed>") for the device seed. */
  seed: string;
  model?: SpeculosModel;
  apiLevel?: number;
  /** Seeds Speculos' RNG (libc rand) so runs are reproducible; omitted = time-seeded. */
  deterministicRng?: number;
  /** Speculos -t: log every syscall (slow; for debugging). */
  trace?: boolean;
  startTimeoutMs?: number;
}

const LOG_LIMIT = 256 * 1024;
const WRAPPER = path.join(REPO_ROOT, 'emulator', 'speculos', 'speculos_loopback.py');

/** A running Speculos; every port it listens on is on 127.0.0.1 and was chosen at run time. */
export class SpeculosProcess {
  readonly apduPort: number;
  readonly apiPort: number;
  readonly baseUrl: string;
  private readonly child: ChildProcess;
  private readonly output: { text: string };
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;

  constructor(child: ChildProcess, apduPort: number, apiPort: number, output: { text: string }) {
    this.child = child;
    this.apduPort = apduPort;
    this.apiPort = apiPort;
    this.baseUrl = `http://127.0.0.1:${apiPort}`;
    this.output = output;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal === null ? null : -1);
        resolve();
      });
    });
  }

  /** Everything Speculos printed so far (tail, for error messages). */
  logs(): string {
    return this.output.text;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Resolves with the exit status once the process ended (e.g. after the app called exit). */
  async waitForExit(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.exited.then(() => 'exited' as const), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      throw new SpeculosError('START_TIMEOUT', `Speculos still running after ${timeoutMs} ms`);
    }
    return this.exitCode ?? null;
  }

  /** Stops Speculos and the emulated app (its whole process group), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (!this.running || this.child.pid === undefined) {
      return;
    }
    const pgid = this.child.pid;
    const signalGroup = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-pgid, sig);
      } catch {
        // already gone
      }
    };
    signalGroup('SIGTERM');
    const killTimer = setTimeout(() => signalGroup('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(killTimer);
    signalGroup('SIGKILL'); // the qemu child, should it have outlived the Python parent
  }
}

function speculosArgs(opts: SpeculosOptions, apduPort: number, apiPort: number): string[] {
  const args = [
    WRAPPER,
    '--model',
    opts.model ?? 'nanosp',
    '--apiLevel',
    String(opts.apiLevel ?? 25),
    '--display',
    'headless',
    '--apdu-port',
    String(apduPort),
    '--api-port',
    String(apiPort),
    '--seed',
    opts.seed,
  ];
  if (opts.deterministicRng !== undefined) {
    args.push('--deterministic-rng', String(opts.deterministicRng));
  }
  if (opts.trace === true) {
    args.push('-t');
  }
  args.push(opts.elfPath);
  return args;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function restReady(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/events`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

async function startOnce(opts: SpeculosOptions): Promise<SpeculosProcess> {
  const apduPort = await freePort();
  const apiPort = await freePort();
  const output = { text: '' };
  const child = spawn(SPECULOS_PYTHON, speculosArgs(opts, apduPort, apiPort), {
    cwd: REPO_ROOT,
    detached: true, // own process group, so stop() also reaches the qemu launcher
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const append = (chunk: Buffer): void => {
    output.text = (output.text + chunk.toString('utf8')).slice(-LOG_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  // If the requested APDU port was taken meanwhile, Speculos silently binds another one and logs
  // "Server started on <host>:<port>" with the real port (speculos/mcu/apdu.py): read it there.
  let proc: SpeculosProcess | undefined;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (spawnError !== undefined) {
      throw new SpeculosError('BINARY_MISSING', `cannot run ${SPECULOS_PYTHON}: ${spawnError.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new SpeculosError(
        'EXITED',
        `Speculos exited during start (code ${String(child.exitCode)}):\n${output.text}`,
      );
    }
    const m = /apdu: Server started on [\d.]+:(\d+)/.exec(output.text);
    if (m?.[1] !== undefined && (await restReady(`http://127.0.0.1:${apiPort}`))) {
      proc = new SpeculosProcess(child, Number(m[1]), apiPort, output);
      return proc;
    }
    await sleep(100);
  }
  try {
    process.kill(-(child.pid ?? 0), 'SIGKILL');
  } catch {
    // gone
  }
  throw new SpeculosError('START_TIMEOUT', `Speculos not ready after ${opts.startTimeoutMs ?? 60_000} ms:\n${output.text}`);
}

/**
 * Starts Speculos on free loopback ports and waits until both the APDU server and the REST API
 * answer. Fails loudly when Speculos or the ELF is missing. Retries twice if Speculos dies at
 * start (e.g. the REST port was grabbed by another process between our probe and its bind).
 */
export async function startSpeculos(opts: SpeculosOptions): Promise<SpeculosProcess> {
  if (!fs.existsSync(SPECULOS_PYTHON)) {
    throw new SpeculosError('BINARY_MISSING', `${SPECULOS_PYTHON} not found: run scripts/setup.sh (creates .venv with speculos)`);
  }
  if (opts.elfPath.includes(':')) {
    throw new SpeculosError('BAD_ELF_PATH', `ELF path must not contain ':' (Speculos splits on it): ${opts.elfPath}`);
  }
  if (!fs.existsSync(opts.elfPath)) {
    throw new SpeculosError('ELF_MISSING', `${opts.elfPath} not found: run make -C device-app`);
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (!(err instanceof SpeculosError) || err.code !== 'EXITED') {
        throw err;
      }
      lastError = err;
    }
  }
  throw lastError;
}

/**
 * The network as a user runs it: `start.ts` as a real process (directly, or through `npx tsx` as
 * the README shows), `ctl.ts` and the chain CLI as commands, real signals, and a look at every
 * process that belongs to a data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigOptions } from '@buildonspark/spark-sdk';

export const REPO = join(import.meta.dirname, '..', '..');

export interface StartOutput {
  walletOptions: ConfigOptions & {
    coordinatorIdentifier: string;
    signingOperators: Record<string, { id: number; identifier: string; address: string; identityPublicKey: string }>;
  };
  env: Record<string, string>;
  operators: { index: number; identityPublicKey: string; groupPublicKey: string; publicAddress: string; internalAddress: string; keyPoolAvailable: number; pid: number }[];
  dataDir: string;
}

export interface StartOptions {
  /** 'npx': `npx tsx emulator/network/start.ts …` as in the README; 'node': `node --import tsx …`. */
  via?: 'node' | 'npx';
  postgres?: string;
  /** Its own process group (so a test can signal the group). */
  detached?: boolean;
}

/** A running `start.ts` (and, with via 'npx', the npm and tsx processes above it). */
export class NetworkCommand {
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess, readonly dataDir: string) {
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  }

  /** The launched process: npm (via 'npx') or start.ts itself (via 'node'). */
  get pid(): number {
    if (this.child.pid === undefined) throw new Error('start.ts has no pid');
    return this.child.pid;
  }

  static spawn(dataDir: string, options: StartOptions = {}): NetworkCommand {
    const args = ['emulator/network/start.ts', '--data', dataDir, '--operators', '3', '--threshold', '2', ...(options.postgres === undefined ? [] : ['--postgres', options.postgres])];
    const child =
      options.via === 'npx'
        ? spawn('npx', ['tsx', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false })
        : spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
    return new NetworkCommand(child, dataDir);
  }

  /** Starts the network and resolves with its printed JSON once it is ready. */
  static async start(dataDir: string, options: StartOptions = {}): Promise<{ cmd: NetworkCommand; out: StartOutput }> {
    const cmd = NetworkCommand.spawn(dataDir, options);
    let stdout = '';
    const out = await new Promise<StartOutput>((resolve, reject) => {
      cmd.child.stdout?.on('data', (d: Buffer) => {
        stdout += d.toString();
        try {
          resolve(JSON.parse(stdout) as StartOutput);
        } catch {
          // not complete yet
        }
      });
      void cmd.exited.then(({ code, signal }) => reject(new Error(`start.ts exited before it was ready (${code ?? signal}):\n${cmd.stderr}`)));
    });
    return { cmd, out };
  }

  signal(sig: NodeJS.Signals): void {
    process.kill(this.pid, sig);
  }
}

/** Runs a command to its end. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export function tsx(script: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', script, ...args], env);
}

/** `ctl.ts <args> --data <dataDir>`, failing on a non-zero exit. */
export async function ctl(dataDir: string, ...args: string[]): Promise<Record<string, unknown>> {
  const r = await tsx('emulator/network/ctl.ts', [...args, '--data', dataDir]);
  if (r.code !== 0) throw new Error(`ctl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** `emulator/chain/cli.ts <args> --data <dataDir>/chain`, failing on a non-zero exit; stdout. */
export async function chainCli(dataDir: string, ...args: string[]): Promise<string> {
  const r = await tsx('emulator/chain/cli.ts', [...args, '--data', join(dataDir, 'chain')]);
  if (r.code !== 0) throw new Error(`chain cli ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/**
 * Every live process whose command line names `dataDir`: start.ts (--data), npm/tsx above it,
 * the operators (their config files), btcd (--datadir) and its watchdog.
 */
export function processesOf(dataDir: string): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // A zombie has exited; it only waits for its parent to read its status.
      if (state.slice(state.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (cmd.includes(dataDir)) found.push({ pid: Number(entry), cmd });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** Waits until no process of `dataDir` is left; returns those still there after `timeoutMs`. */
export async function waitForNoProcesses(dataDir: string, timeoutMs: number): Promise<{ pid: number; cmd: string }[]> {
  const deadline = Date.now() + timeoutMs;
  let left = processesOf(dataDir);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    left = processesOf(dataDir);
  }
  return left;
}

/** SIGKILL to every process of `dataDir` at once: a power cut, as far as the network can tell. */
export function killEverything(dataDir: string): number {
  const all = processesOf(dataDir);
  for (const p of all) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return all.length;
}

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RpcClient } from '../../emulator/chain/rpc-client.js';

const REPO = join(import.meta.dirname, '..', '..');

interface StartOutput {
  walletOptions: {
    network: string;
    threshold: number;
    coordinatorIdentifier: string;
    signingOperators: Record<string, { id: number; identifier: string; address: string; identityPublicKey: string }>;
    sspClientOptions?: { baseUrl: string; identityPublicKey: string };
    optimizationOptions?: unknown;
    tokenOptimizationOptions?: unknown;
  };
  env: Record<string, string>;
  operators: { index: number; identityPublicKey: string; groupPublicKey: string; pid: number }[];
  serviceProvider?: { url: string; identityPublicKey: string; pid: number };
}

/** Runs the start command until its JSON is printed, sends SIGTERM, and waits for a clean exit. */
async function runOnce(dataDir: string, inspect: (out: StartOutput) => Promise<void>): Promise<{ out: StartOutput; code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/network/start.ts', '--data', dataDir, '--operators', '3', '--threshold', '2'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const out = await new Promise<StartOutput>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        try {
          resolve(JSON.parse(stdout) as StartOutput);
        } catch {
          // not complete yet
        }
      });
      void exited.then((code) => reject(new Error(`start exited early (${code}): ${stderr}`)));
    });
    await inspect(out);
    child.kill('SIGTERM');
    const code = await exited;
    return { out, code, stderr };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Two full network starts; generous for a loaded 2-core CI machine.
describe('start command', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'start-command-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the wallet options, stops cleanly on SIGTERM, and a second start reuses the data', async () => {
    const dataDir = join(dir, 'network');
    let heightAfterMining = 0;
    const first = await runOnce(dataDir, async (out) => {
      const chain = new RpcClient({ url: out.env.BITCOIN_RPC_URL ?? '', user: out.env.BITCOIN_RPC_USER ?? '', pass: out.env.BITCOIN_RPC_PASSWORD ?? '' });
      await chain.call('generate', [5]);
      heightAfterMining = await chain.getBlockCount();
    });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/stopped/);
    const opts = first.out.walletOptions;
    expect(opts.network).toBe('LOCAL');
    expect(opts.threshold).toBe(2);
    expect(Object.keys(opts.signingOperators)).toHaveLength(3);
    expect(opts.signingOperators[opts.coordinatorIdentifier]).toBeDefined();
    for (const op of Object.values(opts.signingOperators)) {
      expect(op.address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(op.identityPublicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    }
    expect(first.out.env.GRPC_DEFAULT_SSL_ROOTS_FILE_PATH).toBe(join(dataDir, 'tls', 'ca.pem'));
    for (const op of first.out.operators) expect(pidAlive(op.pid)).toBe(false);
    // The service provider is started by default and named in the wallet options; it stops too.
    expect(opts.sspClientOptions?.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(opts.sspClientOptions?.identityPublicKey).toBe(first.out.serviceProvider?.identityPublicKey);
    // With the SSP, the SDK's defaults: leaf optimization on (no optimizationOptions to override it).
    expect(opts.optimizationOptions).toBeUndefined();
    expect(opts.tokenOptimizationOptions).toBeUndefined();
    expect(pidAlive(first.out.serviceProvider?.pid ?? 0)).toBe(false);
    expect(new Set(first.out.operators.map((o) => o.groupPublicKey)).size).toBe(1);

    const second = await runOnce(dataDir, async (out) => {
      const chain = new RpcClient({ url: out.env.BITCOIN_RPC_URL ?? '', user: out.env.BITCOIN_RPC_USER ?? '', pass: out.env.BITCOIN_RPC_PASSWORD ?? '' });
      expect(await chain.getBlockCount()).toBe(heightAfterMining);
    });
    expect(second.code).toBe(0);
    // Same keys, same DKG result, and (ports being free again) the same wallet options.
    expect(second.out.operators.map((o) => o.identityPublicKey)).toEqual(first.out.operators.map((o) => o.identityPublicKey));
    expect(second.out.operators.map((o) => o.groupPublicKey)).toEqual(first.out.operators.map((o) => o.groupPublicKey));
    expect(second.out.walletOptions).toEqual(first.out.walletOptions);
  });

  it('refuses a data directory that holds a network of another shape', async () => {
    const dataDir = join(dir, 'network');
    const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/network/start.ts', '--data', dataDir, '--operators', '5', '--threshold', '3'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr).toMatch(/holds a 2-of-3 network on pglite; asked for 3-of-5/);
  });
});

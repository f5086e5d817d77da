import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Runs `tsx bridge/headless.ts …` as a user would; resolves with its output once `until` matches or it exits. */
function runHeadless(args: string[], until: RegExp, timeoutMs = 90_000) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bridge/headless.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const matched = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(until)} within ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = until.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(out);
    });
  });
  return { child, matched, exited, output: () => out };
}

describe('the headless command', { timeout: 120_000 }, () => {
  it('one command starts the core and serves the UI and the API on 127.0.0.1; SIGTERM stops it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-cli-'));
    const networkFile = path.join(dir, 'network.json');
    writeFileSync(networkFile, JSON.stringify({ walletOptions: { network: 'LOCAL' }, env: {} }));
    // Port 1 never has a Speculos: the bridge runs, showing "no device".
    const run = runHeadless(['--network', networkFile, '--speculos', '127.0.0.1:1', '--port', '0', '--data', path.join(dir, 'data')], /UI and API on (http:\/\/127\.0\.0\.1:\d+)/);
    try {
      const line = await run.matched;
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0];
      expect(url).toBeDefined();
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      const session = /name="bridge-session" content="([0-9a-f]{64})"/.exec(await page.text())?.[1];
      expect(session).toBeDefined();
      const status = (await (await fetch(`${url}/ui/api/op/status`, { method: 'POST', headers: { 'x-bridge-session': session ?? '' }, body: '{}' })).json()) as {
        device: { state: string; source: string };
      };
      expect(status.device).toMatchObject({ state: 'no-device', source: 'Speculos 127.0.0.1:1' });
      expect((await fetch(`${url}/api/v1/openapi.json`)).status).toBe(200);
      expect((await fetch(`${url}/api/v1/balance`)).status).toBe(401);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  });

  it('refuses to start without a network file, and with a device address that is not loopback', async () => {
    const missing = runHeadless([], /--network <file> is required/);
    expect(await missing.matched).toMatch(/--network <file> is required/);
    expect(await missing.exited).toBe(1);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-cli-'));
    const networkFile = path.join(dir, 'network.json');
    writeFileSync(networkFile, JSON.stringify({ walletOptions: { network: 'LOCAL' } }));
    const remote = runHeadless(['--network', networkFile, '--speculos', '10.0.0.2:9999', '--data', dir], /--speculos takes 127\.0\.0\.1:<apdu port>/);
    expect(await remote.matched).toMatch(/--speculos takes/);
    expect(await remote.exited).toBe(1);
  });
});

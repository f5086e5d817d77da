import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeApiClient, BridgeApiError, type Credentials } from '../api/client.js';
import { BridgeCore } from '../core/bridge-core.js';
import { startBridgeServer, type RunningBridgeServer } from './http-server.js';
import { PairingRegistry } from './pairing.js';

/** A core with no device and no wallet: the API's gatekeeping is what is under test here. */
function offlineCore(dataDir: string): BridgeCore {
  const never = (): never => {
    throw new Error('no wallet in this test');
  };
  return new BridgeCore({ source: { description: 'none', open: () => Promise.reject(new Error('absent')) }, dataDir, signerFactory: never, openWallet: never });
}

const running: { server: RunningBridgeServer; core: BridgeCore }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.server.close();
    await r.core.stop();
  }
});

async function start(opts: { appRate?: { capacity: number; perSecond: number } } = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-server-'));
  const core = offlineCore(dataDir);
  const pairing = new PairingRegistry(dataDir);
  await pairing.load();
  const server = await startBridgeServer({ core, pairing, ...opts });
  running.push({ server, core });
  const ui = (name: string, args: unknown = {}, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/ui/api/op/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-bridge-session': server.uiSession, ...headers }, body: JSON.stringify(args) });
  return { server, pairing, dataDir, ui };
}

/** Pairs `client` as the user would: request, the bridge UI confirms the code, collect. */
async function pair(client: BridgeApiClient, ui: (name: string, args?: unknown) => Promise<Response>, name = 'test wallet'): Promise<Credentials> {
  const ticket = await client.requestPairing(name);
  const listed = (await (await ui('pairings')).json()) as { pending: { requestId: string; code: string; name: string }[] };
  expect(listed.pending).toEqual([expect.objectContaining({ requestId: ticket.requestId, code: ticket.code, name })]);
  expect((await ui('approvePairing', { requestId: ticket.requestId, code: ticket.code })).status).toBe(200);
  return await client.waitForPairing(ticket, 5_000);
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BridgeApiError);
  return (err as BridgeApiError).code;
}

describe('headless server: local API', () => {
  it('listens on 127.0.0.1 only and answers only to its own Host (DNS rebinding)', async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const status = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: `evil.example:${server.port}` } }, (res) => resolve(res.statusCode ?? 0)).on('error', reject);
    });
    expect(status).toBe(421);
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(await page.text()).toContain(`content="${server.uiSession}"`);
  });

  it('pairs with a code the user confirms; the token is delivered once; signed calls then work', async () => {
    const { server, ui } = await start();
    const client = new BridgeApiClient(server.url);
    const ticket = await client.requestPairing('cli wallet');
    expect(ticket.code).toMatch(/^\d{6}$/);
    // Before the user confirms: pending. A wrong code is refused.
    const early = await fetch(`${server.url}/api/v1/pair/${ticket.requestId}`, { method: 'POST', body: JSON.stringify({ pollSecret: ticket.pollSecret }) });
    expect(early.status).toBe(202);
    expect((await ui('approvePairing', { requestId: ticket.requestId, code: ticket.code === '000000' ? '111111' : '000000' })).status).toBe(400);
    expect((await ui('approvePairing', { requestId: ticket.requestId, code: ticket.code })).status).toBe(200);
    const creds = await client.waitForPairing(ticket, 5_000);
    expect(creds.token).toMatch(/^[0-9a-f]{64}$/);
    // Collecting again (a replay of the pairing answer) is refused.
    expect(await refusal(client.waitForPairing(ticket, 1_000))).toBe('PAIRING_UNKNOWN');
    expect(await client.call(creds, 'GET', '/api/v1/device')).toMatchObject({ state: 'no-device' });
    // Authenticated, but no wallet is open: the core's typed error, not an auth refusal.
    expect(await refusal(client.call(creds, 'GET', '/api/v1/balance'))).toBe('WALLET_NOT_OPEN');
    const apps = (await (await ui('pairings')).json()) as { apps: { name: string; token?: string }[] };
    expect(apps.apps).toEqual([expect.objectContaining({ name: 'cli wallet' })]);
    expect(apps.apps[0]?.token).toBeUndefined();
  });

  it('refuses an unpaired client, a bad signature, a replayed request, a stale one, and a revoked app', async () => {
    const { server, ui } = await start();
    const client = new BridgeApiClient(server.url);
    expect((await fetch(`${server.url}/api/v1/identity`)).status).toBe(401);
    expect(await refusal(client.call({ appId: 'a'.repeat(32), token: 'b'.repeat(64) }, 'GET', '/api/v1/device'))).toBe('UNPAIRED');
    const creds = await pair(client, ui);
    expect(await refusal(client.call({ ...creds, token: 'c'.repeat(64) }, 'GET', '/api/v1/device'))).toBe('BAD_SIGNATURE');
    const init = client.signedInit(creds, 'GET', '/api/v1/device');
    expect((await fetch(`${server.url}/api/v1/device`, init)).status).toBe(200);
    const replay = await fetch(`${server.url}/api/v1/device`, init);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('REPLAYED');
    // A signed request for one path does not authorize another.
    const moved = await fetch(`${server.url}/api/v1/balance`, client.signedInit(creds, 'GET', '/api/v1/device'));
    expect(((await moved.json()) as { error: { code: string } }).error.code).toBe('BAD_SIGNATURE');
    const stale = new BridgeApiClient(server.url, { now: () => Date.now() - 120_000 });
    expect(await refusal(stale.call(creds, 'GET', '/api/v1/device'))).toBe('STALE_REQUEST');
    const { apps } = (await (await ui('pairings')).json()) as { apps: { id: string }[] };
    expect((await ui('revokeApp', { appId: apps[0]?.id })).status).toBe(200);
    expect(await refusal(client.call(creds, 'GET', '/api/v1/device'))).toBe('REVOKED');
  });

  it('binds an app to the origin it paired from: another site, or a program posing as it, is refused', async () => {
    const { server, ui } = await start();
    const webApp = new BridgeApiClient(server.url, { origin: 'https://wallet.example' });
    const creds = await pair(webApp, ui, 'web wallet');
    expect(await webApp.call(creds, 'GET', '/api/v1/device')).toMatchObject({ state: 'no-device' });
    expect(await refusal(new BridgeApiClient(server.url, { origin: 'https://evil.example' }).call(creds, 'GET', '/api/v1/device'))).toBe('WRONG_ORIGIN');
    expect(await refusal(new BridgeApiClient(server.url).call(creds, 'GET', '/api/v1/device'))).toBe('WRONG_ORIGIN');
  });

  it('rate-limits each app and the pairing endpoint', async () => {
    const { server, ui } = await start({ appRate: { capacity: 3, perSecond: 0.01 } });
    const client = new BridgeApiClient(server.url);
    const creds = await pair(client, ui);
    for (let i = 0; i < 3; i++) await client.call(creds, 'GET', '/api/v1/device');
    const limited = await fetch(`${server.url}/api/v1/device`, client.signedInit(creds, 'GET', '/api/v1/device'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(await client.requestPairing(`spam ${i}`).then(() => 'ok', (e: unknown) => (e as BridgeApiError).code));
    // One pairing was used above; four more fit in the burst of five.
    expect(codes).toEqual(['ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('the UI API answers only the bridge’s own page: the session secret and its own origin', async () => {
    const { server, ui } = await start();
    expect((await ui('status')).status).toBe(200);
    const noSession = await fetch(`${server.url}/ui/api/op/status`, { method: 'POST', body: '{}' });
    expect(noSession.status).toBe(401);
    const crossSite = await ui('status', {}, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect((await ui('noSuchOperation')).status).toBe(404);
    const bad = await ui('setDeviceSource', { address: '10.0.0.5:9999' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
  });

  it('serves the API schema', async () => {
    const { server } = await start();
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/pair', '/api/v1/identity', '/api/v1/balance', '/api/v1/deposit-address', '/api/v1/send', '/api/v1/events']));
  });
});

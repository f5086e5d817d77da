import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BridgeCore, CoreEvent } from '../core/bridge-core.js';
import { ApiError } from './api-errors.js';
import { openEventStream, parseJson, readBody, sendError, sendJson } from './http-util.js';
import { createUiOperations, isUiOperation } from './operations.js';
import type { PairingRegistry } from './pairing.js';
import { RateLimiter } from './rate-limit.js';
import { INDEX_HTML, OPENAPI_JSON, STATIC_FILES } from './static-files.js';

export interface BridgeServerOptions {
  core: BridgeCore;
  pairing: PairingRegistry;
  /** 0 = a free port. The server binds 127.0.0.1 only; there is no option to change it. */
  port?: number;
  /** Requests per app: burst and refill per second. */
  appRate?: { capacity: number; perSecond: number };
  /** Sends per app (each asks the user for approvals): burst and refill per second. */
  sendRate?: { capacity: number; perSecond: number };
}

export interface RunningBridgeServer {
  url: string;
  port: number;
  /** The secret the bridge's own UI page carries (the Electron shell and tests use it). */
  uiSession: string;
  close(): Promise<void>;
}

/** Events a paired application may see: no pairing or storage details, only its wallet's. */
function forApps(e: CoreEvent): boolean {
  return e.type === 'round-step' || e.type === 'operation' || e.type === 'device' || e.type === 'changed' || e.type === 'device-prompt';
}

/**
 * The headless bridge's HTTP server: the UI page and its API (/ui/…, for the bridge's own page
 * only), and the local API for paired applications (/api/v1/…, bridge/api/openapi.json). Binds
 * 127.0.0.1; refuses any Host header but its own (DNS rebinding) and any cross-origin call to
 * the UI API.
 */
export async function startBridgeServer(options: BridgeServerOptions): Promise<RunningBridgeServer> {
  const { core, pairing } = options;
  const uiSession = randomBytes(32).toString('hex');
  const ops = createUiOperations(core, pairing);
  const appLimiter = new RateLimiter(options.appRate?.capacity ?? 30, options.appRate?.perSecond ?? 5);
  const sendLimiter = new RateLimiter(options.sendRate?.capacity ?? 3, options.sendRate?.perSecond ?? 0.05);
  const pairLimiter = new RateLimiter(5, 0.1);
  let port = 0;
  const ownOrigins = (): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const ownHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const indexTemplate = await fs.readFile(INDEX_HTML, 'utf8');
  const importMapHash = inlineScriptHash(indexTemplate);

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, err);
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!ownHosts().includes(req.headers.host ?? '')) {
      throw new ApiError('WRONG_HOST', 421, 'this bridge answers only to 127.0.0.1 and localhost on its own port');
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const p = url.pathname;
    if (p.startsWith('/api/')) return await handleApi(req, res, url);
    if (p.startsWith('/ui/api/')) return await handleUiApi(req, res, url);
    if (req.method !== 'GET') throw new ApiError('NOT_FOUND', 404, `${req.method ?? ''} ${p}`);
    if (p === '/' || p === '/index.html') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        // The page runs only its own scripts and cannot be framed by another site.
        // The page runs only its own scripts (and its import map, by hash) and cannot be framed.
        'content-security-policy': `default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self' '${importMapHash}'; frame-ancestors 'none'`,
        'x-frame-options': 'DENY',
      });
      res.end(indexTemplate.replace('%%UI_SESSION%%', uiSession));
      return;
    }
    const file = STATIC_FILES[p];
    if (file === undefined) throw new ApiError('NOT_FOUND', 404, `no such page: ${p}`);
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
    res.end(await fs.readFile(file.file));
  }

  function checkUiCaller(req: IncomingMessage, given: string | undefined): void {
    const origin = req.headers.origin;
    if (origin !== undefined && !ownOrigins().includes(origin)) throw new ApiError('WRONG_ORIGIN', 403, 'the bridge UI API is for the bridge’s own page only');
    const a = Buffer.from(given ?? '', 'utf8');
    const b = Buffer.from(uiSession, 'utf8');
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new ApiError('UNPAIRED', 401, 'not the bridge’s own page');
  }

  async function handleUiApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/ui/api/events' && req.method === 'GET') {
      checkUiCaller(req, url.searchParams.get('session') ?? undefined);
      const write = openEventStream(req, res, {}, () => {
        offCore();
        offPairing();
      });
      const offCore = core.on('event', write);
      const offPairing = pairing.on('changed', (c) => write({ type: 'pairings', ...c }));
      write({ type: 'device', status: core.device.status() });
      return;
    }
    const m = /^\/ui\/api\/op\/([A-Za-z]+)$/.exec(url.pathname);
    if (m === null || req.method !== 'POST') throw new ApiError('NOT_FOUND', 404, `no such UI call: ${url.pathname}`);
    const header = req.headers['x-bridge-session'];
    checkUiCaller(req, typeof header === 'string' ? header : undefined);
    const name = m[1] ?? '';
    if (!isUiOperation(ops, name)) throw new ApiError('NOT_FOUND', 404, `no such UI call: ${name}`);
    const args = parseJson(await readBody(req));
    const op = ops[name] as (a: unknown) => unknown;
    sendJson(res, 200, await op(args));
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const origin = req.headers.origin;
    // Browsers read our answers only when we name their origin; what a request may do is
    // decided by the pairing checks below, not by CORS.
    const cors: Record<string, string> = origin === undefined ? {} : { 'access-control-allow-origin': origin, vary: 'Origin' };
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' });
        res.end();
        return;
      }
      const p = url.pathname;
      const body = req.method === 'POST' ? await readBody(req) : '';
      if (p === '/api/v1/openapi.json' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json', ...cors });
        res.end(await fs.readFile(OPENAPI_JSON));
        return;
      }
      if (p === '/api/v1/pair' && req.method === 'POST') {
        if (!pairLimiter.take('pairing')) throw rateLimited(pairLimiter, 'pairing');
        const name = (parseJson(body) as { name?: unknown }).name;
        if (typeof name !== 'string') throw new ApiError('BAD_REQUEST', 400, 'name (string) is required');
        sendJson(res, 201, pairing.request(name, origin ?? 'null'), cors);
        return;
      }
      const collect = /^\/api\/v1\/pair\/([0-9a-f]{32})$/.exec(p);
      if (collect !== null && req.method === 'POST') {
        const secret = (parseJson(body) as { pollSecret?: unknown }).pollSecret;
        if (typeof secret !== 'string' || !/^[0-9a-f]{64}$/.test(secret)) throw new ApiError('BAD_REQUEST', 400, 'pollSecret (64 hex) is required');
        const outcome = pairing.collect(collect[1] ?? '', secret);
        sendJson(res, outcome.state === 'pending' ? 202 : 200, outcome, cors);
        return;
      }
      const app = pairing.authenticate({ method: req.method ?? 'GET', pathWithQuery: url.pathname + url.search, authorization: req.headers.authorization, origin, body });
      if (!appLimiter.take(app.id)) throw rateLimited(appLimiter, app.id);
      const session = core.session();
      const route = `${req.method ?? ''} ${p}`;
      switch (route) {
        case 'GET /api/v1/identity':
          return sendJson(res, 200, session.identityInfo(), cors);
        case 'GET /api/v1/device':
          return sendJson(res, 200, core.device.status(), cors);
        case 'GET /api/v1/balance':
          return sendJson(res, 200, await session.balance(), cors);
        case 'POST /api/v1/deposit-address':
          return sendJson(res, 200, { address: await session.depositAddress() }, cors);
        case 'POST /api/v1/send': {
          if (!sendLimiter.take(app.id)) throw rateLimited(sendLimiter, app.id);
          const args = parseJson(body);
          const result = await ops.send(args);
          return sendJson(res, 200, result, cors);
        }
        case 'GET /api/v1/events': {
          const write = openEventStream(req, res, cors, () => off());
          const off = core.on('event', (e) => {
            if (forApps(e)) write(e);
          });
          write({ type: 'device', status: core.device.status() });
          return;
        }
        default:
          throw new ApiError('NOT_FOUND', 404, `no such API call: ${route}`);
      }
    } catch (err) {
      const headers = err instanceof ApiError && err.code === 'RATE_LIMITED' ? { ...cors, 'retry-after': err.message.replace(/\D+/g, '') || '1' } : cors;
      sendError(res, err, headers);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    uiSession,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function rateLimited(limiter: RateLimiter, key: string): ApiError {
  return new ApiError('RATE_LIMITED', 429, `too many requests; retry in ${limiter.retryAfterSeconds(key)} s`);
}

/** The CSP source of the page's one inline script (its import map). */
function inlineScriptHash(html: string): string {
  const m = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html);
  if (m === null) throw new Error('bridge/ui/index.html has no import map');
  return `sha256-${createHash('sha256').update(m[1] ?? '').digest('base64')}`;
}

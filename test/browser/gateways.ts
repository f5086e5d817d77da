import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

/**
 * A gRPC-web to gRPC gateway for one operator, for a browser page: the SDK's browser build speaks
 * gRPC-web over fetch (nice-grpc-web), our operators speak gRPC over HTTP/2 with TLS. gRPC-web
 * carries the same length-prefixed messages; only the trailers move into the body, as a frame
 * whose flag byte is 0x80 and whose payload is the trailers as HTTP/1 header lines
 * (docs/sdk-wire.md, section "The browser build"). Streams pass through as they come.
 * Loopback only; answers CORS preflights from any origin (the page is a test page).
 */
/** A local gateway a page talks to. */
export interface PageGateway {
  url: string;
  close(): Promise<void>;
}

/** Headers a browser adds or gRPC-web uses that the gRPC server must not see. */
const DROP = new Set(['host', 'connection', 'content-length', 'origin', 'referer', 'accept', 'accept-encoding', 'accept-language', 'content-type', 'x-grpc-web', 'x-requested-with', 'x-user-agent', 'user-agent', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-dest', 'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform', 'priority']);

function cors(origin: string | undefined): Record<string, string> {
  return {
    'access-control-allow-origin': origin ?? '*',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': '*, authorization',
    'access-control-expose-headers': 'grpc-status, grpc-message',
    'access-control-max-age': '600',
  };
}

function metadata(h: http2.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (!k.startsWith(':') && k !== 'content-type' && v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

function trailerFrame(trailers: http2.IncomingHttpHeaders): Buffer {
  const text = Object.entries(metadata(trailers)).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const payload = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(5);
  head[0] = 0x80;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

function forwardHeaders(h: IncomingHttpHeaders, path: string): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = { ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' };
  for (const [k, v] of Object.entries(h)) if (!DROP.has(k) && v !== undefined) out[k] = v;
  return out;
}

/** Serves gRPC-web on 127.0.0.1 and forwards each call to `target` (https://host:port) trusting `caPath`. */
export async function startGrpcWebProxy(target: string, caPath: string): Promise<PageGateway> {
  const ca = readFileSync(caPath);
  let session: http2.ClientHttp2Session | undefined;
  const connect = (): http2.ClientHttp2Session => {
    if (session === undefined || session.closed || session.destroyed) {
      session = http2.connect(target, { ca });
      session.on('error', () => undefined);
    }
    return session;
  };
  const server = corsServer((req, body, res, headers) => {
    const call = connect().request(forwardHeaders(req.headers, req.url ?? '/'));
    call.on('response', (h) => {
      // A trailers-only answer (an error before any message) carries its status here.
      res.writeHead(200, { ...headers, 'content-type': 'application/grpc-web+proto', ...metadata(h) });
    });
    call.on('data', (c: Buffer) => res.write(c));
    call.on('trailers', (t) => res.write(trailerFrame(t)));
    call.on('end', () => res.end());
    call.on('error', (e) => {
      if (!res.headersSent) res.writeHead(200, { ...headers, 'content-type': 'application/grpc-web+proto', 'grpc-status': '14', 'grpc-message': encodeURIComponent(e.message) });
      res.end();
    });
    // The page went away (a stream it cancelled): end the call too.
    res.on('close', () => call.close());
    call.end(body);
  });
  return await listenLocal(server, () => session?.destroy());
}

/**
 * An HTTP/1 reverse proxy that adds CORS headers, for a page that must reach a local service that
 * answers no CORS preflight (the chain's bitcoind-style JSON-RPC, which the SDK reads on LOCAL).
 */
export async function startCorsProxy(target: string): Promise<PageGateway> {
  const server = corsServer((req, body, res, headers) => {
    const forward: Record<string, string> = {};
    for (const k of ['authorization', 'content-type']) if (typeof req.headers[k] === 'string') forward[k] = req.headers[k];
    fetch(new URL(req.url ?? '/', target), { method: req.method ?? 'GET', headers: forward, ...(req.method === 'GET' ? {} : { body: new Uint8Array(body) }) })
      .then(async (r) => {
        res.writeHead(r.status, { ...headers, 'content-type': r.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await r.arrayBuffer()));
      })
      .catch((e: unknown) => res.writeHead(502, headers).end(String(e)));
  });
  return await listenLocal(server);
}

/** A server that answers CORS preflights and hands each other request, with its whole body, to `handle`. */
function corsServer(handle: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, headers: Record<string, string>) => void): http.Server {
  return http.createServer((req, res) => {
    const headers = cors(req.headers.origin);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, headers).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks), res, headers));
  });
}

/** Serves on a free loopback port; closing ends every connection. */
async function listenLocal(server: http.Server, onClose: () => void = () => undefined): Promise<PageGateway> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      onClose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

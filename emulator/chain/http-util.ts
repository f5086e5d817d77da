import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** An HTTP server bound to 127.0.0.1 with its URL and a close that also drops idle sockets. */
export interface LocalHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Reads a request body up to `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 4 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new Error(`request body larger than ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts `handler` on 127.0.0.1 (port 0 = a free one chosen by the kernel). */
export async function listenLocal(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  port = 0,
): Promise<LocalHttpServer> {
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${String(err)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Checks an HTTP Basic Authorization header against a user and password. */
export function basicAuthMatches(req: IncomingMessage, user: string, pass: string): boolean {
  const header = req.headers.authorization;
  if (header === undefined || !header.startsWith('Basic ')) return false;
  return Buffer.from(header.slice(6), 'base64').toString('utf8') === `${user}:${pass}`;
}

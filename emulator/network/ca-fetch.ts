import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';

/**
 * Node reads NODE_EXTRA_CA_CERTS only when a process starts, so a test process that starts a
 * network cannot make the global fetch (which the SDK's SSP client uses) trust the network's CA
 * that way (docs/ssp.md, section "TLS"). This wraps the global fetch, before the SDK captures it,
 * so that https requests also trust `caPath`; other requests go through unchanged.
 */
export function trustCaInGlobalFetch(caPath: string): void {
  const ca = [...rootCertificates, readFileSync(caPath, 'utf8')];
  const base = globalThis.fetch.bind(globalThis);
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'https:' || input instanceof Request) return base(input, init);
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new TypeError('trustCaInGlobalFetch: only string and Uint8Array bodies are supported');
    }
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => void (headers[k] = v));
    return new Promise<Response>((resolve, reject) => {
      const req = request(url, { method: init?.method ?? 'GET', headers, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, statusText: res.statusMessage ?? '', headers: h }));
        });
        res.on('error', reject);
      });
      req.on('error', (e) => reject(new TypeError(`fetch failed: ${e.message}`, { cause: e })));
      init?.signal?.addEventListener('abort', () => req.destroy(new Error('aborted')));
      if (body !== undefined && body !== null) req.write(body);
      req.end();
    });
  };
}

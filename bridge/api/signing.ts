import { createHash, createHmac } from 'node:crypto';

/**
 * How a paired application proves each request (bridge/api/README.md, section "Authenticating
 * requests"): HMAC-SHA256 with its token over the method, the path with query, a timestamp, a
 * fresh nonce and the SHA-256 of the body. The token itself never travels after pairing, and the
 * bridge accepts each nonce once within the time window, so a captured request cannot be replayed.
 */
export const AUTH_SCHEME = 'Spark-Bridge';

export function bodyDigest(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

export function requestMac(token: string, method: string, pathWithQuery: string, timestampMs: number, nonce: string, body: string | Uint8Array): string {
  const text = `${method.toUpperCase()}\n${pathWithQuery}\n${timestampMs}\n${nonce}\n${bodyDigest(body)}`;
  return createHmac('sha256', Buffer.from(token, 'hex')).update(text).digest('hex');
}

export interface AuthHeader {
  app: string;
  ts: number;
  nonce: string;
  sig: string;
}

export function formatAuthHeader(h: AuthHeader): string {
  return `${AUTH_SCHEME} app=${h.app}, ts=${h.ts}, nonce=${h.nonce}, sig=${h.sig}`;
}

/** Parses the Authorization header; undefined when it is absent or not ours. */
export function parseAuthHeader(value: string | undefined): AuthHeader | undefined {
  if (value === undefined || !value.startsWith(`${AUTH_SCHEME} `)) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.slice(AUTH_SCHEME.length + 1).split(',')) {
    const [k, v] = part.trim().split('=');
    if (k !== undefined && v !== undefined) fields.set(k, v);
  }
  const app = fields.get('app');
  const ts = Number(fields.get('ts'));
  const nonce = fields.get('nonce');
  const sig = fields.get('sig');
  if (app === undefined || !/^[0-9a-f]{32}$/.test(app)) return undefined;
  if (!Number.isSafeInteger(ts)) return undefined;
  if (nonce === undefined || !/^[0-9a-f]{32,64}$/.test(nonce)) return undefined;
  if (sig === undefined || !/^[0-9a-f]{64}$/.test(sig)) return undefined;
  return { app, ts, nonce, sig };
}

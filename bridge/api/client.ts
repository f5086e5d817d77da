import { randomBytes } from 'node:crypto';
import { formatAuthHeader, requestMac } from './signing.js';

/** A refusal or failure from the bridge's local API, with its code (bridge/api/openapi.json). */
export class BridgeApiError extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeApiError';
  }
}

export interface PairingTicket {
  requestId: string;
  /** Show this to the user: the bridge shows the same code and asks them to confirm. */
  code: string;
  pollSecret: string;
  expiresAt: number;
}

export interface Credentials {
  appId: string;
  token: string;
}

/**
 * A client of the bridge's local API for another application on the same computer: pair, then
 * call with each request signed (bridge/api/README.md). `origin` is sent as the Origin header,
 * as a browser would; leave it out for a program.
 */
export class BridgeApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly options: { origin?: string; now?: () => number } = {},
  ) {}

  async requestPairing(name: string): Promise<PairingTicket> {
    return (await this.plain('POST', '/api/v1/pair', { name })) as PairingTicket;
  }

  /** Waits until the user answered in the bridge; the token is delivered once. */
  async waitForPairing(ticket: PairingTicket, timeoutMs = 120_000): Promise<Credentials> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const r = (await this.plain('POST', `/api/v1/pair/${ticket.requestId}`, { pollSecret: ticket.pollSecret })) as { state: string; appId?: string; token?: string };
      if (r.state === 'approved' && r.appId !== undefined && r.token !== undefined) return { appId: r.appId, token: r.token };
      await new Promise((res) => setTimeout(res, 250));
    }
    throw new BridgeApiError('PAIRING_TIMEOUT', 0, 'the user did not answer the pairing request in time');
  }

  /** One signed call. Returns the parsed JSON body; throws BridgeApiError on refusal. */
  async call(credentials: Credentials, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const init = this.signedInit(credentials, method, path, body);
    return await this.parse(await fetch(this.baseUrl + path, init));
  }

  /** The headers and body of a signed request (exposed so tests can replay one on purpose). */
  signedInit(credentials: Credentials, method: 'GET' | 'POST', path: string, body?: unknown): RequestInit {
    const text = body === undefined ? '' : JSON.stringify(body);
    const ts = (this.options.now ?? Date.now)();
    const nonce = randomBytes(16).toString('hex');
    const sig = requestMac(credentials.token, method, path, ts, nonce, text);
    const headers: Record<string, string> = { authorization: formatAuthHeader({ app: credentials.appId, ts, nonce, sig }) };
    if (text.length > 0) headers['content-type'] = 'application/json';
    if (this.options.origin !== undefined) headers.origin = this.options.origin;
    return { method, headers, ...(text.length > 0 ? { body: text } : {}) };
  }

  /** Opens the signed event stream and calls `onEvent` per event until `signal` aborts. */
  async events(credentials: Credentials, onEvent: (e: { type: string } & Record<string, unknown>) => void, signal: AbortSignal): Promise<void> {
    const res = await fetch(this.baseUrl + '/api/v1/events', { ...this.signedInit(credentials, 'GET', '/api/v1/events'), signal });
    if (!res.ok || res.body === null) {
      await this.parse(res);
      return;
    }
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let i: number;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data !== undefined) onEvent(JSON.parse(data.slice(6)) as { type: string });
        }
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  private async plain(method: string, path: string, body: unknown): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.origin !== undefined) headers.origin = this.options.origin;
    return await this.parse(await fetch(this.baseUrl + path, { method, headers, body: JSON.stringify(body) }));
  }

  private async parse(res: Response): Promise<unknown> {
    const body = (await res.json()) as { error?: { code: string; message: string } };
    if (!res.ok && res.status !== 202) throw new BridgeApiError(body.error?.code ?? `HTTP_${res.status}`, res.status, body.error?.message ?? res.statusText);
    return body;
  }
}

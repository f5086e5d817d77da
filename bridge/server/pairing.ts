import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { JsonFile } from '../core/storage/json-file.js';
import { TypedEmitter } from '../core/events.js';
import { ApiError } from './api-errors.js';
import { parseAuthHeader, requestMac } from '../api/signing.js';

export const PAIRINGS_FORMAT_VERSION = 1;
const PAIRING_TTL_MS = 5 * 60_000;
/** A signed request older or newer than this is refused; nonces are remembered this long. */
export const REQUEST_WINDOW_MS = 30_000;

/** An application the user paired. */
export interface PairedApp {
  id: string;
  name: string;
  /** The web origin the app paired from ("null" for a program that sends no Origin). */
  origin: string;
  /**
   * The token, needed to check each request's HMAC. It lives in the user's own data folder
   * (mode 0600) like the wallet records; a hash would not let the bridge verify a MAC.
   */
  token: string;
  createdAt: string;
  revokedAt: string | null;
}

interface PairingsDocument {
  version: typeof PAIRINGS_FORMAT_VERSION;
  apps: PairedApp[];
}

/** A pairing waiting for the user: the app shows `code`, the bridge UI shows it too. */
export interface PendingPairing {
  requestId: string;
  name: string;
  origin: string;
  code: string;
  expiresAt: number;
  state: 'pending' | 'approved' | 'denied';
  /** Lets only the requester collect the token. */
  pollSecretHash: string;
  appId?: string;
}

export interface PairingEvents extends Record<string, unknown> {
  changed: { pending: PublicPending[]; apps: PublicApp[] };
}

export type PublicPending = Pick<PendingPairing, 'requestId' | 'name' | 'origin' | 'code' | 'expiresAt'>;
export type PublicApp = Omit<PairedApp, 'token'>;

function validate(value: unknown): PairingsDocument {
  const v = value as Partial<PairingsDocument>;
  if (v.version !== PAIRINGS_FORMAT_VERSION || !Array.isArray(v.apps)) throw new Error('expected { version: 1, apps: [...] }');
  for (const a of v.apps) {
    if (typeof a?.id !== 'string' || typeof a.token !== 'string' || typeof a.origin !== 'string') throw new Error('an app entry lacks id, token or origin');
  }
  return v as PairingsDocument;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/**
 * Pairing, tokens and request authentication for the local API (bridge/api/README.md). An app
 * asks to pair and shows a 6-digit code; the user sees the same code in the bridge and confirms;
 * the app collects its token once. Every later request carries an HMAC with that token, a
 * timestamp and a nonce: unpaired, revoked, wrong-origin, stale and replayed requests are refused.
 */
export class PairingRegistry extends TypedEmitter<PairingEvents> {
  private readonly file: JsonFile<PairingsDocument>;
  private apps: PairedApp[] = [];
  private readonly pending = new Map<string, PendingPairing>();
  private readonly seenNonces = new Map<string, number>();

  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.file = new JsonFile(path.join(dataDir, 'pairings.json'), PAIRINGS_FORMAT_VERSION, validate);
  }

  async load(): Promise<void> {
    this.apps = (await this.file.read())?.apps ?? [];
  }

  /** An app asks to pair. Returns what the app needs: the code to show and how to collect. */
  request(name: string, origin: string): { requestId: string; code: string; pollSecret: string; expiresAt: number } {
    const clean = name.trim();
    if (clean.length === 0 || clean.length > 64 || /[\p{Cc}<>]/u.test(clean)) {
      throw new ApiError('BAD_REQUEST', 400, 'name must be 1..64 printable characters without < or >');
    }
    this.expire();
    const requestId = randomBytes(16).toString('hex');
    const pollSecret = randomBytes(32).toString('hex');
    const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
    const expiresAt = this.now() + PAIRING_TTL_MS;
    this.pending.set(requestId, { requestId, name: clean, origin, code, expiresAt, state: 'pending', pollSecretHash: sha256(pollSecret) });
    this.publish();
    return { requestId, code, pollSecret, expiresAt };
  }

  /** The user confirmed (in the bridge UI) that the code matches the app's. */
  async approve(requestId: string, code: string): Promise<PublicApp> {
    const p = this.pendingOrThrow(requestId);
    if (p.code !== code) throw new ApiError('BAD_REQUEST', 400, 'the code does not match this pairing request');
    const app: PairedApp = {
      id: randomBytes(16).toString('hex'),
      name: p.name,
      origin: p.origin,
      token: randomBytes(32).toString('hex'),
      createdAt: new Date(this.now()).toISOString(),
      revokedAt: null,
    };
    await this.file.write({ version: PAIRINGS_FORMAT_VERSION, apps: [...this.apps, app] });
    this.apps = [...this.apps, app];
    p.state = 'approved';
    p.appId = app.id;
    this.publish();
    return publicApp(app);
  }

  deny(requestId: string): void {
    this.pendingOrThrow(requestId).state = 'denied';
    this.publish();
  }

  /**
   * The requester collects the outcome. The token is handed out once: the pending entry is
   * dropped on delivery, so a second collect (a replay) is refused.
   */
  collect(requestId: string, pollSecret: string): { state: 'pending' } | { state: 'approved'; appId: string; token: string } {
    this.expire();
    const p = this.pending.get(requestId);
    if (p === undefined || !sameHex(sha256(pollSecret), p.pollSecretHash)) {
      throw new ApiError('PAIRING_UNKNOWN', 404, 'no such pairing request (expired, already collected, or wrong secret)');
    }
    if (p.state === 'pending') return { state: 'pending' };
    this.pending.delete(requestId);
    this.publish();
    if (p.state === 'denied') throw new ApiError('PAIRING_DENIED', 403, 'the user refused this pairing in the bridge');
    const app = this.apps.find((a) => a.id === p.appId);
    if (app === undefined) throw new ApiError('PAIRING_UNKNOWN', 404, 'the paired app is gone');
    return { state: 'approved', appId: app.id, token: app.token };
  }

  async revoke(appId: string): Promise<void> {
    const app = this.apps.find((a) => a.id === appId);
    if (app === undefined) throw new ApiError('NOT_FOUND', 404, `no paired app ${appId}`);
    if (app.revokedAt !== null) return;
    const next = this.apps.map((a) => (a.id === appId ? { ...a, revokedAt: new Date(this.now()).toISOString() } : a));
    await this.file.write({ version: PAIRINGS_FORMAT_VERSION, apps: next });
    this.apps = next;
    this.publish();
  }

  listApps(): PublicApp[] {
    return this.apps.map(publicApp);
  }

  listPending(): PublicPending[] {
    this.expire();
    return [...this.pending.values()].filter((p) => p.state === 'pending').map(({ requestId, name, origin, code, expiresAt }) => ({ requestId, name, origin, code, expiresAt }));
  }

  /**
   * Checks one API request; returns the app it comes from or throws the refusal. `origin` is the
   * Origin header (undefined when the client sent none, as programs do).
   */
  authenticate(req: { method: string; pathWithQuery: string; authorization: string | undefined; origin: string | undefined; body: string }): PublicApp {
    const auth = parseAuthHeader(req.authorization);
    if (auth === undefined) throw new ApiError('UNPAIRED', 401, 'missing or malformed Authorization: pair with the bridge first (POST /api/v1/pair)');
    const app = this.apps.find((a) => a.id === auth.app);
    if (app === undefined) throw new ApiError('UNPAIRED', 401, 'this application is not paired with the bridge');
    if (app.revokedAt !== null) throw new ApiError('REVOKED', 401, 'the user revoked this application in the bridge; pair again');
    // A browser always sends Origin on cross-origin requests, so a page of another site cannot
    // pass as an app paired from a program (origin "null") or from another site.
    if ((req.origin ?? 'null') !== app.origin) {
      throw new ApiError('WRONG_ORIGIN', 403, `requests from ${req.origin ?? 'no origin'} are not allowed for this app (paired from ${app.origin})`);
    }
    const mac = requestMac(app.token, req.method, req.pathWithQuery, auth.ts, auth.nonce, req.body);
    if (!sameHex(mac, auth.sig)) throw new ApiError('BAD_SIGNATURE', 401, 'the request signature does not verify with this app’s token');
    const t = this.now();
    if (Math.abs(t - auth.ts) > REQUEST_WINDOW_MS) throw new ApiError('STALE_REQUEST', 401, `the request timestamp is more than ${REQUEST_WINDOW_MS / 1000} s from the bridge's clock`);
    this.forgetOldNonces(t);
    const key = `${app.id}:${auth.nonce}`;
    if (this.seenNonces.has(key)) throw new ApiError('REPLAYED', 401, 'this request was already received once (replayed nonce)');
    this.seenNonces.set(key, auth.ts);
    return publicApp(app);
  }

  private forgetOldNonces(t: number): void {
    for (const [k, ts] of this.seenNonces) if (t - ts > REQUEST_WINDOW_MS * 2) this.seenNonces.delete(k);
  }

  private pendingOrThrow(requestId: string): PendingPairing {
    this.expire();
    const p = this.pending.get(requestId);
    if (p === undefined || p.state !== 'pending') throw new ApiError('PAIRING_UNKNOWN', 404, 'no such pending pairing request (expired or already answered)');
    return p;
  }

  private expire(): void {
    const t = this.now();
    for (const [id, p] of this.pending) if (p.expiresAt < t) this.pending.delete(id);
  }

  private publish(): void {
    this.emit('changed', { pending: this.listPending(), apps: this.listApps() });
  }
}

function publicApp(a: PairedApp): PublicApp {
  const { token: _token, ...rest } = a;
  return rest;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { BridgeError, type BridgeErrorCode } from '../core/errors.js';
import { ApiError } from './api-errors.js';

const MAX_BODY = 64 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError('BAD_REQUEST', 413, `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string): unknown {
  if (text.length === 0) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError('BAD_REQUEST', 400, 'the body is not valid JSON');
  }
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = toJson(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}

const BRIDGE_STATUS: Record<BridgeErrorCode, number> = {
  DEVICE_UNAVAILABLE: 503,
  APP_NOT_OPEN: 503,
  DEVICE_LOCKED: 503,
  DEVICE_DISCONNECTED: 503,
  USER_REJECTED: 409,
  OPERATOR_UNAVAILABLE: 502,
  WALLET_NOT_OPEN: 503,
  INVALID_REQUEST: 400,
  NOT_AVAILABLE: 501,
  NEEDS_SERVICE_PROVIDER: 422,
  EXIT_FAILED: 502,
  STORAGE: 500,
  WALLET_FAILED: 500,
};

export function sendError(res: ServerResponse, err: unknown, headers: Record<string, string> = {}): void {
  if (err instanceof ApiError) {
    sendJson(res, err.httpStatus, { error: { code: err.code, message: err.message } }, headers);
  } else if (err instanceof BridgeError) {
    sendJson(res, BRIDGE_STATUS[err.code], { error: { code: err.code, message: err.message } }, headers);
  } else {
    sendJson(res, 500, { error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } }, headers);
  }
}

/** Opens a Server-Sent Events stream; returns a writer and registers the cleanup. */
export function openEventStream(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, onClose: () => void): (event: unknown) => void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', ...headers });
  res.write(': stream open\n\n');
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  req.on('close', () => {
    clearInterval(ping);
    onClose();
  });
  return (event) => {
    res.write(`data: ${toJson(event)}\n\n`);
  };
}

import { SparkDeviceError, UserRejectedError } from '../../../src/device/errors.js';
import { BridgeError, messageOf } from '../errors.js';

/**
 * What went wrong in a wallet call, as a BridgeError. The SDK wraps what the signer throws, so
 * the cause chain is searched for the device's own errors first; gRPC failures to reach the
 * operators are recognized by their status names (UNAVAILABLE, DEADLINE_EXCEEDED) and socket
 * errors.
 */
export function classifyWalletError(err: unknown): BridgeError {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof BridgeError) return e;
    if (e instanceof UserRejectedError) return new BridgeError('USER_REJECTED', 'you rejected the request on the device; nothing was signed', { cause: err });
    if (e instanceof SparkDeviceError) return new BridgeError('WALLET_FAILED', `the device refused: ${e.message}`, { cause: err });
  }
  const text = fullMessage(err);
  if (/the device disconnected during the request/.test(text)) {
    return new BridgeError('DEVICE_DISCONNECTED', 'the device disconnected during the request; nothing was signed — reconnect it and try again', { cause: err });
  }
  if (/\bUNAVAILABLE\b|DEADLINE_EXCEEDED|ECONNREFUSED|ECONNRESET|No connection established|failed to connect/i.test(text)) {
    return new BridgeError('OPERATOR_UNAVAILABLE', `the Spark operators cannot be reached right now; your funds are safe, try again later (${firstLine(messageOf(err))})`, {
      cause: err,
    });
  }
  return new BridgeError('WALLET_FAILED', firstLine(messageOf(err)), { cause: err });
}

function fullMessage(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(messageOf(e));
    const context = (e as { context?: unknown }).context;
    if (context !== undefined) parts.push(safeJson(context));
  }
  return parts.join(' | ');
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  } catch {
    return String(v);
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]?.slice(0, 300) ?? '';
}

/**
 * Server middleware for the public port:
 * - errors: OperatorError → gRPC status with its message; a body that did not decode
 *   (request-guard.ts) → INVALID_ARGUMENT; anything else → INTERNAL, logged;
 * - time headers: `date` and `x-processing-time-ms`, which the SDK uses for its server clock 
 *   (docs/sdk-wire.md, "What initialize calls");
 * - auth: `authorization: Bearer <session token>` on every Spark and token call 
 *   (docs/sdk-wire.md, "What the wallet does to authenticate").
 */
import { ServerError, Status } from 'nice-grpc';
import type { CallContext, ServerMiddlewareCall } from 'nice-grpc-common';
import { OperatorError } from '../../errors.js';
import type { Session, SessionTokens } from '../../authn/sessions.js';
import { authenticate, MalformedRequest } from './request-guard.js';

export interface AuthContext {
  session: Session;
}

export type Log = (msg: string) => void;

function toServerError(e: unknown, log: Log, path: string): unknown {
  if (e instanceof ServerError) return e;
  if (e instanceof OperatorError) return new ServerError(e.status, `${e.code}: ${e.message}`);
  if (e instanceof Error && e.name === 'AbortError') return e;
  log(`${path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return new ServerError(Status.INTERNAL, `internal error: ${e instanceof Error ? e.message : String(e)}`);
}

export function errorMiddleware(log: Log) {
  return async function* errors<Req, Res>(call: ServerMiddlewareCall<Req, Res>, context: CallContext): AsyncGenerator<Res, Res | void, undefined> {
    // Headers go out with the first response message; set them before the handler runs.
    context.header.set('date', new Date().toUTCString());
    context.header.set('x-processing-time-ms', '0');
    try {
      if (call.request instanceof MalformedRequest) throw new OperatorError('INVALID_ARGUMENT', `${call.method.path}: the request is not a valid protobuf message (${call.request.reason})`);
      return yield* call.next(call.request, context);
    } catch (e) {
      throw toServerError(e, log, call.method.path);
    }
  };
}

export function authMiddleware(tokens: SessionTokens) {
  return async function* auth<Req, Res>(call: ServerMiddlewareCall<Req, Res, AuthContext>, context: CallContext): AsyncGenerator<Res, Res | void, undefined> {
    const session = authenticate(context.metadata.get('authorization'), tokens);
    return yield* call.next(call.request, { ...context, session });
  };
}

/** Refuses wallet calls with UNAVAILABLE until `serving()` holds (start-up catch-up not done yet). */
export function servingGate(serving: () => boolean) {
  return async function* gate<Req, Res>(call: ServerMiddlewareCall<Req, Res>, context: CallContext): AsyncGenerator<Res, Res | void, undefined> {
    if (!serving()) throw new OperatorError('UNAVAILABLE', 'this operator is starting: it is catching up with its peers and serves wallets once it is READY');
    return yield* call.next(call.request, context);
  };
}

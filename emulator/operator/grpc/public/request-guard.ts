/**
 * What a request must pass before its body is decoded, and a clear answer for a body that does
 * not decode.
 *
 * What grpc-js allows (1.14): the size limit (`grpc.max_receive_message_length`) is checked by
 * its framing, before any decoding. A server interceptor (ServerOptions.interceptors) sees the
 * metadata before the handler asks for the message. The call's HTTP/2 stream stays paused until
 * then, so a call refused there is never read past its headers, let alone decoded. A body that
 * fails to decode is answered by grpc-js itself with INTERNAL, whatever the decoder throws. So
 * decoders are wrapped to return a MalformedRequest marker instead, and the error middleware
 * answers it with INVALID_ARGUMENT.
 */
import { Metadata, ServerInterceptingCall, status as GrpcStatus, type ServerInterceptor, type ServiceDefinition as GrpcJsServiceDefinition } from '@grpc/grpc-js';
import type { TsProtoServiceDefinition } from 'nice-grpc';
import type { Session, SessionTokens } from '../../authn/sessions.js';
import { OperatorError } from '../../errors.js';

/** Stands for a request body that did not decode. */
export class MalformedRequest {
  constructor(readonly reason: string) {}
}

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The session named by an `authorization: Bearer <token>` header; UNAUTHENTICATED otherwise. */
export function authenticate(header: string | undefined, tokens: SessionTokens): Session {
  if (header === undefined || header === '') {
    throw new OperatorError('UNAUTHENTICATED', 'missing authorization metadata: authenticate with spark_authn first');
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (m === null || m[1] === undefined) throw new OperatorError('UNAUTHENTICATED', 'authorization must be "Bearer <session token>"');
  return tokens.verify(m[1], Math.floor(Date.now() / 1000));
}

/**
 * A grpc-js server interceptor that refuses calls to `protectedServices` (full names, e.g.
 * "spark.SparkService") without a valid session, from their metadata alone. The handler's own
 * auth middleware still runs and gives the handler its session.
 */
export function earlyAuthInterceptor(tokens: SessionTokens, protectedServices: readonly string[]): ServerInterceptor {
  const prefixes = protectedServices.map((s) => `/${s}/`);
  return (method, call) => {
    if (!prefixes.some((p) => method.path.startsWith(p))) return new ServerInterceptingCall(call);
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, nextMetadata) {
            const header = metadata.get('authorization')[0];
            try {
              authenticate(typeof header === 'string' ? header : header?.toString(), tokens);
            } catch (e) {
              const err = e instanceof OperatorError ? e : new OperatorError('UNAUTHENTICATED', reasonOf(e));
              call.sendStatus({ code: GrpcStatus.UNAUTHENTICATED, details: `${err.code}: ${err.message}`, metadata: new Metadata() });
              return;
            }
            nextMetadata(metadata);
          },
        });
      },
    });
  };
}

function guardDecode<B extends Uint8Array, T>(decode: (bytes: B) => T): (bytes: B) => T | MalformedRequest {
  return (bytes) => {
    try {
      return decode(bytes);
    } catch (e) {
      return new MalformedRequest(reasonOf(e));
    }
  };
}

/** The same grpc-js service definition, its request decoders answering MalformedRequest instead of throwing. */
export function tolerantGrpcJs<D extends GrpcJsServiceDefinition>(definition: D): D {
  const out: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(definition)) out[name] = { ...m, requestDeserialize: guardDecode(m.requestDeserialize) };
  return out as D;
}

/** The same ts-proto service definition, its request decoders answering MalformedRequest instead of throwing. */
export function tolerantTsProto<D extends TsProtoServiceDefinition>(definition: D): D {
  const methods: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(definition.methods)) {
    const requestType = m.requestType as { decode: (bytes: Uint8Array) => unknown };
    methods[name] = { ...m, requestType: { ...m.requestType, decode: guardDecode((b: Uint8Array) => requestType.decode(b)) } };
  }
  return { ...definition, methods } as D;
}

/**
 * The operator's two gRPC servers. Internal port: mutual TLS with the network's CA. Public port:
 * TLS (ALPN h2 is grpc-js's default), authn unauthenticated, the Spark, token and SSP services behind a
 * session and behind the serving gate.
 */
import { readFileSync } from 'node:fs';
import { ServerCredentials } from '@grpc/grpc-js';
import { createServer } from 'nice-grpc';
import type { Server } from 'nice-grpc';
import { SparkServiceDefinition } from '@buildonspark/spark-sdk/proto/spark';
import type { SparkServiceImplementation } from '@buildonspark/spark-sdk/proto/spark';
import { SparkTokenServiceDefinition } from '@buildonspark/spark-sdk/proto/spark_token';
import type { SparkTokenServiceImplementation } from '@buildonspark/spark-sdk/proto/spark_token';
import type { AuthnService } from '../authn/authn-service.js';
import type { ResolvedOperatorConfig } from '../config.js';
import { SparkAuthnServiceDefinition } from './generated/spark_authn.js';
import { OperatorInternalServiceDefinition } from './generated/spark_operator_internal.js';
import { SparkSspServiceDefinition } from './generated/spark_ssp.js';
import type { SparkSspServiceImplementation } from './generated/spark_ssp.js';
import type { InternalApi } from './internal/api.js';
import { createAuthnService } from './public/authn-service.js';
import { authMiddleware, errorMiddleware, servingGate } from './public/middleware.js';
import type { AuthContext, Log } from './public/middleware.js';
import { earlyAuthInterceptor, tolerantTsProto } from './public/request-guard.js';

export interface Listening {
  server: Server;
  port: number;
}

type ServerConfig = Pick<ResolvedOperatorConfig, 'host' | 'internalPort' | 'publicPort' | 'tls'>;

function credentials(cfg: ServerConfig, clientCertificates: boolean): ServerCredentials {
  const keyPair = { private_key: readFileSync(cfg.tls.keyPath), cert_chain: readFileSync(cfg.tls.certPath) };
  return ServerCredentials.createSsl(readFileSync(cfg.tls.caPath), [keyPair], clientCertificates);
}

export async function serveInternal(cfg: ServerConfig, handlers: InternalApi, log: Log): Promise<Listening> {
  const server = createServer({ 'grpc.max_receive_message_length': 64 << 20 }).use(errorMiddleware(log));
  server.add(tolerantTsProto(OperatorInternalServiceDefinition), handlers);
  return { server, port: await server.listen(`${cfg.host}:${cfg.internalPort}`, credentials(cfg, true)) };
}

export interface PublicServices {
  authn: AuthnService;
  spark: SparkServiceImplementation<AuthContext>;
  token: SparkTokenServiceImplementation<AuthContext>;
  /** What a service provider calls beyond spark.SparkService (proto/spark_ssp.proto). */
  ssp: SparkSspServiceImplementation<AuthContext>;
  /**
   * Nothing is served to wallets before this operator has caught up with its peers: a missing
   * leaf would read as a balance of 0.
   */
  serving: () => boolean;
}

export async function servePublic(cfg: ServerConfig, s: PublicServices, log: Log): Promise<Listening> {
  // Size limit and session check before any body is decoded (request-guard.ts says what grpc-js allows).
  const server = createServer({
    'grpc.max_receive_message_length': 20 << 20,
    interceptors: [earlyAuthInterceptor(s.authn.tokens, [SparkServiceDefinition.fullName, SparkTokenServiceDefinition.fullName, SparkSspServiceDefinition.fullName])],
  }).use(errorMiddleware(log));
  server.add(tolerantTsProto(SparkAuthnServiceDefinition), createAuthnService(s.authn));
  const authed = server.with(servingGate(s.serving)).with(authMiddleware(s.authn.tokens));
  authed.add(tolerantTsProto(SparkServiceDefinition), s.spark);
  authed.add(tolerantTsProto(SparkTokenServiceDefinition), s.token);
  authed.add(tolerantTsProto(SparkSspServiceDefinition), s.ssp);
  return { server, port: await server.listen(`${cfg.host}:${cfg.publicPort}`, credentials(cfg, false)) };
}

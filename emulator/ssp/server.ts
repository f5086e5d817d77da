/**
 * The SSP's GraphQL endpoint over HTTPS (docs/ssp.md): POST <baseUrl>/graphql/spark/2025-03-19
 * with {query, variables, operationName}, a body the SDK deflates when it is over 1 KiB. The
 * answer is {data} or {errors: [{message, extensions: {error_name}}]}; a call that needs a session
 * and has none gets HTTP 401, on which the SDK authenticates and repeats the call once.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inflateSync } from 'node:zlib';
import { buildSchema, execute, GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { SspError } from './errors.js';
import { SCHEMA_ENDPOINT } from './config.js';
import { UNSUPPORTED } from './unsupported.js';
import type { Session } from '../operator/authn/sessions.js';

/** Bodies above this are refused (the largest SDK request, a swap of 64 leaves, is far below it). */
const MAX_BODY = 4 * 1024 * 1024;

export interface RequestContext {
  /** the caller's session; throws UNAUTHENTICATED when there is none */
  session(): Session;
}

export type Resolvers = Record<string, (args: Record<string, unknown>, ctx: RequestContext) => unknown>;

export interface SspServerOptions {
  host: string;
  port: number;
  certPath: string;
  keyPath: string;
  schema: GraphQLSchema;
  /** root resolvers by field name (Query and Mutation fields share one namespace) */
  resolvers: Resolvers;
  session: (authorization: string | undefined) => Session;
  log: (m: string) => void;
}

export function loadSchema(): GraphQLSchema {
  return buildSchema(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));
}

interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new SspError('INVALID_INPUT', `request body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const errorBody = (code: string, message: string): string => JSON.stringify({ errors: [{ message, extensions: { error_name: code } }] });

function rootFields(doc: DocumentNode, operationName: string | undefined): string[] {
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && (operationName === undefined || d.name?.value === operationName));
  if (op === undefined || op.kind !== Kind.OPERATION_DEFINITION) return [];
  return op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
}

/** The GraphQL error's code: ours, or INTERNAL for anything unexpected (logged). */
function codeOf(e: GraphQLError): string {
  const orig = e.originalError;
  return orig instanceof SspError ? orig.code : orig === undefined ? 'INVALID_INPUT' : 'INTERNAL';
}

export function startSspServer(o: SspServerOptions): Promise<Server> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (status: number, body: string): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== `/${SCHEMA_ENDPOINT}`) {
      send(404, errorBody('INVALID_INPUT', `no GraphQL endpoint at ${req.method ?? ''} ${req.url ?? ''}; POST /${SCHEMA_ENDPOINT}`));
      return;
    }
    let body: GraphqlBody;
    let doc: DocumentNode;
    try {
      let raw = await readBody(req);
      if (req.headers['content-encoding'] === 'deflate') raw = inflateSync(raw, { maxOutputLength: MAX_BODY });
      body = JSON.parse(raw.toString('utf8')) as GraphqlBody;
      if (typeof body.query !== 'string') throw new SspError('INVALID_INPUT', 'the body has no query string');
      doc = parse(body.query);
    } catch (e) {
      send(400, errorBody('INVALID_INPUT', `bad GraphQL request: ${(e as Error).message}`));
      return;
    }
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const fields = rootFields(doc, operationName);
    // One line per call: what a wallet asked and how often (tests count them).
    o.log(`call ${fields.join(',')}`);
    const refused = fields.find((f) => UNSUPPORTED[f] !== undefined);
    if (refused !== undefined) {
      send(200, errorBody('UNSUPPORTED', `${refused}: ${UNSUPPORTED[refused] as string}`));
      return;
    }
    const invalid = validate(o.schema, doc);
    if (invalid.length > 0) {
      send(200, JSON.stringify({ errors: invalid.map((e) => ({ message: e.message, extensions: { error_name: 'INVALID_INPUT' } })) }));
      return;
    }
    const ctx: RequestContext = { session: () => o.session(req.headers.authorization) };
    const rootValue = Object.fromEntries(Object.entries(o.resolvers).map(([k, f]) => [k, (args: Record<string, unknown>) => f(args, ctx)]));
    const result = await execute({
      schema: o.schema, document: doc, rootValue, operationName,
      variableValues: (body.variables ?? {}) as Record<string, unknown>,
    });
    const errors = result.errors ?? [];
    if (errors.some((e) => e.originalError instanceof SspError && e.originalError.code === 'UNAUTHENTICATED')) {
      send(401, errorBody('UNAUTHENTICATED', errors[0]?.message ?? 'unauthenticated'));
      return;
    }
    for (const e of errors) if (codeOf(e) === 'INTERNAL') o.log(`graphql ${operationName ?? ''}: ${e.originalError?.stack ?? e.message}`);
    send(200, JSON.stringify({
      ...(result.data === undefined || result.data === null ? {} : { data: result.data }),
      ...(errors.length === 0 ? {} : { errors: errors.map((e) => ({ message: e.message, path: e.path, extensions: { error_name: codeOf(e) } })) }),
    }));
  };
  const server = createServer({ cert: readFileSync(o.certPath), key: readFileSync(o.keyPath) }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      o.log(`request failed: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(errorBody('INTERNAL', 'internal error'));
      }
    });
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolveServer(server));
  });
}

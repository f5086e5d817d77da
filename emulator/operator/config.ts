/**
 * The operator's configuration: the contract between the operator process (emulator/operator, C2)
 * and the launcher / test harness (emulator/network, C1).
 *
 * How an operator is started:
 *
 *     npx tsx emulator/operator/main.ts --config /path/to/operator-1.json
 *
 * The JSON file holds one `OperatorConfig` (below). Every path in it is absolute, or relative to
 * the directory of the config file.
 *
 * Identity keys: each operator GENERATES its own secp256k1 identity key at first start and keeps
 * it in `<dataDir>/identity.key` (mode 0600); a restart reuses it. The private key never leaves
 * that file. The launcher learns the public key from the `LISTENING` line (below) and passes it
 * on to wallets as `signingOperators[id].identityPublicKey`. `peers[].identityPublicKey` is
 * optional (the launcher may not know it yet when it writes the config); when it is given, the
 * operator checks that the peer answers with that key.
 *
 * Health signalling, on stdout, one JSON object per line after a keyword:
 *
 *   LISTENING {"identifier","index","identityPublicKey","publicAddress","internalAddress","pid"}
 *       both gRPC servers are bound (ports are the real ones, useful when the config said 0).
 *   READY {"identifier","index","identityPublicKey","publicAddress","internalAddress",
 *          "groupPublicKey","threshold","operators","keyPoolAvailable","pid"}
 *       the distributed key generation is done (at first start it waits until every peer's
 *       internal port answers; on a restart it reuses the stored result at once) and the
 *       public Spark service accepts wallet calls. A launcher waits for READY from every operator.
 *   FATAL {"code","message"}
 *       the operator could not start; the process exits with a non-zero status right after.
 *
 * Everything else the operator prints goes to stderr. The internal gRPC service also has a
 * `health` method (proto/spark_operator_internal.proto) that answers the READY fields.
 *
 * Stopping: SIGTERM or SIGINT closes the servers, the chain watcher and the database, then exits 0.
 *
 * TLS: the public port serves TLS (ALPN h2) with `tls.certPath`/`tls.keyPath`; the certificate
 * must be valid for `localhost` and IP `127.0.0.1` and chain to `tls.caPath`. The internal port
 * uses MUTUAL TLS with the same certificate and key: peers must present a certificate from the
 * same CA. One certificate per operator is expected (one shared by all also works).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

/** Where the operator keeps its rows. */
export type DatabaseConfig =
  /** Embedded PGlite, persisted in `dir` (default `<dataDir>/pglite`). */
  | { kind: 'pglite'; dir?: string }
  /** A PostgreSQL server, e.g. `postgres://user@127.0.0.1:5433/spark_op1`. The database must exist;
   *  the operator applies its migrations. Each operator needs its own database (or schema). */
  | { kind: 'postgres'; url: string };

/** One operator of the network, as every operator sees it. `peers` lists ALL operators, self included. */
export interface PeerConfig {
  /** 1-based index; the FROST identifier is this number as a 32-byte big-endian scalar. */
  index: number;
  /** The 64-hex identifier, e.g. "000…0001". Must equal the index written as 32 bytes. */
  identifier: string;
  /** host:port of the peer's internal (mutual-TLS) gRPC service, e.g. "127.0.0.1:40123". */
  internalAddress: string;
  /** https://host:port of the peer's public Spark service (what wallets dial). */
  publicAddress: string;
  /** 33-byte compressed identity key as hex, when the launcher knows it. */
  identityPublicKey?: string;
}

/** The bitcoind-style JSON-RPC the operator watches the chain with (C1's adapter, or btcd with
 *  --notls). Calls used: `getblockcount`, `getrawtransaction [txid, 1]` (needs `confirmations`
 *  in the verbose answer; btcd with --txindex gives it). */
export interface ChainConfig {
  rpcUrl: string;
  rpcUser: string;
  rpcPassword: string;
  /** Confirmations before a deposit node becomes AVAILABLE. Default 1. */
  confirmations?: number;
  /** Poll interval of the chain watcher. Default 500 ms. */
  pollIntervalMs?: number;
}

export interface TlsConfig {
  certPath: string;
  keyPath: string;
  caPath: string;
}

export interface OperatorConfig {
  /** 1-based index of this operator among `peers`. */
  index: number;
  /** 64-hex identifier (index as a 32-byte big-endian number). */
  identifier: string;
  /** t of the t-of-n signing threshold (2 ≤ t ≤ n ≤ 5 is what we test). */
  threshold: number;
  /** Identifier of the coordinator (the operator wallets send deposit calls to). Default "0…01". */
  coordinatorIdentifier?: string;
  /** Directory for everything the operator persists (identity key, PGlite files). Created if absent. */
  dataDir: string;
  /** Default `{kind:'pglite'}`. */
  database?: DatabaseConfig;
  /** Bind host for both servers. Must be 127.0.0.1 here. Default 127.0.0.1. */
  host?: string;
  /** Public TLS port (SparkService, SparkTokenService, SparkAuthnService). 0 = any free port. */
  publicPort: number;
  /** Internal mutual-TLS port (proto/spark_operator_internal.proto). 0 = any free port
   *  (only useful with a single operator, since peers must know it in advance). */
  internalPort: number;
  tls: TlsConfig;
  /** All operators, self included, sorted or not. */
  peers: PeerConfig[];
  /** Absent: no chain watching; deposit nodes become AVAILABLE as soon as they are finalized
   *  (for tests of the operator alone). */
  chain?: ChainConfig;
  /** Spark network of the wallets served. Only "REGTEST" (wallet networks LOCAL and REGTEST) for now. */
  network?: 'REGTEST';
  /** Session token lifetime. Default 900 s (the SDK drops tokens 60 s before expiry). */
  sessionTtlSeconds?: number;
  /** Challenge lifetime. Default 60 s. */
  challengeTtlSeconds?: number;
  /** How long a swap's primary transfer waits for its counter transfer before its leaves go back
   *  to the sender (docs/ssp.md, section "The swap protocol (Swap V3)"). Default 600 000 ms. */
  swapPrimaryTimeoutMs?: number;
  /** Pre-generated DKG keys: a batch of `batchSize` keys is generated when fewer than `lowWater`
   *  remain unused. Defaults 64 and 16. */
  keyPool?: { batchSize?: number; lowWater?: number };
}

/** The config after defaults are applied and paths resolved. */
export interface ResolvedOperatorConfig extends Required<Omit<OperatorConfig, 'chain' | 'keyPool' | 'database'>> {
  database: { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string };
  chain: ChainConfig | undefined;
  keyPool: { batchSize: number; lowWater: number };
}

export class ConfigError extends Error {
  readonly code = 'OPERATOR_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The 64-hex identifier of a 1-based operator index. */
export function identifierForIndex(index: number): string {
  return index.toString(16).padStart(64, '0');
}

const HEX33 = /^0[23][0-9a-f]{64}$/;
const HOSTPORT = /^[^\s:/]+:\d{1,5}$/;

function req<T>(cond: T, message: string): asserts cond {
  if (!cond) throw new ConfigError(message);
}

/** Validates a parsed config object and fills in defaults. Relative paths resolve against `baseDir`. */
export function resolveConfig(raw: unknown, baseDir: string): ResolvedOperatorConfig {
  req(typeof raw === 'object' && raw !== null, 'config must be a JSON object');
  const c = raw as Partial<OperatorConfig>;
  const path = (p: unknown, what: string): string => {
    req(typeof p === 'string' && p.length > 0, `${what} must be a non-empty string`);
    return isAbsolute(p) ? p : resolve(baseDir, p);
  };
  req(Number.isInteger(c.index) && (c.index as number) >= 1, 'index must be an integer ≥ 1');
  const index = c.index as number;
  const identifier = c.identifier ?? identifierForIndex(index);
  req(identifier === identifierForIndex(index), `identifier must be ${identifierForIndex(index)} for index ${index}`);
  req(Array.isArray(c.peers) && c.peers.length >= 1, 'peers must list every operator, self included');
  const peers: PeerConfig[] = c.peers.map((p, i) => {
    req(Number.isInteger(p.index) && p.index >= 1, `peers[${i}].index must be an integer ≥ 1`);
    const id = p.identifier ?? identifierForIndex(p.index);
    req(id === identifierForIndex(p.index), `peers[${i}].identifier does not match its index`);
    req(typeof p.internalAddress === 'string' && HOSTPORT.test(p.internalAddress), `peers[${i}].internalAddress must be host:port`);
    req(typeof p.publicAddress === 'string' && /^https?:\/\//.test(p.publicAddress), `peers[${i}].publicAddress must be an https:// URL`);
    if (p.identityPublicKey !== undefined) {
      req(HEX33.test(p.identityPublicKey), `peers[${i}].identityPublicKey must be 33-byte compressed hex`);
    }
    return { ...p, identifier: id };
  });
  peers.sort((a, b) => a.index - b.index);
  const indices = new Set(peers.map((p) => p.index));
  req(indices.size === peers.length, 'peers have duplicate indices');
  req(indices.has(index), `peers must include this operator (index ${index})`);
  const n = peers.length;
  req(Number.isInteger(c.threshold) && (c.threshold as number) >= 1 && (c.threshold as number) <= n,
    `threshold must be an integer in 1..${n}`);
  const coordinatorIdentifier = c.coordinatorIdentifier ?? identifierForIndex(1);
  req(peers.some((p) => p.identifier === coordinatorIdentifier), 'coordinatorIdentifier is not one of the peers');
  const dataDir = path(c.dataDir, 'dataDir');
  let database: ResolvedOperatorConfig['database'];
  const db = c.database ?? { kind: 'pglite' };
  if (db.kind === 'postgres') {
    req(typeof db.url === 'string' && /^postgres(ql)?:\/\//.test(db.url), 'database.url must be a postgres:// URL');
    database = { kind: 'postgres', url: db.url };
  } else {
    req(db.kind === 'pglite', 'database.kind must be "pglite" or "postgres"');
    database = { kind: 'pglite', dir: db.dir === undefined ? resolve(dataDir, 'pglite') : path(db.dir, 'database.dir') };
  }
  const port = (p: unknown, what: string): number => {
    req(Number.isInteger(p) && (p as number) >= 0 && (p as number) < 65536, `${what} must be a port number (0 = any)`);
    return p as number;
  };
  req(typeof c.tls === 'object' && c.tls !== null, 'tls {certPath,keyPath,caPath} is required');
  const tls: TlsConfig = {
    certPath: path(c.tls.certPath, 'tls.certPath'),
    keyPath: path(c.tls.keyPath, 'tls.keyPath'),
    caPath: path(c.tls.caPath, 'tls.caPath'),
  };
  let chain: ChainConfig | undefined;
  if (c.chain !== undefined) {
    req(typeof c.chain.rpcUrl === 'string' && /^https?:\/\//.test(c.chain.rpcUrl), 'chain.rpcUrl must be an http(s) URL');
    req(typeof c.chain.rpcUser === 'string' && typeof c.chain.rpcPassword === 'string', 'chain.rpcUser/rpcPassword must be strings');
    chain = { ...c.chain };
  }
  const network = c.network ?? 'REGTEST';
  req(network === 'REGTEST', 'network must be "REGTEST"');
  const host = c.host ?? '127.0.0.1';
  return {
    index,
    identifier,
    threshold: c.threshold as number,
    coordinatorIdentifier,
    dataDir,
    database,
    host,
    publicPort: port(c.publicPort, 'publicPort'),
    internalPort: port(c.internalPort, 'internalPort'),
    tls,
    peers,
    chain,
    network,
    sessionTtlSeconds: c.sessionTtlSeconds ?? 900,
    challengeTtlSeconds: c.challengeTtlSeconds ?? 60,
    swapPrimaryTimeoutMs: c.swapPrimaryTimeoutMs ?? 600_000,
    keyPool: { batchSize: c.keyPool?.batchSize ?? 64, lowWater: c.keyPool?.lowWater ?? 16 },
  };
}

/** Reads and validates a config file (`--config <file>`). */
export function loadConfigFile(file: string): ResolvedOperatorConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${(e as Error).message}`);
  }
  return resolveConfig(raw, dirname(resolve(file)));
}

/** The JSON printed after `LISTENING ` on stdout. */
export interface ListeningLine {
  identifier: string;
  index: number;
  identityPublicKey: string;
  publicAddress: string;
  internalAddress: string;
  pid: number;
}

/** The JSON printed after `READY ` on stdout. */
export interface ReadyLine extends ListeningLine {
  /** The group key of the first DKG key (informational: each deposit uses its own DKG key). */
  groupPublicKey: string;
  threshold: number;
  operators: number;
  keyPoolAvailable: number;
}

/**
 * The service provider's configuration: the contract between the SSP process (emulator/ssp/main.ts)
 * and the network launcher (emulator/network).
 *
 *     node --import tsx emulator/ssp/main.ts --config /path/to/ssp.json
 *
 * The SSP keeps its wallet seed in `<dataDir>/wallet.seed` and its L1 key in `<dataDir>/l1.key`
 * (both created at first start, mode 0600). Its identity key is its Spark wallet's identity key:
 * what wallets send to it (swaps, exits) lands in that wallet.
 *
 * On stdout, one JSON object per line after a keyword:
 *   READY {"url","identityPublicKey","l1Address","pid"}  the GraphQL API accepts wallets
 *   FATAL {"code","message"}                               it could not start; it exits non-zero
 * Everything else goes to stderr. SIGTERM or SIGINT stops it.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ConfigOptions } from '@buildonspark/spark-sdk';
import { SspError } from './errors.js';
import type { ExitCheat } from './exit-desk.js';

export interface SspConfig {
  dataDir: string;
  host: string;
  /** 0 = any free port (the READY line names the real one) */
  port: number;
  /** the SSP's certificate, and the network's CA (to dial the operators) */
  tls: { certPath: string; keyPath: string; caPath: string };
  /** the options of the SSP's own Spark wallet: the network's operators */
  walletOptions: ConfigOptions;
  /** btcd's own RPC, for the SSP's L1 wallet (coins found through btcd's address index) */
  btcdRpc: { url: string; user: string; pass: string };
  /**
   * For fault tests only (emulator/ssp/exit-desk.ts): a provider that cheats on cooperative exits;
   * a number of exit broadcasts that fail before one is sent.
   */
  faults?: { exit?: ExitCheat; exitBroadcastFailures?: number };
}

export interface SspReadyLine {
  /** https://host:port, the SDK's sspClientOptions.baseUrl */
  url: string;
  identityPublicKey: string;
  /** the SSP's L1 address on regtest (P2WPKH) */
  l1Address: string;
  pid: number;
}

/** The path the SDK posts GraphQL to when no schemaEndpoint is set (SDK graphql/client.ts). */
export const SCHEMA_ENDPOINT = 'graphql/spark/2025-03-19';

export function loadSspConfig(path: string): SspConfig {
  let raw: SspConfig;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as SspConfig;
  } catch (e) {
    throw new SspError('INVALID_INPUT', `cannot read SSP config ${path}: ${(e as Error).message}`);
  }
  const base = dirname(resolve(path));
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  if (typeof raw.dataDir !== 'string' || typeof raw.host !== 'string' || !Number.isInteger(raw.port)) {
    throw new SspError('INVALID_INPUT', `SSP config ${path}: dataDir, host and port are required`);
  }
  return { ...raw, dataDir: abs(raw.dataDir), tls: { certPath: abs(raw.tls.certPath), keyPath: abs(raw.tls.keyPath), caPath: abs(raw.tls.caPath) } };
}

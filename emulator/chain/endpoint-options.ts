import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RPC_PASSWORD, DEFAULT_RPC_USER } from './bitcoind-rpc.js';
import { chainInfoPath, type ChainInfo } from './chain.js';
import { ChainError } from './errors.js';
import type { RpcEndpoint } from './rpc-client.js';

/** Where the network's start command keeps its chain; the command lines' default. */
export const DEFAULT_CHAIN_DIR = join('.data', 'network', 'chain');

/** The command-line options that name a chain's bitcoind-style JSON-RPC. */
export interface EndpointOptions {
  'rpc-url'?: string;
  'rpc-user'?: string;
  'rpc-pass'?: string;
  /** A chain data directory whose chain.json a running chain wrote. */
  data: string;
}

/**
 * The chain's JSON-RPC from --rpc-url/--rpc-user/--rpc-pass, else $BITCOIN_RPC_URL (with
 * $BITCOIN_RPC_USER/$BITCOIN_RPC_PASSWORD), else <data>/chain.json written by a running chain.
 */
export function endpointFrom(values: EndpointOptions): RpcEndpoint {
  const url = values['rpc-url'] ?? (process.env.BITCOIN_RPC_URL || undefined);
  if (url !== undefined) {
    return {
      url,
      user: values['rpc-user'] ?? process.env.BITCOIN_RPC_USER ?? DEFAULT_RPC_USER,
      pass: values['rpc-pass'] ?? process.env.BITCOIN_RPC_PASSWORD ?? DEFAULT_RPC_PASSWORD,
    };
  }
  const file = chainInfoPath(values.data);
  if (!existsSync(file)) {
    throw new ChainError('NOT_FOUND', `no running chain found: ${file} is missing (start one, or pass --rpc-url / set BITCOIN_RPC_URL)`);
  }
  return (JSON.parse(readFileSync(file, 'utf8')) as ChainInfo).bitcoindRpc;
}

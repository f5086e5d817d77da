import { ChainError } from './errors.js';

/** Where a bitcoind-style JSON-RPC server listens and how to log in. */
export interface RpcEndpoint {
  url: string;
  user: string;
  pass: string;
}

/** The error object of a JSON-RPC reply. */
export interface RpcErrorObject {
  code: number;
  message: string;
}

interface RpcReply {
  result?: unknown;
  error?: RpcErrorObject | null;
}

/** One output of a verbose transaction, as btcd reports it (docs/btcd.md, section "RPC differences from
 * Bitcoin Core"). */
export interface VerboseVout {
  value: number;
  n: number;
  scriptPubKey: { asm?: string; hex: string; type?: string; address?: string; addresses?: string[] };
}

/** One input of a verbose transaction. */
export interface VerboseVin {
  txid?: string;
  vout?: number;
  coinbase?: string;
  sequence: number;
  txinwitness?: string[];
  scriptSig?: { asm: string; hex: string };
}

/** `getrawtransaction txid 1` as btcd answers it. */
export interface VerboseTransaction {
  hex: string;
  txid: string;
  hash: string;
  size: number;
  vsize: number;
  weight: number;
  version: number;
  locktime: number;
  vin: VerboseVin[];
  vout: VerboseVout[];
  blockhash?: string;
  confirmations?: number;
  time?: number;
  blocktime?: number;
}

/** `getblock hash 1` as btcd answers it (txids only). */
export interface VerboseBlock {
  hash: string;
  confirmations: number;
  height: number;
  time: number;
  previousblockhash?: string;
  tx: string[];
}

/** `gettxout` result; null when the output is spent or unknown. */
export interface TxOutInfo {
  bestblock: string;
  confirmations: number;
  value: number;
  scriptPubKey: { hex: string; address?: string; addresses?: string[] };
  coinbase: boolean;
}

/**
 * A small typed JSON-RPC client for btcd (and for our bitcoind-style adapter, which speaks the
 * same framing). btcd requires `params` even when empty and ignores requests without an id
 * (docs/btcd.md, section "RPC differences from Bitcoin Core"), so both are always sent.
 */
export class RpcClient {
  private nextId = 1;

  constructor(readonly endpoint: RpcEndpoint) {}

  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    const id = this.nextId++;
    let response: Response;
    try {
      response = await fetch(this.endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Basic ' + Buffer.from(`${this.endpoint.user}:${this.endpoint.pass}`).toString('base64'),
        },
        body: JSON.stringify({ jsonrpc: '1.0', id, method, params }),
      });
    } catch (err) {
      throw new ChainError('RPC_TRANSPORT', `${method}: cannot reach ${this.endpoint.url}: ${String(err)}`);
    }
    const text = await response.text();
    let reply: RpcReply;
    try {
      reply = JSON.parse(text) as RpcReply;
    } catch {
      throw new ChainError('RPC_TRANSPORT', `${method}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (reply.error) {
      throw new ChainError('RPC_ERROR', `${method}: ${reply.error.message} (code ${reply.error.code})`, reply.error.code);
    }
    return reply.result as T;
  }

  getBlockCount(): Promise<number> {
    return this.call<number>('getblockcount');
  }

  getBlockHash(height: number): Promise<string> {
    return this.call<string>('getblockhash', [height]);
  }

  getBestBlockHash(): Promise<string> {
    return this.call<string>('getbestblockhash');
  }

  getBlock(hash: string): Promise<VerboseBlock> {
    return this.call<VerboseBlock>('getblock', [hash, 1]);
  }

  getBlockHex(hash: string): Promise<string> {
    return this.call<string>('getblock', [hash, 0]);
  }

  /** btcd's verbose flag is an int, not a bool (docs/btcd.md, section "RPC differences from Bitcoin
   * Core"). */
  getRawTransactionHex(txid: string): Promise<string> {
    return this.call<string>('getrawtransaction', [txid, 0]);
  }

  getRawTransaction(txid: string): Promise<VerboseTransaction> {
    return this.call<VerboseTransaction>('getrawtransaction', [txid, 1]);
  }

  sendRawTransaction(hex: string): Promise<string> {
    return this.call<string>('sendrawtransaction', [hex]);
  }

  getTxOut(txid: string, vout: number, includeMempool = true): Promise<TxOutInfo | null> {
    return this.call<TxOutInfo | null>('gettxout', [txid, vout, includeMempool]);
  }

  getRawMempool(): Promise<string[]> {
    return this.call<string[]>('getrawmempool', [false]);
  }

  /** btcd-only: mines n blocks to its --miningaddr and returns their hashes (docs/btcd.md, section
   * "Mining"). */
  generate(n: number): Promise<string[]> {
    return this.call<string[]>('generate', [n]);
  }

  /**
   * btcd-only, needs --addrindex. Includes mempool transactions. An address never seen answers
   * error -5, which this maps to an empty list (docs/btcd.md, section "RPC differences from Bitcoin
   * Core").
   */
  async searchRawTransactions(address: string, skip = 0, count = 1000): Promise<VerboseTransaction[]> {
    try {
      return await this.call<VerboseTransaction[]>('searchrawtransactions', [address, 1, skip, count, 0, false]);
    } catch (err) {
      if (err instanceof ChainError && err.rpcCode === -5) return [];
      throw err;
    }
  }
}

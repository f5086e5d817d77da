import type { IncomingMessage, ServerResponse } from 'node:http';
import { mineBlockTo } from './block-builder.js';
import { ChainError } from './errors.js';
import type { FundingWallet } from './funding-wallet.js';
import { basicAuthMatches, listenLocal, readBody, type LocalHttpServer } from './http-util.js';
import { addressToScript, btcToSats, satsToBtc } from './regtest.js';
import type { RpcClient } from './rpc-client.js';

/**
 * Bitcoin Core's JSON-RPC error codes that this adapter produces itself (Core's rpc/protocol.h).
 * Codes coming from btcd (-5, -25, -26, -27 …) are passed through unchanged.
 */
const RPC_METHOD_NOT_FOUND = -32601;
const RPC_INVALID_REQUEST = -32600;
const RPC_PARSE_ERROR = -32700;
const RPC_INVALID_PARAMETER = -8;
const RPC_INVALID_ADDRESS_OR_KEY = -5;
const RPC_WALLET_INSUFFICIENT_FUNDS = -6;
const RPC_MISC_ERROR = -1;

/** Default credentials: the ones the SDK's test faucet falls back to (docs/sdk-wire.md, section "Chain
 * access"). */
export const DEFAULT_RPC_USER = 'testutil';
export const DEFAULT_RPC_PASSWORD = 'testutilpassword';

class RpcFailure extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

interface JsonRpcRequest {
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

type Handler = (params: unknown[]) => Promise<unknown>;

function toFailure(err: unknown): RpcFailure {
  if (err instanceof RpcFailure) return err;
  if (err instanceof ChainError) {
    if (err.rpcCode !== undefined) return new RpcFailure(err.rpcCode, err.message.replace(/ \(code -?\d+\)$/, ''));
    if (err.code === 'INSUFFICIENT_FUNDS') return new RpcFailure(RPC_WALLET_INSUFFICIENT_FUNDS, err.message);
    if (err.code === 'BAD_ADDRESS') return new RpcFailure(RPC_INVALID_ADDRESS_OR_KEY, err.message);
    if (err.code === 'BAD_AMOUNT') return new RpcFailure(RPC_INVALID_PARAMETER, err.message);
  }
  return new RpcFailure(RPC_MISC_ERROR, err instanceof Error ? err.message : String(err));
}

function txidParam(params: unknown[], index: number): string {
  const value = params[index];
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) {
    throw new RpcFailure(RPC_INVALID_PARAMETER, `parameter ${index + 1} must be a 64-hex txid, got ${JSON.stringify(value)}`);
  }
  return value.toLowerCase();
}

/** Core accepts verbosity as a bool or an int; btcd only as an int (docs/btcd.md, section "RPC
 * differences from Bitcoin Core"). */
function verbosity(value: unknown): number {
  if (value === undefined || value === null || value === false) return 0;
  if (value === true) return 1;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new RpcFailure(RPC_INVALID_PARAMETER, `verbosity must be a bool or a non-negative int, got ${JSON.stringify(value)}`);
}

function positiveInt(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > 10_000) {
    throw new RpcFailure(RPC_INVALID_PARAMETER, `${name} must be an integer in 1..10000, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The bitcoind-style methods served on network LOCAL. The wallet's claimDeposit and broadcast
 * call getrawtransaction [txid, 2] and sendrawtransaction [hex, 0] (docs/sdk-wire.md, section "Chain
 * access"); the SDK's test faucet also uses scantxoutset, sendtoaddress and generatetoaddress, which
 * btcd lacks and which are served here from the funding wallet, btcd's address index and its block
 * template. Anything else goes to btcd unchanged.
 */
export function bitcoindHandlers(btcd: RpcClient, wallet: FundingWallet, afterMine: () => Promise<void> = async () => undefined): Map<string, Handler> {
  const handlers = new Map<string, Handler>();

  handlers.set('getrawtransaction', async (params) => {
    const txid = txidParam(params, 0);
    const level = verbosity(params[1]);
    if (level === 0) return btcd.getRawTransactionHex(txid);
    // Core's verbose shape is a superset of btcd's for the fields wallets read (hex, txid, vout,
    // confirmations, blockhash); btcd's `addresses` array is an extra Core dropped in v22.
    return btcd.getRawTransaction(txid);
  });

  handlers.set('sendrawtransaction', async (params) => {
    const hex = params[0];
    if (typeof hex !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(hex)) {
      throw new RpcFailure(RPC_INVALID_PARAMETER, 'parameter 1 must be the raw transaction in hex');
    }
    // Core's second parameter (maxfeerate) has no btcd counterpart that does anything (docs/btcd.md,
    // "RPC differences from Bitcoin Core").
    return btcd.sendRawTransaction(hex);
  });

  handlers.set('getblock', async (params) => {
    const hash = txidParam(params, 0);
    const level = params[1] === undefined ? 1 : verbosity(params[1]);
    const block = await btcd.call<Record<string, unknown>>('getblock', [hash, level]);
    // btcd puts verbosity-2 transactions under `rawtx`, Core under `tx` (docs/btcd.md, "RPC differences
    // from Bitcoin Core").
    if (level >= 2 && typeof block === 'object' && 'rawtx' in block) {
      const { rawtx, ...rest } = block;
      return { ...rest, tx: rawtx };
    }
    return block;
  });

  const mine = async (n: number): Promise<string[]> => {
    const hashes = await btcd.generate(n);
    await afterMine();
    return hashes;
  };

  handlers.set('generate', async (params) => mine(positiveInt(params[0], 'nblocks')));

  handlers.set('generatetoaddress', async (params) => {
    const n = positiveInt(params[0], 'nblocks');
    const address = params[1];
    if (typeof address !== 'string') throw new RpcFailure(RPC_INVALID_ADDRESS_OR_KEY, 'parameter 2 must be an address');
    if (address === wallet.address) return mine(n);
    // btcd has no generatetoaddress (docs/btcd.md, section "Mining"): build the blocks from its template
    // instead.
    const script = addressToScript(address);
    const hashes: string[] = [];
    for (let i = 0; i < n; i++) hashes.push(await mineBlockTo(btcd, script));
    await afterMine();
    return hashes;
  });

  handlers.set('scantxoutset', async (params) => {
    if (params[0] !== 'start') throw new RpcFailure(RPC_INVALID_PARAMETER, 'only the "start" action is supported');
    const descriptors = params[1];
    if (!Array.isArray(descriptors)) throw new RpcFailure(RPC_INVALID_PARAMETER, 'parameter 2 must be an array of descriptors');
    const height = await btcd.getBlockCount();
    const bestblock = await btcd.getBestBlockHash();
    const unspents: unknown[] = [];
    let total = 0n;
    for (const d of descriptors) {
      const text = typeof d === 'string' ? d : (d as { desc?: unknown } | null)?.desc;
      const match = typeof text === 'string' ? /^addr\(([^)]+)\)(#\w+)?$/.exec(text) : null;
      if (match === null || match[1] === undefined) throw new RpcFailure(RPC_INVALID_PARAMETER, `only addr(<address>) descriptors are supported, got ${JSON.stringify(text)}`);
      const address = match[1];
      const scriptHex = Buffer.from(addressToScript(address)).toString('hex');
      // Core scans its chainstate: confirmed outputs not spent in a block. btcd's address index
      // lists the candidates; gettxout without the mempool says which are unspent on chain.
      for (const tx of await btcd.searchRawTransactions(address)) {
        if (tx.confirmations === undefined || tx.confirmations === 0) continue;
        for (const out of tx.vout) {
          if (out.scriptPubKey.hex !== scriptHex) continue;
          if ((await btcd.getTxOut(tx.txid, out.n, false)) === null) continue;
          const sats = btcToSats(out.value);
          total += sats;
          unspents.push({
            txid: tx.txid,
            vout: out.n,
            scriptPubKey: scriptHex,
            desc: `addr(${address})`,
            amount: out.value,
            coinbase: tx.vin.some((v) => v.coinbase !== undefined),
            height: height - tx.confirmations + 1,
            blockhash: tx.blockhash,
            confirmations: tx.confirmations,
          });
        }
      }
    }
    return { success: true, txouts: unspents.length, height, bestblock, unspents, total_amount: satsToBtc(total) };
  });

  handlers.set('sendtoaddress', async (params) => {
    const address = params[0];
    const amount = params[1];
    if (typeof address !== 'string') throw new RpcFailure(RPC_INVALID_ADDRESS_OR_KEY, 'parameter 1 must be an address');
    if (typeof amount !== 'number' || !(amount > 0)) throw new RpcFailure(RPC_INVALID_PARAMETER, 'parameter 2 must be a positive BTC amount');
    return wallet.pay([{ address, sats: btcToSats(amount) }]);
  });

  handlers.set('sendmany', async (params) => {
    const amounts = params[1];
    if (typeof amounts !== 'object' || amounts === null || Array.isArray(amounts)) {
      throw new RpcFailure(RPC_INVALID_PARAMETER, 'parameter 2 must be an object {address: btc}');
    }
    const payments = Object.entries(amounts as Record<string, unknown>).map(([address, btc]) => {
      if (typeof btc !== 'number' || !(btc > 0)) throw new RpcFailure(RPC_INVALID_PARAMETER, `amount for ${address} must be a positive BTC number`);
      return { address, sats: btcToSats(btc) };
    });
    return wallet.pay(payments);
  });

  handlers.set('getbalance', async () => Number(await wallet.balance()) / 1e8);

  handlers.set('getnewaddress', async () => wallet.address);

  handlers.set('getmempoolentry', async (params) => {
    const txid = txidParam(params, 0);
    // btcd leaves getmempoolentry unimplemented (docs/btcd.md, "RPC differences from Bitcoin Core"), but
    // its verbose getrawmempool has the entry.
    const pool = await btcd.call<Record<string, unknown>>('getrawmempool', [true]);
    const entry = pool[txid];
    if (entry === undefined) throw new RpcFailure(RPC_INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
    return entry;
  });

  return handlers;
}

async function dispatch(handlers: Map<string, Handler>, btcd: RpcClient, request: JsonRpcRequest): Promise<unknown> {
  if (typeof request.method !== 'string') throw new RpcFailure(RPC_INVALID_REQUEST, 'method must be a string');
  const params = request.params === undefined ? [] : request.params;
  if (!Array.isArray(params)) throw new RpcFailure(RPC_INVALID_REQUEST, 'params must be an array (named params are not supported)');
  const handler = handlers.get(request.method);
  if (handler !== undefined) return handler(params);
  return btcd.call<unknown>(request.method, params);
}

export interface BitcoindRpcOptions {
  btcd: RpcClient;
  wallet: FundingWallet;
  user?: string;
  password?: string;
  port?: number;
  /** Called after blocks are mined through this endpoint (the chain archives them). */
  afterMine?: () => Promise<void>;
}

/** Serves the bitcoind-style JSON-RPC on 127.0.0.1. */
export async function startBitcoindRpc(options: BitcoindRpcOptions): Promise<LocalHttpServer & { user: string; password: string }> {
  const user = options.user ?? DEFAULT_RPC_USER;
  const password = options.password ?? DEFAULT_RPC_PASSWORD;
  const handlers = bitcoindHandlers(options.btcd, options.wallet, options.afterMine);

  const answer = async (request: JsonRpcRequest): Promise<{ body: unknown; status: number }> => {
    const id = request.id ?? null;
    try {
      const result = await dispatch(handlers, options.btcd, request);
      return { body: { result: result ?? null, error: null, id }, status: 200 };
    } catch (err) {
      const failure = toFailure(err);
      // Core answers errors with HTTP 500, and 404 for an unknown method (JSON-RPC 1.0 style).
      const status = failure.code === RPC_METHOD_NOT_FOUND ? 404 : 500;
      return { body: { result: null, error: { code: failure.code, message: failure.message }, id }, status };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'POST' }).end('JSON-RPC only accepts POST');
      return;
    }
    if (!basicAuthMatches(req, user, password)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="jsonrpc"' });
      res.end(JSON.stringify({ result: null, error: { code: RPC_MISC_ERROR, message: 'bad or missing RPC credentials' }, id: null }));
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readBody(req));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ result: null, error: { code: RPC_PARSE_ERROR, message: `parse error: ${String(err)}` }, id: null }));
      return;
    }
    if (Array.isArray(parsed)) {
      const replies = await Promise.all(parsed.map((r) => answer(r as JsonRpcRequest)));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(replies.map((r) => r.body)));
      return;
    }
    const reply = await answer((parsed ?? {}) as JsonRpcRequest);
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  };

  const server = await listenLocal(handle, options.port ?? 0);
  return { ...server, user, password };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChainError } from './errors.js';
import { listenLocal, readBody, type LocalHttpServer } from './http-util.js';
import { btcToSats } from './regtest.js';
import type { RpcClient, VerboseTransaction, VerboseVout } from './rpc-client.js';

/** Esplora's transaction status object. */
export interface EsploraStatus {
  confirmed: boolean;
  block_height?: number;
  block_hash?: string;
  block_time?: number;
}

export interface EsploraVout {
  scriptpubkey: string;
  scriptpubkey_asm: string;
  scriptpubkey_type: string;
  scriptpubkey_address?: string;
  value: number;
}

export interface EsploraVin {
  txid: string;
  vout: number;
  prevout: EsploraVout | null;
  scriptsig: string;
  witness?: string[];
  is_coinbase: boolean;
  sequence: number;
}

export interface EsploraTx {
  txid: string;
  version: number;
  locktime: number;
  vin: EsploraVin[];
  vout: EsploraVout[];
  size: number;
  weight: number;
  fee: number;
  status: EsploraStatus;
}

/** btcd's script class names → Esplora's (electrs `ScriptToAddr`/`get_script_type` naming). */
const SCRIPT_TYPES: Record<string, string> = {
  pubkeyhash: 'p2pkh',
  scripthash: 'p2sh',
  witness_v0_keyhash: 'v0_p2wpkh',
  witness_v0_scripthash: 'v0_p2wsh',
  witness_v1_taproot: 'v1_p2tr',
  nulldata: 'op_return',
  pubkey: 'p2pk',
  multisig: 'multisig',
  anchor: 'anchor',
};

function esploraVout(out: VerboseVout): EsploraVout {
  const address = out.scriptPubKey.address ?? out.scriptPubKey.addresses?.[0];
  return {
    scriptpubkey: out.scriptPubKey.hex,
    scriptpubkey_asm: out.scriptPubKey.asm ?? '',
    scriptpubkey_type: SCRIPT_TYPES[out.scriptPubKey.type ?? ''] ?? 'unknown',
    ...(address === undefined ? {} : { scriptpubkey_address: address }),
    value: Number(btcToSats(out.value)),
  };
}

async function statusOf(btcd: RpcClient, tx: VerboseTransaction): Promise<EsploraStatus> {
  if (tx.blockhash === undefined || (tx.confirmations ?? 0) === 0) return { confirmed: false };
  const block = await btcd.getBlock(tx.blockhash);
  return { confirmed: true, block_height: block.height, block_hash: tx.blockhash, block_time: block.time };
}

/** Builds Esplora's transaction JSON from btcd's verbose transaction, fetching prevouts for the fee. */
export async function toEsploraTx(btcd: RpcClient, tx: VerboseTransaction): Promise<EsploraTx> {
  let inSum = 0;
  let allKnown = true;
  const vin: EsploraVin[] = [];
  for (const input of tx.vin) {
    if (input.coinbase !== undefined) {
      allKnown = false;
      vin.push({ txid: '0'.repeat(64), vout: 0xffffffff, prevout: null, scriptsig: input.coinbase, is_coinbase: true, sequence: input.sequence });
      continue;
    }
    const prevTxid = input.txid ?? '';
    const prevIndex = input.vout ?? 0;
    const prev = await btcd.getRawTransaction(prevTxid);
    const prevOut = prev.vout[prevIndex];
    const prevout = prevOut === undefined ? null : esploraVout(prevOut);
    if (prevout === null) allKnown = false;
    else inSum += prevout.value;
    vin.push({
      txid: prevTxid,
      vout: prevIndex,
      prevout,
      scriptsig: input.scriptSig?.hex ?? '',
      ...(input.txinwitness === undefined ? {} : { witness: input.txinwitness }),
      is_coinbase: false,
      sequence: input.sequence,
    });
  }
  const vout = tx.vout.map(esploraVout);
  const outSum = vout.reduce((sum, o) => sum + o.value, 0);
  return {
    txid: tx.txid,
    version: tx.version,
    locktime: tx.locktime,
    vin,
    vout,
    size: tx.size,
    weight: tx.weight,
    fee: allKnown ? inSum - outSum : 0,
    status: await statusOf(btcd, tx),
  };
}

class HttpFailure extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const TXID = /^[0-9a-fA-F]{64}$/;

async function fetchTx(btcd: RpcClient, txid: string): Promise<VerboseTransaction> {
  if (!TXID.test(txid)) throw new HttpFailure(400, 'Invalid hex string');
  try {
    return await btcd.getRawTransaction(txid.toLowerCase());
  } catch (err) {
    if (err instanceof ChainError && err.rpcCode === -5) throw new HttpFailure(404, 'Transaction not found');
    throw err;
  }
}

/** Transactions touching an address, mempool ones first, then newest confirmed first (Esplora's order). */
async function addressTxs(btcd: RpcClient, address: string): Promise<VerboseTransaction[]> {
  let txs: VerboseTransaction[];
  try {
    txs = await btcd.searchRawTransactions(address, 0, 10_000);
  } catch (err) {
    if (err instanceof ChainError && err.rpcCode !== undefined) throw new HttpFailure(400, `Invalid Bitcoin address: ${err.message}`);
    throw err;
  }
  const depth = (t: VerboseTransaction): number => (t.confirmations === undefined || t.confirmations === 0 ? 0 : t.confirmations);
  return txs.sort((a, b) => depth(a) - depth(b));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (typeof body === 'string') {
    // The SDK requires /tx/:txid/hex to be bare hex, with no trailing newline (docs/sdk-wire.md, "Chain
    // access").
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  } else {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

/** Routes one Esplora request; exported for the tests of individual paths. */
export async function esploraRoute(btcd: RpcClient, method: string, path: string, body: () => Promise<string>): Promise<{ status: number; body: unknown }> {
  const parts = path.split('?')[0]?.split('/').filter((p) => p !== '') ?? [];
  const [a, b, c] = parts;
  if (method === 'POST' && a === 'tx' && b === undefined) {
    const hex = (await body()).trim();
    if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new HttpFailure(400, 'sendrawtransaction RPC error: invalid transaction hex');
    try {
      return { status: 200, body: await btcd.sendRawTransaction(hex) };
    } catch (err) {
      if (err instanceof ChainError && err.rpcCode !== undefined) {
        throw new HttpFailure(400, `sendrawtransaction RPC error: ${JSON.stringify({ code: err.rpcCode, message: err.message })}`);
      }
      throw err;
    }
  }
  if (method !== 'GET') throw new HttpFailure(405, `${method} not allowed on ${path}`);
  if (a === 'tx' && b !== undefined) {
    if (c === 'hex') return { status: 200, body: (await fetchTx(btcd, b)).hex };
    if (c === 'status') return { status: 200, body: await statusOf(btcd, await fetchTx(btcd, b)) };
    if (c === undefined) {
      try {
        return { status: 200, body: await toEsploraTx(btcd, await fetchTx(btcd, b)) };
      } catch (err) {
        // The SDK's isTxBroadcast parses this reply as JSON and looks at `error` (utils/mempool.ts).
        if (err instanceof HttpFailure && err.status === 404) return { status: 404, body: { error: err.message } };
        throw err;
      }
    }
  }
  if (a === 'address' && b !== undefined && c === 'txs') {
    const txs = await addressTxs(btcd, b);
    const out: EsploraTx[] = [];
    for (const tx of txs.slice(0, 50)) out.push(await toEsploraTx(btcd, tx));
    return { status: 200, body: out };
  }
  if (a === 'address' && b !== undefined && c === 'utxo') {
    const txs = await addressTxs(btcd, b);
    const spent = new Set<string>();
    for (const tx of txs) for (const v of tx.vin) if (v.txid !== undefined) spent.add(`${v.txid}:${v.vout}`);
    const utxos: { txid: string; vout: number; value: number; status: EsploraStatus }[] = [];
    for (const tx of txs) {
      for (const out of tx.vout) {
        const addr = out.scriptPubKey.address ?? out.scriptPubKey.addresses?.[0];
        if (addr !== b || spent.has(`${tx.txid}:${out.n}`)) continue;
        utxos.push({ txid: tx.txid, vout: out.n, value: Number(btcToSats(out.value)), status: await statusOf(btcd, tx) });
      }
    }
    return { status: 200, body: utxos };
  }
  if (a === 'blocks' && b === 'tip' && c === 'height') return { status: 200, body: String(await btcd.getBlockCount()) };
  if (a === 'blocks' && b === 'tip' && c === 'hash') return { status: 200, body: await btcd.getBestBlockHash() };
  if (a === 'block-height' && b !== undefined && /^\d+$/.test(b)) {
    try {
      return { status: 200, body: await btcd.getBlockHash(Number(b)) };
    } catch (err) {
      if (err instanceof ChainError && err.rpcCode !== undefined) throw new HttpFailure(404, 'Block not found');
      throw err;
    }
  }
  throw new HttpFailure(404, `no such Esplora endpoint: ${method} ${path}`);
}

/** Serves the Esplora HTTP subset on 127.0.0.1. Authorization headers are accepted and ignored. */
export async function startEsplora(btcd: RpcClient, port = 0): Promise<LocalHttpServer> {
  return listenLocal(async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const reply = await esploraRoute(btcd, req.method ?? 'GET', req.url ?? '/', () => readBody(req));
      send(res, reply.status, reply.body);
    } catch (err) {
      if (err instanceof HttpFailure) send(res, err.status, err.message);
      else send(res, 500, `internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }, port);
}

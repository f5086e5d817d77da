import { ChainError } from './errors.js';
import { satsToBtc } from './regtest.js';
import { RpcClient, type RpcEndpoint, type VerboseTransaction } from './rpc-client.js';

/** Options of a funding call. */
export interface FundOptions {
  /** Blocks to mine after broadcasting; 0 leaves the transaction in the mempool. Default 1. */
  confirmations?: number;
}

/** The result of funding an address. */
export interface FundResult {
  txid: string;
  /** Index of the output that pays the address. */
  vout: number;
  /** The funding transaction, raw hex (with witness). */
  hex: string;
}

/**
 * The fund-and-mine helper, talking to the chain's bitcoind-style JSON-RPC: usable from tests,
 * from the CLI, and from any process that only knows the chain's URL.
 */
export class ChainClient {
  readonly rpc: RpcClient;

  constructor(endpoint: RpcEndpoint) {
    this.rpc = new RpcClient(endpoint);
  }

  /** Mines n blocks and returns their hashes. */
  mine(n: number): Promise<string[]> {
    if (!Number.isInteger(n) || n <= 0) throw new ChainError('BAD_AMOUNT', `block count must be a positive integer, got ${n}`);
    return this.rpc.call<string[]>('generate', [n]);
  }

  /** Pays `sats` to `address` from the funding wallet, then mines `confirmations` blocks. */
  async fund(address: string, sats: bigint | number, options: FundOptions = {}): Promise<FundResult> {
    const results = await this.fundMany([{ address, sats }], options);
    const first = results[0];
    if (first === undefined) throw new ChainError('NOT_FOUND', 'funding produced no output');
    return first;
  }

  /** Pays several addresses in one transaction (one output each, in order), then mines. */
  async fundMany(payments: { address: string; sats: bigint | number }[], options: FundOptions = {}): Promise<FundResult[]> {
    const amounts: Record<string, number> = {};
    for (const p of payments) {
      const sats = BigInt(p.sats);
      if (sats <= 0n) throw new ChainError('BAD_AMOUNT', `amount must be positive, got ${sats}`);
      if (p.address in amounts) throw new ChainError('BAD_ADDRESS', `address ${p.address} given twice`);
      amounts[p.address] = satsToBtc(sats);
    }
    const txid = await this.rpc.call<string>('sendmany', ['', amounts]);
    const confirmations = options.confirmations ?? 1;
    if (confirmations > 0) await this.mine(confirmations);
    const tx = await this.rpc.call<VerboseTransaction>('getrawtransaction', [txid, 1]);
    return payments.map((p) => {
      const out = tx.vout.find((o) => (o.scriptPubKey.address ?? o.scriptPubKey.addresses?.[0]) === p.address);
      if (out === undefined) throw new ChainError('NOT_FOUND', `funding tx ${txid} has no output to ${p.address}`);
      return { txid, vout: out.n, hex: tx.hex };
    });
  }

  getBlockCount(): Promise<number> {
    return this.rpc.getBlockCount();
  }

  getRawTransaction(txid: string): Promise<VerboseTransaction> {
    return this.rpc.call<VerboseTransaction>('getrawtransaction', [txid, 1]);
  }

  sendRawTransaction(hex: string): Promise<string> {
    return this.rpc.call<string>('sendrawtransaction', [hex, 0]);
  }
}

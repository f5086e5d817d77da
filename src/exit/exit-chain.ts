/**
 * What an exit needs from Bitcoin: the tip height, a transaction's state, broadcasting, whether
 * an output is still unspent, and — on regtest only — mining. Served by any bitcoind-style
 * JSON-RPC: the project's chain adapter (emulator/chain, network LOCAL), which passes btcd's own
 * methods (`generate`, `searchrawtransactions`) through; or btcd itself with --txindex.
 */
import { ChainError } from '../../emulator/chain/errors.js';
import { RpcClient, type RpcEndpoint } from '../../emulator/chain/rpc-client.js';
import { ExitError } from './errors.js';

export type TxState = { state: 'unknown' } | { state: 'mempool' } | { state: 'confirmed'; height: number };

export interface ExitChain {
  height(): Promise<number>;
  txState(txid: string): Promise<TxState>;
  /** Broadcasts; a transaction the chain already has counts as broadcast. */
  broadcast(hex: string, txid: string): Promise<void>;
  /** Whether output `vout` of `txid` exists and is unspent, counting the mempool. */
  isUnspent(txid: string, vout: number): Promise<boolean>;
  /** Mines n blocks (regtest); undefined where the chain cannot be told to mine. */
  mine?: (n: number) => Promise<void>;
}

const RPC_INVALID_ADDRESS_OR_KEY = -5;
const RPC_VERIFY_ALREADY_IN_CHAIN = -27;

function chainError(what: string, e: unknown): ExitError {
  return new ExitError('CHAIN_ERROR', `${what}: ${(e as Error).message}`, { cause: e });
}

/** An ExitChain over a bitcoind-style JSON-RPC endpoint; `regtest` allows `generate`. */
export function rpcExitChain(endpoint: RpcEndpoint, options: { regtest: boolean }): ExitChain & { readonly rpc: RpcClient } {
  const rpc = new RpcClient(endpoint);
  const chain: ExitChain & { readonly rpc: RpcClient } = {
    rpc,
    async height() {
      try {
        return await rpc.getBlockCount();
      } catch (e) {
        throw chainError('getblockcount', e);
      }
    },
    async txState(txid) {
      try {
        const tx = await rpc.getRawTransaction(txid);
        const conf = tx.confirmations ?? 0;
        if (conf <= 0) return { state: 'mempool' };
        const tip = await rpc.getBlockCount();
        return { state: 'confirmed', height: tip - conf + 1 };
      } catch (e) {
        if (e instanceof ChainError && e.rpcCode === RPC_INVALID_ADDRESS_OR_KEY) return { state: 'unknown' };
        throw chainError(`getrawtransaction ${txid}`, e);
      }
    },
    async broadcast(hex, txid) {
      try {
        await rpc.sendRawTransaction(hex);
      } catch (e) {
        if (e instanceof ChainError && e.rpcCode === RPC_VERIFY_ALREADY_IN_CHAIN) return;
        // btcd answers -26/-25 "already have transaction" for a mempool duplicate; check instead of parsing text.
        const state = await chain.txState(txid).catch(() => ({ state: 'unknown' as const }));
        if (state.state !== 'unknown') return;
        throw new ExitError('CHAIN_ERROR', `the chain rejected ${txid}: ${(e as Error).message}`, { cause: e });
      }
    },
    async isUnspent(txid, vout) {
      try {
        return (await rpc.getTxOut(txid, vout, true)) !== null;
      } catch (e) {
        throw chainError(`gettxout ${txid}:${vout}`, e);
      }
    },
  };
  if (options.regtest) {
    chain.mine = async (n) => {
      try {
        await rpc.generate(n);
      } catch (e) {
        throw chainError('generate', e);
      }
    };
  }
  return chain;
}

/** How an exit waits for blocks: by mining them (regtest) or by polling until they come. */
export interface BlockClock {
  /** Returns once the tip is at least `height`. */
  untilHeight(height: number): Promise<void>;
  /** Returns the confirmation height of `txid` once it has one confirmation. */
  untilConfirmed(txid: string): Promise<number>;
}

export interface ClockOptions {
  /** Mine the blocks instead of waiting (needs chain.mine). */
  mine: boolean;
  /** Poll interval when waiting (default 10 s). */
  pollMs?: number;
  /** Give up after this long (default: never). */
  timeoutMs?: number;
  onWait?: (what: string) => void;
}

/** Blocks mined while waiting for one transaction before giving up on it. */
const MAX_MINED_FOR_CONFIRMATION = 3;

export function blockClock(chain: ExitChain, o: ClockOptions): BlockClock {
  const mine = o.mine ? chain.mine : undefined;
  if (o.mine && mine === undefined) throw new ExitError('BAD_ARGUMENT', 'this chain cannot mine (not regtest)');
  const pollMs = o.pollMs ?? 10_000;
  const deadline = o.timeoutMs === undefined ? Infinity : Date.now() + o.timeoutMs;
  const sleep = async (what: string): Promise<void> => {
    if (Date.now() > deadline) throw new ExitError('TIMEOUT', `gave up waiting for ${what}`);
    o.onWait?.(what);
    await new Promise((r) => setTimeout(r, pollMs));
  };
  return {
    async untilHeight(height) {
      for (;;) {
        const tip = await chain.height();
        if (tip >= height) return;
        if (mine !== undefined) await mine(height - tip);
        else await sleep(`block ${height} (tip ${tip})`);
      }
    },
    async untilConfirmed(txid) {
      for (let mined = 0; ; ) {
        const s = await chain.txState(txid);
        if (s.state === 'confirmed') return s.height;
        if (s.state === 'unknown') throw new ExitError('CHAIN_ERROR', `transaction ${txid} is neither in the mempool nor in a block (evicted?)`);
        if (mine === undefined) await sleep(`a confirmation of ${txid}`);
        else if (mined++ < MAX_MINED_FOR_CONFIRMATION) await mine(1);
        // A miner that leaves it out block after block will not take it (e.g. a fee below its floor).
        else throw new ExitError('CHAIN_ERROR', `transaction ${txid} stayed in the mempool through ${MAX_MINED_FOR_CONFIRMATION} mined blocks`);
      }
    },
  };
}

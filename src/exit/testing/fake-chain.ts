/**
 * An in-memory chain for unit tests of exit logic: it enforces what matters to an exit — the
 * parent must be known, its output unspent, and a BIP-68 relative lock satisfied (a transaction
 * may enter block parentHeight + lock) — and mines the mempool on demand. Real-chain behaviour is
 * covered by the btcd tests in test/exit.
 */
import { ExitError } from '../errors.js';
import type { ExitChain, TxState } from '../exit-chain.js';
import { parseExitTx, relativeLockBlocks, spentOutpoint } from '../transactions.js';

export class FakeChain implements ExitChain {
  tip = 100;
  private readonly txs = new Map<string, { height: number | undefined; hex: string }>();
  private readonly spentBy = new Map<string, string>();
  readonly broadcasts: string[] = [];

  /** Puts an external transaction (a deposit) in a block at the current tip. */
  addConfirmed(txid: string): void {
    this.txs.set(txid, { height: this.tip, hex: '' });
  }

  height(): Promise<number> {
    return Promise.resolve(this.tip);
  }

  txState(txid: string): Promise<TxState> {
    const t = this.txs.get(txid);
    if (t === undefined) return Promise.resolve({ state: 'unknown' });
    return Promise.resolve(t.height === undefined ? { state: 'mempool' } : { state: 'confirmed', height: t.height });
  }

  broadcast(hex: string, txid: string): Promise<void> {
    if (this.txs.has(txid)) return Promise.resolve();
    const t = parseExitTx(hex, 'broadcast');
    const prev = spentOutpoint(t);
    const parent = this.txs.get(prev.txid);
    const reject = (m: string): Promise<void> => Promise.reject(new ExitError('CHAIN_ERROR', m));
    if (parent === undefined) return reject(`missing inputs: ${prev.txid}`);
    const key = `${prev.txid}:${prev.vout}`;
    if (this.spentBy.has(key)) return reject(`output ${key} already spent`);
    const lock = relativeLockBlocks(t);
    if (lock > 0 && (parent.height === undefined || this.tip + 1 < parent.height + lock)) return reject('sequence locks on inputs not met');
    this.spentBy.set(key, txid);
    this.txs.set(txid, { height: undefined, hex });
    this.broadcasts.push(txid);
    return Promise.resolve();
  }

  isUnspent(txid: string, vout: number): Promise<boolean> {
    return Promise.resolve(this.txs.has(txid) && !this.spentBy.has(`${txid}:${vout}`));
  }

  mine = (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      this.tip++;
      for (const t of this.txs.values()) if (t.height === undefined) t.height = this.tip;
    }
    return Promise.resolve();
  };
}

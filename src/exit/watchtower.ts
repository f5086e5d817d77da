/**
 * The watchtower: makes the CURRENT owner's transactions win when anyone starts exiting a leaf.
 * Each transfer lowers the refund timelock by 100 blocks, and each renewal lowers a node's
 * (docs/transfers.md, "Constants and timelock scheme"), so once a parent confirms, the current
 * child matures before any older version — but only if someone broadcasts it then. This does.
 *
 * It runs on the user's side, as its own process, from the user's exit-data file and a chain
 * endpoint; not inside the operators as upstream's (spark/so/watchtower). Reason: it must work
 * when every operator is gone, which is exactly when a previous owner may try an old refund; it
 * needs nothing an operator has that the exit data lacks; and it holds no key (node txs and
 * refunds are pre-signed; only the later sweep needs the leaf key).
 *
 * Per round and leaf, from the root down: a node whose parent NODE tx is confirmed (someone
 * started an exit; the root's parent, the deposit, does not count) is broadcast in the first block
 * its timelock allows; once the leaf's node tx (either variant) is confirmed, so is the refund that
 * spends it. Fee-paying variants are preferred without a fee wallet; with one, the variant that
 * matures first, paid for by an anchor child.
 */
import type { FundingWallet } from '../../emulator/chain/funding-wallet.js';
import { payForAnchor } from './anchor-child.js';
import { ExitError } from './errors.js';
import type { ExitChain } from './exit-chain.js';
import type { ExitData, ExitLeaf } from './exit-data.js';
import { DEFAULT_FEE_RATE_SAT_PER_VB } from './exit-runner.js';
import { anchorIndex, parseExitTx, relativeLockBlocks, spentOutpoint, type ExitTx } from './transactions.js';

export type WatchStatus =
  /** Nobody started an exit of this leaf. */
  | { leafId: string; status: 'idle' }
  /** `parentTxid` confirmed; `txid` (a node tx or the refund) may enter block `matureAt`. */
  | { leafId: string; status: 'waiting'; what: 'node' | 'refund'; txid: string; parentTxid: string; matureAt: number }
  /** This round broadcast `txid`. */
  | { leafId: string; status: 'broadcast'; what: 'node' | 'refund'; txid: string; anchorChildTxid?: string }
  /** The current refund is already in the mempool or a block. */
  | { leafId: string; status: 'refund-known'; txid: string }
  /** An output the current chain needs was spent by another transaction: an older version won. */
  | { leafId: string; status: 'spent-elsewhere'; outpoint: string }
  /** Something failed this round; retried next round. */
  | { leafId: string; status: 'error'; message: string };

export interface WatchtowerOptions {
  chain: ExitChain;
  /** Pays anchor children, so the zero-fee variants (which mature first) can be used. */
  feeWallet?: FundingWallet;
  feeRate?: number;
  onStatus?: (s: WatchStatus) => void;
}

interface Option {
  tx: ExitTx;
  matureAt: number;
}

export class ExitWatchtower {
  constructor(private readonly o: WatchtowerOptions) {}

  /** One look at the chain for every leaf of `data`; broadcasts what is due. */
  async check(data: ExitData): Promise<WatchStatus[]> {
    const out: WatchStatus[] = [];
    for (const leaf of data.leaves) {
      let s: WatchStatus;
      try {
        s = await this.checkLeaf(leaf);
      } catch (e) {
        s = { leafId: leaf.leafId, status: 'error', message: (e as Error).message };
      }
      this.o.onStatus?.(s);
      out.push(s);
    }
    return out;
  }

  private async checkLeaf(leaf: ExitLeaf): Promise<WatchStatus> {
    const { chain } = this.o;
    const id = leaf.leafId;
    const n = leaf.nodes.length;
    // The variant of each node that is on chain, from the root down.
    let parent: { tx: ExitTx; height: number } | undefined;
    for (let i = 0; i < n; i++) {
      const node = leaf.nodes[i]!;
      const variants = [parseExitTx(node.nodeTx, 'nodeTx'), ...(node.directTx === undefined ? [] : [parseExitTx(node.directTx, 'directTx')])];
      let onChain: { tx: ExitTx; height: number } | undefined;
      let inMempool = false;
      for (const v of variants) {
        const s = await chain.txState(v.txid);
        if (s.state === 'confirmed') onChain = { tx: v, height: s.height };
        if (s.state === 'mempool') inMempool = true;
      }
      if (onChain !== undefined) {
        parent = onChain;
        continue;
      }
      // Not confirmed: nothing to do for the root (only its deposit is above it), or while a
      // version is already in the mempool; otherwise push it once its parent node confirmed.
      if (i === 0 || inMempool || parent === undefined) return { leafId: id, status: 'idle' };
      // Ancestors only by nodeTx: a child spends its parent's nodeTx output, never its directTx.
      const usable = i === n - 1 ? variants : variants.slice(0, 1);
      return this.pushWhenMature(id, 'node', parent, usable.filter((v) => spendsTx(v, parent!.tx)));
    }
    if (parent === undefined) return { leafId: id, status: 'idle' };
    const leafNode = leaf.nodes[n - 1]!;
    const refunds = (parent.tx.txid === parseExitTx(leafNode.nodeTx, 'nodeTx').txid
      ? [leaf.refunds.cpfp, leaf.refunds.directFromCpfp]
      : [leaf.refunds.direct]).filter((h): h is string => h !== undefined).map((h) => parseExitTx(h, 'refund'));
    for (const r of refunds) {
      if ((await chain.txState(r.txid)).state !== 'unknown') return { leafId: id, status: 'refund-known', txid: r.txid };
    }
    return this.pushWhenMature(id, 'refund', parent, refunds);
  }

  /** Broadcasts the best of `txs` (all spending `parent`'s output) once it may enter a block. */
  private async pushWhenMature(leafId: string, what: 'node' | 'refund', parent: { tx: ExitTx; height: number }, txs: ExitTx[]): Promise<WatchStatus> {
    const { chain } = this.o;
    const first = txs[0];
    if (first === undefined) throw new ExitError('VARIANT_UNAVAILABLE', `leaf ${leafId}: no ${what} transaction spends ${parent.tx.txid}`);
    const spent = spentOutpoint(first);
    if (!(await chain.isUnspent(spent.txid, spent.vout))) return { leafId, status: 'spent-elsewhere', outpoint: `${spent.txid}:${spent.vout}` };
    const best = this.choose(txs, parent.height);
    if ((await chain.height()) + 1 < best.matureAt) return { leafId, status: 'waiting', what, txid: best.tx.txid, parentTxid: parent.tx.txid, matureAt: best.matureAt };
    await chain.broadcast(best.tx.hex, best.tx.txid);
    if (anchorIndex(best.tx) !== undefined && this.o.feeWallet !== undefined) {
      const child = await payForAnchor(chain, best.tx, this.o.feeWallet, this.o.feeRate ?? DEFAULT_FEE_RATE_SAT_PER_VB);
      return { leafId, status: 'broadcast', what, txid: best.tx.txid, anchorChildTxid: child.txid };
    }
    return { leafId, status: 'broadcast', what, txid: best.tx.txid };
  }

  /**
   * With a fee wallet, the variant that matures first (the zero-fee CPFP one, paid for by an
   * anchor child); without one, a fee-paying variant (50 blocks later, still 50 ahead of the
   * previous version's earliest); a zero-fee one only when there is nothing else.
   */
  private choose(txs: ExitTx[], parentHeight: number): Option {
    const all = txs.map((tx) => ({ tx, matureAt: parentHeight + relativeLockBlocks(tx), zeroFee: anchorIndex(tx) !== undefined }));
    const feePaying = all.filter((x) => !x.zeroFee);
    const ranked = (this.o.feeWallet !== undefined || feePaying.length === 0 ? all : feePaying).sort((a, b) => a.matureAt - b.matureAt);
    const best = ranked[0];
    if (best === undefined) throw new ExitError('VARIANT_UNAVAILABLE', 'no transaction to broadcast');
    return best;
  }

  /** Checks every `pollMs` until `signal` aborts; `load` is called each round (re-read the file: a claim adds leaves). */
  async run(load: () => ExitData, signal: AbortSignal, pollMs = 10_000): Promise<void> {
    let last: ExitData | undefined;
    while (!signal.aborted) {
      try {
        last = load();
      } catch (e) {
        // A file being replaced or damaged must not stop the watch: keep the last good data.
        if (last === undefined) throw e;
        this.o.onStatus?.({ leafId: '*', status: 'error', message: `keeping the previous exit data: ${(e as Error).message}` });
      }
      await this.check(last);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
      });
    }
  }
}

function spendsTx(child: ExitTx, parent: ExitTx): boolean {
  return spentOutpoint(child).txid === parent.txid;
}

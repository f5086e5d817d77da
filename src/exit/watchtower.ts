/**
 * The watchtower: makes the CURRENT owner's refund win when anyone broadcasts a leaf's node
 * chain. Each transfer lowers the refund timelock by 100 blocks (docs/transfers.md, "Constants
 * and timelock scheme"), so once a leaf's node transaction confirms, the current owner's refund
 * matures before any older owner's — but only if someone broadcasts it then. This does.
 *
 * It runs on the user's side, as its own process, from the user's exit-data file and a chain
 * endpoint; not inside the operators as upstream's (spark/so/watchtower). Reason: it must work
 * when every operator is gone, which is exactly when a previous owner may try an old refund; it
 * needs nothing an operator has that the exit data lacks; and it holds no key (refunds are
 * pre-signed; only the later sweep needs the leaf key).
 *
 * Per round and leaf: if neither variant of the leaf's node tx is confirmed, nothing to do. If one
 * is, the matching current refund is broadcast as soon as its relative timelock allows (the
 * fee-paying direct variant first, as upstream; the zero-fee CPFP refund with an anchor child
 * when there is no direct one and a fee wallet is given).
 */
import type { FundingWallet } from '../../emulator/chain/funding-wallet.js';
import { payForAnchor } from './anchor-child.js';
import { ExitError } from './errors.js';
import type { ExitChain } from './exit-chain.js';
import type { ExitData, ExitLeaf } from './exit-data.js';
import { DEFAULT_FEE_RATE_SAT_PER_VB } from './exit-runner.js';
import { anchorIndex, parseExitTx, relativeLockBlocks, type ExitTx } from './transactions.js';

export type WatchStatus =
  /** No variant of the leaf's node tx is on chain. */
  | { leafId: string; status: 'idle' }
  /** The node tx confirmed; the refund may enter block `matureAt`. */
  | { leafId: string; status: 'waiting'; nodeTxid: string; refundTxid: string; matureAt: number }
  /** This round broadcast the refund. */
  | { leafId: string; status: 'broadcast'; refundTxid: string; anchorChildTxid?: string }
  /** The current refund is already in the mempool or a block. */
  | { leafId: string; status: 'refund-known'; refundTxid: string }
  /** The node output was spent by another transaction: an older refund won (or another exit ran). */
  | { leafId: string; status: 'spent-elsewhere'; nodeTxid: string }
  /** Broadcasting failed this round; retried next round. */
  | { leafId: string; status: 'error'; message: string };

export interface WatchtowerOptions {
  chain: ExitChain;
  /** Pays anchor children when only a zero-fee refund is available. */
  feeWallet?: FundingWallet;
  feeRate?: number;
  onStatus?: (s: WatchStatus) => void;
}

interface Candidate {
  node: ExitTx;
  refunds: ExitTx[];
}

/** The leaf node's variants, each with the current refunds that spend it, best first. */
function candidates(leaf: ExitLeaf): Candidate[] {
  const last = leaf.nodes[leaf.nodes.length - 1];
  if (last === undefined) throw new ExitError('MALFORMED_DATA', `leaf ${leaf.leafId} has no nodes`);
  const out: Candidate[] = [];
  const cpfpRefunds = [leaf.refunds.cpfp, leaf.refunds.directFromCpfp].filter((h): h is string => h !== undefined);
  out.push({ node: parseExitTx(last.nodeTx, 'leaf nodeTx'), refunds: cpfpRefunds.map((h) => parseExitTx(h, 'refund')) });
  if (last.directTx !== undefined && leaf.refunds.direct !== undefined) {
    out.push({ node: parseExitTx(last.directTx, 'leaf directTx'), refunds: [parseExitTx(leaf.refunds.direct, 'direct refund')] });
  }
  return out;
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
    for (const c of candidates(leaf)) {
      const nodeState = await chain.txState(c.node.txid);
      if (nodeState.state !== 'confirmed') continue;
      for (const r of c.refunds) {
        if ((await chain.txState(r.txid)).state !== 'unknown') return { leafId: leaf.leafId, status: 'refund-known', refundTxid: r.txid };
      }
      if (!(await chain.isUnspent(c.node.txid, 0))) return { leafId: leaf.leafId, status: 'spent-elsewhere', nodeTxid: c.node.txid };
      const tip = await chain.height();
      const best = this.choose(c.refunds, nodeState.height);
      if (tip + 1 < best.matureAt) return { leafId: leaf.leafId, status: 'waiting', nodeTxid: c.node.txid, refundTxid: best.refund.txid, matureAt: best.matureAt };
      await chain.broadcast(best.refund.hex, best.refund.txid);
      if (anchorIndex(best.refund) !== undefined && this.o.feeWallet !== undefined) {
        const child = await payForAnchor(chain, best.refund, this.o.feeWallet, this.o.feeRate ?? DEFAULT_FEE_RATE_SAT_PER_VB);
        return { leafId: leaf.leafId, status: 'broadcast', refundTxid: best.refund.txid, anchorChildTxid: child.txid };
      }
      return { leafId: leaf.leafId, status: 'broadcast', refundTxid: best.refund.txid };
    }
    return { leafId: leaf.leafId, status: 'idle' };
  }

  /**
   * With a fee wallet, the refund that matures first (the zero-fee CPFP refund, T blocks, paid
   * for by an anchor child); without one, a fee-paying refund (T + 50), which still matures 50
   * blocks before the previous owner's earliest (T + 100). A zero-fee refund is the last resort.
   */
  private choose(refunds: ExitTx[], nodeHeight: number): { refund: ExitTx; matureAt: number } {
    const ranked = refunds
      .map((refund) => ({ refund, matureAt: nodeHeight + relativeLockBlocks(refund), zeroFee: anchorIndex(refund) !== undefined }))
      .filter((x) => this.o.feeWallet !== undefined || !x.zeroFee || refunds.every((r) => anchorIndex(r) !== undefined))
      .sort((a, b) => a.matureAt - b.matureAt);
    const best = ranked[0];
    if (best === undefined) throw new ExitError('VARIANT_UNAVAILABLE', 'no refund to broadcast');
    return best;
  }

  /** Checks every `pollMs` until `signal` aborts; `load` is called each round (re-read the file: a claim adds leaves). */
  async run(load: () => ExitData, signal: AbortSignal, pollMs = 10_000): Promise<void> {
    while (!signal.aborted) {
      await this.check(load());
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
      });
    }
  }
}

/**
 * Watches the chain for the deposits behind CREATING tree nodes: once the deposit transaction
 * has the configured number of confirmations, the node becomes AVAILABLE and the owner's event
 * streams get a `deposit` event. It also watches the exit transactions of cooperative exits whose
 * refunds are signed: once one is in a block, the exit's key tweak is applied (`exits`). Every
 * operator watches on its own, as upstream's do (bitcoind-style JSON-RPC: `getrawtransaction
 * [txid, 1]`, whose verbose answer carries `confirmations`; `getblockcount`).
 */
import type { ChainConfig } from './config.js';
import type { Repository, TreeNodeRow } from './db/repository.js';

export class ChainRpc {
  private readonly auth: string;
  constructor(private readonly cfg: ChainConfig) {
    this.auth = 'Basic ' + Buffer.from(`${cfg.rpcUser}:${cfg.rpcPassword}`).toString('base64');
  }

  async call<T>(method: string, params: unknown[]): Promise<T> {
    const res = await fetch(this.cfg.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: this.auth },
      body: JSON.stringify({ jsonrpc: '1.0', id: 'operator', method, params }),
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    let body: { result?: T; error?: { code: number; message: string } | null };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`chain RPC ${method}: HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    if (body.error) throw new Error(`chain RPC ${method}: ${body.error.message} (code ${body.error.code})`);
    return body.result as T;
  }

  async height(): Promise<number> {
    return this.call<number>('getblockcount', []);
  }

  /** Confirmations of a transaction: 0 if in the mempool, undefined if unknown to the node. */
  async confirmations(txid: string): Promise<number | undefined> {
    try {
      const tx = await this.call<{ confirmations?: number }>('getrawtransaction', [txid, 1]);
      return tx.confirmations ?? 0;
    } catch (e) {
      if (/No information|not found|-5\b/i.test((e as Error).message)) return undefined;
      throw e;
    }
  }
}

/**
 * Cooperative exits waiting for their exit transaction (transfer/participant.ts): `pending` lists
 * them with their exit txid, `confirmed` applies one's tweak, once, given the block height that
 * first holds its exit transaction (upstream so/chain/watch_chain.go applies it in the first
 * block that holds it; the claim then waits for 6 confirmations).
 */
export interface ExitWatch {
  pending(): Promise<{ transferId: string; exitTxid: string }[]>;
  confirmed(transferId: string, height: number): Promise<boolean>;
}

export class ChainWatcher {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  readonly required: number;

  constructor(
    private readonly rpc: ChainRpc,
    private readonly repo: Repository,
    cfg: ChainConfig,
    private readonly onAvailable: (node: TreeNodeRow) => void,
    private readonly log: (m: string) => void,
    private readonly exits?: ExitWatch,
  ) {
    this.required = cfg.confirmations ?? 1;
    this.interval = cfg.pollIntervalMs ?? 500;
  }
  private readonly interval: number;

  async isConfirmed(txid: string): Promise<boolean> {
    const c = await this.rpc.confirmations(txid);
    return c !== undefined && c >= this.required;
  }

  start(): void {
    const tick = async (): Promise<void> => {
      if (this.running) return;
      this.running = true;
      try {
        await this.poll();
      } catch (e) {
        this.log(`chain watcher: ${(e as Error).message}`);
      } finally {
        this.running = false;
      }
    };
    this.timer = setInterval(() => void tick(), this.interval);
    this.timer.unref();
  }

  async poll(): Promise<void> {
    for (const node of await this.repo.listTreeNodesWithStatus('CREATING')) {
      if (await this.isConfirmed(node.deposit_txid)) {
        if (await this.repo.setTreeNodeStatus(node.id, 'CREATING', 'AVAILABLE')) {
          this.onAvailable({ ...node, status: 'AVAILABLE' });
        }
      }
    }
    if (this.exits === undefined) return;
    for (const e of await this.exits.pending()) {
      const c = await this.rpc.confirmations(e.exitTxid);
      if (c === undefined || c < 1) continue;
      // The block that first holds it: the tip less the confirmations beyond the first.
      const height = (await this.rpc.height()) - (c - 1);
      if (await this.exits.confirmed(e.transferId, height)) this.log(`cooperative exit ${e.transferId}: exit transaction ${e.exitTxid} mined at height ${height}; key tweak applied`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

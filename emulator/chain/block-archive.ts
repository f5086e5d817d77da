import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ChainError } from './errors.js';
import type { RpcClient } from './rpc-client.js';

/**
 * btcd deletes its block database at every start in regtest mode (its log says "Removing
 * regression test database"; docs/btcd.md, section "Learned by running it"), so a chain that must
 * survive a restart keeps its own copy of every block and feeds them back with `submitblock`. The file
 * has one line per block from height 1: "<hash> <raw block hex>". The unconfirmed transactions are saved
 * alongside and re-broadcast after the replay.
 */
export class BlockArchive {
  private hashes: string[] = [];

  constructor(private readonly blockFile: string, private readonly mempoolFile: string) {
    if (existsSync(blockFile)) {
      let text = readFileSync(blockFile, 'utf8');
      if (text !== '' && !text.endsWith('\n')) {
        // A write cut short (the process was killed while appending): the last line is torn, and
        // only that line. Drop it; the blocks before it are whole.
        text = text.slice(0, text.lastIndexOf('\n') + 1);
        writeFileSync(blockFile, text);
      }
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const hash = line.slice(0, 64);
        if (!/^[0-9a-f]{64} [0-9a-f]+$/.test(line)) throw new ChainError('ARCHIVE_DAMAGED', `${blockFile}: corrupt line ${this.hashes.length + 1}`);
        this.hashes.push(hash);
      }
    }
  }

  /** Number of archived blocks (= archived tip height). */
  get height(): number {
    return this.hashes.length;
  }

  /** Appends the blocks btcd has beyond the archive; rewrites the archive after a reorg. */
  async sync(rpc: RpcClient): Promise<void> {
    const tip = await rpc.getBlockCount();
    // Walk back to the last archived block that is still on btcd's best chain.
    let common = Math.min(this.hashes.length, tip);
    while (common > 0 && (await rpc.getBlockHash(common)) !== this.hashes[common - 1]) common--;
    if (common < this.hashes.length) {
      const kept = readFileSync(this.blockFile, 'utf8').split('\n').slice(0, common);
      writeFileSync(this.blockFile, kept.map((l) => l + '\n').join(''));
      this.hashes = this.hashes.slice(0, common);
    }
    let lines = '';
    for (let h = common + 1; h <= tip; h++) {
      const hash = await rpc.getBlockHash(h);
      lines += `${hash} ${await rpc.getBlockHex(hash)}\n`;
      this.hashes.push(hash);
    }
    if (lines !== '') appendFileSync(this.blockFile, lines);
  }

  /** Saves the mempool's raw transactions (parents before children, as btcd requires). */
  async saveMempool(rpc: RpcClient): Promise<void> {
    const pool = await rpc.call<Record<string, { depends?: string[] }>>('getrawmempool', [true]);
    const order: string[] = [];
    const seen = new Set<string>();
    const visit = (txid: string): void => {
      if (seen.has(txid) || pool[txid] === undefined) return;
      seen.add(txid);
      for (const parent of pool[txid].depends ?? []) visit(parent);
      order.push(txid);
    };
    for (const txid of Object.keys(pool)) visit(txid);
    const hexes: string[] = [];
    for (const txid of order) hexes.push(await rpc.getRawTransactionHex(txid));
    writeFileSync(this.mempoolFile, JSON.stringify(hexes) + '\n');
  }

  /** Feeds every archived block to a fresh btcd, then re-broadcasts the saved mempool. */
  async replay(rpc: RpcClient): Promise<void> {
    const tip = await rpc.getBlockCount();
    if (tip !== 0) throw new ChainError('BTCD_START_FAILED', `replay needs a fresh btcd, this one is at height ${tip}`);
    if (existsSync(this.blockFile)) {
      let height = 0;
      for (const line of readFileSync(this.blockFile, 'utf8').split('\n')) {
        if (line === '') continue;
        let result: string | null;
        try {
          result = await rpc.call<string | null>('submitblock', [line.slice(65)]);
        } catch (e) {
          // btcd answers a block it cannot even decode with an RPC error rather than a reason.
          if (e instanceof ChainError && e.code === 'RPC_ERROR') throw new ChainError('ARCHIVE_DAMAGED', `${this.blockFile}: replaying block ${height + 1} failed: ${e.message}`);
          throw e;
        }
        height++;
        if (result !== null) throw new ChainError('ARCHIVE_DAMAGED', `${this.blockFile}: replaying block ${height} failed: ${result}`);
      }
      const last = this.hashes[this.hashes.length - 1];
      if (last !== undefined && (await rpc.getBestBlockHash()) !== last) {
        throw new ChainError('ARCHIVE_DAMAGED', `${this.blockFile}: replayed chain tip differs from the archive's (${last})`);
      }
    }
    if (existsSync(this.mempoolFile)) {
      const hexes = JSON.parse(readFileSync(this.mempoolFile, 'utf8')) as string[];
      // A saved transaction may have become invalid (e.g. its parent was replaced); that is not fatal.
      for (const hex of hexes) await rpc.sendRawTransaction(hex).catch(() => undefined);
    }
  }
}

import { describe, expect, it } from 'vitest';
import { ExitWatchtower } from './watchtower.js';
import { exitData, leafFixture } from './testing/fixture.js';
import { FakeChain } from './testing/fake-chain.js';
import { parseExitTx, spentOutpoint } from './transactions.js';

const txid = (hex: string): string => parseExitTx(hex, 't').txid;

/**
 * A leaf transferred once: the previous owner's refunds (timelock 2000, paying its key) and the
 * current owner's (1900), both spending the same leaf node tx — what a transfer leaves behind
 * (docs/transfers.md, "Transfer — sender").
 */
function transferredLeaf() {
  const previous = leafFixture({ timelock: 2000 });
  const current = leafFixture({ timelock: 1900, verifying: previous.verifying, depositTxid: previous.depositTxid });
  // Same signer, same parent, same outputs: the same node transaction (BIP-340 signatures differ).
  expect(txid(current.leaf.nodes[0]!.nodeTx)).toBe(txid(previous.leaf.nodes[0]!.nodeTx));
  return { previous, current };
}

async function broadcastAndMine(chain: FakeChain, hex: string): Promise<void> {
  await chain.broadcast(hex, txid(hex));
  await chain.mine(1);
}

describe('exit watchtower', () => {
  it('stays idle while nobody broadcasts a node tx (a confirmed deposit alone starts nothing)', async () => {
    const { current } = transferredLeaf();
    const deep = leafFixture({ depth: 3 });
    const chain = new FakeChain();
    chain.addConfirmed(current.depositTxid);
    chain.addConfirmed(deep.depositTxid);
    const tower = new ExitWatchtower({ chain });
    expect(await tower.check(exitData([current.leaf, deep.leaf]))).toEqual([
      { leafId: current.leaf.leafId, status: 'idle' },
      { leafId: deep.leaf.leafId, status: 'idle' },
    ]);
    expect(chain.broadcasts).toEqual([]);
  });

  it('when the previous owner broadcasts the node chain, broadcasts the current refund as soon as it matures, and the old refund can no longer land', async () => {
    const { previous, current } = transferredLeaf();
    const chain = new FakeChain();
    chain.addConfirmed(current.depositTxid);
    const tower = new ExitWatchtower({ chain });
    const data = exitData([current.leaf]);
    const node = previous.leaf.nodes[0]!.nodeTx;
    await broadcastAndMine(chain, node);
    const nodeHeight = chain.tip;
    // No fee wallet: the fee-paying direct-from-CPFP refund, 1900 + 50 blocks after the node.
    const refund = txid(current.leaf.refunds.directFromCpfp!);
    const [waiting] = await tower.check(data);
    expect(waiting).toEqual({ leafId: current.leaf.leafId, status: 'waiting', what: 'refund', txid: refund, parentTxid: txid(node), matureAt: nodeHeight + 1950 });
    await chain.mine(1948);
    expect((await tower.check(data))[0]?.status).toBe('waiting');
    await chain.mine(1);
    expect(await tower.check(data)).toEqual([{ leafId: current.leaf.leafId, status: 'broadcast', what: 'refund', txid: refund }]);
    await chain.mine(1);
    expect(await chain.txState(refund)).toEqual({ state: 'confirmed', height: nodeHeight + 1950 });
    expect((await tower.check(data))[0]).toEqual({ leafId: current.leaf.leafId, status: 'refund-known', txid: refund });
    // 50 blocks later the previous owner's refund matures — and its input is gone.
    await chain.mine(60);
    const old = parseExitTx(previous.leaf.refunds.cpfp, 'old');
    await expect(chain.broadcast(old.hex, old.txid)).rejects.toThrow(/already spent/);
  });

  it('after a renewal, pushes the current node tx before the older version of it can mature', async () => {
    // Renewal re-signed the leaf's node tx with timelock 1900; the older version (2000) still exists.
    const older = leafFixture({ depth: 2, nodeTimelock: 2000 });
    const current = leafFixture({ depth: 2, nodeTimelock: 1900, verifying: older.verifying, depositTxid: older.depositTxid });
    const root = current.leaf.nodes[0]!.nodeTx;
    expect(txid(root)).toBe(txid(older.leaf.nodes[0]!.nodeTx));
    const chain = new FakeChain();
    chain.addConfirmed(current.depositTxid);
    const tower = new ExitWatchtower({ chain });
    const data = exitData([current.leaf]);
    await broadcastAndMine(chain, root);
    const rootHeight = chain.tip;
    const node = txid(current.leaf.nodes[1]!.nodeTx);
    // Only a zero-fee node tx exists at this level: without a fee wallet it goes out as it is.
    expect(await tower.check(data)).toEqual([{ leafId: current.leaf.leafId, status: 'waiting', what: 'node', txid: node, parentTxid: txid(root), matureAt: rootHeight + 1900 }]);
    await chain.mine(1899);
    expect(await tower.check(data)).toEqual([{ leafId: current.leaf.leafId, status: 'broadcast', what: 'node', txid: node }]);
    await chain.mine(1);
    expect((await tower.check(data))[0]).toMatchObject({ status: 'waiting', what: 'refund', parentTxid: node });
    await chain.mine(100);
    const stale = older.leaf.nodes[1]!.nodeTx;
    await expect(chain.broadcast(stale, txid(stale))).rejects.toThrow(/already spent/);
  });

  it('reports a leaf whose node output an older refund already took', async () => {
    const { previous, current } = transferredLeaf();
    const chain = new FakeChain();
    chain.addConfirmed(current.depositTxid);
    await broadcastAndMine(chain, previous.leaf.nodes[0]!.nodeTx);
    await chain.mine(2000);
    await broadcastAndMine(chain, previous.leaf.refunds.cpfp);
    const tower = new ExitWatchtower({ chain });
    const spent = spentOutpoint(parseExitTx(previous.leaf.refunds.cpfp, 'r'));
    expect(await tower.check(exitData([current.leaf]))).toEqual([{ leafId: current.leaf.leafId, status: 'spent-elsewhere', outpoint: `${spent.txid}:${spent.vout}` }]);
    expect(chain.broadcasts).not.toContain(txid(current.leaf.refunds.directFromCpfp!));
  });

  it('follows the direct node variant with the direct refund', async () => {
    const { leaf, depositTxid } = leafFixture({ withDirect: true, timelock: 1900 });
    const chain = new FakeChain();
    chain.addConfirmed(depositTxid);
    await chain.mine(49);
    await broadcastAndMine(chain, leaf.nodes[0]!.directTx!);
    await chain.mine(1949);
    const tower = new ExitWatchtower({ chain });
    expect(await tower.check(exitData([leaf]))).toEqual([{ leafId: leaf.leafId, status: 'broadcast', what: 'refund', txid: txid(leaf.refunds.direct!) }]);
  });

  it('a failure on one leaf is reported and does not stop the others; a damaged file keeps the last good data', async () => {
    const a = leafFixture();
    const b = leafFixture();
    const chain = new FakeChain();
    const failing = Object.assign(Object.create(chain) as FakeChain, {
      txState: (t: string) => (t === txid(a.leaf.nodes[0]!.nodeTx) ? Promise.reject(new Error('connection refused')) : chain.txState(t)),
    });
    const statuses = await new ExitWatchtower({ chain: failing }).check(exitData([a.leaf, b.leaf]));
    expect(statuses).toEqual([
      { leafId: a.leaf.leafId, status: 'error', message: 'connection refused' },
      { leafId: b.leaf.leafId, status: 'idle' },
    ]);

    const seen: string[] = [];
    const stop = new AbortController();
    let round = 0;
    const load = () => {
      round++;
      if (round === 3) stop.abort();
      if (round === 2) throw new Error('file truncated');
      return exitData([b.leaf]);
    };
    await new ExitWatchtower({ chain, onStatus: (s) => seen.push(s.status === 'error' ? s.message : s.status) }).run(load, stop.signal, 1);
    expect(seen).toEqual(['idle', 'keeping the previous exit data: file truncated', 'idle', 'idle']);
  });
});

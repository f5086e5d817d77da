import { describe, expect, it } from 'vitest';
import { ExitWatchtower } from './watchtower.js';
import { exitData, leafFixture } from './testing/fixture.js';
import { FakeChain } from './testing/fake-chain.js';
import { parseExitTx } from './transactions.js';

/**
 * A leaf transferred once: the previous owner's refunds (timelock 2000, paying its key) and the
 * current owner's (1900), both spending the same leaf node tx — what a transfer leaves behind
 * (docs/transfers.md, "Transfer — sender").
 */
function transferredLeaf() {
  const previous = leafFixture({ timelock: 2000 });
  const current = leafFixture({ timelock: 1900, verifying: previous.verifying, depositTxid: previous.depositTxid });
  // Same signer, same parent, same outputs: the same node transaction (BIP-340 signatures differ).
  expect(parseExitTx(current.leaf.nodes[0]!.nodeTx, 'n').txid).toBe(parseExitTx(previous.leaf.nodes[0]!.nodeTx, 'n').txid);
  return { previous, current };
}

describe('exit watchtower', () => {
  it('stays idle while no node tx is on chain', async () => {
    const { current } = transferredLeaf();
    const chain = new FakeChain();
    chain.addConfirmed(current.depositTxid);
    const tower = new ExitWatchtower({ chain });
    expect(await tower.check(exitData([current.leaf]))).toEqual([{ leafId: current.leaf.leafId, status: 'idle' }]);
    expect(chain.broadcasts).toEqual([]);
  });

  it('when the previous owner broadcasts the node chain, broadcasts the current refund as soon as it matures, and the old refund can no longer land', async () => {
    const { previous, current } = transferredLeaf();
    const chain = new FakeChain();
    chain.addConfirmed(current.depositTxid);
    const tower = new ExitWatchtower({ chain });
    const data = exitData([current.leaf]);
    const node = parseExitTx(previous.leaf.nodes[0]!.nodeTx, 'node');
    // The previous owner starts its exit.
    await chain.broadcast(node.hex, node.txid);
    await chain.mine(1);
    const nodeHeight = chain.tip;
    // No fee wallet: the fee-paying direct-from-CPFP refund, 1900 + 50 blocks after the node.
    const directFromCpfp = parseExitTx(current.leaf.refunds.directFromCpfp!, 'r');
    const [waiting] = await tower.check(data);
    expect(waiting).toEqual({ leafId: current.leaf.leafId, status: 'waiting', nodeTxid: node.txid, refundTxid: directFromCpfp.txid, matureAt: nodeHeight + 1950 });
    await chain.mine(1948);
    expect((await tower.check(data))[0]?.status).toBe('waiting');
    await chain.mine(1);
    expect(await tower.check(data)).toEqual([{ leafId: current.leaf.leafId, status: 'broadcast', refundTxid: directFromCpfp.txid }]);
    await chain.mine(1);
    expect(await chain.txState(directFromCpfp.txid)).toEqual({ state: 'confirmed', height: nodeHeight + 1950 });
    expect((await tower.check(data))[0]).toEqual({ leafId: current.leaf.leafId, status: 'refund-known', refundTxid: directFromCpfp.txid });
    // 50 blocks later the previous owner's refund matures — and its input is gone.
    await chain.mine(60);
    const old = parseExitTx(previous.leaf.refunds.cpfp, 'old');
    await expect(chain.broadcast(old.hex, old.txid)).rejects.toThrow(/already spent/);
  });

  it('reports a leaf whose node output an older refund already took', async () => {
    const { previous, current } = transferredLeaf();
    const chain = new FakeChain();
    chain.addConfirmed(current.depositTxid);
    const node = parseExitTx(previous.leaf.nodes[0]!.nodeTx, 'node');
    await chain.broadcast(node.hex, node.txid);
    await chain.mine(2000);
    const old = parseExitTx(previous.leaf.refunds.cpfp, 'old');
    await chain.broadcast(old.hex, old.txid);
    await chain.mine(1);
    const tower = new ExitWatchtower({ chain });
    expect(await tower.check(exitData([current.leaf]))).toEqual([{ leafId: current.leaf.leafId, status: 'spent-elsewhere', nodeTxid: node.txid }]);
    expect(chain.broadcasts).not.toContain(parseExitTx(current.leaf.refunds.directFromCpfp!, 'r').txid);
  });

  it('follows the direct node variant with the direct refund', async () => {
    const { leaf, depositTxid } = leafFixture({ withDirect: true, timelock: 1900 });
    const chain = new FakeChain();
    chain.addConfirmed(depositTxid);
    const direct = parseExitTx(leaf.nodes[0]!.directTx!, 'direct');
    await chain.mine(49);
    await chain.broadcast(direct.hex, direct.txid);
    await chain.mine(1);
    await chain.mine(1949);
    const tower = new ExitWatchtower({ chain });
    expect(await tower.check(exitData([leaf]))).toEqual([{ leafId: leaf.leafId, status: 'broadcast', refundTxid: parseExitTx(leaf.refunds.direct!, 'r').txid }]);
  });

  it('a failure on one leaf is reported and does not stop the others', async () => {
    const a = leafFixture();
    const b = leafFixture();
    const chain = new FakeChain();
    const failing = Object.assign(Object.create(chain) as FakeChain, {
      txState: (txid: string) => (txid === parseExitTx(a.leaf.nodes[0]!.nodeTx, 'n').txid ? Promise.reject(new Error('connection refused')) : chain.txState(txid)),
    });
    const statuses = await new ExitWatchtower({ chain: failing }).check(exitData([a.leaf, b.leaf]));
    expect(statuses).toEqual([
      { leafId: a.leaf.leafId, status: 'error', message: 'connection refused' },
      { leafId: b.leaf.leafId, status: 'idle' },
    ]);
  });
});

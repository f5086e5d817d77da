import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SparkAccountKeys, bytesToHex } from '../crypto/index.js';
import { checkExitData } from './exit-data.js';
import { parseExitTx } from './transactions.js';
import { blockClock } from './exit-chain.js';
import { DEFAULT_FEE_RATE_SAT_PER_VB, addressScript, runUnilateralExit, sweepVsize } from './exit-runner.js';
import { FakeChain } from './testing/fake-chain.js';
import { DIRECT_FEE, exitData, leafFixture } from './testing/fixture.js';
import { SoftwareSweepSigner, refundKeyPath } from './sweep-signer.js';

const TO = 'bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk';

/**
 * A receiver that has not claimed yet: the transfer's intermediate refunds pay its IDENTITY key
 * (docs/transfers.md, "Unilateral exit"); here through the fee-paying direct variants, which need
 * no fee wallet.
 */
function pendingTransferLeaf(seed: Uint8Array) {
  const identity = SparkAccountKeys.fromSeed(seed, 1).identityKey();
  const fx = leafFixture({ depth: 1, withDirect: true, timelock: 1900, refundKey: { priv: identity.privateKey, pub: identity.publicKey } });
  const refundKey = { kind: 'identity' as const, account: 1, path: '', publicKey: bytesToHex(identity.publicKey) };
  fx.leaf.source = 'pending-transfer';
  fx.leaf.transferId = 'transfer-1';
  fx.leaf.refundKey = { ...refundKey, path: refundKeyPath(refundKey) };
  return fx;
}

describe('exit runner (in-memory chain)', () => {
  it('exits an unclaimed transfer to the identity key: nodes in order, each timelock honoured, sweep amount exact', async () => {
    const seed = randomBytes(32);
    const fx = pendingTransferLeaf(seed);
    const data = checkExitData(exitData([fx.leaf]));
    const chain = new FakeChain();
    chain.addConfirmed(fx.depositTxid);
    const start = chain.tip;
    const result = await runUnilateralExit({
      data, leafId: fx.leaf.leafId, variant: 'direct', to: TO, chain, signer: new SoftwareSweepSigner(seed), clock: blockClock(chain, { mine: true }),
    });
    const [leafNode, refund] = result.steps;
    expect(result.steps.map((s) => s.what.split(' (')[1])).toEqual(['directTx)', 'direct)']);
    // A direct root: relative timelock 0 + 50 after the deposit; the direct refund 1900 + 50 after it.
    expect(leafNode!.confirmedAt).toBe(start + 50);
    expect(refund!.confirmedAt).toBe(leafNode!.confirmedAt + 1950);
    const refundAmount = BigInt(fx.leaf.value) - 2n * DIRECT_FEE;
    const fee = BigInt(Math.ceil(sweepVsize(addressScript(TO, 'LOCAL')) * DEFAULT_FEE_RATE_SAT_PER_VB));
    expect(result.sweep).toMatchObject({ refundAmount, fee, amount: refundAmount - fee });
    expect(chain.broadcasts).toHaveLength(3);
  });

  it('refuses a zero-fee plan without a fee wallet, an unknown leaf and a foreign address before broadcasting anything', async () => {
    const fx = pendingTransferLeaf(randomBytes(32));
    const data = checkExitData(exitData([fx.leaf]));
    const chain = new FakeChain();
    chain.addConfirmed(fx.depositTxid);
    const run = (variant: 'direct' | 'cpfp', seed: Uint8Array) => runUnilateralExit({
      data, leafId: fx.leaf.leafId, variant, to: TO, chain, signer: new SoftwareSweepSigner(seed), clock: blockClock(chain, { mine: true }),
    });
    await expect(run('cpfp', randomBytes(32))).rejects.toMatchObject({ code: 'INSUFFICIENT_FEE_FUNDS' });
    expect(chain.broadcasts).toEqual([]);
    await expect(runUnilateralExit({
      data, leafId: 'nope', variant: 'direct', to: TO, chain, signer: new SoftwareSweepSigner(randomBytes(32)), clock: blockClock(chain, { mine: true }),
    })).rejects.toMatchObject({ code: 'UNKNOWN_LEAF' });
    await expect(runUnilateralExit({
      data, leafId: fx.leaf.leafId, variant: 'direct', to: 'bc1qnotregtest', chain, signer: new SoftwareSweepSigner(randomBytes(32)), clock: blockClock(chain, { mine: true }),
    })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect(chain.broadcasts).toEqual([]);
  });

  it('refuses a leaf whose refund cannot pay its sweep and leave more than dust, before broadcasting anything', async () => {
    // 1000 sat less the direct refund's fee leaves 45 sat, less than the sweep's fee.
    const fx = leafFixture({ value: 1000n });
    const data = checkExitData(exitData([fx.leaf]));
    const chain = new FakeChain();
    chain.addConfirmed(fx.depositTxid);
    await expect(runUnilateralExit({
      data, leafId: fx.leaf.leafId, variant: 'direct', to: TO, chain, signer: new SoftwareSweepSigner(randomBytes(32)), clock: blockClock(chain, { mine: true }),
    })).rejects.toMatchObject({ code: 'TOO_SMALL_TO_EXIT' });
    expect(chain.broadcasts).toEqual([]);
  });

  it('a signer without the refund key stops the exit at the sweep, with the refund confirmed and nothing lost', async () => {
    const fx = pendingTransferLeaf(randomBytes(32));
    const data = checkExitData(exitData([fx.leaf]));
    const chain = new FakeChain();
    chain.addConfirmed(fx.depositTxid);
    const run = (seed: Uint8Array) => runUnilateralExit({
      data, leafId: fx.leaf.leafId, variant: 'direct', to: TO, chain, signer: new SoftwareSweepSigner(seed), clock: blockClock(chain, { mine: true }),
    });
    await expect(run(randomBytes(32))).rejects.toMatchObject({ code: 'WRONG_KEY' });
    expect(chain.broadcasts).toHaveLength(2);
    expect(await chain.isUnspent(chain.broadcasts[1]!, 0)).toBe(true);
  });
});

describe('exit runner racing a newer owner', () => {
  it('an older owner\'s exit, waiting out its longer timelock, stops with OUTPUT_SPENT_ELSEWHERE once the newer refund took the output', async () => {
    const older = leafFixture({ timelock: 2000 });
    const newer = leafFixture({ timelock: 1900, verifying: older.verifying, depositTxid: older.depositTxid });
    const chain = new FakeChain();
    chain.addConfirmed(older.depositTxid);
    // The zero-fee root is already on chain (whoever put it there), so no fee wallet is needed.
    await chain.broadcast(older.leaf.nodes[0]!.nodeTx, parseExitTx(older.leaf.nodes[0]!.nodeTx, 'n').txid);
    await chain.mine(1);
    // The older owner polls (no mining of its own); the test plays the miners.
    const olderExit = runUnilateralExit({
      data: checkExitData(exitData([older.leaf])), leafId: older.leaf.leafId, variant: 'direct', to: TO, chain,
      signer: new SoftwareSweepSigner(randomBytes(32)), clock: blockClock(chain, { mine: false, pollMs: 1 }),
    }).then(() => 'finished', (e: unknown) => e);
    // Let it find the output unspent and settle into waiting for its 2050-block timelock.
    await new Promise((r) => setTimeout(r, 50));
    await chain.mine(1949);
    const newerRefund = parseExitTx(newer.leaf.refunds.directFromCpfp!, 'r');
    await chain.broadcast(newerRefund.hex, newerRefund.txid);
    await chain.mine(1);
    // The older direct-from-CPFP refund (2050) matures 100 blocks after the newer one (1950).
    await chain.mine(150);
    expect(await olderExit).toMatchObject({ code: 'OUTPUT_SPENT_ELSEWHERE' });
  });
});

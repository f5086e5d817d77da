/**
 * The fee-paying direct node path of a unilateral exit, on btcd: a leaf below a tree root whose
 * node has a direct transaction (as the operators sign for split and renewed leaves) exits through
 * root nodeTx + anchor child, then the leaf's fee-paying directTx, then the direct refund spending
 * it, each at the block its BIP-68 timelock allows, and the refund is swept with the seed's leaf key.
 *
 * The tree here is built by src/exit/testing/fixture.ts with one key standing in for the
 * operators-plus-user FROST key — to Bitcoin an aggregated FROST signature is exactly such a
 * key-path signature — with short timelocks, so the path is checked quickly and step by step.
 * The same exit of leaves our operators made (renewed with the node- and refund-timelock
 * variants, then transferred) runs in test/network/renew-flows.ts. Everything else is what a
 * real exit does: the deposit output is real on btcd, btcd enforces every timelock and fee, and
 * no operator runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { p2tr } from '@scure/btc-signer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChain, type Chain } from '../../emulator/chain/chain.js';
import { FundingWallet } from '../../emulator/chain/funding-wallet.js';
import { REGTEST } from '../../emulator/chain/regtest.js';
import { SparkAccountKeys } from '../../src/crypto/index.js';
import { blockClock, rpcExitChain } from '../../src/exit/exit-chain.js';
import { checkExitData, type ExitData } from '../../src/exit/exit-data.js';
import { DEFAULT_FEE_RATE_SAT_PER_VB, addressScript, runUnilateralExit, sweepVsize } from '../../src/exit/exit-runner.js';
import { SoftwareSweepSigner, refundKeyPath } from '../../src/exit/sweep-signer.js';
import { DIRECT_FEE, exitData, keyPair, leafFixture } from '../../src/exit/testing/fixture.js';
import { parseExitTx } from '../../src/exit/transactions.js';
import { freshAddress } from './fresh-address.js';
import { receivedBy } from './exit-helpers.js';

const VALUE = 100_000n;
/** Short timelocks keep the mining quick; the shapes are the SDK's (direct = CPFP + 50). */
const NODE_TIMELOCK = 100;
const REFUND_TIMELOCK = 200;
const DIRECT_OFFSET = 50;

describe('unilateral exit through the fee-paying direct node transaction, on btcd', { timeout: 300_000 }, () => {
  let chainNode: Chain;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spark-direct-exit-'));
    chainNode = await startChain({ dataDir: dir });
  }, 180_000);

  afterAll(async () => {
    await chainNode?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('broadcasts root (with its anchor child), the leaf\'s directTx and the direct refund in order, each when its timelock allows, and sweeps', async () => {
    const chain = rpcExitChain(chainNode.info.bitcoindRpc, { regtest: true });
    const seed = new Uint8Array(32).fill(7);
    const leafId = 'node-1';
    const refundPair = SparkAccountKeys.fromSeed(seed, 1).leafKey(leafId);
    const verifying = keyPair();
    const deposit = await chainNode.fund(p2tr(verifying.pub.subarray(1), undefined, REGTEST).address ?? '', VALUE);
    const fixture = leafFixture({
      value: VALUE, depth: 2, nodeTimelock: NODE_TIMELOCK, timelock: REFUND_TIMELOCK, withDirect: true, verifying,
      refundKey: { priv: refundPair.privateKey, pub: refundPair.publicKey }, depositTxid: deposit.txid, depositVout: deposit.vout,
    });
    const leaf = { ...fixture.leaf, refundKey: { ...fixture.leaf.refundKey, path: refundKeyPath({ kind: 'leaf', account: 1, leafId }) } };
    const data: ExitData = checkExitData(exitData([leaf]));
    const [rootTx, leafNode] = [parseExitTx(leaf.nodes[0]!.nodeTx, 'root'), leaf.nodes[1]!];
    const directTx = parseExitTx(leafNode.directTx!, 'leaf directTx');
    const directRefund = parseExitTx(leaf.refunds.direct!, 'direct refund');

    const feeWallet = FundingWallet.loadOrCreate(join(dir, 'fee-wallet.json'), chain.rpc);
    await chainNode.fund(feeWallet.address, 20_000n);
    // Before its parent is on chain, btcd refuses the leaf's direct transaction.
    await expect(chain.broadcast(directTx.hex, directTx.txid)).rejects.toMatchObject({ code: 'CHAIN_ERROR' });

    const to = freshAddress();
    const progress: string[] = [];
    const result = await runUnilateralExit({
      data, leafId, variant: 'direct', to, chain, feeWallet, clock: blockClock(chain, { mine: true }),
      signer: new SoftwareSweepSigner(seed), onProgress: (m) => progress.push(m),
    });
    const [root, node, refund] = result.steps;
    expect(result.steps.map((s) => s.txid)).toEqual([rootTx.txid, directTx.txid, directRefund.txid]);
    expect(result.steps.map((s) => s.what)).toEqual([`node 1/2 node-0 (nodeTx)`, `node 2/2 node-1 (directTx)`, 'refund (direct)']);
    // Only the zero-fee root needed a child; the direct transactions pay their own fee.
    expect(root?.anchorChildTxid).toBeDefined();
    expect(node?.anchorChildTxid).toBeUndefined();
    expect(refund?.anchorChildTxid).toBeUndefined();
    // Each entered the first block its relative timelock allowed.
    expect(node!.confirmedAt - root!.confirmedAt).toBe(NODE_TIMELOCK + DIRECT_OFFSET);
    expect(refund!.confirmedAt - node!.confirmedAt).toBe(REFUND_TIMELOCK + DIRECT_OFFSET);
    const refundAmount = VALUE - 2n * DIRECT_FEE;
    const expected = refundAmount - BigInt(Math.ceil(sweepVsize(addressScript(to, 'LOCAL')) * DEFAULT_FEE_RATE_SAT_PER_VB));
    expect(result.sweep.refundAmount).toBe(refundAmount);
    expect(await receivedBy(chain, to)).toEqual({ sats: expected, txids: [result.sweep.txid] });
    expect(progress.some((m) => m.includes(`relative timelock ${NODE_TIMELOCK + DIRECT_OFFSET} blocks`))).toBe(true);
  });
});

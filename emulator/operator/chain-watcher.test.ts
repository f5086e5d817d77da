/**
 * The chain watcher on a real btcd (emulator/chain): a deposit claimed while its transaction is
 * still in the mempool is CREATING; once mined, every operator turns it AVAILABLE and the wallet
 * gets a `deposit` event on its stream (the SDK's DepositConfirmed); btcd accepts the signed root.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkWallet } from '@buildonspark/spark-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChain } from '../chain/chain.js';
import type { Chain } from '../chain/chain.js';
import { startLocalOperators } from './testing/local-operators.js';
import type { LocalNetwork } from './testing/local-operators.js';

describe('chain watcher with btcd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'op-chain-'));
  let chain: Chain;
  let net: LocalNetwork;
  let wallet: SparkWallet;

  beforeAll(async () => {
    chain = await startChain({ dataDir: join(dir, 'chain') });
    const rpc = chain.info.bitcoindRpc;
    net = await startLocalOperators(3, 2, { keyPoolBatch: 4, chain: { rpcUrl: rpc.url, rpcUser: rpc.user, rpcPassword: rpc.pass, pollIntervalMs: 200 } });
    ({ wallet } = await SparkWallet.initialize({
      mnemonicOrSeed: '0a'.repeat(32),
      options: net.walletOptions() as never,
    }));
  });

  afterAll(async () => {
    await wallet?.cleanupConnections?.();
    await net?.close();
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns a CREATING deposit AVAILABLE once mined, on every operator, and tells the wallet', async () => {
    const address = await wallet.getSingleUseDepositAddress();
    const funded = await chain.fund(address, 70_000n, { confirmations: 0 });
    const confirmed = new Promise<string>((resolve) => wallet.on('deposit:confirmed', (id: string) => resolve(id)));
    const [leaf] = await wallet.advancedDeposit(funded.hex);
    expect(leaf?.status).toBe('CREATING');
    for (const o of net.operators) expect((await o!.repo.getTreeNode(leaf!.id))?.status).toBe('CREATING');
    expect((await wallet.getBalance()).satsBalance.available).toBe(0n);

    await chain.mine(1);
    expect(await confirmed).toBe(leaf!.id);
    const deadline = Date.now() + 10_000;
    const statuses = async (): Promise<string[]> => Promise.all(net.operators.map(async (o) => (await o!.repo.getTreeNode(leaf!.id))?.status ?? '?'));
    while ((await statuses()).some((s) => s !== 'AVAILABLE') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await statuses()).toEqual(['AVAILABLE', 'AVAILABLE', 'AVAILABLE']);
    expect((await wallet.getBalance()).satsBalance.available).toBe(70_000n);

    // The FROST-signed root spends the deposit on chain.
    const nodeTx = (await net.operators[1]!.repo.getTreeNode(leaf!.id))!.node_tx;
    const rootTxid = await chain.sendRawTransaction(nodeTx);
    await chain.mine(1);
    expect((await chain.getRawTransaction(rootTxid)).confirmations).toBe(1);
  });
});

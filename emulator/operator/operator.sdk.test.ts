/**
 * The unmodified SDK wallet (DefaultSparkSigner) against 3 in-process operators (2-of-3):
 * initialize, deposit address with proofs, tree creation FROST-signed by the user and two
 * operators, balance and leaf read back from every operator. No chain here: the deposit tx is
 * handed over with advancedDeposit (emulator/network's tests do the same on btcd).
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { Transaction } from '@scure/btc-signer';
import { SparkWallet } from '@buildonspark/spark-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, tweakedKey } from './crypto.js';
import { REGTEST } from './deposit/address.js';
import { startLocalOperators } from './testing/local-operators.js';
import type { LocalNetwork } from './testing/local-operators.js';

function fakeDepositTx(address: string, amount: bigint): string {
  const tx = new Transaction({ version: 2 });
  tx.addInput({ txid: new Uint8Array(32).fill(9), index: 0, sequence: 0xfffffffd });
  tx.addOutputAddress(address, amount, REGTEST);
  return bytesToHex(tx.toBytes(true, false));
}

describe('operator network with the unmodified SDK wallet', () => {
  let net: LocalNetwork;
  let wallet: SparkWallet;

  beforeAll(async () => {
    net = await startLocalOperators(3, 2);
    const { wallet: w } = await SparkWallet.initialize({
      mnemonicOrSeed: '07'.repeat(32),
      options: net.walletOptions() as never,
    });
    wallet = w;
  });

  afterAll(async () => {
    await wallet?.cleanupConnections?.();
    await net?.close();
  });

  it('initializes, deposits, and reads the leaf back from every operator', async () => {
    expect((await wallet.getBalance()).satsBalance.available).toBe(0n);
    const address = await wallet.getSingleUseDepositAddress();
    expect(address).toMatch(/^bcrt1p/);
    const leaves = await wallet.advancedDeposit(fakeDepositTx(address, 100_000n));
    expect(leaves).toHaveLength(1);
    const node = leaves[0]!;
    expect(node.status).toBe('AVAILABLE');
    // The root's witness is a BIP340 signature under the tweaked verifying key.
    const root = Transaction.fromRaw(node.nodeTx, { allowUnknownOutputs: true });
    const sig = root.getInput(0).finalScriptWitness?.[0] as Uint8Array;
    expect(sig).toHaveLength(64);
    const spent = root.getOutput(0); // the root pays the deposit script the deposit amount
    const msg = root.preimageWitnessV1(0, [spent.script as Uint8Array], 0, [spent.amount as bigint]);
    expect(schnorr.verify(sig, msg, tweakedKey(Uint8Array.from(node.verifyingPublicKey)).qx)).toBe(true);
    const balance = await wallet.getBalance();
    expect(balance.satsBalance.available).toBe(100_000n);
    // Every operator holds the same node.
    const txs = await Promise.all(net.operators.map(async (o) => (await o!.repo.getTreeNode(node.id))?.node_tx));
    expect(new Set(txs).size).toBe(1);
    expect(hexToBytes(txs[0] as string)).toEqual(Uint8Array.from(node.nodeTx));
  });

  it('signs with two of three while one is stopped; the restarted one catches up and keeps its state', async () => {
    const address = await wallet.getSingleUseDepositAddress();
    const third = net.operators[2]!;
    const thirdIdentity = third.identity.publicKeyHex;
    await net.stopOperator(2);
    const leaves = await wallet.advancedDeposit(fakeDepositTx(address, 50_000n));
    expect(leaves).toHaveLength(1);
    const id = leaves[0]!.id;
    for (const o of net.operators.slice(0, 2)) expect((await o!.repo.getTreeNode(id))?.status).toBe('AVAILABLE');

    const restarted = await net.startOperator(2);
    await restarted.whenReady();
    expect(restarted.identity.publicKeyHex).toBe(thirdIdentity);
    // The coordinator's retry loop delivers the node finalized while it was down.
    const deadline = Date.now() + 20_000;
    while ((await restarted.repo.getTreeNode(id)) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await restarted.repo.getTreeNode(id))?.node_tx).toBe((await net.operators[0]!.repo.getTreeNode(id))?.node_tx);
    expect((await wallet.getBalance()).satsBalance.available).toBe(150_000n);
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { secp256k1, schnorr } from '@noble/curves/secp256k1';
import { hexToBytes } from '@noble/hashes/utils';
import { p2tr, Transaction } from '@scure/btc-signer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChain, type Chain } from './chain.js';
import { REGTEST } from './regtest.js';

const run = promisify(execFile);

function newTaprootKey(): { priv: Uint8Array; address: string; script: Uint8Array } {
  const priv = secp256k1.utils.randomPrivateKey();
  const pay = p2tr(schnorr.getPublicKey(priv), undefined, REGTEST);
  if (pay.address === undefined) throw new Error('no address');
  return { priv, address: pay.address, script: pay.script };
}

async function rpc(chain: Chain, method: string, params: unknown[], auth?: string): Promise<{ status: number; body: { result: unknown; error: { code: number; message: string } | null } }> {
  const { url, user, pass } = chain.info.bitcoindRpc;
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: 'Basic ' + Buffer.from(auth ?? `${user}:${pass}`).toString('base64') },
    body: JSON.stringify({ jsonrpc: '1.0', id: 'spark-js', method, params }),
  });
  return { status: res.status, body: (await res.json()) as { result: unknown; error: { code: number; message: string } | null } };
}

describe('local chain: btcd regtest + bitcoind JSON-RPC + Esplora', () => {
  let dir: string;
  let chain: Chain;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chain-test-'));
    chain = await startChain({ dataDir: join(dir, 'chain') });
  });

  afterAll(async () => {
    await chain.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with mature coins and answers on loopback only', async () => {
    expect(await chain.getBlockCount()).toBeGreaterThanOrEqual(101);
    expect(await chain.wallet.balance()).toBeGreaterThanOrEqual(50n * 100_000_000n);
    for (const url of [chain.info.btcd.url, chain.info.bitcoindRpc.url, chain.info.esploraUrl]) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
    }
  });

  it('funds an address, and both endpoints return the transaction the SDK reads', async () => {
    const key = newTaprootKey();
    const before = await chain.getBlockCount();
    const funded = await chain.fund(key.address, 100_000n);
    expect(await chain.getBlockCount()).toBe(before + 1);

    // The SDK's LOCAL faucet: getrawtransaction [txid, 2] and reads result.hex (docs/sdk-wire.md, "Chain
    // access").
    const reply = await rpc(chain, 'getrawtransaction', [funded.txid, 2]);
    expect(reply.body.error).toBeNull();
    const result = reply.body.result as { hex: string; txid: string; confirmations: number };
    expect(result.txid).toBe(funded.txid);
    expect(result.confirmations).toBe(1);
    const tx = Transaction.fromRaw(hexToBytes(result.hex), { allowUnknownOutputs: true });
    expect(tx.getOutput(funded.vout).amount).toBe(100_000n);
    expect(tx.getOutput(funded.vout).script).toEqual(key.script);

    // Esplora: bare hex with no trailing newline.
    const hexRes = await fetch(`${chain.info.esploraUrl}/tx/${funded.txid}/hex`);
    const hexText = await hexRes.text();
    expect(hexRes.status).toBe(200);
    expect(hexText).toMatch(/^[0-9a-f]+$/);
    expect(hexText).toBe(result.hex);

    const txJson = (await (await fetch(`${chain.info.esploraUrl}/tx/${funded.txid}`)).json()) as {
      txid: string;
      fee: number;
      vout: { scriptpubkey_address?: string; scriptpubkey_type: string; value: number }[];
      status: { confirmed: boolean; block_height: number };
    };
    expect(txJson.txid).toBe(funded.txid);
    expect(txJson.fee).toBeGreaterThan(0);
    expect(txJson.vout[funded.vout]).toMatchObject({ scriptpubkey_address: key.address, scriptpubkey_type: 'v1_p2tr', value: 100_000 });
    expect(txJson.status).toMatchObject({ confirmed: true, block_height: before + 1 });

    const status = (await (await fetch(`${chain.info.esploraUrl}/tx/${funded.txid}/status`)).json()) as { confirmed: boolean };
    expect(status.confirmed).toBe(true);

    const utxos = (await (await fetch(`${chain.info.esploraUrl}/address/${key.address}/utxo`)).json()) as { txid: string; vout: number; value: number }[];
    expect(utxos).toEqual([expect.objectContaining({ txid: funded.txid, vout: funded.vout, value: 100_000 })]);
    const txs = (await (await fetch(`${chain.info.esploraUrl}/address/${key.address}/txs`)).json()) as { txid: string }[];
    expect(txs.map((t) => t.txid)).toEqual([funded.txid]);

    const height = await (await fetch(`${chain.info.esploraUrl}/blocks/tip/height`)).text();
    expect(Number(height)).toBe(await chain.getBlockCount());
    const tipHash = await (await fetch(`${chain.info.esploraUrl}/blocks/tip/hash`)).text();
    expect(tipHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await (await fetch(`${chain.info.esploraUrl}/block-height/${height}`)).text()).toBe(tipHash);
  });

  it('broadcasts spends through both endpoints and mines them', async () => {
    const key = newTaprootKey();
    const funded = await chain.fundMany([{ address: key.address, sats: 50_000n }, { address: newTaprootKey().address, sats: 60_000n }]);
    const first = funded[0];
    if (first === undefined) throw new Error('no funding output');

    const spend = (vout: number, amount: bigint, fee: bigint): Transaction => {
      const tx = new Transaction();
      tx.addInput({ txid: first.txid, index: vout, witnessUtxo: { script: key.script, amount }, tapInternalKey: schnorr.getPublicKey(key.priv) });
      tx.addOutputAddress(newTaprootKey().address, amount - fee, REGTEST);
      tx.sign(key.priv);
      tx.finalize();
      return tx;
    };
    const viaEsplora = spend(first.vout, 50_000n, 1_000n);
    const posted = await fetch(`${chain.info.esploraUrl}/tx`, { method: 'POST', body: viaEsplora.hex });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toBe(viaEsplora.id);
    const pending = (await (await fetch(`${chain.info.esploraUrl}/tx/${viaEsplora.id}/status`)).json()) as { confirmed: boolean };
    expect(pending.confirmed).toBe(false);

    // A double spend is refused with btcd's reason, through both endpoints.
    const conflict = spend(first.vout, 50_000n, 2_000n);
    const refused = await fetch(`${chain.info.esploraUrl}/tx`, { method: 'POST', body: conflict.hex });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/sendrawtransaction RPC error/);
    const refusedRpc = await rpc(chain, 'sendrawtransaction', [conflict.hex, 0]);
    expect(refusedRpc.body.error?.code).toBe(-26);

    await chain.mine(1);
    const mined = (await (await fetch(`${chain.info.esploraUrl}/tx/${viaEsplora.id}/status`)).json()) as { confirmed: boolean };
    expect(mined.confirmed).toBe(true);
  });

  it('answers errors the way bitcoind and Esplora clients expect', async () => {
    const unknown = 'ab'.repeat(32);
    const missing = await rpc(chain, 'getrawtransaction', [unknown, 2]);
    expect(missing.body.result).toBeNull();
    expect(missing.body.error?.code).toBe(-5);

    const badAuth = await rpc(chain, 'getblockcount', [], 'testutil:wrong');
    expect(badAuth.status).toBe(401);

    const badParam = await rpc(chain, 'getrawtransaction', ['nothex', 1]);
    expect(badParam.body.error?.code).toBe(-8);

    const badMine = await rpc(chain, 'generatetoaddress', [1, 'bc1qnotregtest']);
    expect(badMine.body.error?.code).toBe(-5);
    expect(badMine.body.error?.message).toMatch(/not a regtest address/);

    const unknownMethod = await rpc(chain, 'nosuchmethod', []);
    expect(unknownMethod.status).toBe(404);
    expect(unknownMethod.body.error?.code).toBe(-32601);

    // The SDK's isTxBroadcast parses /tx/:txid as JSON and checks `error` (utils/mempool.ts).
    const notFound = await fetch(`${chain.info.esploraUrl}/tx/${unknown}`);
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as { error?: string }).error).toBe('Transaction not found');
    const notFoundHex = await fetch(`${chain.info.esploraUrl}/tx/${unknown}/hex`);
    expect(notFoundHex.status).toBe(404);
  });

  it('mines to any address and lists its coins the way bitcoind does', async () => {
    const key = newTaprootKey();
    const before = await chain.getBlockCount();
    const mined = await rpc(chain, 'generatetoaddress', [2, key.address]);
    expect(mined.body.error).toBeNull();
    expect(mined.body.result).toHaveLength(2);
    expect(await chain.getBlockCount()).toBe(before + 2);
    const block = (await rpc(chain, 'getblock', [(mined.body.result as string[])[0], 2])).body.result as { tx: { vout: { scriptPubKey: { address: string } }[] }[] };
    expect(block.tx[0]?.vout[0]?.scriptPubKey.address).toBe(key.address);

    const scan = (await rpc(chain, 'scantxoutset', ['start', [`addr(${key.address})`]])).body.result as {
      success: boolean;
      unspents: { coinbase: boolean; amount: number; height: number }[];
    };
    expect(scan.success).toBe(true);
    expect(scan.unspents.map((u) => [u.coinbase, u.height]).sort()).toEqual([
      [true, before + 1],
      [true, before + 2],
    ]);
    expect(scan.unspents.every((u) => u.amount > 0)).toBe(true);
  });

  it("serves the SDK's own test faucet (bitcoind JSON-RPC: scantxoutset, sendtoaddress, generatetoaddress …)", async () => {
    // The faucet reads BITCOIN_RPC_* once, on first use; nothing else in this file loads the SDK.
    Object.assign(process.env, chain.env);
    const { BitcoinFaucet } = await import('@buildonspark/spark-sdk/test-utils');
    const faucet = BitcoinFaucet.getInstance();
    const coin = await faucet.fund();
    expect(coin.txout.amount).toBe(1_000_000n);
    const key = secp256k1.utils.randomPrivateKey();
    await faucet.sendFaucetCoinToP2WPKHAddress(secp256k1.getPublicKey(key, true));
    const pool = await rpc(chain, 'getrawmempool', []);
    expect((pool.body.result as string[]).length).toBeGreaterThan(0);
    await faucet.mineBlocks(1);
    expect(((await rpc(chain, 'getrawmempool', [])).body.result as string[]).length).toBe(0);
  });

  it('the CLI funds and mines through the running chain', async () => {
    const key = newTaprootKey();
    const cli = join(import.meta.dirname, 'cli.ts');
    const tsx = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const env = { ...process.env, BITCOIN_RPC_URL: '' };
    const fundOut = await run(tsx, [cli, 'fund', key.address, '70000', '--data', join(dir, 'chain')], { env });
    const { txid, vout } = JSON.parse(fundOut.stdout) as { txid: string; vout: number };
    const out = (await chain.getRawTransaction(txid)).vout[vout];
    expect(out?.value).toBe(0.0007);
    expect(out?.scriptPubKey.address).toBe(key.address);

    const height = await chain.getBlockCount();
    const mineOut = await run(tsx, [cli, 'mine', '3', '--data', join(dir, 'chain')], { env });
    expect(JSON.parse(mineOut.stdout)).toMatchObject({ mined: 3 });
    expect(await chain.getBlockCount()).toBe(height + 3);

    await expect(run(tsx, [cli, 'fund', 'not-an-address', '5', '--data', join(dir, 'chain')], { env })).rejects.toThrow(/not a regtest address/);
  });

  it('keeps the chain and the wallet across a restart', async () => {
    const key = newTaprootKey();
    const funded = await chain.fund(key.address, 25_000n);
    const height = await chain.getBlockCount();
    const miner = chain.info.miningAddress;
    await chain.stop();
    chain = await startChain({ dataDir: join(dir, 'chain') });
    expect(await chain.getBlockCount()).toBe(height);
    expect(chain.info.miningAddress).toBe(miner);
    expect((await chain.getRawTransaction(funded.txid)).confirmations).toBe(1);
    await chain.fund(newTaprootKey().address, 10_000n);
  });
});

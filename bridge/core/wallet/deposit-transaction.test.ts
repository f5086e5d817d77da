import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils';
import { Transaction, p2tr } from '@scure/btc-signer';
import { secp256k1 } from '@noble/curves/secp256k1';
import { getTxId } from '@buildonspark/spark-sdk';
import { depositTransactionSource } from './deposit-transaction.js';

/** A one-input, one-output transaction (unsigned: only its id and outputs matter here), its hex and id. */
function depositTx(prevoutByte = 7): { hex: string; id: string } {
  const tx = new Transaction({ allowUnknownInputs: true, allowUnknownOutputs: true });
  tx.addInput({ txid: new Uint8Array(32).fill(prevoutByte), index: 0 });
  tx.addOutput({ script: p2tr(secp256k1.getPublicKey(new Uint8Array(32).fill(3), true).slice(1)).script, amount: 60_000n });
  return { hex: bytesToHex(tx.toBytes(true)), id: getTxId(tx) };
}

/** A bitcoind-style JSON-RPC that knows one transaction; every request's method and credentials are kept. */
describe('depositTransactionSource on LOCAL: the chain the SDK reads (bitcoind JSON-RPC)', () => {
  const tx = depositTx();
  const seen: { method: string; auth: string | undefined }[] = [];
  let server: Server;
  const saved = { url: process.env.BITCOIN_RPC_URL, user: process.env.BITCOIN_RPC_USER, pass: process.env.BITCOIN_RPC_PASSWORD };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { method, params } = JSON.parse(body) as { method: string; params: [string, number] };
        seen.push({ method, auth: req.headers.authorization });
        const known = params[0] === tx.id;
        res.setHeader('content-type', 'application/json');
        // A lying node answers another transaction for an unknown id.
        res.end(JSON.stringify({ result: known ? tx.hex : depositTx(8).hex, error: null, id: 1 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    process.env.BITCOIN_RPC_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.BITCOIN_RPC_USER = 'u';
    process.env.BITCOIN_RPC_PASSWORD = 'p';
  });

  afterAll(async () => {
    for (const [k, v] of [['BITCOIN_RPC_URL', saved.url], ['BITCOIN_RPC_USER', saved.user], ['BITCOIN_RPC_PASSWORD', saved.pass]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await new Promise((r) => server.close(r));
  });

  it('reads the raw transaction with getrawtransaction, as the SDK does', async () => {
    const raw = await depositTransactionSource({ network: 'LOCAL' })(tx.id);
    expect(bytesToHex(raw)).toBe(tx.hex);
    expect(seen.at(-1)).toEqual({ method: 'getrawtransaction', auth: `Basic ${Buffer.from('u:p').toString('base64')}` });
  });

  it('refuses a transaction whose id is not the one asked for', async () => {
    await expect(depositTransactionSource({ network: 'LOCAL' })('cd'.repeat(32))).rejects.toMatchObject({ code: 'NOT_AVAILABLE', message: expect.stringMatching(/answered transaction/) as unknown });
  });

  it('a chain that cannot be reached: NOT_AVAILABLE, saying which transaction', async () => {
    const url = process.env.BITCOIN_RPC_URL;
    process.env.BITCOIN_RPC_URL = 'http://127.0.0.1:1';
    try {
      await expect(depositTransactionSource({ network: 'LOCAL' })(tx.id)).rejects.toMatchObject({ code: 'NOT_AVAILABLE', message: expect.stringContaining(tx.id) as unknown });
    } finally {
      process.env.BITCOIN_RPC_URL = url;
    }
  });
});

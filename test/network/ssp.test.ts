import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { describe, expect, it } from 'vitest';
import { FundingWallet } from '../../emulator/chain/funding-wallet.js';
import { RpcClient } from '../../emulator/chain/rpc-client.js';
import type { RunningNetwork } from '../../emulator/network/network.js';
import { SSP_L1_FUNDING_SATS } from '../../emulator/network/ssp-process.js';
import { SCHEMA_ENDPOINT } from '../../emulator/ssp/config.js';
import { sspViewOptions } from './leaf-optimizer.js';
import { networkSuite, waitFor } from './sdk.js';


/** The SDK's own SSP client of a wallet (private in the SDK; reached the way a subclass would). */
interface SdkSspClient {
  authenticate(): Promise<void>;
  executeRawQuery<T>(q: { queryPayload: string; variables?: Record<string, unknown>; constructObject: (r: never) => T }, needsAuth?: boolean): Promise<T | null>;
}
const sspClientOf = (w: SparkWallet): SdkSspClient => (w as unknown as { getSspClient(): SdkSspClient }).getSspClient();

/** A raw GraphQL POST to the SSP, trusting the network's CA. */
function post(url: string, caPath: string, body: unknown, token?: string): Promise<{ status: number; json: { data?: unknown; errors?: { message: string; extensions?: { error_name?: string } }[] } }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/${SCHEMA_ENDPOINT}`, {
      method: 'POST', ca: readFileSync(caPath),
      headers: { 'Content-Type': 'application/json', ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as never }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** How many calls of a root field the SSP logged. */
function calls(network: RunningNetwork, field: string): number {
  const log = readFileSync(join(network.dataDir, 'ssp', 'ssp.log'), 'utf8');
  return log.split('\n').filter((l) => l.includes(`ssp: call ${field}`)).length;
}

describe('the local service provider with the unmodified SDK wallet', { timeout: 120_000 }, () => {
  const suite = networkSuite({ operators: 3, threshold: 2 });

  it('is started with the network: HTTPS from the local CA, its own identity, L1 coins on btcd', async () => {
    const { network } = suite;
    const ready = network.ssp?.ready;
    if (ready === undefined) throw new Error('no service provider');
    expect(ready.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(network.walletOptions.sspClientOptions).toEqual({ baseUrl: ready.url, identityPublicKey: ready.identityPublicKey });
    expect(ready.identityPublicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(Object.values(network.walletOptions.signingOperators ?? {}).map((o) => o.identityPublicKey)).not.toContain(ready.identityPublicKey);
    const l1 = FundingWallet.loadOrCreate(join(network.dataDir, 'ssp', 'l1.key'), new RpcClient(network.chain.info.btcd));
    expect(l1.address).toBe(ready.l1Address);
    expect(await l1.balance()).toBe(SSP_L1_FUNDING_SATS);
    // Its Spark identity is its own SDK wallet's: a wallet opened with its seed has that key.
    const seed = readFileSync(join(network.dataDir, 'ssp', 'wallet.seed'), 'utf8').trim();
    const { wallet } = await suite.open(sspViewOptions(network.walletOptions), seed);
    expect(await wallet.getIdentityPublicKey()).toBe(ready.identityPublicKey);
  });

  it('authenticates a DefaultSparkSigner wallet by its identity key, as the SDK does, and answers a fee estimate', async () => {
    const { network } = suite;
    const { wallet } = await suite.open(network.walletOptions);
    const ssp = sspClientOf(wallet);
    const before = calls(network, 'verify_challenge');
    await ssp.authenticate();
    expect(calls(network, 'verify_challenge')).toBe(before + 1);
    const fee = await ssp.executeRawQuery({
      queryPayload: 'query LeavesSwapFeeEstimate($total_amount_sats: Int!) { leaves_swap_fee_estimate(input: { total_amount_sats: $total_amount_sats }) { fee_estimate { original_value original_unit } } }',
      variables: { total_amount_sats: 12_345 },
      constructObject: (r: { leaves_swap_fee_estimate: { fee_estimate: { original_value: number; original_unit: string } } }) => r.leaves_swap_fee_estimate.fee_estimate,
    });
    expect(fee).toEqual({ original_value: 0, original_unit: 'SATOSHI' });
  });

  it('refuses calls without a session (HTTP 401) and a challenge signed by another key', async () => {
    const { network } = suite;
    const url = network.ssp?.ready?.url ?? '';
    const noSession = await post(url, network.caPath, { query: '{ leaves_swap_fee_estimate(input: {total_amount_sats: 5}) { fee_estimate { original_value } } }' });
    expect(noSession.status).toBe(401);
    expect(noSession.json.errors?.[0]?.extensions?.error_name).toBe('UNAUTHENTICATED');
    const forged = await post(url, network.caPath, { query: '{ leaves_swap_fee_estimate(input: {total_amount_sats: 5}) { fee_estimate { original_value } } }' }, 'AAAA');
    expect(forged.status).toBe(401);
    const key = '02' + '11'.repeat(32);
    const ch = await post(url, network.caPath, { query: `mutation { get_challenge(input: {public_key: "${key}"}) { protected_challenge } }` });
    const challenge = (ch.json.data as { get_challenge: { protected_challenge: string } }).get_challenge.protected_challenge;
    const bad = await post(url, network.caPath, {
      query: 'mutation V($c: String!, $s: String!, $k: PublicKey!) { verify_challenge(input: {protected_challenge: $c, signature: $s, identity_public_key: $k}) { session_token } }',
      variables: { c: challenge, s: Buffer.from('3006020101020101', 'hex').toString('base64'), k: key },
    });
    expect(bad.json.data ?? null).toBeNull();
    expect(bad.json.errors?.[0]?.extensions?.error_name).toBe('INVALID_CHALLENGE');
  });

  it('answers Lightning as unsupported, once: the wallet gets a clear error and does not retry', async () => {
    const { network } = suite;
    const { wallet } = await suite.open(network.walletOptions);
    const before = calls(network, 'request_lightning_receive');
    await expect(wallet.createLightningInvoice({ amountSats: 1_000 })).rejects.toThrow(/Lightning is not offered by this local service provider/);
    // the provider's log reaches its file through a pipe: wait for the call, then make sure no
    // retry follows it
    await waitFor(async () => calls(network, 'request_lightning_receive'), (n) => n > before, 10_000, 'the logged call');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(calls(network, 'request_lightning_receive')).toBe(before + 1);
  });

  it('answers getUserRequests (current_user) as unsupported, saying where the requests are read instead', async () => {
    const { network } = suite;
    const { wallet } = await suite.open(network.walletOptions);
    await expect(wallet.getUserRequests({ first: 10 })).rejects.toThrow(/current_user \(getUserRequests\) is not offered .*getTransfers/);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunningNetwork } from '../../emulator/network/network.js';
import type { BookEntry } from '../../emulator/ssp/books.js';
// Not from static-deposits.ts: that loads the SDK (and grpc-js) before the network's CA is trusted.
import { STATIC_SPEND_FEE_SATS } from '../../emulator/ssp/fees.js';
import { networkSuite, waitFor } from './sdk.js';

type StaticClaim = Extract<BookEntry, { kind: 'static_claim' }>;

function staticClaims(network: RunningNetwork): StaticClaim[] {
  const path = join(network.dataDir, 'ssp', 'books.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BookEntry).filter((e): e is StaticClaim => e.kind === 'static_claim');
}

const FEE = Number(STATIC_SPEND_FEE_SATS);

describe('static deposits through the local service provider, with the unmodified SDK wallet', { timeout: 400_000 }, () => {
  const suite = networkSuite({ operators: 3, threshold: 2 });
  const options = (): RunningNetwork['walletOptions'] => {
    // The network's endpoints and the SSP; the SDK's defaults for everything else.
    const { network, signingOperators, coordinatorIdentifier, threshold, electrsUrl, sspClientOptions } = suite.network.walletOptions;
    return { network, signingOperators, coordinatorIdentifier, threshold, electrsUrl, sspClientOptions };
  };
  const unspent = (txid: string, vout: number): Promise<unknown> => suite.network.chain.rpc.call('gettxout', [txid, vout, true]);

  it('one reusable address per wallet, funded twice and claimed each time: balances exact, the SSP takes each output and its books balance', async () => {
    const { network } = suite;
    const { wallet: alice } = await suite.open(options());
    const address = await alice.getStaticDepositAddress();
    expect(await alice.getStaticDepositAddress()).toBe(address);
    expect(await alice.queryStaticDepositAddresses()).toEqual([address]);

    let expected = 0n;
    for (const sats of [50_000, 70_000]) {
      const funded = await network.chain.fund(address, sats, { confirmations: 3 });
      const quote = await alice.getClaimStaticDepositQuote(funded.txid);
      expect(quote.creditAmountSats).toBe(sats - FEE);
      const out = await alice.claimStaticDeposit({ transactionId: funded.txid, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature });
      expect(out?.transferId).toMatch(/^[0-9a-f-]{36}$/);
      expected += BigInt(sats - FEE);
      const b = await waitFor(() => alice.getBalance(), (x) => x.satsBalance.available === expected, 60_000, `alice's ${expected} sats`);
      expect(b.satsBalance.available).toBe(expected);
      // The SSP spent the deposit output to its own L1 wallet.
      await network.chain.mine(1);
      expect(await unspent(funded.txid, funded.vout)).toBeNull();
      const entry = staticClaims(network).find((e) => e.utxo === `${funded.txid}:${funded.vout}`);
      expect(entry?.paidSats).toBe(sats - FEE);
      expect(entry?.receivedSats).toBe(sats - FEE);
      expect(entry?.transfer).toBe(out?.transferId);
    }
    expect(await alice.getStaticDepositAddress()).toBe(address);
  });

  it('an output claimed twice is refused the second time and nothing moves; a claim by another wallet is refused', async () => {
    const { network } = suite;
    const { wallet: carol } = await suite.open(options());
    const { wallet: mallory } = await suite.open(options());
    const funded = await network.chain.fund(await carol.getStaticDepositAddress(), 40_000, { confirmations: 3 });
    const quote = await carol.getClaimStaticDepositQuote(funded.txid);

    // Another wallet: the SSP will not quote nor claim an output paying someone else's address,
    // and the operators refuse a claim the owner did not sign (checked directly below).
    await expect(mallory.getClaimStaticDepositQuote(funded.txid, funded.vout)).rejects.toThrow(/another wallet/);
    await expect(mallory.claimStaticDeposit({ transactionId: funded.txid, outputIndex: funded.vout, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature }))
      .rejects.toThrow(/not your identity key's signature|another wallet/);
    expect((await mallory.getBalance()).satsBalance.available).toBe(0n);

    await carol.claimStaticDeposit({ transactionId: funded.txid, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature });
    const credit = BigInt(40_000 - FEE);
    await waitFor(() => carol.getBalance(), (x) => x.satsBalance.available === credit, 60_000, "carol's credit");
    const claimsBefore = staticClaims(network).length;
    // The same output again, with the same quote: refused (the output is spent, or claimed already).
    await expect(carol.claimStaticDeposit({ transactionId: funded.txid, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature }))
      .rejects.toThrow(/already spent|already claimed/);
    expect(staticClaims(network)).toHaveLength(claimsBefore);
    expect((await carol.getBalance()).satsBalance.available).toBe(credit);
  });

  it('the SSP down: a static claim fails with a clear error, the output stays unspent and claimable once the SSP is back', async () => {
    const { network } = suite;
    const ssp = network.ssp;
    if (ssp === undefined) throw new Error('the network has no SSP');
    const { wallet: dan } = await suite.open(options());
    const funded = await network.chain.fund(await dan.getStaticDepositAddress(), 30_000, { confirmations: 3 });
    const quote = await dan.getClaimStaticDepositQuote(funded.txid);
    await ssp.stop();
    await expect(dan.claimStaticDeposit({ transactionId: funded.txid, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature }))
      .rejects.toThrow();
    expect(await unspent(funded.txid, funded.vout)).not.toBeNull();
    expect((await dan.getBalance()).satsBalance.available).toBe(0n);
    await ssp.start(120_000);
    await dan.claimStaticDeposit({ transactionId: funded.txid, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature });
    const b = await waitFor(() => dan.getBalance(), (x) => x.satsBalance.available === BigInt(30_000 - FEE), 60_000, "dan's credit");
    expect(b.satsBalance.available).toBe(BigInt(30_000 - FEE));
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunningNetwork } from '../../emulator/network/network.js';
import type { BookEntry } from '../../emulator/ssp/books.js';
import { expectLeftAlone, settled, sspViewOptions } from './leaf-optimizer.js';
import { networkSuite, waitFor } from './sdk.js';

const DEPOSIT_SATS = 100_000n;

function books(network: RunningNetwork): BookEntry[] {
  if (!existsSync(join(network.dataDir, 'ssp', 'books.jsonl'))) return [];
  return readFileSync(join(network.dataDir, 'ssp', 'books.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BookEntry);
}

describe('leaf swaps through the local service provider, with the unmodified SDK wallet', { timeout: 240_000 }, () => {
  const suite = networkSuite({ operators: 3, threshold: 2 });


  it('sends 3 sats from a single 8-sat leaf: the wallet swaps with the SSP, keeps the change, every balance exact', async () => {
    const { network } = suite;
    const { wallet: alice } = await suite.open(network.walletOptions);
    const { wallet: bob } = await suite.open(network.walletOptions);
    // The swap here is the send's own: the leaf, the payment and the change are values the wallet's
    // background optimization leaves alone (leaf-optimizer.ts), so exactly one swap happens.
    await expectLeftAlone(alice, [[8], [3], [5]]);
    const funded = await network.chain.fund(await alice.getSingleUseDepositAddress(), 8n);
    await alice.claimDeposit(funded.txid);
    await waitFor(() => alice.getBalance(), (b) => b.satsBalance.available === 8n, 30_000, 'the deposit');
    expect((await alice.getLeaves()).map((l) => l.value)).toEqual([8]);

    await alice.transfer({ amountSats: 3, receiverSparkAddress: await bob.getSparkAddress() });

    const bobBalance = await waitFor(() => bob.getBalance(), (b) => b.satsBalance.available === 3n, 60_000, "bob's 3 sats");
    expect(bobBalance.satsBalance.available).toBe(3n);
    expect((await settled(bob, network.dataDir, 60_000, 'bob')).map((l) => l.value)).toEqual([3]);
    const aliceBalance = await waitFor(() => alice.getBalance(), (b) => b.satsBalance.available === 5n, 30_000, "alice's change");
    expect(aliceBalance.satsBalance.available).toBe(5n);
    expect((await settled(alice, network.dataDir, 60_000, 'alice')).map((l) => l.value)).toEqual([5]);

    // The SSP's books: it received the 8-sat leaf and paid 8 sats back, no fee.
    const swaps = books(network).filter((e): e is Extract<BookEntry, { kind: 'swap' }> => e.kind === 'swap');
    expect(swaps).toHaveLength(1);
    expect(swaps[0]?.receivedSats).toBe(8);
    expect(swaps[0]?.paidSats).toBe(8);
    expect(books(network).some((e) => e.kind === 'claim' && e.transfer === swaps[0]?.primary)).toBe(true);
    // And the operators agree: the SSP's wallet holds the user's old leaf.
    const sspSeed = readFileSync(join(network.dataDir, 'ssp', 'wallet.seed'), 'utf8').trim();
    const { wallet: ssp } = await suite.open(sspViewOptions(network.walletOptions), sspSeed);
    expect((await ssp.getBalance()).satsBalance.available).toBe(8n);
  });

  it('on the SDK\'s default options (leaf optimization on): background swaps keep the balance exact, and a send of 12,345 sats lands exactly', async () => {
    const { network } = suite;
    // As printed: only the network's endpoints and the SSP; everything else is the SDK's default.
    const defaults = network.walletOptions;
    const { wallet: first, seed } = await suite.open(defaults);
    const { wallet: dave } = await suite.open(defaults);
    const swapsBefore = books(network).filter((e) => e.kind === 'swap').length;
    const funded = await network.chain.fund(await first.getSingleUseDepositAddress(), DEPOSIT_SATS);
    await first.claimDeposit(funded.txid);
    await waitFor(() => first.getBalance(), (b) => b.satsBalance.available === DEPOSIT_SATS, 30_000, 'the deposit');
    await first.cleanupConnections();
    // A deposit claim does not start optimization; a wallet's sync does (SDK leaf-manager.ts): the
    // wallet started again on its seed swaps its one 100,000-sat leaf in the background.
    const { wallet: carol } = await suite.open(defaults, seed);
    const optimized = await waitFor(async () => ({ b: await carol.getBalance(), n: (await carol.getLeaves()).length }), (x) => x.b.satsBalance.available === DEPOSIT_SATS && x.n > 1, 120_000, 'the optimized leaves');
    expect(optimized.b.satsBalance.available).toBe(DEPOSIT_SATS);
    expect(books(network).filter((e) => e.kind === 'swap').length).toBeGreaterThan(swapsBefore);
    expect((await carol.getLeaves()).reduce((a, l) => a + l.value, 0)).toBe(100_000);

    await carol.transfer({ amountSats: 12_345, receiverSparkAddress: await dave.getSparkAddress() });
    const daveBalance = await waitFor(() => dave.getBalance(), (b) => b.satsBalance.available === 12_345n, 120_000, "dave's 12,345 sats");
    expect(daveBalance.satsBalance.available).toBe(12_345n);
    const carolBalance = await waitFor(() => carol.getBalance(), (b) => b.satsBalance.available === 87_655n, 120_000, "carol's change");
    expect(carolBalance.satsBalance.available).toBe(87_655n);
    // The SSP's books balance: every swap paid out exactly what it received.
    for (const e of books(network)) if (e.kind === 'swap') expect(e.paidSats).toBe(e.receivedSats);
  });
});

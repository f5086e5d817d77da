/**
 * Benchmark of leaf swaps through the local service provider (emulator/ssp), on a 2-of-3
 * network started by startNetwork with unmodified SDK wallets (DefaultSparkSigner):
 *
 *   - reference: whole-leaf transfers sent and claimed (no SSP), one at a time;
 *   - swaps: sends of an amount no leaf matches, one at a time; each is a swap (primary transfer
 *     with adaptor signatures, the SSP's checks, its deposit of the exact leaves on btcd, the
 *     counter transfer settling both legs, the claims) followed by the send itself;
 *   - the ratio of the two, comparable across machines.
 *
 *   npx tsx scripts/bench-ssp.ts [--transfers 5] [--swaps 5]
 *
 * Prints a JSON report on stdout.
 */
import { parseArgs } from 'node:util';
import { trustCaInGlobalFetch } from '../emulator/network/ca-fetch.js';
import { startNetwork } from '../emulator/network/network.js';

const { values } = parseArgs({ options: { transfers: { type: 'string', default: '5' }, swaps: { type: 'string', default: '5' } } });
const transfers = Number(values.transfers);
const swaps = Number(values.swaps);

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const network = await startNetwork({ operators: 3, threshold: 2, log: () => undefined });
  try {
    Object.assign(process.env, network.env);
    trustCaInGlobalFetch(network.caPath);
    const sdk = await import('@buildonspark/spark-sdk');
    const options = { ...network.walletOptions, optimizationOptions: { auto: false } };
    const open = async (): Promise<InstanceType<typeof sdk.SparkWallet>> => (await sdk.SparkWallet.initialize({ options })).wallet;
    const [alice, bob] = [await open(), await open()];
    try {
      // Reference: whole leaves of 10,000 sats, each sent alone.
      for (let i = 0; i < transfers; i++) {
        const funded = await network.chain.fund(await alice.getSingleUseDepositAddress(), 10_000);
        await alice.claimDeposit(funded.txid);
      }
      await until(() => alice.getBalance(), (b) => b.satsBalance.available === BigInt(transfers * 10_000), 'the reference deposits');
      const bobAddress = await bob.getSparkAddress();
      let t0 = performance.now();
      for (let i = 1; i <= transfers; i++) {
        await alice.transfer({ amountSats: 10_000, receiverSparkAddress: bobAddress });
        await until(() => bob.getBalance(), (b) => b.satsBalance.available === BigInt(i * 10_000), 'a whole-leaf transfer');
      }
      const transferSeconds = (performance.now() - t0) / 1000;

      // Swaps: 1,000 sats at a time out of one 100,000-sat leaf; no leaf ever matches.
      const funded = await network.chain.fund(await alice.getSingleUseDepositAddress(), 100_000);
      await alice.claimDeposit(funded.txid);
      await until(() => alice.getBalance(), (b) => b.satsBalance.available === 100_000n, 'the swap deposit');
      const before = (await bob.getBalance()).satsBalance.available;
      t0 = performance.now();
      for (let i = 1; i <= swaps; i++) {
        await alice.transfer({ amountSats: 1_000, receiverSparkAddress: bobAddress });
        await until(() => bob.getBalance(), (b) => b.satsBalance.available === before + BigInt(i * 1_000), 'a send through a swap');
      }
      const swapSeconds = (performance.now() - t0) / 1000;
      process.stdout.write(JSON.stringify({
        network: '2-of-3, PGlite',
        reference: { wholeLeafTransfers: transfers, seconds: transferSeconds, transfersPerSecond: transfers / transferSeconds },
        swaps: { sends: swaps, seconds: swapSeconds, swapsPerSecond: swaps / swapSeconds },
        swapSendCostInWholeLeafTransfers: (swapSeconds / swaps) / (transferSeconds / transfers),
      }, null, 2) + '\n');
    } finally {
      await alice.cleanupConnections();
      await bob.cleanupConnections();
    }
  } finally {
    await network.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});

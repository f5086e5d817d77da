/**
 * Benchmark of leaf swaps through the local service provider (emulator/ssp), on a 2-of-3
 * network started by startNetwork with unmodified SDK wallets (DefaultSparkSigner):
 *
 *   - reference: whole-leaf transfers sent and claimed (no SSP), one at a time;
 *   - swaps: sends of an amount no leaf matches, one at a time; each is a swap (primary transfer
 *     with adaptor signatures, the SSP's checks, its deposit of the exact leaves on btcd, the
 *     counter transfer settling both legs, the claims) followed by the send itself;
 *   - the ratio of the two, comparable across machines;
 *   - cooperative exits: withdrawals of a whole 10,000-sat leaf to a btcd address, one at a time,
 *     mining one block whenever the exit waits for one: the latency in blocks (until the
 *     operators apply the exit's tweak, and until the SSP has claimed the leaves) and in seconds
 *     (from getWithdrawalFeeQuote() to withdraw()'s answer; from mining the block that lets the SSP
 *     claim to its claim), and the answer's cost in whole-leaf transfers. Block intervals are not
 *     counted in seconds: on a real chain they dominate (6 blocks ≈ 1 hour).
 *
 *   npx tsx scripts/bench-ssp.ts [--transfers 5] [--swaps 5] [--exits 3]
 *
 * Prints a JSON report on stdout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { p2wpkh } from '@scure/btc-signer';
import { REGTEST } from '../emulator/chain/regtest.js';
import { loadSdk } from '../emulator/network/load-sdk.js';
import { startNetwork } from '../emulator/network/network.js';

const { values } = parseArgs({ options: { transfers: { type: 'string', default: '5' }, swaps: { type: 'string', default: '5' }, exits: { type: 'string', default: '3' } } });
const transfers = Number(values.transfers);
const swaps = Number(values.swaps);
const exits = Number(values.exits);
/** spark.TransferStatus SENDER_KEY_TWEAKED */
const KEY_TWEAKED = 2;

/** Whether the SSP's books record its claim of transfer `id`. */
function claimed(booksPath: string, id: string): boolean {
  if (!existsSync(booksPath)) return false;
  return readFileSync(booksPath, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { kind: string; transfer?: string })
    .some((e) => e.kind === 'claim' && e.transfer === id);
}

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
    const sdk = await loadSdk(network.env);
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

      // Cooperative exits of whole 10,000-sat leaves (no swap before them).
      for (let i = 0; i < exits; i++) {
        const f = await network.chain.fund(await bob.getSingleUseDepositAddress(), 10_000);
        await bob.claimDeposit(f.txid);
      }
      const bobStart = (await bob.getBalance()).satsBalance.available;
      const queryStatus = async (id: string): Promise<number | undefined> =>
        (await (bob as unknown as { transferService: { queryTransfer(id: string): Promise<{ status: number } | undefined> } }).transferService.queryTransfer(id))?.status;
      const booksPath = join(network.dataDir, 'ssp', 'books.jsonl');
      const exitRuns: { answerSeconds: number; claimSecondsAfterBlock: number; blocksToTweak: number; blocksToClaim: number }[] = [];
      for (let i = 0; i < exits; i++) {
        const leaf = (await bob.getLeaves()).find((l) => l.value === 10_000);
        if (leaf === undefined) throw new Error('no 10,000-sat leaf left to withdraw');
        const address = p2wpkh(secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true), REGTEST).address as string;
        const e0 = performance.now();
        const quote = await bob.getWithdrawalFeeQuote({ amountSats: 10_000, withdrawalAddress: address });
        const res = await bob.withdraw({ onchainAddress: address, exitSpeed: 'FAST' as never, feeQuote: quote as never, amountSats: 10_000, deductFeeFromWithdrawalAmount: true });
        const answerSeconds = (performance.now() - e0) / 1000;
        const id = res?.transfer?.sparkId;
        if (id === undefined) throw new Error('withdraw answered no transfer');
        let blocks = 0;
        let blocksToTweak = 0;
        let minedAt = 0;
        for (;;) {
          await network.chain.mine(1);
          minedAt = performance.now();
          blocks++;
          if (blocksToTweak === 0) {
            await until(() => queryStatus(id), (s) => s === KEY_TWEAKED, 'the exit tweak on the operators');
            blocksToTweak = blocks;
          }
          // The SSP polls every 500 ms and a claim takes a few seconds: give it 10 s after each block before mining the next.
          const deadline = Date.now() + 10_000;
          while (!claimed(booksPath, id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
          if (claimed(booksPath, id)) break;
          if (blocks > 20) throw new Error('the SSP did not claim within 20 blocks');
        }
        exitRuns.push({ answerSeconds, claimSecondsAfterBlock: (performance.now() - minedAt) / 1000, blocksToTweak, blocksToClaim: blocks });
      }
      if ((await bob.getBalance()).satsBalance.available !== bobStart - BigInt(exits * 10_000)) throw new Error('the exits did not take exactly their leaves');
      const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
      process.stdout.write(JSON.stringify({
        network: '2-of-3, PGlite',
        reference: { wholeLeafTransfers: transfers, seconds: transferSeconds, transfersPerSecond: transfers / transferSeconds },
        swaps: { sends: swaps, seconds: swapSeconds, swapsPerSecond: swaps / swapSeconds },
        swapSendCostInWholeLeafTransfers: (swapSeconds / swaps) / (transferSeconds / transfers),
        exits: exitRuns.length === 0 ? undefined : {
          withdrawals: exitRuns.length,
          runs: exitRuns,
          medianBlocksToTweak: median(exitRuns.map((r) => r.blocksToTweak)),
          medianBlocksToClaim: median(exitRuns.map((r) => r.blocksToClaim)),
          medianSecondsToAnswer: median(exitRuns.map((r) => r.answerSeconds)),
          medianClaimSecondsAfterBlock: median(exitRuns.map((r) => r.claimSecondsAfterBlock)),
          answerCostInWholeLeafTransfers: median(exitRuns.map((r) => r.answerSeconds)) / (transferSeconds / transfers),
        },
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

/**
 * Benchmark of the Spark crypto core (src/crypto) against the SDK's WASM, measured in the same
 * run and interleaved (ours, SDK, ours, SDK, …) so machine load affects both alike.
 * Run by hand: `npx tsx scripts/bench-crypto.ts [--quick]`. Prints ops/s and ratios
 * (ratio = our ops/s ÷ SDK ops/s; ≥ 1 means we are at least as fast).
 *
 * Workloads (seeded, so runs are comparable):
 *  - user share: our signFrost vs the SDK's signFrost, same inputs (2-of-3 and 3-of-5 rounds);
 *  - operator share: our signFrostOperator vs the SDK's signFrost — the SDK has no operator
 *    signer; its user-share signer is the same amount of FROST work (context, binding factors,
 *    group commitment, one share), so it is the closest reference;
 *  - aggregation: our aggregateFrost vs the SDK's aggregateFrost, same inputs;
 *  - DKG 3-of-5 (all five participants, in process): no SDK DKG exists; the reference is the
 *    SDK doing the Feldman-VSS part of the same work (5 splitSecretWithProofs of 5 shares and
 *    20 validateShare calls), which understates the DKG's work (no proofs of knowledge).
 * A pool of 32 distinct rounds is cycled, so the tweak cache (one entry per verifying key)
 * is warm after the first pass, as it is for a wallet signing several transactions per leaf.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { aggregateFrost, bytesToHex, runDkgInProcess, signFrost, signFrostOperator, taprootOutputKey, operatorIdentifier } from '../src/crypto/index.js';
import { SeededRandom, aggregateParams, makeGroup, makeRound, operatorSignParams, sdkFrost, sdkSplitSecretWithProofs, sdkValidateShare, userSignParams } from '../src/crypto/testing/index.js';
import type { FrostRound } from '../src/crypto/testing/index.js';

const quick = process.argv.includes('--quick');
const BLOCKS = quick ? 3 : 7;
const frost = sdkFrost();

type Op = () => unknown;

/** Runs `op` for at least `ms` milliseconds; returns microseconds per call. */
async function block(op: Op, ms: number): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    await op();
    n++;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

interface Row {
  name: string;
  oursUs: number;
  refUs: number;
  ref: string;
}

async function compare(name: string, ours: Op, ref: Op, refName: string, ms: number): Promise<Row> {
  // Warm up both (JIT, the fixed-base table, WASM instantiation).
  await block(ours, ms / 2);
  await block(ref, ms / 2);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < BLOCKS; i++) {
    a.push(await block(ours, ms));
    b.push(await block(ref, ms));
  }
  return { name, oursUs: median(a), refUs: median(b), ref: refName };
}

function cycle<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length] as T;
}


/** Aggregation input with the SDK's user share (so both aggregators get the same bytes). */
async function sdkAggregateParams(r: FrostRound) {
  return aggregateParams(r, await frost.signFrost(userSignParams(r)));
}

async function main(): Promise<void> {
  const rng = new SeededRandom('bench-crypto-1');
  const ms = quick ? 300 : 1000;
  const rows: Row[] = [];
  for (const [t, n] of [[2, 3], [3, 5]] as const) {
    const group = makeGroup(rng, n, t, 'dealer');
    const signers = Array.from({ length: t }, (_, i) => i);
    const pool = Array.from({ length: 32 }, (_, i) => makeRound(rng, group, signers, i % 2 === 1));
    // Sanity: identical outputs before timing anything.
    for (const r of pool.slice(0, 4)) {
      const p = userSignParams(r);
      if (bytesToHex(signFrost(p)) !== bytesToHex(await frost.signFrost(p))) throw new Error('user shares differ');
      const ap = await sdkAggregateParams(r);
      const sig = aggregateFrost(ap);
      if (bytesToHex(sig) !== bytesToHex(await frost.aggregateFrost(ap))) throw new Error('signatures differ');
      if (r.adaptorPubKey === undefined && !schnorr.verify(sig, r.message, taprootOutputKey(r.verifyingKey))) throw new Error('bad signature');
    }
    const nextUser = cycle(pool.map(userSignParams));
    rows.push(await compare(`user share, ${t}-of-${n}`, () => signFrost(nextUser()), () => frost.signFrost(nextUser()), 'SDK signFrost', ms));
    const nextOp = cycle(pool.map((r) => ({ ...operatorSignParams(r, 0), publicShare: undefined })));
    const sdkLike = cycle(pool.map(userSignParams));
    rows.push(await compare(`operator share, ${t}-of-${n}`, () => signFrostOperator(nextOp()), () => frost.signFrost(sdkLike()), 'SDK signFrost (user role)', ms));
    const aggs = await Promise.all(pool.map(sdkAggregateParams));
    const nextAgg = cycle(aggs);
    rows.push(await compare(`aggregate, ${t}-of-${n}`, () => aggregateFrost(nextAgg()), () => frost.aggregateFrost(nextAgg()), 'SDK aggregateFrost', ms));
  }
  const ids = Array.from({ length: 5 }, (_, i) => operatorIdentifier(i + 1));
  const secret = rng.scalar();
  rows.push(
    await compare(
      'DKG 3-of-5 (all 5 participants)',
      () => runDkgInProcess(ids, 3),
      async () => {
        for (let d = 0; d < 5; d++) {
          const shares = await sdkSplitSecretWithProofs(secret, 3, 5);
          for (const s of shares.slice(1)) await sdkValidateShare(s);
        }
      },
      'SDK Feldman VSS part only (5 splits + 20 validations)',
      ms * 2,
    ),
  );

  console.log(`bench-crypto (${quick ? 'quick' : 'full'}: ${BLOCKS} interleaved blocks, medians)\n`);
  console.log('operation                        ours ops/s   ref ops/s   ratio  reference');
  for (const r of rows) {
    const ours = 1e6 / r.oursUs;
    const ref = 1e6 / r.refUs;
    console.log(`${r.name.padEnd(32)} ${ours.toFixed(1).padStart(10)} ${ref.toFixed(1).padStart(11)} ${(ours / ref).toFixed(2).padStart(7)}  ${r.ref}`);
  }
}

await main();

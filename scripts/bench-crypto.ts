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
 * Every workload runs once per curve backend the platform has (libsecp256k1's addon, pure-JS
 * noble), each against the SDK measured in the same run; rows are prefixed [native] / [js].
 * A pool of 32 distinct rounds is cycled, so the tweak cache (one entry per verifying key)
 * is warm after the first pass, as it is for a wallet signing several transactions per leaf.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { aggregateFrost, bytesToHex, runDkgInProcess, signFrost, signFrostOperator, taprootOutputKey, operatorIdentifier } from '../src/crypto/index.js';
import type { EcBackendName } from '../src/crypto/index.js';
import {
  SeededRandom,
  aggregateParams,
  makeGroup,
  makeRound,
  nativeCurveBackendAvailable,
  operatorSignParams,
  sdkFrost,
  sdkSplitSecretWithProofs,
  sdkValidateShare,
  useCurveBackend,
  userSignParams,
} from '../src/crypto/testing/index.js';
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
  // Warm up both (JIT, noble's precomputed base tables, WASM instantiation).
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

interface Workload {
  t: number;
  n: number;
  pool: FrostRound[];
  aggs: Awaited<ReturnType<typeof sdkAggregateParams>>[];
}

/** The rows of one curve backend, on the same seeded workloads as every other backend. */
async function rowsFor(backend: EcBackendName, workloads: Workload[], dkgSecret: Uint8Array, ms: number): Promise<Row[]> {
  useCurveBackend(backend);
  const rows: Row[] = [];
  for (const { t, n, pool, aggs } of workloads) {
    // Sanity: identical outputs before timing anything.
    for (const [i, r] of pool.slice(0, 4).entries()) {
      const p = userSignParams(r);
      if (bytesToHex(signFrost(p)) !== bytesToHex(await frost.signFrost(p))) throw new Error(`${backend}: user shares differ`);
      const ap = aggs[i] as Workload['aggs'][number];
      const sig = aggregateFrost(ap);
      if (bytesToHex(sig) !== bytesToHex(await frost.aggregateFrost(ap))) throw new Error(`${backend}: signatures differ`);
      if (r.adaptorPubKey === undefined && !schnorr.verify(sig, r.message, taprootOutputKey(r.verifyingKey))) throw new Error(`${backend}: bad signature`);
    }
    const nextUser = cycle(pool.map(userSignParams));
    rows.push(await compare(`[${backend}] user share, ${t}-of-${n}`, () => signFrost(nextUser()), () => frost.signFrost(nextUser()), 'SDK signFrost', ms));
    const nextOp = cycle(pool.map((r) => ({ ...operatorSignParams(r, 0), publicShare: undefined })));
    const sdkLike = cycle(pool.map(userSignParams));
    rows.push(await compare(`[${backend}] operator share, ${t}-of-${n}`, () => signFrostOperator(nextOp()), () => frost.signFrost(sdkLike()), 'SDK signFrost (user role)', ms));
    const nextAgg = cycle(aggs);
    rows.push(await compare(`[${backend}] aggregate, ${t}-of-${n}`, () => aggregateFrost(nextAgg()), () => frost.aggregateFrost(nextAgg()), 'SDK aggregateFrost', ms));
  }
  const ids = Array.from({ length: 5 }, (_, i) => operatorIdentifier(i + 1));
  rows.push(
    await compare(
      `[${backend}] DKG 3-of-5 (all 5)`,
      () => runDkgInProcess(ids, 3),
      async () => {
        for (let d = 0; d < 5; d++) {
          const shares = await sdkSplitSecretWithProofs(dkgSecret, 3, 5);
          for (const s of shares.slice(1)) await sdkValidateShare(s);
        }
      },
      'SDK Feldman VSS part only (5 splits + 20 validations)',
      ms * 2,
    ),
  );
  return rows;
}

async function main(): Promise<void> {
  const rng = new SeededRandom('bench-crypto-1');
  const ms = quick ? 300 : 1000;
  const workloads: Workload[] = [];
  for (const [t, n] of [[2, 3], [3, 5]] as const) {
    const group = makeGroup(rng, n, t, 'dealer');
    const signers = Array.from({ length: t }, (_, i) => i);
    const pool = Array.from({ length: 32 }, (_, i) => makeRound(rng, group, signers, i % 2 === 1));
    workloads.push({ t, n, pool, aggs: await Promise.all(pool.map(sdkAggregateParams)) });
  }
  const dkgSecret = rng.scalar();
  // Every backend this platform has: libsecp256k1 (when its addon loads) and pure JS.
  const backends: EcBackendName[] = nativeCurveBackendAvailable() ? ['native', 'js'] : ['js'];
  const rows: Row[] = [];
  for (const b of backends) rows.push(...(await rowsFor(b, workloads, dkgSecret, ms)));

  console.log(`bench-crypto (${quick ? 'quick' : 'full'}: ${BLOCKS} interleaved blocks, medians)\n`);
  console.log('operation                                 ours ops/s   ref ops/s   ratio  reference');
  for (const r of rows) {
    const ours = 1e6 / r.oursUs;
    const ref = 1e6 / r.refUs;
    console.log(`${r.name.padEnd(41)} ${ours.toFixed(1).padStart(10)} ${ref.toFixed(1).padStart(11)} ${(ours / ref).toFixed(2).padStart(7)}  ${r.ref}`);
  }
}

await main();

/**
 * Benchmark of the local Spark network, on real operator processes started by
 * startNetwork (btcd, the chain endpoints, N operators over TLS), for 2-of-3 and 3-of-5:
 *
 *   - FROST signing jobs per second across the network: each job is a full t-of-n round run by
 *     the coordinator (commitments and shares from t operators over mutual TLS, every share
 *     checked, aggregated, BIP340-verified), through its internal frost_sign_operators RPC, with
 *     1, 4 and 16 concurrent callers;
 *   - deposits claimed per second with 1, 2 and 4 concurrent unmodified SDK wallets
 *     (claimDeposit: chain read, get_signing_commitments, three FROST jobs with the user's share,
 *     tree storage on every operator);
 *   - transfers sent and claimed per second between 1, 4 and 16 pairs of unmodified SDK wallets
 *     (each round trip: the sender's start_transfer_v2, prepared and committed on every operator,
 *     and the receiver's claim from its own event stream), and the cost per leaf of one
 *     transfer of 1, 8 and 64 leaves;
 *   - the cost of a 5-operator job relative to a 3-operator job;
 *   - a reference measured in the same run (BIP340 sign+verify in this process), so that the
 *     figures compare across machines as ratios;
 *   - for the transfers, the CPU time the operators and the wallets' process spent per round trip
 *     and per transfer of n leaves, C(n), and C(n)/n (from /proc on Linux): unlike the wall-clock
 *     figures it hardly moves when other work shares the machine, so runs on a busy machine still
 *     compare. Each is also given per process (every operator, the wallets, btcd, the service
 *     provider), with the CPU per added leaf and the fixed CPU per transfer as figures beside the
 *     targets. The load average at the start and the end of the run is in the report.
 *
 *   npx tsx scripts/bench-network.ts [--seconds 3] [--deposits 3] [--callers 1,4,16] [--wallets 1,2,4] [--batch 20]
 *                                    [--pairs 1,4,16] [--transfers 3] [--leaves 1,8,64] [--repeat 1]
 *                                    [--only signing,deposits,transfers] [--windows]
 *
 * The subject is the operators: the networks run without the service provider, so the wallets
 * keep background leaf optimization off (no swaps between the measured transfers). `--repeat N`
 * measures each transfer level and leaf count N times on fresh wallets and reports the median
 * (every sample is kept in the JSON). Operator processes take extra node options from the
 * environment variable SPARK_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`), which with
 * --windows gives CPU profiles cut to the measured spans.
 *
 * Prints a JSON report on stdout and, on stderr, each target next to its figure and whether it is
 * met. Each network runs in its own child process, because the SDK and
 * grpc-js read the network's CA and chain URL from the environment once per process.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { schnorr } from '@noble/curves/secp256k1';
import { openLocalCa } from '../emulator/network/ca.js';
import { startNetwork, type RunningNetwork } from '../emulator/network/network.js';
import { median } from './bench-stats.js';

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    seconds: { type: 'string', default: '3' },
    deposits: { type: 'string', default: '3' },
    callers: { type: 'string', default: '1,4,16' },
    wallets: { type: 'string', default: '1,2,4' },
    batch: { type: 'string', default: '20' },
    pairs: { type: 'string', default: '1,4,16' },
    transfers: { type: 'string', default: '3' },
    leaves: { type: 'string', default: '1,8,64' },
    only: { type: 'string', default: 'signing,deposits,transfers' },
    windows: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '1' },
  },
});
const pairLevels = values.pairs.split(',').map(Number);
const transfersPerPair = Number(values.transfers);
const leafLevels = values.leaves.split(',').map(Number);
const parts = new Set(values.only.split(','));
const seconds = Number(values.seconds);
const depositsPerWallet = Number(values.deposits);
const callerLevels = values.callers.split(',').map(Number);
const walletLevels = values.wallets.split(',').map(Number);
const batch = Number(values.batch);
const repeat = Math.max(1, Number(values.repeat));

interface SigningRun {
  callers: number;
  jobs: number;
  jobsPerSecond: number;
}
interface DepositRun {
  wallets: number;
  deposits: number;
  depositsPerSecond: number;
  /** Three FROST jobs per claimed deposit (root, refund, direct-from-CPFP refund). */
  signingJobsPerSecond: number;
}
interface TransferRun {
  pairs: number;
  transfers: number;
  /** Transfers sent and claimed (receiver's balance updated) per second. */
  roundTripsPerSecond: number;
  /** CPU time of the operators and the wallets' process per round trip (undefined off Linux). */
  cpuMsPerRoundTrip: number | undefined;
  /** The same per process, with btcd and the service provider (which the total leaves out). */
  cpuMsPerRoundTripByProcess: Record<string, number> | undefined;
  /** With --repeat: every sample (the fields above are the medians). */
  samples?: { roundTripsPerSecond: number; cpuMsPerRoundTrip: number | undefined }[];
}
interface LeafCostRun {
  leaves: number;
  /** One transfer of all the leaves, sent and claimed. */
  ms: number;
  msPerLeaf: number;
  /** CPU time of the operators and the wallets' process for the whole transfer, C(n) (undefined off Linux). */
  cpuMsPerTransfer: number | undefined;
  /** C(n)/n */
  cpuMsPerLeaf: number | undefined;
  /** C(n) per process, with btcd and the service provider (which the total leaves out). */
  cpuMsPerTransferByProcess: Record<string, number> | undefined;
  /** With --repeat: every sample (the fields above are the medians). */
  samples?: { ms: number; cpuMsPerTransfer: number | undefined }[];
}
interface NetworkReport {
  operators: number;
  threshold: number;
  signing: SigningRun[];
  deposits: DepositRun[];
  transfers: TransferRun[];
  leafCost: LeafCostRun[];
}

/** The same-run reference: BIP340 sign + verify per second, single-threaded, in this process. */
function referenceOpsPerSecond(ms = 1500): number {
  const key = randomBytes(32);
  const pub = schnorr.getPublicKey(key);
  const msg = randomBytes(32);
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    const sig = schnorr.sign(msg, key);
    if (!schnorr.verify(sig, msg, pub)) throw new Error('reference signature did not verify');
    ops++;
  }
  return ops / ((performance.now() - start) / 1000);
}

async function measureSigning(network: RunningNetwork): Promise<SigningRun[]> {
  const grpc = await import('@grpc/grpc-js');
  const nice = await import('nice-grpc');
  const { internalClient } = await import('../emulator/operator/grpc/internal/peer-client.js');
  // The internal port takes only certificates from the network's CA: the bench gets its own.
  const client = openLocalCa(join(network.dataDir, 'tls')).issue('bench-client');
  const creds = grpc.credentials.createSsl(readFileSync(network.caPath), readFileSync(client.keyPath), readFileSync(client.certPath));
  const coordinator = network.ready(1);
  const channel = nice.createChannel(coordinator.internalAddress, creds);
  const api = internalClient(channel);
  const messages = (): Uint8Array[] => Array.from({ length: batch }, () => randomBytes(32));
  try {
    await api.frost_sign_operators({ messages: messages(), keyshare_id: '' }); // warm-up
    const runs: SigningRun[] = [];
    for (const callers of callerLevels) {
      let jobs = 0;
      const started = performance.now();
      const end = started + seconds * 1000;
      await Promise.all(
        Array.from({ length: callers }, async () => {
          while (performance.now() < end) {
            const r = await api.frost_sign_operators({ messages: messages(), keyshare_id: '' });
            jobs += r.signatures.length;
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      runs.push({ callers, jobs, jobsPerSecond: Math.round(jobs / elapsed) });
    }
    return runs;
  } finally {
    channel.close();
  }
}

async function measureDeposits(network: RunningNetwork): Promise<DepositRun[]> {
  const sdk = await import('@buildonspark/spark-sdk');
  const runs: DepositRun[] = [];
  // The SDK caches gRPC channels per operator address across wallets, so connections are only
  // closed once, after the last level (closing them earlier breaks the next wallets).
  const opened: { cleanupConnections(): Promise<void> }[] = [];
  try {
  for (const count of walletLevels) {
    const wallets = await Promise.all(
      Array.from({ length: count }, async () => (await sdk.SparkWallet.initialize({ mnemonicOrSeed: randomBytes(32).toString('hex'), options: network.walletOptions })).wallet),
    );
    opened.push(...wallets);
    {
      // Addresses and funding are set up first; only the claims are timed. One transaction per
      // deposit (left unconfirmed, then one block) so that every claim has its own txid.
      const plans = await Promise.all(
        wallets.map(async (wallet) => {
          const txids: string[] = [];
          for (let i = 0; i < depositsPerWallet; i++) {
            const address = await wallet.getSingleUseDepositAddress();
            txids.push((await network.chain.fund(address, 50_000n + BigInt(i), { confirmations: 0 })).txid);
          }
          return { wallet, txids };
        }),
      );
      await network.chain.mine(1);
      const started = performance.now();
      await Promise.all(
        plans.map(async ({ wallet, txids }) => {
          for (const txid of txids) {
            const leaves = await wallet.claimDeposit(txid);
            if (leaves.length !== 1) throw new Error(`claimDeposit(${txid}) returned ${leaves.length} leaves`);
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      const deposits = count * depositsPerWallet;
      const depositsPerSecond = deposits / elapsed;
      runs.push({ wallets: count, deposits, depositsPerSecond: round2(depositsPerSecond), signingJobsPerSecond: round2(3 * depositsPerSecond) });
    }
  }
  } finally {
    await Promise.all(opened.map((w) => w.cleanupConnections().catch(() => undefined)));
  }
  return runs;
}

/**
 * With --windows: the measured part's span on the monotonic clock (µs, as process.hrtime), on
 * stderr, to cut CPU profiles of the operators (node --cpu-prof, inspector) to it.
 */
function printWindow(what: string, start: bigint): void {
  if (values.windows) process.stderr.write(`WINDOW ${what} ${start / 1000n} ${process.hrtime.bigint() / 1000n}\n`);
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** CPU milliseconds (user + system) a process has used so far, from /proc; undefined if it is gone or off Linux. */
function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** The children of a process (Linux 3.5+ with CONFIG_PROC_CHILDREN), or none. */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter((x) => x !== '').map(Number);
  } catch {
    return [];
  }
}

/**
 * CPU milliseconds used so far by each process of the network: every operator, this process
 * (the SDK wallets), btcd (the child of its exit-with-parent watchdog) and the service provider.
 * undefined where /proc is not there.
 */
type CpuSnapshot = Record<string, number>;
function cpuSnapshot(network: RunningNetwork): CpuSnapshot | undefined {
  const out: CpuSnapshot = {};
  for (const [i, o] of network.operators.entries()) {
    if (o.pid === undefined) continue;
    const ms = processCpuMs(o.pid);
    if (ms === undefined) return undefined;
    out[`operator${i + 1}`] = ms;
  }
  const own = process.cpuUsage();
  out.wallets = (own.user + own.system) / 1000;
  const watchdog = network.chain.btcdNode.pid;
  out.btcd = [watchdog, ...childPids(watchdog)].reduce((a, p) => a + (processCpuMs(p) ?? 0), 0);
  if (network.ssp?.pid !== undefined) out.ssp = processCpuMs(network.ssp.pid) ?? 0;
  return out;
}

/**
 * CPU per unit since `start`: `total` is the operators' and the wallets' (what the targets use;
 * btcd and the SSP only serve the set-up here, and are listed apart in `byProcess`).
 */
interface CpuPer {
  total: number;
  byProcess: Record<string, number>;
}
function cpuSince(network: RunningNetwork, start: CpuSnapshot | undefined, per: number): CpuPer | undefined {
  const now = cpuSnapshot(network);
  if (now === undefined || start === undefined) return undefined;
  const byProcess = Object.fromEntries(Object.entries(now).map(([k, v]) => [k, round2((v - (start[k] ?? 0)) / per)]));
  const total = Object.entries(byProcess).filter(([k]) => k.startsWith('operator') || k === 'wallets').reduce((a, [, v]) => a + v, 0);
  return { total: round2(total), byProcess };
}

type Sdk = typeof import('@buildonspark/spark-sdk');
type Wallet = Awaited<ReturnType<Sdk['SparkWallet']['initialize']>>['wallet'];

/** A wallet holding one whole leaf per amount (funded unconfirmed, one block, then claimed). */
async function fundedWallet(sdk: Sdk, network: RunningNetwork, amounts: bigint[]): Promise<Wallet> {
  const { wallet } = await sdk.SparkWallet.initialize({ mnemonicOrSeed: randomBytes(32).toString('hex'), options: network.walletOptions });
  const txids: string[] = [];
  for (const sats of amounts) txids.push((await network.chain.fund(await wallet.getSingleUseDepositAddress(), sats, { confirmations: 0 })).txid);
  await network.chain.mine(1);
  for (const txid of txids) await wallet.claimDeposit(txid);
  return wallet;
}

/** Resolves once `wallet` has claimed incoming transfers worth `sats` in all (its own event stream claims). */
function claimedTotal(sdk: Sdk, wallet: Wallet, sats: bigint): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`receiver did not claim ${sats} sat within 10 min`)), 600_000);
    const check = async (): Promise<void> => {
      if ((await wallet.getBalance()).satsBalance.available >= sats) {
        clearTimeout(timer);
        wallet.off(sdk.SparkWalletEvent.TransferClaimed, onClaim);
        resolve();
      }
    };
    const onClaim = (): void => void check().catch(reject);
    wallet.on(sdk.SparkWalletEvent.TransferClaimed, onClaim);
    void check().catch(reject);
  });
}

/** The median of each process's figure over the samples. */
function medianByProcess(samples: (Record<string, number> | undefined)[]): Record<string, number> | undefined {
  const present = samples.filter((x): x is Record<string, number> => x !== undefined);
  if (present.length === 0) return undefined;
  const keys = Object.keys(present[0] as Record<string, number>);
  return Object.fromEntries(keys.map((k) => [k, round2(median(present.map((x) => x[k] ?? 0)))]));
}

function medianOrUndefined(xs: (number | undefined)[]): number | undefined {
  const present = xs.filter((x): x is number => x !== undefined);
  return present.length === 0 ? undefined : round2(median(present));
}

async function measureTransfers(network: RunningNetwork): Promise<{ transfers: TransferRun[]; leafCost: LeafCostRun[] }> {
  const sdk = await import('@buildonspark/spark-sdk');
  const opened: Wallet[] = [];
  const newWallet = async (): Promise<Wallet> => {
    const { wallet } = await sdk.SparkWallet.initialize({ mnemonicOrSeed: randomBytes(32).toString('hex'), options: network.walletOptions });
    opened.push(wallet);
    return wallet;
  };
  const funded = async (amounts: bigint[]): Promise<Wallet> => {
    const wallet = await fundedWallet(sdk, network, amounts);
    opened.push(wallet);
    return wallet;
  };

  /** `pairs` pairs, each sending `transfersPerPair` one-leaf transfers that its receiver claims. */
  const roundTrips = async (pairs: number): Promise<TransferRun> => {
    // Distinct leaf values, so that the wallet's greedy selection sends exactly one leaf each time.
    const amounts = Array.from({ length: transfersPerPair }, (_, i) => 10_000n + BigInt(i) * 1_000n);
    const plan = async (): Promise<{ sender: Wallet; receiver: Wallet; address: string }> => {
      const sender = await funded(amounts);
      const receiver = await newWallet();
      return { sender, receiver, address: await receiver.getSparkAddress() };
    };
    // The first pair alone: wallets initialized all at once before the SDK has its channels
    // to the operators find them shut down ("Channel has been shut down").
    const first = await plan();
    const plans = [first, ...(await Promise.all(Array.from({ length: pairs - 1 }, plan)))];
    const total = amounts.reduce((a, b) => a + b, 0n);
    const cpuStart = cpuSnapshot(network);
    const started = performance.now();
    const w0 = process.hrtime.bigint();
    await Promise.all(plans.map(async (p) => {
      const claimed = claimedTotal(sdk, p.receiver, total);
      for (const sats of amounts) await p.sender.transfer({ receiverSparkAddress: p.address, amountSats: Number(sats) });
      await claimed;
    }));
    const elapsed = (performance.now() - started) / 1000;
    printWindow(`pairs=${pairs}`, w0);
    const n = pairs * transfersPerPair;
    const cpu = cpuSince(network, cpuStart, n);
    return { pairs, transfers: n, roundTripsPerSecond: round2(n / elapsed), cpuMsPerRoundTrip: cpu?.total, cpuMsPerRoundTripByProcess: cpu?.byProcess };
  };

  /** One transfer of `leaves` leaves, sent and claimed. */
  const leafTransfer = async (leaves: number): Promise<LeafCostRun> => {
    const amounts = Array.from({ length: leaves }, (_, i) => 5_000n + BigInt(i));
    const sender = await funded(amounts);
    const receiver = await newWallet();
    const address = await receiver.getSparkAddress();
    const total = amounts.reduce((a, b) => a + b, 0n);
    const cpuStart = cpuSnapshot(network);
    const started = performance.now();
    const w0 = process.hrtime.bigint();
    const claimed = claimedTotal(sdk, receiver, total);
    const t = await sender.transfer({ receiverSparkAddress: address, amountSats: Number(total) });
    if (t.leaves.length !== leaves) throw new Error(`the transfer carried ${t.leaves.length} leaves, expected ${leaves}`);
    await claimed;
    const ms = performance.now() - started;
    printWindow(`leaves=${leaves}`, w0);
    const cpu = cpuSince(network, cpuStart, 1);
    return {
      leaves, ms: Math.round(ms), msPerLeaf: round2(ms / leaves),
      cpuMsPerTransfer: cpu?.total, cpuMsPerLeaf: cpu === undefined ? undefined : round2(cpu.total / leaves), cpuMsPerTransferByProcess: cpu?.byProcess,
    };
  };

  const transfers: TransferRun[] = [];
  const leafCost: LeafCostRun[] = [];
  try {
    for (const pairs of pairLevels) {
      const samples: TransferRun[] = [];
      for (let i = 0; i < repeat; i++) samples.push(await roundTrips(pairs));
      transfers.push(repeat === 1 ? (samples[0] as TransferRun) : {
        pairs,
        transfers: (samples[0] as TransferRun).transfers,
        roundTripsPerSecond: round2(median(samples.map((x) => x.roundTripsPerSecond))),
        cpuMsPerRoundTrip: medianOrUndefined(samples.map((x) => x.cpuMsPerRoundTrip)),
        cpuMsPerRoundTripByProcess: medianByProcess(samples.map((x) => x.cpuMsPerRoundTripByProcess)),
        samples: samples.map((x) => ({ roundTripsPerSecond: x.roundTripsPerSecond, cpuMsPerRoundTrip: x.cpuMsPerRoundTrip })),
      });
    }
    for (const leaves of leafLevels) {
      const samples: LeafCostRun[] = [];
      for (let i = 0; i < repeat; i++) samples.push(await leafTransfer(leaves));
      const ms = median(samples.map((x) => x.ms));
      const cpu = medianOrUndefined(samples.map((x) => x.cpuMsPerTransfer));
      leafCost.push(repeat === 1 ? (samples[0] as LeafCostRun) : {
        leaves, ms: Math.round(ms), msPerLeaf: round2(ms / leaves),
        cpuMsPerTransfer: cpu, cpuMsPerLeaf: cpu === undefined ? undefined : round2(cpu / leaves),
        cpuMsPerTransferByProcess: medianByProcess(samples.map((x) => x.cpuMsPerTransferByProcess)),
        samples: samples.map((x) => ({ ms: x.ms, cpuMsPerTransfer: x.cpuMsPerTransfer })),
      });
    }
  } finally {
    await Promise.all(opened.map((w) => w.cleanupConnections().catch(() => undefined)));
  }
  return { transfers, leafCost };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

async function child(spec: string): Promise<void> {
  const [n, t] = spec.split('/').map(Number);
  if (n === undefined || t === undefined) throw new Error(`bad --child ${spec}`);
  // No service provider: the wallets keep leaf optimization off, so that only the measured
  // transfers reach the operators.
  const network = await startNetwork({ operators: n, threshold: t, ssp: false });
  // Before grpc-js or the SDK is loaded: both read these once (docs/sdk-wire.md, sections
  // "Chain access" and "TLS").
  Object.assign(process.env, network.env);
  try {
    const signing = parts.has('signing') ? await measureSigning(network) : [];
    const deposits = parts.has('deposits') ? await measureDeposits(network) : [];
    const moved = parts.has('transfers') ? await measureTransfers(network) : { transfers: [], leafCost: [] };
    const report: NetworkReport = { operators: n, threshold: t, signing, deposits, ...moved };
    process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
  } finally {
    await network.stop();
  }
}

async function runChild(n: number, t: number): Promise<NetworkReport> {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--child', `${n}/${t}`, '--seconds', values.seconds, '--deposits', values.deposits, '--callers', values.callers, '--wallets', values.wallets, '--batch', values.batch,
    '--pairs', values.pairs, '--transfers', values.transfers, '--leaves', values.leaves, '--repeat', values.repeat, '--only', values.only, ...(values.windows ? ['--windows'] : [])];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  const line = out.split('\n').find((l) => l.startsWith('REPORT '));
  if (code !== 0 || line === undefined) throw new Error(`the ${t}-of-${n} benchmark failed (exit ${code})`);
  return JSON.parse(line.slice('REPORT '.length)) as NetworkReport;
}

async function main(): Promise<void> {
  if (values.child !== undefined) {
    await child(values.child);
    return;
  }
  const loadAtStart = loadavg();
  const referenceBefore = referenceOpsPerSecond();
  const three = await runChild(3, 2);
  const five = await runChild(5, 3);
  const reference = (referenceBefore + referenceOpsPerSecond()) / 2;
  const best = (r: NetworkReport): number => Math.max(0, ...r.signing.map((s) => s.jobsPerSecond));
  const costRatio = best(five) === 0 ? 0 : best(three) / best(five);
  const roundTrips = (r: NetworkReport, pairs: number): number => r.transfers.find((x) => x.pairs === pairs)?.roundTripsPerSecond ?? 0;
  const bestRoundTrips = (r: NetworkReport): number => Math.max(0, ...r.transfers.map((x) => x.roundTripsPerSecond));
  const perLeaf = three.leafCost.map((x) => x.msPerLeaf);
  const leafSpread = perLeaf.length === 0 ? 0 : Math.max(...perLeaf) / Math.min(...perLeaf);
  const transferCostRatio = bestRoundTrips(five) === 0 ? 0 : bestRoundTrips(three) / bestRoundTrips(five);
  // The same three transfer targets from CPU time, which other work on the machine hardly moves.
  const cpuPerRoundTrip = (r: NetworkReport, pairs: number): number | undefined => r.transfers.find((x) => x.pairs === pairs)?.cpuMsPerRoundTrip;
  const cpuPerLeaf = three.leafCost.map((x) => x.cpuMsPerLeaf).filter((x): x is number => x !== undefined);
  const cpuThree = cpuPerRoundTrip(three, 4);
  const cpuFive = cpuPerRoundTrip(five, 4);
  const cores = availableCores();
  const target = (measured: number, goal: number, met: boolean, unit: string): Target => ({ measured: round2(measured), target: goal, unit, met });
  // Only the targets of the parts that ran (a part left out with --only is not "not met").
  const targets: Record<string, Target> = {};
  if (parts.has('signing')) {
    targets.signingJobsPerSecondThreeOperators = target(best(three), 200, best(three) >= 200, 'jobs/s, at least');
    targets.costOfFiveOperatorJobOverThree = target(costRatio, 1.7, costRatio > 0 && costRatio <= 1.7, '×, at most');
  }
  if (parts.has('transfers')) {
    if (pairLevels.includes(4)) targets.transferRoundTripsPerSecondThreeOperatorsFourPairs = target(roundTrips(three, 4), 10, roundTrips(three, 4) >= 10, 'round trips/s, at least');
    targets.transferCostPerLeafMaxOverMin = target(leafSpread, 1.3, leafSpread > 0 && leafSpread <= 1.3, '× (max/min ms per leaf over the leaf counts), at most');
    targets.costOfFiveOperatorTransferOverThree = target(transferCostRatio, 1.7, transferCostRatio > 0 && transferCostRatio <= 1.7, '× (best round trips/s, 3 over 5 operators), at most');
  }
  const cpuTargets: Record<string, Target> = {};
  if (cpuThree !== undefined && cpuThree > 0) {
    const capacity = (cores * 1000) / cpuThree;
    cpuTargets.transferRoundTripsPerSecondFromCpuThreeOperatorsFourPairs = target(capacity, 10, capacity >= 10, `round trips/s that ${cores} idle cores would carry at the measured CPU per round trip, at least`);
  }
  if (cpuPerLeaf.length > 0) {
    const spread = Math.max(...cpuPerLeaf) / Math.min(...cpuPerLeaf);
    cpuTargets.transferCpuPerLeafMaxOverMin = target(spread, 1.3, spread <= 1.3, '× (max/min CPU ms per leaf over the leaf counts), at most');
  }
  const marginal = costFigures(three).cpuMsPerAddedLeaf.map((m) => m.ms);
  if (marginal.length > 1 && Math.min(...marginal) > 0) {
    // The other reading of "flat per leaf": the CPU each added leaf costs, without the fixed
    // part of a transfer that C(n)/n spreads over few leaves.
    const spread = Math.max(...marginal) / Math.min(...marginal);
    cpuTargets.transferCpuPerAddedLeafMaxOverMin = target(spread, 1.3, spread <= 1.3, '× (max/min CPU ms per added leaf between consecutive leaf counts), at most');
  }
  if (cpuThree !== undefined && cpuFive !== undefined && cpuThree > 0) {
    const ratio = cpuFive / cpuThree;
    cpuTargets.cpuOfFiveOperatorTransferOverThree = target(ratio, 1.7, ratio <= 1.7, '× (CPU per round trip at 4 pairs, 5 over 3 operators), at most');
  }
  const report = {
    figures: { threeOperators: costFigures(three), fiveOperators: costFigures(five) },
    settings: { secondsPerLevel: seconds, depositsPerWallet, signingBatch: batch, transfersPerPair, pairLevels, leafLevels, repeat },
    machine: { cores, loadAverageAtStart: loadAtStart.map(round2), loadAverageAtEnd: loadavg().map(round2) },
    reference: { what: 'BIP340 sign+verify per second, one thread, same run', opsPerSecond: Math.round(reference) },
    networks: [three, five].map((r) => ({
      ...r,
      signing: r.signing.map((s) => ({ ...s, perReferenceOp: round2(s.jobsPerSecond / reference) })),
    })),
    targets,
    cpuTargets,
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  process.stderr.write(targetTable(report.machine, { ...targets, ...cpuTargets }));
  process.stderr.write(figureLines(report.figures));
}

/**
 * Figures that explain the CPU targets, but are not targets themselves: the CPU of a round trip
 * per process, and the cost of a transfer split into a part per added leaf (between consecutive
 * leaf counts, (C(b) − C(a)) / (b − a)) and a fixed part (C(n) less n times the marginal cost
 * over the whole range). The issue's per-leaf target is C(n)/n, which the fixed part dominates
 * for few leaves.
 */
interface CostFigures {
  cpuMsPerRoundTripFourPairsByProcess: Record<string, number> | undefined;
  cpuMsPerAddedLeaf: { from: number; to: number; ms: number }[];
  cpuMsFixedPerTransfer: number | undefined;
}
function costFigures(r: NetworkReport): CostFigures {
  const points = r.leafCost.filter((x) => x.cpuMsPerTransfer !== undefined).map((x) => ({ n: x.leaves, c: x.cpuMsPerTransfer as number }));
  const cpuMsPerAddedLeaf = points.slice(1).map((p, i) => {
    const a = points[i] as { n: number; c: number };
    return { from: a.n, to: p.n, ms: round2((p.c - a.c) / (p.n - a.n)) };
  });
  const first = points[0];
  const last = points[points.length - 1];
  const overall = first !== undefined && last !== undefined && last.n > first.n ? (last.c - first.c) / (last.n - first.n) : undefined;
  return {
    cpuMsPerRoundTripFourPairsByProcess: r.transfers.find((x) => x.pairs === 4)?.cpuMsPerRoundTripByProcess,
    cpuMsPerAddedLeaf,
    cpuMsFixedPerTransfer: overall === undefined || first === undefined ? undefined : round2(first.c - first.n * overall),
  };
}

function figureLines(figures: Record<string, CostFigures>): string {
  const lines = Object.entries(figures).flatMap(([name, f]) => [
    `${name}: CPU ms per round trip (4 pairs) by process: ${f.cpuMsPerRoundTripFourPairsByProcess === undefined ? 'n/a' : Object.entries(f.cpuMsPerRoundTripFourPairsByProcess).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `${name}: CPU ms per added leaf ${f.cpuMsPerAddedLeaf.map((m) => `${m.from}→${m.to}: ${m.ms}`).join(', ') || 'n/a'}; fixed CPU ms per transfer ${f.cpuMsFixedPerTransfer ?? 'n/a'}`,
  ]);
  return ['figures (not targets):', ...lines, ''].join('\n');
}

interface Target {
  measured: number;
  target: number;
  unit: string;
  met: boolean;
}

/** Cores this process may run on (the CPU-time targets assume all of them idle). */
function availableCores(): number {
  return availableParallelism();
}

/** The targets as text: figure, target, met or not; and how busy the machine was. */
function targetTable(machine: { cores: number; loadAverageAtStart: number[]; loadAverageAtEnd: number[] }, targets: Record<string, Target>): string {
  const lines = Object.entries(targets).map(([name, t]) => `${t.met ? 'MET    ' : 'NOT MET'}  ${name}: ${t.measured} (target ${t.target} ${t.unit})`);
  const load = `load average (1, 5, 15 min) ${machine.loadAverageAtStart.join(' ')} at the start, ${machine.loadAverageAtEnd.join(' ')} at the end, on ${machine.cores} cores`;
  return ['', 'targets:', ...lines, load, ''].join('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

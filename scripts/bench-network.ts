/**
 * Benchmark of the local Spark network (issue point 6), on real operator processes started by
 * startNetwork (btcd, the chain endpoints, N operators over TLS), for 2-of-3 and 3-of-5:
 *
 *   - FROST signing jobs per second across the network: each job is a full t-of-n round run by
 *     the coordinator (commitments and shares from t operators over mutual TLS, every share
 *     checked, aggregated, BIP340-verified), through its internal frost_sign_operators RPC, with
 *     1, 4 and 16 concurrent callers;
 *   - deposits claimed per second with 1, 2 and 4 concurrent unmodified SDK wallets
 *     (claimDeposit: chain read, get_signing_commitments, three FROST jobs with the user's share,
 *     tree storage on every operator);
 *   - the cost of a 5-operator job relative to a 3-operator job;
 *   - a reference measured in the same run (BIP340 sign+verify in this process), so that the
 *     figures compare across machines as ratios.
 *
 *   npx tsx scripts/bench-network.ts [--seconds 3] [--deposits 3] [--callers 1,4,16] [--wallets 1,2,4] [--batch 20]
 *
 * Prints a JSON report on stdout. Each network runs in its own child process, because the SDK and
 * grpc-js read the network's CA and chain URL from the environment once per process.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { schnorr } from '@noble/curves/secp256k1';
import { openLocalCa } from '../emulator/network/ca.js';
import { startNetwork, type RunningNetwork } from '../emulator/network/network.js';

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    seconds: { type: 'string', default: '3' },
    deposits: { type: 'string', default: '3' },
    callers: { type: 'string', default: '1,4,16' },
    wallets: { type: 'string', default: '1,2,4' },
    batch: { type: 'string', default: '20' },
  },
});
const seconds = Number(values.seconds);
const depositsPerWallet = Number(values.deposits);
const callerLevels = values.callers.split(',').map(Number);
const walletLevels = values.wallets.split(',').map(Number);
const batch = Number(values.batch);

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
interface NetworkReport {
  operators: number;
  threshold: number;
  signing: SigningRun[];
  deposits: DepositRun[];
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

interface InternalApi {
  frost_sign_operators(req: { messages: Uint8Array[]; keyshare_id: string }): Promise<{ signatures: Uint8Array[] }>;
}

async function measureSigning(network: RunningNetwork): Promise<SigningRun[]> {
  const grpc = await import('@grpc/grpc-js');
  const nice = await import('nice-grpc');
  const { loadService } = await import('../emulator/operator/proto-load.js');
  // The internal port takes only certificates from the network's CA: the bench gets its own.
  const client = openLocalCa(join(network.dataDir, 'tls')).issue('bench-client');
  const creds = grpc.credentials.createSsl(readFileSync(network.caPath), readFileSync(client.keyPath), readFileSync(client.certPath));
  const coordinator = network.ready(1);
  const channel = nice.createChannel(coordinator.internalAddress, creds);
  const api = nice.createClient(loadService('spark_operator_internal.proto', 'spark_operator_internal.OperatorInternalService'), channel) as unknown as InternalApi;
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

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

async function child(spec: string): Promise<void> {
  const [n, t] = spec.split('/').map(Number);
  if (n === undefined || t === undefined) throw new Error(`bad --child ${spec}`);
  const network = await startNetwork({ operators: n, threshold: t });
  // Before grpc-js or the SDK is loaded: both read these once (docs/sdk-wire.md, sections
  // "Chain access" and "TLS").
  Object.assign(process.env, network.env);
  try {
    const signing = await measureSigning(network);
    const deposits = await measureDeposits(network);
    const report: NetworkReport = { operators: n, threshold: t, signing, deposits };
    process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
  } finally {
    await network.stop();
  }
}

async function runChild(n: number, t: number): Promise<NetworkReport> {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--child', `${n}/${t}`, '--seconds', values.seconds, '--deposits', values.deposits, '--callers', values.callers, '--wallets', values.wallets, '--batch', values.batch];
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
  const referenceBefore = referenceOpsPerSecond();
  const three = await runChild(3, 2);
  const five = await runChild(5, 3);
  const reference = (referenceBefore + referenceOpsPerSecond()) / 2;
  const best = (r: NetworkReport): number => Math.max(...r.signing.map((s) => s.jobsPerSecond));
  const costRatio = best(three) / best(five);
  const report = {
    settings: { secondsPerLevel: seconds, depositsPerWallet, signingBatch: batch },
    reference: { what: 'BIP340 sign+verify per second, one thread, same run', opsPerSecond: Math.round(reference) },
    networks: [three, five].map((r) => ({
      ...r,
      signing: r.signing.map((s) => ({ ...s, perReferenceOp: round2(s.jobsPerSecond / reference) })),
    })),
    targets: {
      signingJobsPerSecondThreeOperators: { measured: best(three), target: 200, met: best(three) >= 200 },
      costOfFiveOperatorJobOverThree: { measured: round2(costRatio), target: 1.7, met: costRatio <= 1.7 },
    },
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

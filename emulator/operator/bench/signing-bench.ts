/**
 * Benchmark of FROST signing jobs across in-process operator networks (3 operators t=2, and
 * 5 operators t=3), through the coordinator's internal frost_sign_operators RPC over mutual TLS:
 * every job is a full t-of-n FROST round (commitments from t operators, shares from t operators,
 * each share checked, aggregated, BIP340-verified).
 *
 *   npx tsx emulator/operator/bench/signing-bench.ts [--seconds 5] [--batch 20] [--concurrency 1,4,16] [--only 3|5]
 *
 * Prints JSON: jobs/s per (operators, concurrency), the cost ratio of a 5-operator job to a
 * 3-operator job, and a same-run reference: the same coordinator and operator signers wired
 * together in one process WITHOUT gRPC/TLS (pure signing work), so the network figures can be
 * read as ratios (network / reference) that compare across machines.
 */
import { readFileSync } from 'node:fs';
import { ChannelCredentials } from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { createChannel } from 'nice-grpc';
import { internalClient } from '../grpc/internal/peer-client.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { DkgBatch } from '../dkg/batch.js';
import { SigningCoordinator } from '../signing/coordinator.js';
import type { SigningParticipant } from '../signing/coordinator.js';
import type { Keyshare } from '../signing/keyshares.js';
import { NonceStore } from '../signing/nonce-store.js';
import { OperatorSigner } from '../signing/operator-signer.js';
import { startLocalOperators } from '../testing/local-operators.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
}

const seconds = Number(arg('seconds', '5'));
const batch = Number(arg('batch', '20'));
const concurrencies = arg('concurrency', '1,4,16').split(',').map(Number);

async function measure(n: number, t: number): Promise<{ operators: number; threshold: number; runs: { concurrency: number; jobsPerSecond: number }[] }> {
  const net = await startLocalOperators(n, t, { keyPoolBatch: 2 });
  try {
    const cfg = net.configs[0]!;
    const creds = ChannelCredentials.createSsl(readFileSync(cfg.tls.caPath), readFileSync(cfg.tls.keyPath), readFileSync(cfg.tls.certPath));
    const channel = createChannel(`127.0.0.1:${cfg.internalPort}`, creds);
    const api = internalClient(channel);
    const runs: { concurrency: number; jobsPerSecond: number }[] = [];
    // Warm-up (JIT, TLS sessions).
    await api.frost_sign_operators({ messages: Array.from({ length: batch }, () => randomBytes(32)), keyshare_id: '' });
    for (const c of concurrencies) {
      let jobs = 0;
      const end = Date.now() + seconds * 1000;
      const started = Date.now();
      await Promise.all(Array.from({ length: c }, async () => {
        while (Date.now() < end) {
          const r = await api.frost_sign_operators({ messages: Array.from({ length: batch }, () => randomBytes(32)), keyshare_id: '' });
          jobs += r.signatures.length;
        }
      }));
      runs.push({ concurrency: c, jobsPerSecond: Math.round((jobs / (Date.now() - started)) * 1000) });
    }
    channel.close();
    return { operators: n, threshold: t, runs };
  } finally {
    await net.close();
  }
}

/** Reference: t-of-n operator-only FROST jobs in one process, no gRPC, no TLS, one thread. */
async function reference(n: number, t: number): Promise<number> {
  const ids = Array.from({ length: n }, (_, i) => (i + 1).toString(16).padStart(64, '0'));
  const batches = ids.map((id) => new DkgBatch(id, ids, t, 1));
  for (const b of batches) b.processRound1(batches.map((x) => x.own));
  for (const f of batches) for (const to of batches) if (f !== to) to.receive(f.identifier, f.sharesFor(to.identifier));
  const keys: Keyshare[] = batches.map((b) => {
    const [r] = b.finish();
    return { id: 'k', threshold: t, secretShare: r!.secretShare, groupKey: r!.groupPublicKey, publicShares: r!.publicShares };
  });
  const apis = new Map<string, SigningParticipant>();
  let local: OperatorSigner | undefined;
  ids.forEach((id, i) => {
    const nonces = new NonceStore(secp256k1.utils.randomSecretKey());
    const signer = new OperatorSigner(id, nonces, { get: async () => keys[i]!, getMany: async (ks) => ks.map(() => keys[i]!) });
    if (i === 0) local = signer;
    apis.set(id, { frostCommitments: async (count) => nonces.create(count), frostSign: (jobs) => signer.sign(jobs) });
  });
  const c = new SigningCoordinator(ids[0]!, t, apis, secp256k1.utils.randomSecretKey(), () => undefined, local);
  await c.signOperatorsOnlyBatch(keys[0]!, Array.from({ length: batch }, () => randomBytes(32)), 'w');
  let jobs = 0;
  const started = Date.now();
  const end = started + seconds * 1000;
  while (Date.now() < end) {
    jobs += (await c.signOperatorsOnlyBatch(keys[0]!, Array.from({ length: batch }, () => randomBytes(32)), 'r')).signatures.length;
  }
  return Math.round((jobs / (Date.now() - started)) * 1000);
}

async function main(): Promise<void> {
  const only = arg('only', '');
  if (only !== '') {
    console.log(JSON.stringify(await measure(Number(only), Number(only) === 5 ? 3 : 2)));
    return;
  }
  const refThree = await reference(3, 2);
  const refFive = await reference(5, 3);
  const three = await measure(3, 2);
  const five = await measure(5, 3);
  const best = (r: typeof three): number => Math.max(...r.runs.map((x) => x.jobsPerSecond));
  console.log(JSON.stringify({
    seconds, batch,
    reference: { note: 'same signers, one process, no gRPC/TLS', threeJobsPerSecond: refThree, fiveJobsPerSecond: refFive },
    results: [three, five],
    bestJobsPerSecond: { three: best(three), five: best(five) },
    networkOverReference: { three: Number((best(three) / refThree).toFixed(2)), five: Number((best(five) / refFive).toFixed(2)) },
    costRatioFiveOverThree: Number((best(three) / best(five)).toFixed(2)),
    referenceCostRatioFiveOverThree: Number((refThree / refFive).toFixed(2)),
  }, null, 1));
}

void main();

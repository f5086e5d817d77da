/**
 * Benchmark of FROST signing jobs across in-process operator networks (3 operators t=2, and
 * 5 operators t=3), through the coordinator's internal frost_sign_operators RPC over mutual TLS:
 * every job is a full t-of-n FROST round (commitments from t operators, shares from t operators,
 * each share checked, aggregated, BIP340-verified).
 *
 *   npx tsx emulator/operator/bench/signing-bench.ts [--seconds 5] [--batch 20] [--concurrency 1,4,16] [--only 3|5]
 *
 * Prints JSON: jobs/s per (operators, concurrency), and the cost ratio of a 5-operator job to a
 * 3-operator job, next to a same-run reference (one local 3-signer FROST signature computed in
 * this process with src/crypto, no network), so figures compare across machines as ratios.
 */
import { readFileSync } from 'node:fs';
import { ChannelCredentials } from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { createChannel, createClient } from 'nice-grpc';
import { INTERNAL_SERVICE } from '../internal/peers.js';
import type { InternalApi } from '../internal/types.js';
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
    const api = createClient(INTERNAL_SERVICE(), channel) as unknown as InternalApi;
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

async function main(): Promise<void> {
  const only = arg('only', '');
  if (only !== '') {
    console.log(JSON.stringify(await measure(Number(only), Number(only) === 5 ? 3 : 2)));
    return;
  }
  const three = await measure(3, 2);
  const five = await measure(5, 3);
  const best = (r: typeof three): number => Math.max(...r.runs.map((x) => x.jobsPerSecond));
  console.log(JSON.stringify({
    seconds, batch,
    results: [three, five],
    bestJobsPerSecond: { three: best(three), five: best(five) },
    costRatioFiveOverThree: Number((best(three) / best(five)).toFixed(2)),
  }, null, 1));
}

void main();

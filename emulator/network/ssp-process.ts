/**
 * Starts the network's service provider (emulator/ssp) once the operators are READY: its config,
 * its TLS certificate from the network's CA, and its L1 coins from the chain's funding wallet at
 * first start.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigOptions } from '@buildonspark/spark-sdk';
import type { Chain } from '../chain/chain.js';
import type { SspConfig, SspReadyLine } from '../ssp/config.js';
import type { LocalCa } from './ca.js';
import { OperatorProcess } from './operator-process.js';

export const SSP_MAIN = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', 'ssp'), 'main.ts');

/** What the SSP's L1 wallet gets at first start (it funds cooperative exits and leaf mints). */
export const SSP_L1_FUNDING_SATS = 10_000_000n;
/**
 * In how many equal coins: a cooperative exit holds the coins its transaction spends until the
 * operators hold the leaves, so a leaf mint for a swap at the same moment needs a coin of its own
 * (with a single coin it found nothing spendable).
 */
export const SSP_L1_FUNDING_COINS = 8;

export type SspProcess = OperatorProcess<SspReadyLine>;

export interface SspStart {
  dataDir: string;
  port: number;
  ca: LocalCa;
  chain: Chain;
  /** the wallet options of the network, without an SSP */
  walletOptions: ConfigOptions;
  /** the environment wallets need (CA roots, chain access) */
  env: Record<string, string>;
  onSpawn: () => void;
  readyTimeoutMs: number;
  /** For fault tests only: a provider that cheats (SspConfig.faults). */
  faults?: SspConfig['faults'];
}

export async function startSsp(o: SspStart): Promise<SspProcess> {
  const dir = join(o.dataDir, 'ssp');
  mkdirSync(dir, { recursive: true });
  const cert = o.ca.issue('ssp');
  const config: SspConfig = {
    dataDir: dir,
    host: '127.0.0.1',
    port: o.port,
    tls: { certPath: cert.certPath, keyPath: cert.keyPath, caPath: o.ca.caPath },
    walletOptions: o.walletOptions,
    btcdRpc: o.chain.info.btcd,
    ...(o.faults === undefined ? {} : { faults: o.faults }),
  };
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n');
  const proc: SspProcess = new OperatorProcess<SspReadyLine>(0, configPath, join(dir, 'ssp.log'), { main: SSP_MAIN, label: 'service provider', env: o.env });
  proc.onSpawn = o.onSpawn;
  const ready = await proc.start(o.readyTimeoutMs);
  const funded = join(dir, 'l1-funded');
  if (!existsSync(funded)) {
    const coin = SSP_L1_FUNDING_SATS / BigInt(SSP_L1_FUNDING_COINS);
    for (let i = 1; i <= SSP_L1_FUNDING_COINS; i++) {
      // one block confirms them all
      await o.chain.fund(ready.l1Address, coin, { confirmations: i === SSP_L1_FUNDING_COINS ? 1 : 0 });
    }
    writeFileSync(funded, `${ready.l1Address}\n`);
  }
  return proc;
}

/** The wallet options with the SSP filled in (the SDK's sspClientOptions). */
export function withSsp(walletOptions: ConfigOptions, ready: SspReadyLine): ConfigOptions {
  return { ...walletOptions, sspClientOptions: { baseUrl: ready.url, identityPublicKey: ready.identityPublicKey } };
}

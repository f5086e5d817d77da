/**
 * Test helper: n operators of one network started IN-PROCESS (optionally watching a chain), with certificates from
 * the network's local CA (emulator/network/ca.ts). For tests of the operator alone; the
 * multi-process network with btcd is emulator/network's startNetwork.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../process/free-port.js';
import { openLocalCa } from '../../network/ca.js';
import { identifierForIndex, resolveConfig } from '../config.js';
import type { ChainConfig, OperatorConfig, PeerConfig, ResolvedOperatorConfig } from '../config.js';
import { Operator } from '../operator.js';

export interface LocalNetwork {
  dir: string;
  caPath: string;
  configs: ResolvedOperatorConfig[];
  operators: (Operator | undefined)[];
  /** SDK `signingOperators` for these operators. */
  signingOperators(): Record<string, { id: number; identifier: string; address: string; identityPublicKey: string }>;
  /** Options for SparkWallet.initialize on these operators (LOCAL, no SSP, certificate checks off:
   *  in-process tests share grpc-js with the whole test file, so the local CA cannot be trusted). */
  walletOptions(): Record<string, unknown>;
  startOperator(i: number): Promise<Operator>;
  stopOperator(i: number): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalOperators(n: number, threshold: number, opts: { keyPoolBatch?: number; dir?: string; chain?: ChainConfig } = {}): Promise<LocalNetwork> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'ops-'));
  const ca = openLocalCa(join(dir, 'ca'));
  const peers: PeerConfig[] = [];
  for (let i = 1; i <= n; i++) {
    peers.push({ index: i, identifier: identifierForIndex(i), internalAddress: `127.0.0.1:${await freePort()}`, publicAddress: `https://127.0.0.1:${await freePort()}` });
  }
  const configs = peers.map((p) => {
    const cert = ca.issue(`operator-${p.index}`);
    const raw: OperatorConfig = {
      index: p.index,
      identifier: p.identifier,
      threshold,
      dataDir: join(dir, `op${p.index}`),
      publicPort: Number(new URL(p.publicAddress).port),
      internalPort: Number(p.internalAddress.split(':')[1]),
      tls: { certPath: cert.certPath, keyPath: cert.keyPath, caPath: ca.caPath },
      peers,
      keyPool: { batchSize: opts.keyPoolBatch ?? 8, lowWater: 2 },
      ...(opts.chain === undefined ? {} : { chain: opts.chain }),
    };
    return resolveConfig(raw, dir);
  });
  const operators: (Operator | undefined)[] = configs.map(() => undefined);
  const quiet = (): void => undefined;
  const startOperator = async (i: number): Promise<Operator> => {
    const op = await Operator.start(configs[i] as ResolvedOperatorConfig, { log: process.env.OPERATOR_LOG ? undefined : quiet });
    operators[i] = op;
    return op;
  };
  await Promise.all(configs.map((_, i) => startOperator(i)));
  await Promise.all(operators.map((o) => o?.whenReady()));
  const signingOperators = (): ReturnType<LocalNetwork['signingOperators']> =>
    Object.fromEntries(
      configs.map((c, i) => [
        c.identifier,
        { id: i, identifier: c.identifier, address: `https://127.0.0.1:${c.publicPort}`, identityPublicKey: (operators[i] as Operator).identity.publicKeyHex },
      ]),
    );
  return {
    dir,
    caPath: ca.caPath,
    configs,
    operators,
    signingOperators,
    walletOptions() {
      return {
        network: 'LOCAL',
        signingOperators: signingOperators(),
        coordinatorIdentifier: identifierForIndex(1),
        threshold,
        tls: { dangerouslyDisableCertificateVerification: true },
        optimizationOptions: { auto: false },
        tokenOptimizationOptions: { enabled: false },
      };
    },
    startOperator,
    async stopOperator(i: number) {
      await operators[i]?.stop();
      operators[i] = undefined;
    },
    async close() {
      await Promise.all(operators.map((o) => o?.stop()));
      if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The outage faults as a user hits them, on real processes with real signals: a deposit
 * claimed while one operator is down survives a network stop (SIGTERM) and a power cut (SIGKILL
 * of every process), one network per data directory, single operators stopped and restarted
 * with ctl.ts, and key pools that stay in step when address requests fail. One data directory
 * (and so one database set) goes through all of it, in order.
 */
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainCli, ctl, NetworkCommand, processesOf, killEverything, tsx, waitForNoProcesses, type StartOutput } from './network-command.js';
import { expectLeftAlone, sspSwaps } from './leaf-optimizer.js';
import { loadSdk, openWallet, randomSeed, waitFor } from './sdk.js';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

/**
 * Each deposit's value. Wallets run on the network's options as printed (leaf optimization on),
 * and the restored wallet must hold exactly the claimed leaves: a value the SDK's optimizer leaves
 * alone, once and twice over (checked before the tests, leaf-optimizer.ts).
 */
const DEPOSIT_SATS = 8n;
/** Network starts (PGlite, the DKG), wallet syncs and process exits on a loaded 2-core machine. */
const STEP_TIMEOUT_MS = 420_000;

/** Each operator's count of AVAILABLE pool keys, from its internal `health` (mutual TLS, the network's own certificates). */
async function poolCounts(dataDir: string, out: StartOutput): Promise<number[]> {
  const { readFileSync } = await import('node:fs');
  const { ChannelCredentials } = await import('@grpc/grpc-js');
  const { createChannel } = await import('nice-grpc');
  const { internalClient } = await import('../../emulator/operator/grpc/internal/peer-client.js');
  const tls = join(dataDir, 'tls');
  const creds = ChannelCredentials.createSsl(readFileSync(join(tls, 'ca.pem')), readFileSync(join(tls, 'operator-1.key')), readFileSync(join(tls, 'operator-1.pem')));
  const counts: number[] = [];
  for (const op of out.operators) {
    const channel = createChannel(op.internalAddress, creds);
    try {
      const client = internalClient(channel);
      counts.push((await client.health({})).key_pool_available);
    } finally {
      channel.close();
    }
  }
  return counts;
}

async function deposit(dataDir: string, wallet: SparkWallet): Promise<{ address: string; fund: () => Promise<string> }> {
  const address = await wallet.getSingleUseDepositAddress();
  return {
    address,
    fund: async () => {
      const { txid } = JSON.parse(await chainCli(dataDir, 'fund', address, String(DEPOSIT_SATS))) as { txid: string };
      await chainCli(dataDir, 'mine', '6');
      return txid;
    },
  };
}

export function outageFlows(label: string, database: () => Promise<{ postgres?: string; stop: () => Promise<void> }>): void {
  describe(`outages, stops and restarts on ${label}`, { timeout: STEP_TIMEOUT_MS }, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spark-outages-'));
    let stopDatabase: () => Promise<void> = async () => undefined;
    let postgres: string | undefined;
    let cmd: NetworkCommand | undefined;
    let out: StartOutput;
    let sdk: SdkModule;
    const seed = randomSeed();
    const claimed: string[] = [];

    const start = async (): Promise<void> => {
      ({ cmd, out } = await NetworkCommand.start(dataDir, postgres === undefined ? {} : { postgres }));
    };
    /** A wallet re-initialized from its seed, as after a restart of the user's app. */
    const freshWallet = async (): Promise<SparkWallet> => (await openWallet(sdk, out.walletOptions, seed)).wallet;
    /** The operator's current pid (ctl restarts change it). */
    const operatorPid = async (index: number): Promise<number> => {
      const status = (await ctl(dataDir, 'status')) as { operators: { index: number; pid: number | null }[] };
      const pid = status.operators.find((o) => o.index === index)?.pid;
      if (pid === undefined || pid === null) throw new Error(`operator ${index} is not running`);
      return pid;
    };
    /** Deposits DEPOSIT_SATS and claims them with operator 3 killed (SIGKILL) before the deposit confirms. */
    const claimWithOperator3Killed = async (): Promise<Awaited<ReturnType<SparkWallet['claimDeposit']>>> => {
      const wallet = await freshWallet();
      try {
        const { fund } = await deposit(dataDir, wallet);
        process.kill(await operatorPid(3), 'SIGKILL');
        const leaves = await wallet.claimDeposit(await fund());
        claimed.push(...leaves.map((l) => l.id));
        return leaves;
      } finally {
        await wallet.cleanupConnections();
      }
    };
    /** A wallet restored from the seed holds `sats`, in exactly the leaves claimed so far. */
    const expectRestoredWallet = async (sats: bigint): Promise<void> => {
      const wallet = await freshWallet();
      try {
        expect((await wallet.getBalance()).satsBalance.available).toBe(sats);
        expect((await wallet.getLeaves()).map((l) => l.id).sort()).toEqual([...claimed].sort());
        // Leaf optimization on, and nothing for it to do: no swap in the SSP's books.
        expect(sspSwaps(dataDir)).toEqual([]);
      } finally {
        await wallet.cleanupConnections();
      }
    };

    beforeAll(async () => {
      const db = await database();
      stopDatabase = db.stop;
      postgres = db.postgres;
      await start();
      sdk = await loadSdk(out.env);
      const wallet = await freshWallet();
      try {
        await expectLeftAlone(wallet, [[Number(DEPOSIT_SATS)], [Number(DEPOSIT_SATS), Number(DEPOSIT_SATS)]]);
      } finally {
        await wallet.cleanupConnections();
      }
    }, STEP_TIMEOUT_MS);

    afterAll(async () => {
      if (cmd !== undefined && cmd.child.exitCode === null) {
        cmd.signal('SIGTERM');
        await cmd.exited;
      }
      killEverything(dataDir);
      await stopDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    }, STEP_TIMEOUT_MS);

    it('a deposit claimed while operator 3 is killed is on every operator after SIGTERM and a new start', async () => {
      const leaves = await claimWithOperator3Killed();
      expect(leaves.map((l) => BigInt(l.value))).toEqual([DEPOSIT_SATS]);

      if (cmd === undefined) throw new Error('no network');
      cmd.signal('SIGTERM');
      expect((await cmd.exited).code).toBe(0);
      expect(await waitForNoProcesses(dataDir, 30_000)).toEqual([]);

      await start();
      // READY means caught up: the balance is right at once, not eventually.
      await expectRestoredWallet(DEPOSIT_SATS);
    });

    it('a second start on the same data directory is refused, naming the running network, and changes nothing', async () => {
      if (cmd === undefined) throw new Error('no network');
      const before = processesOf(dataDir).map((p) => p.pid).sort();
      const second = await tsx('emulator/network/start.ts', ['--data', dataDir, '--operators', '3', '--threshold', '2', ...(postgres === undefined ? [] : ['--postgres', postgres])]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`a network is already running on ${dataDir}`);
      expect(second.stderr).toContain(`pid ${cmd.pid}`);
      expect(second.stderr).toContain(out.walletOptions.signingOperators[out.walletOptions.coordinatorIdentifier]?.address ?? 'no coordinator');
      expect(processesOf(dataDir).map((p) => p.pid).sort()).toEqual(before);
    });

    it('ctl.ts stops and restarts a single operator', async () => {
      const pid2 = await operatorPid(2);
      expect(await ctl(dataDir, 'stop-operator', '2')).toMatchObject({ ok: true });
      const stopped = (await ctl(dataDir, 'status')) as { operators: { index: number; running: boolean }[] };
      expect(stopped.operators.map((o) => o.running)).toEqual([true, false, true]);
      expect(processesOf(dataDir).some((p) => p.pid === pid2)).toBe(false);

      const restarted = (await ctl(dataDir, 'restart-operator', '2')) as { ok: boolean; ready: { index: number; pid: number; identityPublicKey: string } };
      expect(restarted.ready.index).toBe(2);
      expect(restarted.ready.identityPublicKey).toBe(out.operators[1]?.identityPublicKey);
      expect(processesOf(dataDir).some((p) => p.pid === restarted.ready.pid)).toBe(true);
      const status = (await ctl(dataDir, 'status')) as { operators: { running: boolean }[] };
      expect(status.operators.map((o) => o.running)).toEqual([true, true, true]);
      const wallet = await freshWallet();
      try {
        expect((await wallet.getBalance()).satsBalance.available).toBe(DEPOSIT_SATS);
      } finally {
        await wallet.cleanupConnections();
      }
    });

    it('address requests that fail while an operator is down leave the key pools in step', async () => {
      const before = await poolCounts(dataDir, out);
      expect(new Set(before).size).toBe(1);
      // Signed in with every operator first: the SDK authenticates with all of them at start.
      const wallet = await freshWallet();
      await ctl(dataDir, 'stop-operator', '3');
      try {
        // The coordinator takes a pool key, then cannot have operator 3 sign the address.
        await expect(wallet.getSingleUseDepositAddress()).rejects.toThrow();
      } finally {
        await wallet.cleanupConnections();
        await ctl(dataDir, 'restart-operator', '3');
      }
      // Operator 3 learns of the retired key from the coordinator's outbox when it is back.
      const after = await waitFor(() => poolCounts(dataDir, out), (c) => new Set(c).size === 1, 60_000, 'equal key pools');
      expect(after[0]).toBeLessThan(before[0] ?? 0);
    });

    it('a deposit claimed while operator 3 is killed survives SIGKILL of every process of the network', async () => {
      expect(await claimWithOperator3Killed()).toHaveLength(1);

      expect(killEverything(dataDir)).toBeGreaterThan(3);
      expect(await waitForNoProcesses(dataDir, 30_000)).toEqual([]);
      // The lock of the killed network is still there; the next start sees it is stale and takes it over.
      expect(existsSync(join(dataDir, 'network.lock'))).toBe(true);

      await start();
      if (cmd === undefined) throw new Error('no network');
      expect(cmd.stderr).toMatch(/taking over the stale lock/);
      await expectRestoredWallet(2n * DEPOSIT_SATS);
    });
  });
}

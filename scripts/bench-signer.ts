/**
 * Benchmark of the hardware signer in the unmodified SDK wallet: transfers of
 * 1, 8 and 32 whole leaves sent by a wallet on LedgerSparkSigner (the app under Speculos) and by
 * a wallet on the SDK's DefaultSparkSigner, on the same local 2-of-3 operator network, in the same
 * run, each to a software receiver.
 *
 *   npx tsx scripts/bench-signer.ts [--leaves 1,8,32] [--reserve N] [--json out.json]
 *
 * Per level it reports: the wall time of `wallet.transfer` for each signer; for the hardware
 * signer, the time the user spent on approvals (excluded) and what remains, with its ratio to the
 * software signer's time; the APDU exchanges per leaf (by instruction) and the bytes over the
 * wire (commands and replies) per leaf.
 *
 * Approval time: every review is walked to "Approve" by an approver pressing Speculos's buttons
 * (emulator/speculos/approver.ts); for each review, the time from when the approver first saw it
 * to when its last press returned is the user's time. The device is idle while it waits (the
 * signer sends one request at a time), so that time is subtracted from the wall time. The
 * approver polls the screen every 100 ms: the delay until it notices a review stays in the
 * hardware signer's time, which therefore errs on the slow side.
 *
 * Reference figures in the same run: the GET_VERSION round trip (Speculos + APDU cost, no crypto)
 * and one leaf public key from the device (BIP32 derivation and k·G under emulation, the round
 * trip subtracted) against one k·G in this process with src/crypto (libsecp256k1 where its addon
 * loads): the device's elliptic-curve work is what makes a hardware transfer slower.
 *
 * With `--reserve N` the hardware signer keeps N nonce commitments made ahead
 * (LedgerSparkSignerOptions.commitmentReserve, FROST's preprocessing round): before each hardware
 * transfer the reserve is filled (`fillCommitmentReserve`, as a wallet does while idle) and that
 * time is reported apart (`preprocessingMs`), not in the transfer's time. Without it (default 0)
 * every commitment is made when the SDK asks for it, inside the transfer.
 *
 * Leaves are distinct values (5000 + i sats) and each transfer sends their sum, so the wallet's
 * selection takes exactly those leaves (no swap: this network has no service provider).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { startNetwork, type RunningNetwork } from '../emulator/network/network.js';
import { startApprover } from '../emulator/speculos/approver.js';
import { buildDeviceApp } from '../emulator/speculos/build.js';
import { SpeculosDriver } from '../emulator/speculos/driver.js';
import { setBlindSigning, waitHome } from '../emulator/speculos/flows.js';
import { TEST_MNEMONIC } from '../emulator/speculos/paths.js';
import { startSpeculos } from '../emulator/speculos/runner.js';
import { curveBackend, publicKeyOf } from '../src/crypto/index.js';
import { SparkLedgerApp, type ApduTransport } from '../src/device/app.js';
import { openSpeculosTransport } from '../src/device/transports.js';
import { median } from './bench-stats.js';

const { values } = parseArgs({
  options: {
    leaves: { type: 'string', default: '1,8,32' },
    reserve: { type: 'string', default: '0' },
    json: { type: 'string' },
  },
});
const levels = values.leaves.split(',').map(Number);
if (levels.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) throw new Error('--leaves takes whole numbers 1..64');
const reserve = Number(values.reserve);
if (!Number.isInteger(reserve) || reserve < 0 || reserve > 512) throw new Error('--reserve takes a whole number 0..512');

const INS_NAMES: Record<number, string> = {
  0x01: 'GET_VERSION', 0x10: 'GET_PUBLIC_KEY', 0x20: 'SIGN_IDENTITY', 0x30: 'FROST_COMMIT', 0x31: 'FROST_SIGN',
  0x32: 'KEY_SPLIT', 0x33: 'ECIES_PUBLIC_KEY', 0x34: 'FROST_SIGN_TX', 0x35: 'TRANSFER_INTENT', 0x36: 'SIGN_IDENTITY_CLEAR', 0x37: 'SWAP_INTENT',
  0x40: 'HTLC_HMAC', 0x50: 'EXPORT_STATIC_KEY', 0x51: 'SIGN_EXIT_SWEEP',
};

/** Counts exchanges, by instruction, bytes each way, and the time each instruction's exchanges took. */
class CountingTransport implements ApduTransport {
  exchanges = 0;
  bytesOut = 0;
  bytesIn = 0;
  byIns = new Map<string, number>();
  msByIns = new Map<string, number>();

  constructor(private readonly inner: ApduTransport) {}

  async exchange(apdu: Buffer): Promise<Buffer> {
    this.exchanges++;
    this.bytesOut += apdu.length;
    const name = INS_NAMES[apdu[1] ?? -1] ?? `0x${(apdu[1] ?? 0).toString(16)}`;
    this.byIns.set(name, (this.byIns.get(name) ?? 0) + 1);
    const t0 = performance.now();
    const reply = await this.inner.exchange(apdu);
    this.msByIns.set(name, (this.msByIns.get(name) ?? 0) + performance.now() - t0);
    this.bytesIn += reply.length;
    return reply;
  }

  reset(): void {
    this.exchanges = 0;
    this.bytesOut = 0;
    this.bytesIn = 0;
    this.byIns = new Map();
    this.msByIns = new Map();
  }
}

interface LevelReport {
  leaves: number;
  softwareMs: number;
  hardwareWallMs: number;
  hardwareApprovalMs: number;
  approvals: number;
  hardwareMs: number;
  /** Filling the commitment reserve before the transfer (--reserve), not counted in hardwareMs. */
  preprocessingMs: number;
  ratioToSoftware: number;
  apduPerLeaf: number;
  apduPerLeafByIns: Record<string, number>;
  /** Time in each instruction's exchanges per leaf (ms); for reviewed ones it includes the approval. */
  apduMsPerLeafByIns: Record<string, number>;
  /** Time of the transfer outside any exchange with the device (the SDK, the operators), per leaf. */
  hostMsPerLeaf: number;
  bytesPerLeaf: { toDevice: number; fromDevice: number };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Deposits one leaf per amount into `wallet` (funded unconfirmed, one block, then claimed). */
async function fund(network: RunningNetwork, wallet: SparkWallet, amounts: bigint[]): Promise<void> {
  const txids: string[] = [];
  for (const sats of amounts) txids.push((await network.chain.fund(await wallet.getSingleUseDepositAddress(), sats, { confirmations: 0 })).txid);
  await network.chain.mine(1);
  for (const txid of txids) await wallet.claimDeposit(txid);
}

async function main(): Promise<void> {
  const log = (m: string): void => void process.stderr.write(`${m}\n`);
  const network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
  const speculos = await startSpeculos({ elfPath: await buildDeviceApp('nanosp'), model: 'nanosp', seed: TEST_MNEMONIC });
  const screen = new SpeculosDriver(speculos.baseUrl);
  const transport = await openSpeculosTransport(speculos.apduPort);
  const wallets: SparkWallet[] = [];
  let approver: ReturnType<typeof startApprover> | undefined;
  try {
    await waitHome(screen);
    await setBlindSigning(screen, true);
    Object.assign(process.env, network.env);
    const sdk = await import('@buildonspark/spark-sdk');
    const { LedgerSparkSigner } = await import('../src/signer/ledger-signer.js');
    const counting = new CountingTransport(transport);
    const app = new SparkLedgerApp(counting);

    // References, before the wallet's traffic.
    const ping: number[] = [];
    const deviceKg: number[] = [];
    for (let i = 0; i < 10; i++) ping.push((await timed(() => app.getVersion())).ms);
    for (let i = 0; i < 10; i++) deviceKg.push((await timed(() => app.getPublicKey({ kind: 'leaf', account: 0, leafId: `bench-${i}` }))).ms);
    const scalars = Array.from({ length: 200 }, () => randomBytes(32));
    scalars.slice(0, 20).forEach((k) => publicKeyOf(k)); // warm-up
    const native = await timed(async () => scalars.forEach((k) => publicKeyOf(k)));
    const nativeKgMs = native.ms / scalars.length;
    const deviceKgMs = median(deviceKg) - median(ping);

    approver = startApprover(screen, ['Blind signing', 'Send leaf']);
    const options = { ...network.walletOptions, optimizationOptions: { auto: false } };
    const signer = new LedgerSparkSigner(app, { commitmentReserve: reserve });
    const { wallet: hardware } = await sdk.SparkWallet.initialize({ signer, options: { ...options, signerWithPreExistingKeys: true } });
    const { wallet: software } = await sdk.SparkWallet.initialize({ mnemonicOrSeed: randomBytes(32).toString('hex'), options });
    const { wallet: receiver } = await sdk.SparkWallet.initialize({ mnemonicOrSeed: randomBytes(32).toString('hex'), options });
    wallets.push(hardware, software, receiver);
    const to = await receiver.getSparkAddress();

    const reports: LevelReport[] = [];
    for (const leaves of levels) {
      const amounts = Array.from({ length: leaves }, (_, i) => 5_000n + BigInt(i));
      const total = Number(amounts.reduce((a, b) => a + b, 0n));
      log(`${leaves} leaves: funding both wallets`);
      await fund(network, software, amounts);
      await fund(network, hardware, amounts);

      const soft = await timed(() => software.transfer({ receiverSparkAddress: to, amountSats: total }));
      if (soft.value.leaves.length !== leaves) throw new Error(`the software transfer carried ${soft.value.leaves.length} leaves, expected ${leaves}`);

      const preprocessing = await timed(() => signer.fillCommitmentReserve());
      counting.reset();
      const reviewsBefore = approver.timings.length;
      const hard = await timed(() => hardware.transfer({ receiverSparkAddress: to, amountSats: total }));
      if (hard.value.leaves.length !== leaves) throw new Error(`the hardware transfer carried ${hard.value.leaves.length} leaves, expected ${leaves}`);
      // The approver records a review once its last press returned, which may be after the reply.
      await new Promise((r) => setTimeout(r, 500));
      const reviews = approver.timings.slice(reviewsBefore);
      const approvalMs = reviews.reduce((sum, t) => sum + (t.doneAt - t.seenAt), 0);
      const hardwareMs = hard.ms - approvalMs;
      reports.push({
        leaves,
        softwareMs: Math.round(soft.ms),
        hardwareWallMs: Math.round(hard.ms),
        hardwareApprovalMs: Math.round(approvalMs),
        approvals: reviews.length,
        hardwareMs: Math.round(hardwareMs),
        preprocessingMs: Math.round(preprocessing.ms),
        ratioToSoftware: round2(hardwareMs / soft.ms),
        apduPerLeaf: round2(counting.exchanges / leaves),
        apduPerLeafByIns: Object.fromEntries([...counting.byIns].map(([k, v]) => [k, round2(v / leaves)])),
        apduMsPerLeafByIns: Object.fromEntries([...counting.msByIns].map(([k, v]) => [k, Math.round(v / leaves)])),
        hostMsPerLeaf: Math.round((hard.ms - [...counting.msByIns.values()].reduce((a, b) => a + b, 0)) / leaves),
        bytesPerLeaf: { toDevice: Math.round(counting.bytesOut / leaves), fromDevice: Math.round(counting.bytesIn / leaves) },
      });
      log(JSON.stringify(reports.at(-1)));
    }
    const report = {
      network: '3 operators, threshold 2, PGlite, btcd regtest',
      device: 'Spark Signer app on Speculos (nanosp)',
      commitmentReserve: reserve,
      reference: {
        getVersionRoundTripMs: round2(median(ping)),
        deviceKeyDerivationMs: round2(deviceKgMs),
        nativeKgMs: round2(nativeKgMs * 1000) / 1000,
        nativeBackend: curveBackend(),
        deviceOverNativeKg: Math.round(deviceKgMs / nativeKgMs),
      },
      levels: reports,
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(report, null, 2));
  } finally {
    await approver?.stop();
    for (const w of wallets) await w.cleanupConnections().catch(() => undefined);
    await transport.close().catch(() => undefined);
    await speculos.stop();
    await network.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench-signer: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

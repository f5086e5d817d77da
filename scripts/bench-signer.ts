/**
 * Benchmark of the hardware signer in the unmodified SDK wallet: transfers of
 * 1, 8 and 32 whole leaves sent by a wallet on LedgerSparkSigner (the app under Speculos) and by
 * a wallet on the SDK's DefaultSparkSigner, on the same local 2-of-3 operator network, in the same
 * run, each to a software receiver.
 *
 *   npx tsx scripts/bench-signer.ts [--leaves 1,8,32] [--repeats 3] [--mode clear|blind] [--reserve N] [--split-reserve N] [--json out.json] [--trace]
 *
 * `--trace` prints each hardware transfer's timeline: runs of one instruction and the host's gaps.
 *
 * Modes. `clear` (default) is how users run the wallet: `initializeClearSigned`
 * (src/signer/clear-signed-wallet.ts), blind signing off on the device, each deposit announced
 * with `expectDeposit`, one approval per transfer ("Send"). `blind` is the wallet without clear
 * signing: blind signing on, every identity signature and key split reviewed on its own.
 *
 * Per level it reports, for each repeat and as medians: the wall time of `wallet.transfer` for
 * each signer; for the hardware signer the time the user spent on approvals (excluded) and what
 * remains, with its ratio to the software signer's time measured in the same repeat (the two
 * transfers run back to back, in alternating order); the APDU exchanges per leaf (by
 * instruction), the bytes over the wire per leaf, and where the hardware time went: the Speculos
 * round trips (exchanges × the GET_VERSION round trip), the device's compute (the rest of the
 * exchanges' time), and the host's time outside any exchange. The load average is printed with
 * every repeat: the machine's load moves the ratios.
 *
 * Approval time, from Speculos's event stream (emulator/speculos/screen-events.ts): each review
 * counts from when its title was drawn on the device to just before the approver released the
 * confirming buttons (the app acts on the release). The device only waits for the user in that
 * span (the signer sends one request at a time and this one is outstanding); the approver's page
 * turns are inside it, the device's work before the review and after the release are not.
 *
 * With `--reserve N` the hardware signer keeps N nonce commitments made ahead
 * (LedgerSparkSignerOptions.commitmentReserve, FROST's preprocessing round): before each hardware
 * transfer the reserve is filled (`fillCommitmentReserve`, as a wallet does while idle) and that
 * time is reported apart (`preprocessingMs`), not in the transfer's time.
 *
 * With `--split-reserve N` (0..8) the device also holds N transfer splits prepared ahead
 * (LedgerSparkSignerOptions.splitReserve, SPLIT_PREPARE): filled the same way before each
 * hardware transfer (`fillSplitReserve` for the network's threshold 2), counted in
 * `preprocessingMs`. A transfer of more leaves than N draws the rest fresh.
 *
 * Leaves are distinct values (5000 + i sats) and each transfer sends their sum, so the wallet's
 * selection takes exactly those leaves (leaf optimization off, and no service provider is started).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { startNetwork, type RunningNetwork } from '../emulator/network/network.js';
import { loadSdk } from '../emulator/network/load-sdk.js';
import { WALLET_REVIEW_TITLES, startApprover, type Approver } from '../emulator/speculos/approver.js';
import { buildDeviceApp } from '../emulator/speculos/build.js';
import { SpeculosDriver } from '../emulator/speculos/driver.js';
import { setBlindSigning, waitHome } from '../emulator/speculos/flows.js';
import { TEST_MNEMONIC } from '../emulator/speculos/paths.js';
import { startSpeculos } from '../emulator/speculos/runner.js';
import { ScreenEventClock } from '../emulator/speculos/screen-events.js';
import { curveBackend, publicKeyOf } from '../src/crypto/index.js';
import { Ins } from '../src/device/apdu.js';
import { SparkLedgerApp, type ApduTransport } from '../src/device/app.js';
import { openSpeculosTransport } from '../src/device/transports.js';
import type { LedgerSparkSigner } from '../src/signer/ledger-signer.js';
import { median } from './bench-stats.js';

const { values } = parseArgs({
  options: {
    leaves: { type: 'string', default: '1,8,32' },
    repeats: { type: 'string', default: '3' },
    mode: { type: 'string', default: 'clear' },
    reserve: { type: 'string', default: '0' },
    'split-reserve': { type: 'string', default: '0' },
    json: { type: 'string' },
    trace: { type: 'boolean', default: false },
  },
});
const levels = values.leaves.split(',').map(Number);
if (levels.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) throw new Error('--leaves takes whole numbers 1..64');
const repeats = Number(values.repeats);
if (!Number.isInteger(repeats) || repeats < 1 || repeats > 20) throw new Error('--repeats takes a whole number 1..20');
const mode = values.mode;
if (mode !== 'clear' && mode !== 'blind') throw new Error('--mode takes clear or blind');
const reserve = Number(values.reserve);
if (!Number.isInteger(reserve) || reserve < 0 || reserve > 512) throw new Error('--reserve takes a whole number 0..512');
const splitReserve = Number(values['split-reserve']);
if (!Number.isInteger(splitReserve) || splitReserve < 0 || splitReserve > 8) throw new Error('--split-reserve takes a whole number 0..8');
/** The local operator network's signing threshold (startNetwork: 3 operators, threshold 2). */
const THRESHOLD = 2;

const INS_NAMES = new Map<number, string>(Object.entries(Ins).map(([name, ins]) => [ins, name]));

interface Traffic {
  exchanges: number;
  bytesOut: number;
  bytesIn: number;
  byIns: Map<string, number>;
  msByIns: Map<string, number>;
  exchangeMs: number;
}

/** Counts exchanges, by instruction, bytes each way, and the time each instruction's exchanges took. */
class CountingTransport implements ApduTransport {
  exchanges = 0;
  bytesOut = 0;
  bytesIn = 0;
  byIns = new Map<string, number>();
  msByIns = new Map<string, number>();
  /** Every exchange (instruction, start, end), for --trace. */
  log: { ins: string; start: number; end: number }[] = [];

  constructor(private readonly inner: ApduTransport) {}

  async exchange(apdu: Buffer): Promise<Buffer> {
    this.exchanges++;
    this.bytesOut += apdu.length;
    const name = INS_NAMES.get(apdu[1] ?? -1) ?? `0x${(apdu[1] ?? 0).toString(16)}`;
    this.byIns.set(name, (this.byIns.get(name) ?? 0) + 1);
    const t0 = performance.now();
    const reply = await this.inner.exchange(apdu);
    const t1 = performance.now();
    this.msByIns.set(name, (this.msByIns.get(name) ?? 0) + t1 - t0);
    this.log.push({ ins: name, start: t0, end: t1 });
    this.bytesIn += reply.length;
    return reply;
  }

  /** The counts so far, frozen. */
  snapshot(): Traffic {
    return {
      exchanges: this.exchanges,
      bytesOut: this.bytesOut,
      bytesIn: this.bytesIn,
      byIns: new Map(this.byIns),
      msByIns: new Map(this.msByIns),
      exchangeMs: [...this.msByIns.values()].reduce((a, b) => a + b, 0),
    };
  }

  reset(): void {
    this.exchanges = 0;
    this.bytesOut = 0;
    this.bytesIn = 0;
    this.byIns = new Map();
    this.msByIns = new Map();
    this.log = [];
  }

  /**
   * The transfer as runs of one instruction and the host's gaps between them (ms from `t0`):
   * where the device worked, and where it waited on the host.
   */
  timeline(t0: number): string[] {
    const lines: string[] = [];
    let run: { ins: string; n: number; start: number; end: number } | undefined;
    let last = t0;
    const flush = (): void => {
      if (run !== undefined) lines.push(`${Math.round(run.start - t0)}..${Math.round(run.end - t0)} ${run.ins} x${run.n}`);
    };
    for (const e of this.log) {
      if (e.start - last > 5 || run?.ins !== e.ins) {
        flush();
        if (e.start - last > 5) lines.push(`  host ${Math.round(e.start - last)} ms`);
        run = { ins: e.ins, n: 0, start: e.start, end: e.end };
      }
      run.n++;
      run.end = e.end;
      last = e.end;
    }
    flush();
    return lines;
  }
}

interface RunReport {
  loadAverage1m: number;
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
  bytesPerLeaf: { toDevice: number; fromDevice: number };
  /** Where hardwareMs went, per leaf (ms): Speculos round trips, device compute, the host outside exchanges. */
  profilePerLeaf: { roundTrips: number; deviceCompute: number; host: number };
  /** Time in each instruction's exchanges per leaf (ms), approvals excluded. */
  apduMsPerLeafByIns: Record<string, number>;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const load1 = (): number => round2(loadavg()[0] ?? NaN);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/**
 * Deposits one leaf per amount into `wallet` (funded unconfirmed, one block, then claimed);
 * `announce` gets each deposit transaction before its claim (clear signing's expectDeposit).
 */
async function fund(network: RunningNetwork, wallet: SparkWallet, amounts: bigint[], announce?: (rawTx: Uint8Array) => void): Promise<void> {
  const funded: { txid: string; hex: string }[] = [];
  for (const sats of amounts) funded.push(await network.chain.fund(await wallet.getSingleUseDepositAddress(), sats, { confirmations: 0 }));
  await network.chain.mine(1);
  for (const { txid, hex } of funded) {
    announce?.(Buffer.from(hex, 'hex'));
    await wallet.claimDeposit(txid);
  }
}

async function main(): Promise<void> {
  const log = (m: string): void => void process.stderr.write(`${m}\n`);
  const network = await startNetwork({ operators: 3, threshold: 2, ssp: false, readyTimeoutMs: 240_000 });
  const speculos = await startSpeculos({ elfPath: await buildDeviceApp('nanosp'), model: 'nanosp', seed: TEST_MNEMONIC });
  const screen = new SpeculosDriver(speculos.baseUrl);
  const transport = await openSpeculosTransport(speculos.apduPort);
  const wallets: SparkWallet[] = [];
  let approver: Approver | undefined;
  let clock: ScreenEventClock | undefined;
  try {
    await waitHome(screen);
    // clear signing needs no blind signing: leaving it off proves nothing went blind
    if (mode === 'blind') await setBlindSigning(screen, true);
    const sdk = await loadSdk(network.env);
    const { LedgerSparkSigner: Signer } = await import('../src/signer/ledger-signer.js');
    const { initializeClearSigned } = await import('../src/signer/clear-signed-wallet.js');
    const counting = new CountingTransport(transport);
    const app = new SparkLedgerApp(counting);

    // References, before the wallet's traffic.
    const ping: number[] = [];
    const deviceKg: number[] = [];
    for (let i = 0; i < 20; i++) ping.push((await timed(() => app.getVersion())).ms);
    for (let i = 0; i < 10; i++) deviceKg.push((await timed(() => app.getPublicKey({ kind: 'leaf', account: 0, leafId: `bench-${i}` }))).ms);
    const scalars = Array.from({ length: 200 }, () => randomBytes(32));
    scalars.slice(0, 20).forEach((k) => publicKeyOf(k)); // warm-up
    const native = await timed(async () => scalars.forEach((k) => publicKeyOf(k)));
    const nativeKgMs = native.ms / scalars.length;
    const roundTripMs = median(ping);
    const deviceKgMs = median(deviceKg) - roundTripMs;

    clock = await ScreenEventClock.open(speculos.baseUrl);
    approver = startApprover(screen, WALLET_REVIEW_TITLES, { clock });
    const options = { ...network.walletOptions, optimizationOptions: { auto: false } };
    const signer: LedgerSparkSigner = new Signer(app, { commitmentReserve: reserve, splitReserve });
    const hardware =
      mode === 'clear'
        ? await initializeClearSigned(sdk.SparkWallet, signer, 'LOCAL', options)
        : (await sdk.SparkWallet.initialize({ signer, options: { ...options, signerWithPreExistingKeys: true } })).wallet;
    const { wallet: software } = await sdk.SparkWallet.initialize({ mnemonicOrSeed: randomBytes(32).toString('hex'), options });
    const { wallet: receiver } = await sdk.SparkWallet.initialize({ mnemonicOrSeed: randomBytes(32).toString('hex'), options });
    wallets.push(hardware, software, receiver);
    const to = await receiver.getSparkAddress();
    const announce = mode === 'clear' ? (rawTx: Uint8Array) => signer.expectDeposit(rawTx) : undefined;

    const runs = new Map<number, RunReport[]>(levels.map((n) => [n, []]));
    for (let rep = 0; rep < repeats; rep++) {
      for (const leaves of levels) {
        const amounts = Array.from({ length: leaves }, (_, i) => 5_000n + BigInt(i));
        const total = Number(amounts.reduce((a, b) => a + b, 0n));
        log(`repeat ${rep + 1}/${repeats}, ${leaves} leaves: funding both wallets`);
        await fund(network, software, amounts);
        await fund(network, hardware, amounts, announce);
        const loadBefore = load1();

        const runSoftware = async () => {
          const soft = await timed(() => software.transfer({ receiverSparkAddress: to, amountSats: total }));
          if (soft.value.leaves.length !== leaves) throw new Error(`the software transfer carried ${soft.value.leaves.length} leaves, expected ${leaves}`);
          return soft.ms;
        };
        const runHardware = async () => {
          const preprocessing = await timed(async () => {
            await signer.fillCommitmentReserve();
            await signer.fillSplitReserve(THRESHOLD);
          });
          counting.reset();
          const reviewsBefore = approver!.timings.length;
          const t0 = performance.now();
          const hard = await timed(() => hardware.transfer({ receiverSparkAddress: to, amountSats: total }));
          // the transfer's exchanges only: the reserve may refill once the device is idle again
          const traffic = counting.snapshot();
          if (values.trace) log(counting.timeline(t0).join('\n'));
          if (hard.value.leaves.length !== leaves) throw new Error(`the hardware transfer carried ${hard.value.leaves.length} leaves, expected ${leaves}`);
          // the approver records a review once its walk returned, which may be after the reply
          await new Promise((r) => setTimeout(r, 500));
          const reviews = approver!.timings.slice(reviewsBefore);
          const approvalMs = reviews.reduce((sum, t) => sum + (t.confirmedAt - t.shownAt), 0);
          return { hard, traffic, approvals: reviews.length, approvalMs, preprocessingMs: preprocessing.ms };
        };
        // alternate which signer goes first, so that a drift in load falls on both
        let softwareMs: number;
        let h: Awaited<ReturnType<typeof runHardware>>;
        if (rep % 2 === 0) {
          softwareMs = await runSoftware();
          h = await runHardware();
        } else {
          h = await runHardware();
          softwareMs = await runSoftware();
        }
        const hardwareMs = h.hard.ms - h.approvalMs;
        const exchangeMs = h.traffic.exchangeMs - h.approvalMs;
        const roundTrips = h.traffic.exchanges * roundTripMs;
        const intentIns = mode === 'clear' ? 'TRANSFER_INTENT' : undefined;
        const msByIns = Object.fromEntries(
          [...h.traffic.msByIns].map(([k, v]) => [k, Math.round((k === intentIns ? v - h.approvalMs : v) / leaves)]),
        );
        const report: RunReport = {
          loadAverage1m: round2((loadBefore + load1()) / 2),
          softwareMs: Math.round(softwareMs),
          hardwareWallMs: Math.round(h.hard.ms),
          hardwareApprovalMs: Math.round(h.approvalMs),
          approvals: h.approvals,
          hardwareMs: Math.round(hardwareMs),
          preprocessingMs: Math.round(h.preprocessingMs),
          ratioToSoftware: round2(hardwareMs / softwareMs),
          apduPerLeaf: round2(h.traffic.exchanges / leaves),
          apduPerLeafByIns: Object.fromEntries([...h.traffic.byIns].map(([k, v]) => [k, round2(v / leaves)])),
          bytesPerLeaf: { toDevice: Math.round(h.traffic.bytesOut / leaves), fromDevice: Math.round(h.traffic.bytesIn / leaves) },
          profilePerLeaf: {
            roundTrips: Math.round(roundTrips / leaves),
            deviceCompute: Math.round((exchangeMs - roundTrips) / leaves),
            host: Math.round((hardwareMs - exchangeMs) / leaves),
          },
          apduMsPerLeafByIns: msByIns,
        };
        runs.get(leaves)!.push(report);
        log(JSON.stringify({ repeat: rep + 1, leaves, ...report }));
      }
    }
    const report = {
      network: '3 operators, threshold 2, PGlite, btcd regtest',
      device: 'Spark Signer app on Speculos (nanosp)',
      mode,
      repeats,
      commitmentReserve: reserve,
      splitReserve,
      reference: {
        getVersionRoundTripMs: round2(roundTripMs),
        deviceKeyDerivationMs: round2(deviceKgMs),
        nativeKgMs: round2(nativeKgMs * 1000) / 1000,
        nativeBackend: curveBackend(),
        deviceOverNativeKg: Math.round(deviceKgMs / nativeKgMs),
      },
      levels: levels.map((leaves) => {
        const rs = runs.get(leaves)!;
        return {
          leaves,
          medianRatioToSoftware: round2(median(rs.map((r) => r.ratioToSoftware))),
          medianSoftwareMs: Math.round(median(rs.map((r) => r.softwareMs))),
          medianHardwareMs: Math.round(median(rs.map((r) => r.hardwareMs))),
          medianLoadAverage1m: round2(median(rs.map((r) => r.loadAverage1m))),
          runs: rs,
        };
      }),
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(report, null, 2));
  } finally {
    await approver?.stop();
    await clock?.close();
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

/**
 * Desktop bridge benchmark.
 *
 *   npx tsx scripts/bench-bridge.ts [--rounds N] [--ui-rounds M] [--json out.json]
 *
 * 1. The bridge's overhead per signing round against calling the signer directly, on the app
 *    under Speculos with the same seed: LedgerSparkSigner over its own Speculos transport (the
 *    reference) vs the bridge's path — the same signer wrapped by the round recorder, over the
 *    device manager's transport, with a subscriber serializing every event as the event stream
 *    does, and the app wrapper that describes each review for the UI's mirror. Measured for a silent call (one public key: pure transport cost) and for a whole FROST
 *    round (commitment, share approved with the buttons, aggregation is host-only and excluded).
 *    The two paths alternate round by round so load on the machine hits both alike.
 * 2. The recorder's own cost per round, in process, with a signer that answers at once: the
 *    bridge's added work isolated from the device (reported in µs and as a fraction of the
 *    reference FROST round).
 * 3. The UI's time to show a round step after it happened: the headless server and the UI page
 *    in Debian's Chromium; steps are produced by the recorder and the page records when it drew
 *    each (window.bridgeStepsShown, after Preact committed it to the DOM). Reference: when the
 *    step reached the page (the event stream's delivery), so the ratio is what the UI adds to
 *    delivery; arrival to drawing is also given alone, measured on the page's own clock (Node's
 *    and Chromium's clocks may differ by a fraction of a millisecond).
 * Ratios travel between machines; absolute milliseconds describe only this one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1';
import type { AggregateFrostParams, SignFrostParams, SparkSigner } from '@buildonspark/spark-sdk';
import { BridgeCore } from '../bridge/core/bridge-core.js';
import { DeviceManager } from '../bridge/core/device/device-manager.js';
import { PromptingLedgerApp, type PromptEvent } from '../bridge/core/device/device-prompt.js';
import { speculosSource } from '../bridge/core/device/device-source.js';
import { RoundRecorder, preciseNow } from '../bridge/core/rounds/round-recorder.js';
import { toJson } from '../bridge/server/http-util.js';
import { startBridgeServer } from '../bridge/server/http-server.js';
import { PairingRegistry } from '../bridge/server/pairing.js';
import { startApprover } from '../emulator/speculos/approver.js';
import { buildDeviceApp } from '../emulator/speculos/build.js';
import { SpeculosDriver } from '../emulator/speculos/driver.js';
import { setBlindSigning } from '../emulator/speculos/flows.js';
import { TEST_MNEMONIC } from '../emulator/speculos/paths.js';
import { startSpeculos } from '../emulator/speculos/runner.js';
import { SparkLedgerApp } from '../src/device/app.js';
import { openSpeculosTransport } from '../src/device/transports.js';
import { currentRequestTag } from '../src/signer/request-tag-node.js';
import { launchChromium } from '../test/bridge/harness.js';
import { makeOperatorGroup, operatorNonces, verifyingKeyFor } from '../test/device/frost-operators.js';
import { arg, median, timeIt } from './bench-stats.js';

const ROUNDS = Number(arg('--rounds') ?? '6');
const SILENT_ROUNDS = 40;
const UI_ROUNDS = Number(arg('--ui-rounds') ?? '30');

const group = makeOperatorGroup(2, 3);

/** One FROST round as the SDK drives it: a device commitment, then the share over operator commitments. */
async function frostRound(signer: SparkSigner): Promise<void> {
  const self = await signer.getRandomSigningCommitment();
  const publicKey = await signer.getDepositSigningKey();
  const ops = operatorNonces(group.operators.slice(0, 2));
  const params: SignFrostParams = {
    message: secp256k1.utils.randomPrivateKey(),
    keyDerivation: { type: 'deposit' } as SignFrostParams['keyDerivation'],
    publicKey,
    verifyingKey: verifyingKeyFor(publicKey, group),
    selfCommitment: self,
    statechainCommitments: Object.fromEntries(ops.map((o) => [o.op.identifier, { hiding: o.commitment.hiding, binding: o.commitment.binding }])),
  };
  await signer.signFrost(params);
}

async function deviceOverhead(): Promise<Record<string, number>> {
  const elfPath = await buildDeviceApp('nanosp');
  const speculos = await startSpeculos({ elfPath, model: 'nanosp', seed: TEST_MNEMONIC });
  const screen = new SpeculosDriver(speculos.baseUrl);
  try {
    await screen.waitForScreen(/Spark/, { timeoutMs: 60_000 });
    await setBlindSigning(screen, true);
    const { LedgerSparkSigner } = await import('../src/signer/ledger-signer.js');
    // The reference: the signer on its own transport. Speculos serves one APDU client at a time,
    // so the two paths take turns on the connection (the manager's is opened and closed around it).
    const direct = await openSpeculosTransport(speculos.apduPort);
    const directSigner = new LedgerSparkSigner(new SparkLedgerApp(direct));
    await directSigner.getIdentityPublicKey();
    await direct.close();

    const manager = new DeviceManager(speculosSource('127.0.0.1', speculos.apduPort));
    const recorder = new RoundRecorder();
    let serialized = 0;
    recorder.on('event', (e) => {
      serialized += toJson(e).length;
    });
    manager.on('exchange', (e) => recorder.onExchange(e));
    // The bridge's app also describes every review for the UI's mirror (device-prompt events).
    let prompts = 0;
    const sink = (e: PromptEvent): void => {
      prompts++;
      serialized += toJson({ type: 'device-prompt', ...e }).length;
    };
    // Only a transfer review names a Spark address, and this benchmark sends none.
    const encode = (): string => {
      throw new Error('no transfer in the benchmark');
    };
    // A fresh signer per round on both paths: LedgerSparkSigner keeps the public keys it asked for.
    const newBridgeSigner = (): SparkSigner => recorder.wrapSigner(new LedgerSparkSigner(new PromptingLedgerApp(manager.transport, sink, encode)));

    const silent = { direct: [] as number[], bridge: [] as number[] };
    const frost = { direct: [] as number[], bridge: [] as number[] };
    const approver = startApprover(screen, ['Blind signing']);
    try {
      for (let pass = 0; pass < 2; pass++) {
        const rounds = pass === 0 ? SILENT_ROUNDS : ROUNDS;
        for (let i = 0; i < rounds; i++) {
          const t = await openSpeculosTransport(speculos.apduPort);
          const app = new SparkLedgerApp(t);
          // The bridge path's refresh() below sends GET_VERSION on its fresh connection first:
          // the direct path does the same, so neither timed call is a connection's first exchange.
          await app.getVersion();
          const s = new LedgerSparkSigner(app);
          if (pass === 0) silent.direct.push(await timeIt(() => s.getDepositSigningKey()));
          else frost.direct.push(await timeIt(() => frostRound(s)));
          await t.close();
          const status = await manager.refresh();
          if (status.state !== 'ready') throw new Error(`device not ready for the bridge path: ${status.message}`);
          const bridgeSigner = newBridgeSigner();
          if (pass === 0) silent.bridge.push(await timeIt(() => bridgeSigner.getDepositSigningKey()));
          else frost.bridge.push(await timeIt(() => recorder.runOperation('send', 'bench', () => frostRound(bridgeSigner))));
          await manager.stop();
        }
      }
    } finally {
      await approver.stop();
    }
    if (serialized === 0 || prompts < 2 * ROUNDS) throw new Error(`the bridge path produced too few events (${prompts} prompt events for ${ROUNDS} rounds)`);
    // Each round's wire steps reached it through the request tag the signer carried.
    const followed = recorder.rounds().filter((r) => ['device-asked', 'waiting-for-user', 'approved', 'shares-sent'].every((n) => r.steps.some((x) => x.name === n)));
    if (followed.length !== ROUNDS) throw new Error(`${followed.length} of ${ROUNDS} bridge rounds have every step from the device`);
    return {
      silentDirectMs: median(silent.direct),
      silentBridgeMs: median(silent.bridge),
      silentRatio: median(silent.bridge) / median(silent.direct),
      frostDirectMs: median(frost.direct),
      frostBridgeMs: median(frost.bridge),
      frostRatio: median(frost.bridge) / median(frost.direct),
    };
  } finally {
    await speculos.stop();
  }
}

/** A signer that answers at once, on the wire like the device (two FROST_SIGN chunks, under the caller's request tag). */
function instantSigner(recorder: RoundRecorder | undefined): SparkSigner {
  const share = new Uint8Array(32).fill(1);
  return {
    signFrost: () => {
      const tag = currentRequestTag();
      const on = tag === undefined ? {} : { tag };
      recorder?.onExchange({ ins: 0x31, p1: 0, p2: 1, phase: 'sent', at: preciseNow(), ...on });
      recorder?.onExchange({ ins: 0x31, p1: 1, p2: 0, phase: 'sent', at: preciseNow(), ...on });
      return Promise.resolve(share);
    },
    aggregateFrost: () => Promise.resolve(new Uint8Array(64)),
  } as unknown as SparkSigner;
}

function paramsFor(i: number): SignFrostParams {
  const commitment = { hiding: secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey()), binding: new Uint8Array(33).fill(i & 0xff) };
  return {
    message: new Uint8Array(32),
    keyDerivation: { type: 'leaf', path: `leaf-${i}` } as SignFrostParams['keyDerivation'],
    publicKey: new Uint8Array(33),
    verifyingKey: new Uint8Array(33),
    selfCommitment: { commitment },
    statechainCommitments: { ['00'.repeat(31) + '01']: commitment, ['00'.repeat(31) + '02']: commitment },
  };
}

async function recorderOverhead(): Promise<{ directUs: number; recordedUs: number }> {
  const n = 2000;
  const params = Array.from({ length: n }, (_, i) => paramsFor(i));
  const bare = instantSigner(undefined);
  const recorder = new RoundRecorder();
  recorder.on('event', (e) => void toJson(e));
  const wrapped = recorder.wrapSigner(instantSigner(recorder));
  const agg = (p: SignFrostParams, s: Uint8Array): AggregateFrostParams => ({ ...p, selfSignature: s, statechainSignatures: {}, statechainPublicKeys: {} }) as unknown as AggregateFrostParams;
  const directTimes: number[] = [];
  const recordedTimes: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = params[i] as SignFrostParams;
    directTimes.push(await timeIt(async () => bare.aggregateFrost(agg(p, await bare.signFrost(p)))));
    recordedTimes.push(await timeIt(() => recorder.runOperation('send', 'bench', async () => wrapped.aggregateFrost(agg(p, await wrapped.signFrost(p))))));
  }
  return { directUs: median(directTimes) * 1000, recordedUs: median(recordedTimes) * 1000 };
}

async function uiTimeToShow(): Promise<{ shownMs: number; deliveredMs: number; renderMs: number; ratio: number; steps: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bridge-'));
  const never = (): never => {
    throw new Error('no wallet in the UI benchmark');
  };
  const core = new BridgeCore({ source: { description: 'bench', open: () => Promise.reject(new Error('none')) }, dataDir, signerFactory: never, openWallet: never });
  const pairing = new PairingRegistry(dataDir);
  await pairing.load();
  const server = await startBridgeServer({ core, pairing });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="timeline"]');
    await page.waitForTimeout(500);
    const signer = core.recorder.wrapSigner(instantSigner(core.recorder));
    const happened = new Map<string, number>();
    core.recorder.on('event', (e) => {
      if (e.type === 'round-step') happened.set(`${e.round.id}/${e.step.name}`, e.step.at);
    });
    for (let i = 0; i < UI_ROUNDS; i++) {
      await core.recorder.runOperation('send', 'bench', () => signer.signFrost(paramsFor(i)));
      // One round at a time, as a device produces them (a round takes seconds on a real one).
      await page.waitForTimeout(50);
    }
    await page.waitForTimeout(1000);
    const shown = (await page.evaluate(() => (window as unknown as { bridgeStepsShown: { key: string; receivedAt: number; shownAt: number }[] }).bridgeStepsShown)).filter((s) =>
      happened.has(s.key),
    );
    if (shown.length < happened.size * 0.9) throw new Error(`the UI showed ${shown.length} of ${happened.size} steps`);
    const shownMs = median(shown.map((s) => s.shownAt - (happened.get(s.key) ?? NaN)));
    const deliveredMs = median(shown.map((s) => s.receivedAt - (happened.get(s.key) ?? NaN)));
    // Received → drawn is measured on the page's own clock: no clock skew between processes.
    const renderMs = median(shown.map((s) => s.shownAt - s.receivedAt));
    return { shownMs, deliveredMs, renderMs, ratio: shownMs / deliveredMs, steps: shown.length };
  } finally {
    await browser.close();
    await server.close();
    await core.stop();
  }
}

const results: Record<string, unknown> = { cpus: os.cpus().length, loadavg: os.loadavg() };
const rec = await recorderOverhead();
results.recorder = rec;
console.log(`recorder, per round, in process: direct ${rec.directUs.toFixed(1)} µs, recorded ${rec.recordedUs.toFixed(1)} µs (+${(rec.recordedUs - rec.directUs).toFixed(1)} µs)`);
const ui = await uiTimeToShow();
results.ui = ui;
console.log(
  `UI time to show a round step: median ${ui.shownMs.toFixed(2)} ms after it happened; it reached the page after ${ui.deliveredMs.toFixed(2)} ms (the reference); drawn ${ui.renderMs.toFixed(2)} ms after arrival; shown/delivered ratio ${ui.ratio.toFixed(2)} (${ui.steps} steps)`,
);
const dev = await deviceOverhead();
results.device = dev;
console.log(`silent call (one public key) under Speculos: direct ${dev.silentDirectMs?.toFixed(2)} ms, through the bridge ${dev.silentBridgeMs?.toFixed(2)} ms, ratio ${dev.silentRatio?.toFixed(3)}`);
console.log(`FROST round (commit + approved share) under Speculos: direct ${dev.frostDirectMs?.toFixed(1)} ms, through the bridge ${dev.frostBridgeMs?.toFixed(1)} ms, ratio ${dev.frostRatio?.toFixed(3)}`);
console.log(`recorder cost as a fraction of a direct FROST round: ${(((rec.recordedUs - rec.directUs) / 1000 / (dev.frostDirectMs ?? NaN)) * 100).toFixed(4)} %`);
const out = arg('--json');
if (out !== undefined) fs.writeFileSync(out, JSON.stringify(results, null, 2));

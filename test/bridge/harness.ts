import { appendFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startNetwork, type RunningNetwork } from '../../emulator/network/network.js';
import { WALLET_REVIEW_TITLES, startApprover, type Approver } from '../../emulator/speculos/approver.js';
import { buildDeviceApp } from '../../emulator/speculos/build.js';
import { SpeculosDriver } from '../../emulator/speculos/driver.js';
import { setBlindSigning } from '../../emulator/speculos/flows.js';
import { TEST_MNEMONIC } from '../../emulator/speculos/paths.js';
import { startSpeculos, type SpeculosProcess } from '../../emulator/speculos/runner.js';
import { speculosSource } from '../../bridge/core/device/device-source.js';
import { startHeadlessBridge, type RunningHeadlessBridge } from '../../bridge/headless.js';
import type { ChainExitOptions } from '../../bridge/core/exit/device-exit.js';

/** Screenshots of the main screens, kept as test artifacts (gitignored). */
export const ARTIFACTS_DIR = path.join(import.meta.dirname, '..', '..', 'artifacts', 'bridge-e2e');

/** Debian's Chromium with the flags docs/electron.md lists (no sandbox as root, no network chatter). */
export async function launchChromium(): Promise<Browser> {
  return await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The app under Speculos as a user holds it: blind signing turned on, someone pressing Approve. */
export interface UserDevice {
  speculos: SpeculosProcess;
  screen: SpeculosDriver;
  approver: Approver | undefined;
  /** Starts approving, with the buttons, every review a wallet flow raises (blind signing, "Send", "Send leaf", "Pay"). */
  approve(): void;
  stopApproving(): Promise<void>;
  stop(): Promise<void>;
}

export async function startUserDevice(): Promise<UserDevice> {
  const elfPath = await buildDeviceApp('nanosp');
  const speculos = await startSpeculos({ elfPath, model: 'nanosp', seed: TEST_MNEMONIC });
  const screen = new SpeculosDriver(speculos.baseUrl);
  await screen.waitForScreen(/Spark/, { timeoutMs: 60_000 });
  await setBlindSigning(screen, true);
  const device: UserDevice = {
    speculos,
    screen,
    approver: undefined,
    approve() {
      device.approver ??= startApprover(screen, WALLET_REVIEW_TITLES);
    },
    async stopApproving() {
      const a = device.approver;
      device.approver = undefined;
      await a?.stop();
    },
    async stop() {
      // The approver's loop polls the screen: end it before Speculos goes.
      const a = device.approver;
      device.approver = undefined;
      await Promise.race([a?.stop(), new Promise((r) => setTimeout(r, 5_000))]);
      await speculos.stop();
    },
  };
  return device;
}

export interface BridgeE2e {
  network: RunningNetwork;
  device: UserDevice;
  bridge: RunningHeadlessBridge;
  browser: Browser;
  page: Page;
  dataDir: string;
  stop(): Promise<void>;
}

export interface BridgeE2eOptions {
  /** Where the bridge's "exit now" exits, on the started network (HeadlessOptions.exit). */
  exit?: (network: RunningNetwork) => ChainExitOptions;
}

/** The operator network, the app under Speculos, the headless bridge on it, and Chromium on the UI. */
export async function startBridgeE2e(options: BridgeE2eOptions = {}): Promise<BridgeE2e> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  try {
    const network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
    stops.push(() => network.stop());
    // Whichever device is current at the end is stopped (a test may replace it with a restarted one).
    const current = { device: await startUserDevice() };
    stops.push(() => current.device.stop());
    const device = current.device;
    device.approve();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-e2e-'));
    const bridge = await startHeadlessBridge({
      walletOptions: network.walletOptions,
      env: network.env,
      source: speculosSource('127.0.0.1', device.speculos.apduPort),
      dataDir,
      pollMs: 500,
      ...(options.exit === undefined ? {} : { exit: options.exit(network) }),
    });
    stops.push(() => bridge.stop());
    // For diagnosing a failed run: BRIDGE_E2E_EVENTS=<file> appends every core event to it.
    const log = process.env.BRIDGE_E2E_EVENTS;
    if (log !== undefined) bridge.core.on('event', (e) => appendFileSync(log, `${new Date().toISOString()} ${JSON.stringify(e).slice(0, 400)}\n`));
    const browser = await launchChromium();
    stops.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    await page.goto(bridge.server.url);
    const e2e: BridgeE2e = {
      network,
      get device() {
        return current.device;
      },
      set device(d: UserDevice) {
        current.device = d;
      },
      bridge,
      browser,
      page,
      dataDir,
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
    return e2e;
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}

/**
 * The device comes back after it was stopped: Speculos restarts with the same seed (on new ports,
 * so the developer points the bridge at it in the UI's device-source form) and the user approves.
 */
export async function reconnectDevice(e2e: BridgeE2e): Promise<void> {
  e2e.device = await startUserDevice();
  e2e.device.approve();
  const { page } = e2e;
  if (await page.isVisible('[data-testid="error"]')) await page.click('[data-testid="error"] button');
  await page.click('details summary');
  await page.fill('[data-testid="device-source"]', `127.0.0.1:${e2e.device.speculos.apduPort}`);
  await page.click('details form button');
  await page.waitForSelector('[data-testid="device"][data-state="ready"]', { timeout: 60_000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

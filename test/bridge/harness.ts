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
import type { ExchangeEvent } from '../../bridge/core/device/device-manager.js';
import type { PromptEvent } from '../../bridge/core/device/device-prompt.js';
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

/** What the bridge asked of the device and mirrored in the UI from its start until the test reads it. */
export interface StartupRecord {
  exchanges: ExchangeEvent[];
  prompts: PromptEvent[];
  /** Ends the recording (the arrays keep what was recorded). */
  stop(): void;
}

export interface BridgeE2e {
  network: RunningNetwork;
  /** Recorded from the bridge's start: the device connects and the wallet initializes in it. */
  startup: StartupRecord;
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
  /**
   * Whether someone is at the device's buttons when the bridge starts (default true). When
   * false, nobody presses anything until the test calls device.approve(), and Speculos' screen
   * events start empty with the bridge, so the test sees whatever startup drew.
   */
  approveAtStart?: boolean;
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
    if (options.approveAtStart ?? true) device.approve();
    else await device.screen.clearEvents();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-e2e-'));
    const bridge = await startHeadlessBridge({
      // The network's options as printed (the SDK's defaults, leaf optimization on): each suite
      // deposits values the SDK's optimizer leaves alone (test/network/leaf-optimizer.ts).
      walletOptions: network.walletOptions,
      env: network.env,
      source: speculosSource('127.0.0.1', device.speculos.apduPort),
      dataDir,
      pollMs: 500,
      ...(options.exit === undefined ? {} : { exit: options.exit(network) }),
    });
    stops.push(() => bridge.stop());
    // Subscribed before any I/O callback runs: the device's first exchange comes after the bridge
    // opens its transport, so nothing of the startup is missed.
    const startup: StartupRecord = { exchanges: [], prompts: [], stop: () => undefined };
    const offExchange = bridge.core.device.on('exchange', (x) => void startup.exchanges.push(x));
    const offEvent = bridge.core.on('event', (ev) => {
      if (ev.type === 'device-prompt') startup.prompts.push(ev);
    });
    startup.stop = () => {
      offExchange();
      offEvent();
    };
    // For diagnosing a failed run: BRIDGE_E2E_EVENTS=<file> appends every core event to it.
    const log = process.env.BRIDGE_E2E_EVENTS;
    if (log !== undefined) bridge.core.on('event', (e) => appendFileSync(log, `${new Date().toISOString()} ${JSON.stringify(e).slice(0, 400)}\n`));
    const browser = await launchChromium();
    stops.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    await page.goto(bridge.server.url);
    const e2e: BridgeE2e = {
      network,
      startup,
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

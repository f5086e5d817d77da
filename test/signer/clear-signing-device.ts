import { afterAll, beforeAll } from 'vitest';
import { WALLET_REVIEW_TITLES, startApprover, type Approver, type ReviewPages } from '../../emulator/speculos/approver.js';
import { buildDeviceApp } from '../../emulator/speculos/build.js';
import { SpeculosDriver } from '../../emulator/speculos/driver.js';
import { setBlindSigning, waitHome } from '../../emulator/speculos/flows.js';
import { TEST_MNEMONIC } from '../../emulator/speculos/paths.js';
import { startSpeculos, type SpeculosProcess } from '../../emulator/speculos/runner.js';
import { SparkLedgerApp } from '../../src/device/app.js';
import { openSpeculosTransport, type LedgerTransport } from '../../src/device/transports.js';
import type { LedgerSparkSigner, LedgerSparkSignerOptions } from '../../src/signer/ledger-signer.js';
import { networkSuite, type NetworkSuite } from '../network/sdk.js';
import { START_TIMEOUT_MS } from './device-wallet-suite.js';
import { RecordingTransport } from './secret-scan.js';

/** The app under Speculos as the clear-signing wallet suites drive it. */
export interface ClearSigningDevice {
  speculos: SpeculosProcess;
  screen: SpeculosDriver;
  /** Approves every review a wallet flow raises, with the buttons, and records its pages. */
  approver: Approver;
  /** Every APDU sent and reply received (for the counts and the secret scan). */
  recorder: RecordingTransport;
  stop(): Promise<void>;
}

/**
 * Starts the app on a Nano S Plus with the test seed; with `blindSigning` the buttons turn blind
 * signing on, for the identity-key signatures the device cannot read (e.g. a Spark invoice or a
 * token transaction: device-app/PROTOCOL.md, "SIGN_IDENTITY_CLEAR" names what it reads).
 */
export async function startClearSigningDevice(opts: { blindSigning: boolean }): Promise<ClearSigningDevice> {
  const speculos = await startSpeculos({ elfPath: await buildDeviceApp('nanosp'), model: 'nanosp', seed: TEST_MNEMONIC });
  let transport: LedgerTransport | undefined;
  try {
    const screen = new SpeculosDriver(speculos.baseUrl);
    await waitHome(screen);
    transport = await openSpeculosTransport(speculos.apduPort);
    if (opts.blindSigning) await setBlindSigning(screen, true);
    const approver = startApprover(screen, WALLET_REVIEW_TITLES);
    const opened = transport;
    return {
      speculos,
      screen,
      approver,
      recorder: new RecordingTransport(opened),
      async stop() {
        await approver.stop();
        await opened.close().catch(() => undefined);
        await speculos.stop();
      },
    };
  } catch (err) {
    await transport?.close().catch(() => undefined);
    await speculos.stop();
    throw err;
  }
}

/**
 * What the clear-signing wallet suites run on: a 2-of-3 operator network (networkSuite, with the
 * SDK and the wallets the file opens) and the device with the Ledger signer on it.
 */
export interface ClearSigningSuite extends NetworkSuite {
  device: ClearSigningDevice;
  recorder: RecordingTransport;
  /** LedgerSparkSigner over `recorder`, for the wallet under test. */
  signer: LedgerSparkSigner;
  /** Every review the approver pressed through, in order. */
  reviews(): ReviewPages[];
  /** Reviews since `from` (an index into reviews()) whose first page carries `line`. */
  shownSince(from: number, line: string): ReviewPages[];
}

/**
 * The network, then the device, for the describe block's tests: started in beforeAll, stopped in
 * afterAll (hooks run in the order they were made, so the signer, which imports the SDK, loads
 * after the network's environment is in place).
 */
export function clearSigningSuite(opts: { blindSigning: boolean; signer?: LedgerSparkSignerOptions }): ClearSigningSuite {
  const network = networkSuite({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 }, START_TIMEOUT_MS);
  let device: ClearSigningDevice | undefined;
  let signer: LedgerSparkSigner | undefined;
  beforeAll(async () => {
    const { LedgerSparkSigner: Signer } = await import('../../src/signer/ledger-signer.js');
    device = await startClearSigningDevice(opts);
    signer = new Signer(new SparkLedgerApp(device.recorder), opts.signer);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await device?.stop();
  });
  const running = (): { device: ClearSigningDevice; signer: LedgerSparkSigner } => {
    if (device === undefined || signer === undefined) throw new Error('the suite device is not running: use it inside the tests of the describe block that created it');
    return { device, signer };
  };
  const reviews = (): ReviewPages[] => device?.approver.reviews ?? [];
  return {
    get network() {
      return network.network;
    },
    get sdk() {
      return network.sdk;
    },
    wallets: network.wallets,
    open: (options, seed) => network.open(options, seed),
    get device() {
      return running().device;
    },
    get recorder() {
      return running().device.recorder;
    },
    get signer() {
      return running().signer;
    },
    reviews,
    shownSince: (from, line) => reviews().slice(from).filter((pages) => pages[0]?.includes(line) === true),
  };
}

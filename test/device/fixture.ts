import { afterAll, beforeAll } from 'vitest';
import { buildDeviceApp } from '../../emulator/speculos/build.js';
import { SpeculosDriver } from '../../emulator/speculos/driver.js';
import { TEST_MNEMONIC } from '../../emulator/speculos/paths.js';
import { startSpeculos, type SpeculosProcess } from '../../emulator/speculos/runner.js';
import { SparkLedgerApp } from '../../src/device/app.js';
import { openSpeculosTransport, type LedgerTransport } from '../../src/device/transports.js';

/** One Speculos running the freshly built app, with a client and a screen/button driver. */
export interface DeviceFixture {
  speculos: SpeculosProcess;
  transport: LedgerTransport;
  app: SparkLedgerApp;
  screen: SpeculosDriver;
  stop(): Promise<void>;
}

export interface DeviceOptions {
  deterministicRng?: number;
  model?: 'nanosp' | 'nanox';
}

/** Builds the ELF (make -C device-app), starts Speculos with the test mnemonic, waits for Home. */
export async function startDevice(opts: DeviceOptions = {}): Promise<DeviceFixture> {
  const model = opts.model ?? 'nanosp';
  const elfPath = await buildDeviceApp(model);
  const speculos = await startSpeculos({
    elfPath,
    model,
    seed: TEST_MNEMONIC,
    ...(opts.deterministicRng === undefined ? {} : { deterministicRng: opts.deterministicRng }),
  });
  try {
    const screen = new SpeculosDriver(speculos.baseUrl);
    await screen.waitForScreen(/Spark/, { timeoutMs: 30_000 });
    const transport = await openSpeculosTransport(speculos.apduPort);
    const app = new SparkLedgerApp(transport);
    return {
      speculos,
      transport,
      app,
      screen,
      async stop() {
        await transport.close().catch(() => undefined);
        await speculos.stop();
      },
    };
  } catch (err) {
    await speculos.stop();
    throw new Error(`device fixture failed: ${(err as Error).message}\n--- Speculos output ---\n${speculos.logs().slice(-4000)}`, {
      cause: err,
    });
  }
}

/**
 * One device for the whole describe block: started in beforeAll, stopped in afterAll. The returned
 * object forwards to the running fixture, so tests read `dev.app`, `dev.screen` as usual; touching
 * it outside the suite's tests is a bug in the test and says so.
 */
export function deviceForSuite(opts: DeviceOptions = {}): DeviceFixture {
  let current: DeviceFixture | undefined;
  beforeAll(async () => {
    current = await startDevice(opts);
  });
  afterAll(async () => {
    await current?.stop();
    current = undefined;
  });
  const running = (): DeviceFixture => {
    if (current === undefined) {
      throw new Error('the suite device is not running: use it inside the tests of the describe block that created it');
    }
    return current;
  };
  return {
    get speculos() {
      return running().speculos;
    },
    get transport() {
      return running().transport;
    },
    get app() {
      return running().app;
    },
    get screen() {
      return running().screen;
    },
    stop: async () => running().stop(),
  };
}

import { WALLET_REVIEW_TITLES, startApprover, type Approver } from '../../emulator/speculos/approver.js';
import { buildDeviceApp } from '../../emulator/speculos/build.js';
import { SpeculosDriver } from '../../emulator/speculos/driver.js';
import { setBlindSigning, waitHome } from '../../emulator/speculos/flows.js';
import { TEST_MNEMONIC } from '../../emulator/speculos/paths.js';
import { startSpeculos, type SpeculosProcess } from '../../emulator/speculos/runner.js';
import { openSpeculosTransport, type LedgerTransport } from '../../src/device/transports.js';
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
 * signing on, for the identity-key signatures the device cannot read (e.g. the service
 * provider's login challenge: device-app/PROTOCOL.md, "SIGN_IDENTITY_CLEAR" names what it reads).
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

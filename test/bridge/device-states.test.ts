import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceManager } from '../../bridge/core/device/device-manager.js';
import { speculosSource, type DeviceSource } from '../../bridge/core/device/device-source.js';
import { buildDeviceApp } from '../../emulator/speculos/build.js';
import { TEST_MNEMONIC } from '../../emulator/speculos/paths.js';
import { startSpeculos, type SpeculosProcess } from '../../emulator/speculos/runner.js';

/**
 * The device manager's states from status words a real app answers under Speculos. Speculos runs
 * one app and has no dashboard or PIN lock, so "another app" is played by the Spark Signer app
 * itself behind a transport that changes our class byte (0xe0) to one it does not serve: the app's
 * own dispatcher then answers CLA_NOT_SUPPORTED (0x6e00), as an app that does not know our class
 * byte does, and GET_APP_AND_VERSION (CLA 0xb0, which it does not serve either) the same way. The
 * dashboard's name (BOLOS), another app's name, and the locked device's 0x5515 / 0x6982 are
 * replayed by a fake transport in bridge/core/device/device-manager.test.ts.
 */
describe('device states against the app under Speculos', { timeout: 120_000 }, () => {
  let speculos: SpeculosProcess | undefined;
  const source = (rewriteCla: boolean): DeviceSource => {
    const port = speculos?.apduPort ?? 0;
    const real = speculosSource('127.0.0.1', port);
    if (!rewriteCla) return real;
    return {
      description: `another app (Speculos ${port}, class byte changed)`,
      open: async () => {
        const t = await real.open();
        return { exchange: (apdu: Buffer) => t.exchange(apdu[0] === 0xe0 ? Buffer.from([0x12, ...apdu.subarray(1)]) : apdu), close: () => t.close() };
      },
    };
  };

  beforeAll(async () => {
    speculos = await startSpeculos({ elfPath: await buildDeviceApp('nanosp'), model: 'nanosp', seed: TEST_MNEMONIC });
  }, 240_000);
  afterAll(async () => {
    await speculos?.stop();
  });

  it('an app that does not serve our class byte is "app not open", and requests are refused with what to do; the Spark Signer app is ready', async () => {
    const manager = new DeviceManager(source(true));
    const other = await manager.refresh();
    expect(other.state).toBe('app-not-open');
    expect(other.message).toBe('Open the Spark Signer app on your Ledger.');
    await expect(manager.transport.exchange(Buffer.from([0xe0, 0x01, 0, 0, 0]))).rejects.toMatchObject({ code: 'APP_NOT_OPEN' });

    const ready = await manager.setSource(source(false));
    expect(ready).toMatchObject({ state: 'ready', appVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/) as unknown });
    await manager.stop();
  });

  it('Speculos stopped: "no device", and found again when it runs', async () => {
    const manager = new DeviceManager(source(false));
    expect((await manager.refresh()).state).toBe('ready');
    await speculos?.stop();
    expect((await manager.refresh()).state).toBe('no-device');
    speculos = await startSpeculos({ elfPath: await buildDeviceApp('nanosp'), model: 'nanosp', seed: TEST_MNEMONIC });
    expect((await manager.setSource(source(false))).state).toBe('ready');
    await manager.stop();
  });
});

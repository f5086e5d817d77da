import { describe, expect, it } from 'vitest';
import { InsNotSupportedError, ClaNotSupportedError } from '../../src/device/errors.js';
import { decodeResponse } from '../../src/device/apdu.js';
import { deviceForSuite } from './fixture.js';
import { quitApp, setBlindSigning, waitHome } from '../../emulator/speculos/flows.js';

describe('app screens and lifecycle under Speculos', () => {
  const dev = deviceForSuite();

  it('home screen shows the app name and version (Speculos OCR of our own font)', async () => {
    const texts = await waitHome(dev.screen);
    expect(texts).toContain('Spark Signer');
    expect(texts).toContain('Version 0.1.0');
    const v = await dev.app.getVersion();
    expect([v.major, v.minor, v.patch]).toEqual([0, 1, 0]);
    expect(v.nonceWindow).toBeGreaterThanOrEqual(1000);
  });

  it('a screen wait that times out says what the screen showed', async () => {
    await expect(dev.screen.waitForScreen('no such text', { timeoutMs: 300 })).rejects.toThrow(/showed: .*Spark Signer/);
  });

  it('draws lit pixels, not only text events (the screenshot is a 128x64 PNG)', async () => {
    const png = await dev.screen.screenshot();
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(128);
    expect(png.readUInt32BE(20)).toBe(64);
  });

  it('settings toggle blind signing on and off, and the app reports it', async () => {
    await setBlindSigning(dev.screen, true);
    expect((await dev.app.getVersion()).blindSigningEnabled).toBe(true);
    await setBlindSigning(dev.screen, false);
    expect((await dev.app.getVersion()).blindSigningEnabled).toBe(false);
  });

  it('answers unknown instructions and classes with their status words', async () => {
    const ins = decodeResponse(new Uint8Array(await dev.transport.exchange(Buffer.from('e07f000000', 'hex'))));
    expect(ins.statusWord).toBe(new InsNotSupportedError().statusWord);
    const cla = decodeResponse(new Uint8Array(await dev.transport.exchange(Buffer.from('b001000000', 'hex'))));
    expect(cla.statusWord).toBe(new ClaNotSupportedError().statusWord);
  });

  it('Quit exits the app, which stops Speculos with status 0', async () => {
    await quitApp(dev.screen);
    expect(await dev.speculos.waitForExit(20_000)).toBe(0);
  });
});

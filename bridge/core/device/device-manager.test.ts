import { describe, expect, it } from 'vitest';
import type { LedgerTransport } from '../../../src/device/transports.js';
import { BridgeError } from '../errors.js';
import { withRequestTag } from '../../../src/signer/request-tag-node.js';
import { DeviceManager, type ExchangeEvent } from './device-manager.js';
import { nodeHidSource, type DeviceSource } from './device-source.js';
import type { DeviceStatus } from './device-status.js';

/** GET_VERSION reply of the Spark Signer app: version 0.1.0, blind signing flag, 4 commitments per call. */
function versionReply(blindSigning: boolean): Buffer {
  return Buffer.from([0, 1, 0, blindSigning ? 1 : 0, 4, 0, 0, 0, 0x90, 0x00]);
}

/** A device the test controls: plugged or not, and what it answers. */
class FakeDevice {
  plugged = false;
  answer: (apdu: Buffer) => Promise<Buffer> = () => Promise.resolve(versionReply(true));
  opened = 0;
  closed = 0;

  source(): DeviceSource {
    return {
      description: 'fake',
      open: () => {
        if (!this.plugged) return Promise.reject(new Error('ECONNREFUSED'));
        this.opened++;
        const transport: LedgerTransport = {
          exchange: (apdu) => (this.plugged ? this.answer(apdu) : Promise.reject(new Error('tcp closed'))),
          close: () => {
            this.closed++;
            return Promise.resolve();
          },
        };
        return Promise.resolve(transport);
      },
    };
  }
}

function sw(code: number): Buffer {
  return Buffer.from([code >> 8, code & 0xff]);
}

describe('DeviceManager', () => {
  it('reports no device, then ready with the app version when it is plugged in (hot-plug by polling)', async () => {
    const dev = new FakeDevice();
    const manager = new DeviceManager(dev.source(), { pollMs: 20 });
    const seen: DeviceStatus[] = [];
    manager.on('status', (s) => seen.push(s));
    expect((await manager.refresh()).state).toBe('no-device');
    manager.start();
    dev.plugged = true;
    await waitUntil(() => manager.status().state === 'ready');
    expect(manager.status()).toMatchObject({ state: 'ready', appVersion: '0.1.0', blindSigning: true, source: 'fake' });
    dev.plugged = false;
    await waitUntil(() => manager.status().state === 'no-device');
    await manager.stop();
    expect(seen.map((s) => s.state)).toEqual(['ready', 'no-device']);
  });

  it('tells the dashboard, another app and a locked device apart by the status words they answer', async () => {
    const dev = new FakeDevice();
    dev.plugged = true;
    const manager = new DeviceManager(dev.source());
    /** A device whose OS answers GET_APP_AND_VERSION (CLA 0xb0) with `app`, and our CLA with `ourSw`. */
    const inApp = (app: string, ourSw: number) => (apdu: Buffer) =>
      Promise.resolve(apdu[0] === 0xb0 ? Buffer.from([0x01, app.length, ...Buffer.from(app, 'latin1'), 5, ...Buffer.from('1.2.3'), 1, 0, 0x90, 0x00]) : sw(ourSw));
    // The dashboard: CLA not supported, and it names itself BOLOS.
    dev.answer = inApp('BOLOS', 0x6e00);
    expect(await manager.refresh()).toMatchObject({ state: 'app-not-open', message: 'Open the Spark Signer app on your Ledger.' });
    // Another app: CLA or INS not supported, and its name.
    dev.answer = inApp('Bitcoin', 0x6e00);
    const other = await manager.refresh();
    expect(other).toMatchObject({ state: 'wrong-app', openApp: 'Bitcoin' });
    expect(other.message).toBe('The Bitcoin app is open on your Ledger: close it and open the Spark Signer app.');
    dev.answer = inApp('Ethereum', 0x6d00);
    expect(await manager.refresh()).toMatchObject({ state: 'wrong-app', openApp: 'Ethereum' });
    // No answer to GET_APP_AND_VERSION either: some app or the dashboard, not which.
    dev.answer = () => Promise.resolve(sw(0x6e00));
    expect((await manager.refresh()).state).toBe('app-not-open');
    dev.answer = () => Promise.resolve(sw(0x6d00));
    expect((await manager.refresh()).state).toBe('app-not-open');
    // Locked: 0x5515, or 0x6982 (older firmware).
    for (const code of [0x5515, 0x6982]) {
      dev.answer = () => Promise.resolve(sw(code));
      const locked = await manager.refresh();
      expect(locked.state).toBe('locked');
      expect(locked.message).toMatch(/PIN/);
    }
    // Exchanges while another app is open are refused with what to do.
    dev.answer = inApp('Bitcoin', 0x6e00);
    await manager.refresh();
    await expect(manager.transport.exchange(Buffer.from([0xe0, 0x10, 0, 0, 0]))).rejects.toMatchObject({ code: 'APP_NOT_OPEN', message: expect.stringContaining('Bitcoin') as unknown });
    // An app that accepts our class byte but answers something that is not our version record.
    dev.answer = () => Promise.resolve(Buffer.from([1, 2, 0x90, 0x00]));
    expect((await manager.refresh()).state).toBe('app-not-open');
    dev.answer = () => Promise.resolve(versionReply(false));
    const noBlind = await manager.refresh();
    expect(noBlind.state).toBe('ready');
    expect(noBlind.message).toMatch(/blind signing is off/);
    expect(noBlind.openApp).toBeUndefined();
  });

  it('refuses exchanges with a typed error while the device is not ready, and forwards them when it is', async () => {
    const dev = new FakeDevice();
    const manager = new DeviceManager(dev.source());
    await manager.refresh();
    await expect(manager.transport.exchange(Buffer.from([0xe0, 0x10, 0, 0, 0]))).rejects.toMatchObject({ code: 'DEVICE_UNAVAILABLE' });
    dev.plugged = true;
    dev.answer = () => Promise.resolve(sw(0x5515));
    await manager.refresh();
    await expect(manager.transport.exchange(Buffer.from([0xe0, 0x10, 0, 0, 0]))).rejects.toMatchObject({ code: 'DEVICE_LOCKED' });
    dev.answer = (apdu) => Promise.resolve(apdu[1] === 0x01 ? versionReply(true) : Buffer.from([0xab, 0x90, 0x00]));
    await manager.refresh();
    expect([...(await manager.transport.exchange(Buffer.from([0xe0, 0x10, 0, 0, 0])))]).toEqual([0xab, 0x90, 0x00]);
  });

  it("reports each exchange with the request tag it was made under and the answer's status word; probes carry none", async () => {
    const dev = new FakeDevice();
    dev.plugged = true;
    dev.answer = (apdu) => Promise.resolve(apdu[1] === 0x01 ? versionReply(true) : sw(0x6985));
    const manager = new DeviceManager(dev.source());
    const seen: ExchangeEvent[] = [];
    manager.on('exchange', (e) => seen.push(e));
    await manager.refresh();
    await withRequestTag('round-1', () => manager.transport.exchange(Buffer.from([0xe0, 0x35, 0x01, 0x00, 0])));
    await manager.transport.exchange(Buffer.from([0xe0, 0x31, 0x00, 0x01, 0]));
    expect(seen.map(({ at: _at, ...e }) => e)).toEqual([
      { ins: 0x35, p1: 0x01, p2: 0x00, tag: 'round-1', phase: 'sent' },
      { ins: 0x35, p1: 0x01, p2: 0x00, tag: 'round-1', phase: 'answered', sw: 0x6985 },
      { ins: 0x31, p1: 0x00, p2: 0x01, phase: 'sent' },
      { ins: 0x31, p1: 0x00, p2: 0x01, phase: 'answered', sw: 0x6985 },
    ]);
  });

  it('a device that disappears mid-request fails that request as DEVICE_DISCONNECTED, drops the transport, and is found again', async () => {
    const dev = new FakeDevice();
    dev.plugged = true;
    const manager = new DeviceManager(dev.source(), { pollMs: 20 });
    await manager.refresh();
    let unplug: () => void = () => undefined;
    dev.answer = (apdu) =>
      apdu[1] === 0x31
        ? new Promise((_resolve, reject) => {
            unplug = () => reject(new Error('tcp closed'));
          })
        : Promise.resolve(versionReply(true));
    manager.start();
    const pending = manager.transport.exchange(Buffer.from([0xe0, 0x31, 0, 0, 0]));
    await new Promise((r) => setTimeout(r, 80));
    // While the request waits on the device, the poll does not probe (it would queue behind it).
    expect(dev.opened).toBe(1);
    dev.plugged = false;
    unplug();
    const err = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BridgeError);
    expect((err as BridgeError).code).toBe('DEVICE_DISCONNECTED');
    expect(manager.status().state).toBe('no-device');
    expect(dev.closed).toBe(1);
    dev.plugged = true;
    await waitUntil(() => manager.status().state === 'ready');
    expect(dev.opened).toBe(2);
    await manager.stop();
  });

  it('a transport that neither answers nor fails (device gone while idle) is "no device" after the probe timeout, and is reopened', async () => {
    const dev = new FakeDevice();
    dev.plugged = true;
    const manager = new DeviceManager(dev.source(), { probeTimeoutMs: 50 });
    expect((await manager.refresh()).state).toBe('ready');
    dev.answer = () => new Promise<Buffer>(() => undefined);
    expect((await manager.refresh()).state).toBe('no-device');
    expect(dev.closed).toBe(1);
    dev.answer = () => Promise.resolve(versionReply(true));
    expect((await manager.refresh()).state).toBe('ready');
    expect(dev.opened).toBe(2);
  });

  it('stop() does not wait for a request that waits for the user: it fails it, and nothing hangs', async () => {
    const dev = new FakeDevice();
    dev.plugged = true;
    const manager = new DeviceManager(dev.source());
    await manager.refresh();
    let unplug: () => void = () => undefined;
    dev.answer = (apdu) => (apdu[1] === 0x31 ? new Promise((_resolve, reject) => (unplug = () => reject(new Error('closed')))) : Promise.resolve(versionReply(true)));
    const pending = manager.transport.exchange(Buffer.from([0xe0, 0x31, 0, 0, 0]));
    await new Promise((r) => setTimeout(r, 20));
    // Closing the fake transport does not fail its exchange by itself: a real socket's close does.
    const stopping = manager.stop();
    expect(dev.closed).toBe(1);
    unplug();
    await expect(pending).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
    await stopping;
  });

  it('setSource points at another device (a Speculos restarted on another port)', async () => {
    const a = new FakeDevice();
    const b = new FakeDevice();
    b.plugged = true;
    const manager = new DeviceManager(a.source());
    expect((await manager.refresh()).state).toBe('no-device');
    const status = await manager.setSource({ ...b.source(), description: 'fake b' });
    expect(status).toMatchObject({ state: 'ready', source: 'fake b' });
  });
});

describe('nodeHidSource', () => {
  it('enumerates before opening: nothing listed is "no Ledger", a listed device is opened by its path', async () => {
    const opened: string[] = [];
    let paths: string[] = [];
    const source = nodeHidSource(() => ({
      list: () => Promise.resolve(paths),
      open: (p) => {
        opened.push(p);
        return Promise.resolve({ exchange: () => Promise.resolve(Buffer.alloc(0)), close: () => Promise.resolve() });
      },
    }));
    await expect(source.open()).rejects.toThrow(/no Ledger is plugged in/);
    paths = ['/dev/hidraw3', '/dev/hidraw4'];
    await source.open();
    expect(opened).toEqual(['/dev/hidraw3']);
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

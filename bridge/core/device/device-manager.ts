import { CLA, Ins, encodeApdu } from '../../../src/device/apdu.js';
import type { ApduTransport } from '../../../src/device/app.js';
import { decodeVersion } from '../../../src/device/messages.js';
import type { LedgerTransport } from '../../../src/device/transports.js';
import { currentRequestTag } from '../../../src/signer/request-tag-node.js';
import { preciseNow } from '../clock.js';
import { BridgeError, messageOf } from '../errors.js';
import { TypedEmitter } from '../events.js';
import type { DeviceSource } from './device-source.js';
import { BLIND_SIGNING_OFF_MESSAGE, DASHBOARD_NAME, GET_APP_AND_VERSION, STATE_MESSAGES, openAppName, stateForStatusWord, type DeviceState, type DeviceStatus } from './device-status.js';

/** One APDU exchange as the device manager saw it, for the round recorder. */
export interface ExchangeEvent {
  ins: number;
  p1: number;
  p2: number;
  phase: 'sent' | 'answered' | 'failed';
  at: number;
  /** The status word of the answer ('answered' only). */
  sw?: number;
  /** The tag the request was made under (src/signer/request-tag.ts): the round it belongs to. */
  tag?: string;
}

export interface DeviceManagerEvents extends Record<string, unknown> {
  status: DeviceStatus;
  exchange: ExchangeEvent;
}

export interface DeviceManagerOptions {
  /** How often to look for the device (hot-plug, app opened, unlocked). Default 1000 ms. */
  pollMs?: number;
  /**
   * How long a probe waits for the device's answer before taking it as gone. Default 3000 ms.
   * A transport whose device went away while idle (Speculos stopped between requests) may never
   * answer nor fail; without this the probe, and everything queued behind it, would wait forever.
   */
  probeTimeoutMs?: number;
  now?: () => number;
}

/**
 * Owns the connection to the device: finds it (polling its source, since neither USB nor
 * Speculos tells us when a device appears), says in which state it is, and lends the signer a
 * transport that stays the same object across unplug and replug. Every exchange — the signer's
 * and the manager's own probes — runs one at a time, so a probe never lands in the middle of a
 * request the user is reviewing.
 */
export class DeviceManager extends TypedEmitter<DeviceManagerEvents> {
  private source: DeviceSource;
  private readonly pollMs: number;
  private readonly probeTimeoutMs: number;
  private readonly now: () => number;
  private open: LedgerTransport | undefined;
  private current: DeviceStatus;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private inFlight = 0;

  /** The transport the signer uses: forwards to whatever device is connected now. */
  readonly transport: ApduTransport = { exchange: (apdu) => this.exchange(apdu) };

  constructor(source: DeviceSource, options: DeviceManagerOptions = {}) {
    super();
    this.source = source;
    this.pollMs = options.pollMs ?? 1000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 3000;
    this.now = options.now ?? preciseNow;
    this.current = { state: 'no-device', source: source.description, message: STATE_MESSAGES['no-device'], since: this.now() };
  }

  status(): DeviceStatus {
    return { ...this.current };
  }

  /** Starts polling; the first probe runs at once. */
  start(): void {
    if (this.timer !== undefined) return;
    const tick = (): void => {
      // A request in flight (e.g. waiting for the user's approval) already proves the device
      // is there; probing would only queue behind it.
      if (this.inFlight === 0) void this.refresh().catch(() => undefined);
    };
    this.timer = setInterval(tick, this.pollMs);
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    // Closed at once, not after the queue: a request waiting for the user would otherwise hold
    // the stop forever. It fails as DEVICE_DISCONNECTED, and nothing is signed.
    await this.closeTransport();
    await this.serial(async () => {
      await this.closeTransport();
    });
  }

  /** Points the manager at another source (e.g. a Speculos restarted on another port). */
  async setSource(source: DeviceSource): Promise<DeviceStatus> {
    await this.serial(async () => {
      await this.closeTransport();
      this.source = source;
      this.setState('no-device');
    });
    return await this.refresh();
  }

  /** Looks at the device now and returns its state. */
  refresh(): Promise<DeviceStatus> {
    return this.serial(() => this.probe());
  }

  private async probe(): Promise<DeviceStatus> {
    if (this.open === undefined) {
      try {
        this.open = await this.source.open();
      } catch {
        this.setState('no-device');
        return this.status();
      }
    }
    const transport = this.open;
    let response: Buffer;
    try {
      response = await this.probeExchange(transport, Buffer.from(encodeApdu({ cla: CLA, ins: Ins.GET_VERSION, p1: 0, p2: 0, data: new Uint8Array() })));
    } catch {
      await this.closeTransport();
      this.setState('no-device');
      return this.status();
    }
    const sw = response.length >= 2 ? response.readUInt16BE(response.length - 2) : -1;
    const state = stateForStatusWord(sw) ?? 'app-not-open';
    if (state === 'app-not-open') {
      await this.whichApp(transport);
      return this.status();
    }
    if (state !== 'ready') {
      this.setState(state);
      return this.status();
    }
    try {
      const version = decodeVersion(new Uint8Array(response.subarray(0, response.length - 2)));
      this.setState('ready', `${version.major}.${version.minor}.${version.patch}`, version.blindSigningEnabled);
    } catch {
      // Another app that happens to accept our class byte: its answer is not our version record.
      this.setState('app-not-open');
    }
    return this.status();
  }

  /** A probe's exchange: no screen is involved, so a device that does not answer in time is gone. */
  private async probeExchange(transport: LedgerTransport, apdu: Buffer): Promise<Buffer> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the device did not answer a probe within ${this.probeTimeoutMs} ms`)), this.probeTimeoutMs);
    });
    try {
      return await Promise.race([transport.exchange(apdu), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The device answers, but not as Spark Signer: the dashboard, or which other app? */
  private async whichApp(transport: LedgerTransport): Promise<void> {
    let name: string | undefined;
    try {
      name = openAppName(await this.probeExchange(transport, GET_APP_AND_VERSION));
    } catch {
      await this.closeTransport();
      this.setState('no-device');
      return;
    }
    if (name === undefined || name === DASHBOARD_NAME) this.setState('app-not-open');
    else this.setState('wrong-app', undefined, undefined, name);
  }

  private async exchange(apdu: Buffer): Promise<Buffer> {
    const tag = currentRequestTag();
    this.inFlight++;
    try {
      return await this.serial(async () => {
        const transport = this.open;
        if (transport === undefined || this.current.state !== 'ready') {
          throw this.unavailable();
        }
        const ins = apdu[1] ?? 0;
        const p1 = apdu[2] ?? 0;
        const p2 = apdu[3] ?? 0;
        const request = { ins, p1, p2, ...(tag === undefined ? {} : { tag }) };
        this.emit('exchange', { ...request, phase: 'sent', at: this.now() });
        try {
          const response = await transport.exchange(apdu);
          const sw = response.length >= 2 ? response.readUInt16BE(response.length - 2) : -1;
          this.emit('exchange', { ...request, phase: 'answered', at: this.now(), sw });
          return response;
        } catch (err) {
          this.emit('exchange', { ...request, phase: 'failed', at: this.now() });
          // A transport that fails (socket closed, USB unplugged) is gone: forget it so the next
          // poll opens a fresh one when the device is back.
          await this.closeTransport();
          this.setState('no-device');
          throw new BridgeError('DEVICE_DISCONNECTED', `the device disconnected during the request (${messageOf(err)}); nothing was signed — reconnect it and try again`, {
            cause: err,
          });
        }
      });
    } finally {
      this.inFlight--;
    }
  }

  private unavailable(): BridgeError {
    switch (this.current.state) {
      case 'locked':
        return new BridgeError('DEVICE_LOCKED', STATE_MESSAGES.locked);
      case 'app-not-open':
        return new BridgeError('APP_NOT_OPEN', STATE_MESSAGES['app-not-open']);
      case 'wrong-app':
        return new BridgeError('APP_NOT_OPEN', this.current.message);
      default:
        return new BridgeError('DEVICE_UNAVAILABLE', STATE_MESSAGES['no-device']);
    }
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async closeTransport(): Promise<void> {
    const t = this.open;
    this.open = undefined;
    await t?.close().catch(() => undefined);
  }

  private setState(state: DeviceState, appVersion?: string, blindSigning?: boolean, openApp?: string): void {
    const c = this.current;
    if (state === c.state && appVersion === c.appVersion && blindSigning === c.blindSigning && openApp === c.openApp && c.source === this.source.description) return;
    this.current = {
      state,
      source: this.source.description,
      message:
        state === 'ready' && blindSigning === false
          ? BLIND_SIGNING_OFF_MESSAGE
          : openApp !== undefined
            ? `The ${openApp} app is open on your Ledger: close it and open the Spark Signer app.`
            : STATE_MESSAGES[state],
      ...(openApp === undefined ? {} : { openApp }),
      since: this.now(),
      ...(appVersion === undefined ? {} : { appVersion }),
      ...(blindSigning === undefined ? {} : { blindSigning }),
    };
    this.emit('status', this.status());
  }
}

import { createRequire } from 'node:module';
import type { ApduTransport } from './app.js';
import { SparkDeviceError } from './errors.js';

/**
 * Opening a transport for SparkLedgerApp.
 *
 * The Ledger transport packages ship a CommonJS build (lib/) and an "ESM" build (lib-es/) that
 * Node cannot load as ESM (no "type": "module"; its relative imports have no extensions), so they
 * are loaded through require(), which picks the CommonJS build. They are loaded lazily so a
 * program using one kind never loads the others (node-hid is a native module).
 */
const requireCjs = createRequire(import.meta.url);

/** An opened transport: exchange APDUs, then close. */
export interface LedgerTransport extends ApduTransport {
  close(): Promise<void>;
}

interface TransportFactory {
  isSupported(): Promise<boolean>;
  create(openTimeout?: number, listenTimeout?: number): Promise<LedgerTransport>;
}

interface SpeculosTransportFactory {
  open(opts: { apduPort: number; host?: string }): Promise<LedgerTransport>;
}

function loadDefault<T>(id: string): T {
  const mod = requireCjs(id) as { default?: T };
  if (mod.default === undefined) {
    throw new Error(`${id} has no default export`);
  }
  return mod.default;
}

async function openWith(id: string, what: string, openTimeoutMs?: number, listenTimeoutMs?: number): Promise<LedgerTransport> {
  let supported: boolean;
  let factory: TransportFactory | undefined;
  try {
    factory = loadDefault<TransportFactory>(id);
    supported = await factory.isSupported();
  } catch {
    supported = false; // e.g. WebHID's package touches `window`, absent outside a browser
  }
  if (!supported || factory === undefined) {
    throw new SparkDeviceError('TRANSPORT_UNAVAILABLE', `${what} is not available in this environment`);
  }
  try {
    return await factory.create(openTimeoutMs, listenTimeoutMs);
  } catch (err) {
    throw new SparkDeviceError('TRANSPORT_UNAVAILABLE', `could not open a Ledger over ${what}: ${(err as Error).message}`);
  }
}

/**
 * A Ledger plugged in over USB, from Node (@ledgerhq/hw-transport-node-hid). Waits up to
 * listenTimeoutMs for a device to appear (Ledger's default: forever).
 */
export async function openNodeHidTransport(opts: { openTimeoutMs?: number; listenTimeoutMs?: number } = {}): Promise<LedgerTransport> {
  return await openWith('@ledgerhq/hw-transport-node-hid', 'USB HID', opts.openTimeoutMs, opts.listenTimeoutMs);
}

/**
 * A Ledger over WebHID (@ledgerhq/hw-transport-webhid); must run in a browser, from a user
 * gesture. Bundlers resolve the require() below to the package's CommonJS build.
 */
export async function openWebHidTransport(): Promise<LedgerTransport> {
  return await openWith('@ledgerhq/hw-transport-webhid', 'WebHID');
}

/** The app running in Speculos, through its APDU TCP port (@ledgerhq/hw-transport-node-speculos). */
export async function openSpeculosTransport(apduPort: number, host = '127.0.0.1'): Promise<LedgerTransport> {
  return await loadDefault<SpeculosTransportFactory>('@ledgerhq/hw-transport-node-speculos').open({ apduPort, host });
}

import { createRequire } from 'node:module';
import { openSpeculosTransport, type LedgerTransport } from '../../../src/device/transports.js';

/**
 * Where the device manager looks for a device. A source either opens a transport or throws:
 * the manager turns a throw into "no device" and tries again on its next poll (hot-plug).
 */
export interface DeviceSource {
  /** What the UI shows, e.g. "USB (node-hid)" or "Speculos 127.0.0.1:40000". */
  readonly description: string;
  open(): Promise<LedgerTransport>;
}

/** The app under Speculos, by address (for developers and CI). */
export function speculosSource(host: string, apduPort: number): DeviceSource {
  if (!Number.isInteger(apduPort) || apduPort < 1 || apduPort > 65_535) {
    throw new RangeError(`Speculos APDU port must be 1..65535, got ${apduPort}`);
  }
  return {
    description: `Speculos ${host}:${apduPort}`,
    open: () => openSpeculosTransport(apduPort, host),
  };
}

interface NodeHidTransportClass {
  list(): Promise<string[]>;
  open(path: string): Promise<LedgerTransport>;
}

const requireCjs = createRequire(import.meta.url);

/**
 * A Ledger on USB. Enumerates first (cheap, no device claimed) and opens the first Ledger
 * listed, so that polling for hot-plug does not hold a HID handle while nothing is plugged in.
 * The package is loaded on first use: node-hid is a native module that a Speculos-only run
 * (CI) never needs.
 */
export function nodeHidSource(load: () => NodeHidTransportClass = loadNodeHid): DeviceSource {
  return {
    description: 'USB (node-hid)',
    async open() {
      const hid = load();
      const paths = await hid.list();
      const first = paths[0];
      if (first === undefined) throw new Error('no Ledger is plugged in');
      return await hid.open(first);
    },
  };
}

function loadNodeHid(): NodeHidTransportClass {
  const mod = requireCjs('@ledgerhq/hw-transport-node-hid') as { default?: NodeHidTransportClass };
  if (mod.default === undefined) throw new Error('@ledgerhq/hw-transport-node-hid has no default export');
  return mod.default;
}

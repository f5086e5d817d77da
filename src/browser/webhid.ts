import TransportWebHIDModule from '@ledgerhq/hw-transport-webhid';
import { SparkDeviceError } from '../device/errors.js';
import type { LedgerTransport } from '../device/transports.js';

/** The class, whether the bundler hands the ESM default or a CommonJS interop object. */
type TransportWebHIDClass = (typeof TransportWebHIDModule)['default'];
const TransportWebHID: TransportWebHIDClass = (TransportWebHIDModule as unknown as { default?: TransportWebHIDClass }).default ?? (TransportWebHIDModule as unknown as TransportWebHIDClass);

/**
 * The user's Ledger over WebHID, from a page: must be called from a user gesture (a click), as
 * the browser shows its device picker then. Chromium-based browsers only.
 */
export async function openWebHid(): Promise<LedgerTransport> {
  if (!(await TransportWebHID.isSupported())) throw new SparkDeviceError('TRANSPORT_UNAVAILABLE', 'this browser has no WebHID (use a Chromium-based browser)');
  try {
    return await TransportWebHID.create();
  } catch (err) {
    throw new SparkDeviceError('TRANSPORT_UNAVAILABLE', `could not open a Ledger over WebHID: ${(err as Error).message}`);
  }
}

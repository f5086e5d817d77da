import { StatusCodes } from '@ledgerhq/errors';

/**
 * What the device manager knows about the device, as the UI and the API show it:
 * `app-not-open` is the dashboard (no app open), `wrong-app` another app than Spark Signer.
 */
export type DeviceState = 'no-device' | 'app-not-open' | 'wrong-app' | 'locked' | 'ready';

export interface DeviceStatus {
  state: DeviceState;
  /** Where the manager looks, e.g. "Speculos 127.0.0.1:40000". */
  source: string;
  /** The Spark Signer app's version when ready, e.g. "0.1.0". */
  appVersion?: string;
  /** The name of the app that is open instead (state wrong-app), as the device reports it. */
  openApp?: string;
  /** Whether blind signing is on in the app's settings (signatures need it today). */
  blindSigning?: boolean;
  /** One sentence for the user: what is wrong and what to do. */
  message: string;
  /** When the state last changed (ms since the epoch). */
  since: number;
}

export const STATE_MESSAGES: Record<DeviceState, string> = {
  'no-device': 'No device found: plug in your Ledger and unlock it.',
  'app-not-open': 'Open the Spark Signer app on your Ledger.',
  'wrong-app': 'Another app is open on your Ledger: close it and open the Spark Signer app.',
  locked: 'Your Ledger is locked: enter your PIN on the device.',
  ready: 'Ledger connected, Spark Signer app open.',
};

export const BLIND_SIGNING_OFF_MESSAGE = 'Ledger ready, but blind signing is off: turn it on in the Spark Signer app settings to sign.';

/**
 * Status words that tell the state of a device that answers but cannot run our command
 * (@ledgerhq/errors' StatusCodes; docs/speculos.md, section "Device states from status words").
 * A locked device answers LOCKED_DEVICE (0x5515), or SECURITY_STATUS_NOT_SATISFIED (0x6982) on
 * older firmware (our app never answers GET_VERSION with it). The dashboard and other apps answer
 * our class byte with CLA_NOT_SUPPORTED (0x6e00, 0x6e01) or INS_NOT_SUPPORTED / UNKNOWN_APDU
 * (0x6d00, 0x6d02), or 0x6511 (no app open); which one is open is then asked with
 * GET_APP_AND_VERSION.
 */
const LOCKED_SW = new Set<number>([StatusCodes.LOCKED_DEVICE, StatusCodes.SECURITY_STATUS_NOT_SATISFIED, 0x6b0c]);
const OTHER_APP_SW = new Set<number>([StatusCodes.CLA_NOT_SUPPORTED, StatusCodes.CLA_NOT_SUPPORTED_BOOTLOADER, StatusCodes.INS_NOT_SUPPORTED, StatusCodes.UNKNOWN_APDU, 0x6511]);

export function stateForStatusWord(sw: number): DeviceState | undefined {
  if (sw === StatusCodes.OK) return 'ready';
  if (LOCKED_SW.has(sw)) return 'locked';
  if (OTHER_APP_SW.has(sw)) return 'app-not-open';
  return undefined;
}

/** GET_APP_AND_VERSION: CLA 0xb0, INS 0x01, answered by the OS layer in the dashboard and in every app. */
export const GET_APP_AND_VERSION = Buffer.from([0xb0, 0x01, 0x00, 0x00, 0x00]);
/** The name the dashboard reports for itself. */
export const DASHBOARD_NAME = 'BOLOS';

/**
 * The open app's name from a GET_APP_AND_VERSION answer (format 1, name length, name, version
 * length, version, flags…, status word 0x9000), or undefined when the answer is not one.
 */
export function openAppName(response: Buffer): string | undefined {
  if (response.length < 5 || response.readUInt16BE(response.length - 2) !== StatusCodes.OK || response[0] !== 0x01) return undefined;
  const len = response[1] ?? 0;
  if (len === 0 || 2 + len > response.length - 2) return undefined;
  return response.subarray(2, 2 + len).toString('latin1');
}

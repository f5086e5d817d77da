/** What the device manager knows about the device, as the UI and the API show it. */
export type DeviceState = 'no-device' | 'app-not-open' | 'locked' | 'ready';

export interface DeviceStatus {
  state: DeviceState;
  /** Where the manager looks, e.g. "Speculos 127.0.0.1:40000". */
  source: string;
  /** The Spark Signer app's version when ready, e.g. "0.1.0". */
  appVersion?: string;
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
  locked: 'Your Ledger is locked: enter your PIN on the device.',
  ready: 'Ledger connected, Spark Signer app open.',
};

export const BLIND_SIGNING_OFF_MESSAGE = 'Ledger ready, but blind signing is off: turn it on in the Spark Signer app settings to sign.';

/**
 * Status words that tell the state of a device that answers but cannot run our command. Ledger's
 * OS answers 0x5515 when locked; the dashboard and other apps answer "CLA/INS not supported"
 * (0x6e00, 0x6d00) or their OS variants (0x6e01, 0x6d02, 0x6511 "no app open").
 */
const LOCKED_SW = new Set([0x5515, 0x6b0c]);
const OTHER_APP_SW = new Set([0x6e00, 0x6e01, 0x6d00, 0x6d02, 0x6511]);

export function stateForStatusWord(sw: number): DeviceState | undefined {
  if (sw === 0x9000) return 'ready';
  if (LOCKED_SW.has(sw)) return 'locked';
  if (OTHER_APP_SW.has(sw)) return 'app-not-open';
  return undefined;
}

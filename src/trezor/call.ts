import type { ConnectResponse } from './connect-api.js';
import { TrezorError, type TrezorErrorCode } from './errors.js';

/**
 * How long one connect call may take before we give up. It includes the user reading the screen
 * and pressing a button, so it is generous; connect itself never times out a call that waits for a
 * device (with none connected it waits for a `ui-select_device` answer forever).
 */
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;

/**
 * connect's failure codes (`lib/constants/errors.js` ERROR_CODES, and the firmware's
 * `Failure_*` FailureType that connect passes through from `DeviceCurrentSession`), mapped to ours.
 */
const CODE_MAP: Record<string, TrezorErrorCode> = {
  Failure_ActionCancelled: 'CANCELLED',
  Method_Cancel: 'CANCELLED',
  Method_Interrupted: 'CANCELLED',
  Method_PermissionsNotGranted: 'CANCELLED',
  Device_NotFound: 'DEVICE_ABSENT',
  Device_Disconnected: 'DEVICE_ABSENT',
  Transport_Missing: 'DEVICE_ABSENT',
  Failure_PinInvalid: 'PIN',
  Failure_PinCancelled: 'PIN',
  Failure_PinExpected: 'PIN',
  Failure_PinMismatch: 'PIN',
  Device_UsedElsewhere: 'DEVICE_BUSY',
  Device_CallInProgress: 'DEVICE_BUSY',
  Device_InvalidState: 'WRONG_DEVICE',
};

/** Our error for a connect failure payload. */
export function errorFromConnect(what: string, payload: { error: string; code?: string }): TrezorError {
  const code = payload.code === undefined ? 'FAILED' : (CODE_MAP[payload.code] ?? 'FAILED');
  return new TrezorError(code, `${what}: ${payload.error}${payload.code === undefined ? '' : ` (${payload.code})`}`, payload.code);
}

/**
 * Awaits one connect call: returns its payload, or throws a TrezorError for a failure payload, a
 * thrown error, or no answer within `timeoutMs`. The late answer of a timed-out call is dropped.
 */
export async function callTrezor<T>(what: string, call: () => Promise<ConnectResponse<T>>, timeoutMs: number = DEFAULT_CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TrezorError('TIMEOUT', `${what}: no answer from the Trezor within ${timeoutMs} ms (is it connected and unlocked?)`)), timeoutMs);
  });
  try {
    let response: ConnectResponse<T>;
    try {
      response = await Promise.race([call(), timeout]);
    } catch (err) {
      if (err instanceof TrezorError) throw err;
      throw new TrezorError('FAILED', `${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!response.success) throw errorFromConnect(what, response.payload);
    return response.payload;
  } finally {
    clearTimeout(timer);
  }
}

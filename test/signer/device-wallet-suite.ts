/**
 * What the suites that run SDK wallets on the device under Speculos, against the operator network,
 * share: the two leaves they deposit, how long they wait on a loaded machine, and how they count
 * the commands a wallet sent to the device (RecordingTransport.sent, device-app/PROTOCOL.md).
 */
import { Ins } from '../../src/device/apdu.js';

/** Two leaves of distinct values: a transfer of one value selects exactly that leaf. */
export const FIRST_SATS = 60_000n;
export const SECOND_SATS = 40_000n;
/** Network (btcd, three operators, DKG) and Speculos start on a loaded 2-core machine. */
export const START_TIMEOUT_MS = 420_000;
/** Each step waits for the device: every signature is approved with the buttons through Speculos. */
export const STEP_TIMEOUT_MS = 420_000;
/** A receiving wallet claims from its own event stream; on a loaded machine, with the device, it takes a while. */
export const SETTLE_MS = 240_000;

/** Chunked commands of `ins` the wallet completed: their last chunk (P2 = 0). APDU: CLA INS P1 P2 Lc data. */
export const completed = (apdus: Uint8Array[], ins: number): number => apdus.filter((a) => a[1] === ins && a[3] === 0x00).length;

/** SIGN_IDENTITY_CLEAR requests of a statement: their first chunk (P1 = 0) starts with the mode byte. */
export const identityStatements = (apdus: Uint8Array[], statement: 'login' | 'leaf' | 'transfer' | 'claim'): number =>
  apdus.filter((a) => a[1] === Ins.SIGN_IDENTITY_CLEAR && a[2] === 0x00 && a[5] === ['login', 'leaf', 'transfer', 'claim'].indexOf(statement)).length;

/** KEY_SPLIT commands of a mode: their first chunk (P1 = 0) starts with the mode byte (0x00 transfer, 0x01 claim). */
export const keySplits = (apdus: Uint8Array[], mode: 'transfer' | 'claim'): number =>
  apdus.filter((a) => a[1] === Ins.KEY_SPLIT && a[2] === 0x00 && a[5] === (mode === 'transfer' ? 0x00 : 0x01)).length;

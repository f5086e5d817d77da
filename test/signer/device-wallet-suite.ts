/**
 * What the suites that run SDK wallets on the device under Speculos, against the operator network,
 * share: the two leaves they deposit, how long they wait on a loaded machine, and how they count
 * the commands a wallet sent to the device (RecordingTransport.sent, device-app/PROTOCOL.md).
 */
import { Ins } from '../../src/device/apdu.js';
import { STATEMENT_BYTE, type IdentityStatement } from '../../src/device/clear-sign.js';

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
export const identityStatements = (apdus: Uint8Array[], statement: IdentityStatement): number =>
  apdus.filter((a) => a[1] === Ins.SIGN_IDENTITY_CLEAR && a[2] === 0x00 && a[5] === STATEMENT_BYTE[statement]).length;

/** KEY_SPLIT commands of a mode: their first chunk (P1 = 0) starts with the mode byte (0x00 transfer, 0x01 claim). */
export const keySplits = (apdus: Uint8Array[], mode: 'transfer' | 'claim'): number =>
  apdus.filter((a) => a[1] === Ins.KEY_SPLIT && a[2] === 0x00 && a[5] === (mode === 'transfer' ? 0x00 : 0x01)).length;

/** The payloads of the chunked commands of `ins` the wallet sent, reassembled (P1 = 0 starts one, P2 = 0 ends it). */
export function chunkedPayloads(apdus: Uint8Array[], ins: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let parts: Uint8Array[] | undefined;
  for (const a of apdus) {
    if (a[1] !== ins) continue;
    if (a[2] === 0x00) parts = [];
    parts?.push(a.subarray(5));
    if (a[3] === 0x00 && parts !== undefined) {
      out.push(Uint8Array.from(parts.flatMap((p) => [...p])));
      parts = undefined;
    }
  }
  return out;
}

/**
 * Whether a FROST_SIGN_TX package carries an adaptor point (device-app/PROTOCOL.md, FROST_SIGN_TX:
 * KEYREF, P, reference, user commitments, n, n operators, then the adaptor flag). Leaf KEYREFs
 * only (kind 0x05: account, id length, id), as the wallet's refunds use.
 */
export function hasAdaptor(payload: Uint8Array): boolean {
  if (payload[0] !== 0x05) throw new Error(`not a leaf KEYREF: kind ${payload[0]}`);
  const keyref = 1 + 4 + 1 + (payload[5] ?? 0);
  const n = payload[keyref + 33 + 4 + 66] ?? 0;
  return payload[keyref + 33 + 4 + 66 + 1 + 98 * n] === 1;
}

/**
 * The transfer ids the device signed per-leaf statements for (SIGN_IDENTITY_CLEAR mode 0x01:
 * mode, account u32, then leafId || transferId [36-char UUID text] || ciphertext [129]), so a
 * suite can find the wallet's own transfers, e.g. its swaps in the provider's books.
 */
export function leafStatementTransferIds(apdus: Uint8Array[]): Set<string> {
  const ids = new Set<string>();
  for (const p of chunkedPayloads(apdus, Ins.SIGN_IDENTITY_CLEAR)) {
    if (p[0] !== STATEMENT_BYTE.leaf) continue;
    ids.add(new TextDecoder().decode(p.subarray(p.length - 129 - 36, p.length - 129)));
  }
  return ids;
}

import { errorForStatus, invalidArgument, malformedResponse } from './errors.js';
import { StatusWord } from './status.js';

/** CLA and INS values (device-app/PROTOCOL.md). */
export const CLA = 0xe0;
export const Ins = {
  GET_VERSION: 0x01,
  GET_PUBLIC_KEY: 0x10,
  SIGN_IDENTITY: 0x20,
  FROST_COMMIT: 0x30,
  FROST_SIGN: 0x31,
  KEY_SPLIT: 0x32,
  ECIES_PUBLIC_KEY: 0x33,
  HTLC_HMAC: 0x40,
  EXPORT_STATIC_KEY: 0x50,
  SIGN_EXIT_SWEEP: 0x51,
  FROST_SIGN_TX: 0x34,
  TRANSFER_INTENT: 0x35,
  SIGN_IDENTITY_CLEAR: 0x36,
  SWAP_INTENT: 0x37,
  EXIT_INTENT: 0x38,
  SPLIT_PREPARE: 0x3a,
} as const;

/** Short APDUs: at most 255 data bytes each way. */
export const MAX_APDU_DATA = 255;

export interface Apdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
}

function checkByte(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) {
    throw invalidArgument(`${name} must be a byte, got ${v}`);
  }
}

/** CLA INS P1 P2 Lc data — Lc is always present (0 for no data), as the app expects. */
export function encodeApdu(apdu: Apdu): Uint8Array {
  checkByte('CLA', apdu.cla);
  checkByte('INS', apdu.ins);
  checkByte('P1', apdu.p1);
  checkByte('P2', apdu.p2);
  if (apdu.data.length > MAX_APDU_DATA) {
    throw invalidArgument(`APDU data is ${apdu.data.length} bytes, at most ${MAX_APDU_DATA} fit`);
  }
  const out = new Uint8Array(5 + apdu.data.length);
  out.set([apdu.cla, apdu.ins, apdu.p1, apdu.p2, apdu.data.length]);
  out.set(apdu.data, 5);
  return out;
}

export interface DecodedResponse {
  data: Uint8Array;
  statusWord: number;
}

/** Splits `data || SW1 SW2`. */
export function decodeResponse(response: Uint8Array): DecodedResponse {
  if (response.length < 2) {
    throw malformedResponse(`response of ${response.length} bytes has no status word`);
  }
  const n = response.length;
  const statusWord = ((response[n - 2] ?? 0) << 8) | (response[n - 1] ?? 0);
  return { data: response.slice(0, n - 2), statusWord };
}

/** Data of an OK response; the typed error of any other status word. */
export function expectOk(response: Uint8Array): Uint8Array {
  const { data, statusWord } = decodeResponse(response);
  if (statusWord !== StatusWord.OK) {
    throw errorForStatus(statusWord);
  }
  return data;
}

/** P1/P2 of FROST_SIGN chunks: P1 0 = first / 1 = next; P2 0 = last / 1 = more follow. */
export const ChunkP1 = { FIRST: 0x00, NEXT: 0x01 } as const;
export const ChunkP2 = { LAST: 0x00, MORE: 0x01 } as const;

export interface Chunk {
  p1: number;
  p2: number;
  data: Uint8Array;
}

/** Splits a long payload into ≤255-byte chunks flagged per PROTOCOL.md's FROST_SIGN scheme. */
export function chunkPayload(payload: Uint8Array, chunkSize = MAX_APDU_DATA): Chunk[] {
  if (chunkSize < 1 || chunkSize > MAX_APDU_DATA) {
    throw invalidArgument(`chunk size must be 1..${MAX_APDU_DATA}`);
  }
  const chunks: Chunk[] = [];
  for (let off = 0; off < payload.length || chunks.length === 0; off += chunkSize) {
    const end = Math.min(off + chunkSize, payload.length);
    chunks.push({
      p1: off === 0 ? ChunkP1.FIRST : ChunkP1.NEXT,
      p2: end >= payload.length ? ChunkP2.LAST : ChunkP2.MORE,
      data: payload.slice(off, end),
    });
  }
  return chunks;
}

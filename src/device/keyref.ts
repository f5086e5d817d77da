import { concatBytes } from '@noble/hashes/utils.js';
import { u32be } from './bytes.js';
import { invalidArgument } from './errors.js';

/** Spark's BIP32 purpose 8797555' (device-app/PROTOCOL.md, "Key references"). */
export const SPARK_PURPOSE = 8797555;
export const HARDENED = 0x80000000;

/** Which key the device should derive; the device polices it (only Spark keys are served). */
export type KeyRef =
  | { kind: 'identity'; account: number }
  | { kind: 'signingBase'; account: number }
  | { kind: 'deposit'; account: number }
  | { kind: 'staticDeposit'; account: number; index: number }
  | { kind: 'htlcPreimage'; account: number }
  | { kind: 'leaf'; account: number; leafId: string }
  | { kind: 'path'; path: readonly number[] };

const KIND_BYTE = {
  identity: 0x00,
  signingBase: 0x01,
  deposit: 0x02,
  staticDeposit: 0x03,
  htlcPreimage: 0x04,
  leaf: 0x05,
  path: 0x06,
} as const;

function checkU32(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw invalidArgument(`${name} must be a u32, got ${v}`);
  }
}

/**
 * KEYREF encoding. Range checks here are only about what the encoding can carry; the device
 * decides what it accepts (account ≤ 255, hardened Spark shapes), so tests can send what it must
 * refuse.
 */
export function encodeKeyRef(ref: KeyRef): Uint8Array {
  const kind = new Uint8Array([KIND_BYTE[ref.kind]]);
  switch (ref.kind) {
    case 'identity':
    case 'signingBase':
    case 'deposit':
    case 'htlcPreimage':
      checkU32('account', ref.account);
      return concatBytes(kind, u32be(ref.account));
    case 'staticDeposit':
      checkU32('account', ref.account);
      checkU32('index', ref.index);
      return concatBytes(kind, u32be(ref.account), u32be(ref.index));
    case 'leaf': {
      checkU32('account', ref.account);
      const id = new TextEncoder().encode(ref.leafId);
      if (id.length < 1 || id.length > 64) {
        throw invalidArgument(`leaf id must be 1..64 bytes, got ${id.length}`);
      }
      return concatBytes(kind, u32be(ref.account), new Uint8Array([id.length]), id);
    }
    case 'path': {
      if (ref.path.length < 1 || ref.path.length > 10) {
        throw invalidArgument(`path depth must be 1..10, got ${ref.path.length}`);
      }
      ref.path.forEach((e, i) => checkU32(`path[${i}]`, e));
      return concatBytes(kind, new Uint8Array([ref.path.length]), ...ref.path.map(u32be));
    }
  }
}

import { sha256 } from '@noble/hashes/sha2';
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { TEST_MNEMONIC } from '../../emulator/speculos/paths.js';
import type { KeyRef } from '../../src/device/keyref.js';

/**
 * The keys the device must produce, derived independently in TypeScript from the same mnemonic
 * Speculos is given (Spark paths per /work/shared/design/FACTS.md "Spark keys").
 */
const H = 0x80000000;
const PURPOSE = 8797555 + H;

const root = HDKey.fromMasterSeed(mnemonicToSeedSync(TEST_MNEMONIC));

export function leafIndex(leafId: string): number {
  const h = sha256(new TextEncoder().encode(leafId));
  const v = new DataView(h.buffer, h.byteOffset, 4).getUint32(0, false);
  return (v % 0x80000000) + H;
}

export function sparkPath(ref: KeyRef): number[] {
  switch (ref.kind) {
    case 'identity':
      return [PURPOSE, ref.account + H, 0 + H];
    case 'signingBase':
      return [PURPOSE, ref.account + H, 1 + H];
    case 'deposit':
      return [PURPOSE, ref.account + H, 2 + H];
    case 'staticDeposit':
      return [PURPOSE, ref.account + H, 3 + H, ref.index + H];
    case 'htlcPreimage':
      return [PURPOSE, ref.account + H, 4 + H];
    case 'leaf':
      return [PURPOSE, ref.account + H, 1 + H, leafIndex(ref.leafId)];
    case 'path':
      return [...ref.path];
  }
}

function derive(path: number[]): HDKey {
  let k = root;
  for (const e of path) {
    k = k.deriveChild(e);
  }
  return k;
}

export function expectedPublicKey(ref: KeyRef): Uint8Array {
  const pk = derive(sparkPath(ref)).publicKey;
  if (pk === null) {
    throw new Error('derivation produced no public key');
  }
  return pk;
}

import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { TEST_MNEMONIC } from '../../emulator/speculos/paths.js';
import { SparkAccountKeys, bytesToHex, sparkKeyPath } from '../../src/crypto/index.js';
import type { KeyRef } from '../../src/device/keyref.js';

/**
 * The keys the device must produce, from the same mnemonic Speculos is given: the project's
 * TypeScript derivation (src/crypto), cross-checked against a plain BIP32 walk with @scure/bip32
 * over the same path, so a disagreement points at the right component.
 */
const seed = mnemonicToSeedSync(TEST_MNEMONIC);
const root = HDKey.fromMasterSeed(seed);

export function sparkPath(ref: KeyRef): number[] {
  switch (ref.kind) {
    case 'identity':
      return sparkKeyPath(ref.account, 'identity');
    case 'signingBase':
      return sparkKeyPath(ref.account, 'signing');
    case 'deposit':
      return sparkKeyPath(ref.account, 'deposit');
    case 'staticDeposit':
      return sparkKeyPath(ref.account, 'staticDeposit', ref.index);
    case 'htlcPreimage':
      return sparkKeyPath(ref.account, 'htlcPreimage');
    case 'leaf':
      return sparkKeyPath(ref.account, 'signing', ref.leafId);
    case 'path':
      return [...ref.path];
  }
}

function fromSrcCrypto(ref: KeyRef): Uint8Array | undefined {
  if (ref.kind === 'path') {
    return undefined;
  }
  const keys = SparkAccountKeys.fromSeed(seed, ref.account);
  try {
    switch (ref.kind) {
      case 'identity':
        return keys.identityKey().publicKey;
      case 'signingBase':
        return keys.signingBaseKey().publicKey;
      case 'deposit':
        return keys.depositKey().publicKey;
      case 'staticDeposit':
        return keys.staticDepositKey(ref.index).publicKey;
      case 'htlcPreimage':
        return keys.htlcPreimageBaseKey().publicKey;
      case 'leaf':
        return keys.leafKey(ref.leafId).publicKey;
    }
  } finally {
    keys.wipe();
  }
}

function fromScure(path: number[]): Uint8Array {
  let k = root;
  for (const e of path) {
    k = k.deriveChild(e);
  }
  if (k.publicKey === null) {
    throw new Error('BIP32 derivation produced no public key');
  }
  return k.publicKey;
}

export function expectedPublicKey(ref: KeyRef): Uint8Array {
  const plain = fromScure(sparkPath(ref));
  const project = fromSrcCrypto(ref);
  if (project !== undefined && bytesToHex(project) !== bytesToHex(plain)) {
    throw new Error(`src/crypto and @scure/bip32 disagree on ${JSON.stringify(ref)}`);
  }
  return plain;
}

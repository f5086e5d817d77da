import { secp256k1 } from '@noble/curves/secp256k1';
import { p2tr } from '@scure/btc-signer';
import { REGTEST } from '../../emulator/chain/regtest.js';

/** A new regtest key-path taproot address, whose key is dropped: a sweep destination that only the test's own funds reach. */
export function freshAddress(): string {
  const address = p2tr(secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true).subarray(1), undefined, REGTEST).address;
  if (address === undefined) throw new Error('no address');
  return address;
}

/**
 * The deposit address proof of possession message, "V2" tagged hash (SDK utils/proof.ts and
 * utils/hashstructure.ts, as written out in docs/sdk-wire.md, section "Deposit address generation"):
 *   tag = SHA256(len‖"spark" ‖ len‖"deposit" ‖ len‖"proof_of_possession"), lengths u64 BE
 *   msg = SHA256(tag ‖ tag ‖ len‖identity ‖ len‖operatorKey ‖ len‖utf8(address))
 * It is signed (BIP340) by the taproot-tweaked operator key of the address.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { concatBytes } from '../crypto.js';

function lp(b: Uint8Array): Uint8Array {
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(b.length));
  return concatBytes(len, b);
}

const TAG = sha256(concatBytes(lp(utf8ToBytes('spark')), lp(utf8ToBytes('deposit')), lp(utf8ToBytes('proof_of_possession'))));

export function proofOfPossessionMessage(identityPublicKey: Uint8Array, operatorPublicKey: Uint8Array, address: string): Uint8Array {
  return sha256(concatBytes(TAG, TAG, lp(identityPublicKey), lp(operatorPublicKey), lp(utf8ToBytes(address))));
}

/** The digest each non-coordinator operator signs with its identity key (DER ECDSA). */
export function addressSignatureDigest(address: string): Uint8Array {
  return sha256(utf8ToBytes(address));
}

/**
 * The operator's identity key: generated at first start, kept in <dataDir>/identity.key (hex,
 * mode 0600), reused on restart. It signs deposit addresses and keys the authn HMACs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/curves/utils.js';
import { OperatorError } from './errors.js';

export interface IdentityKey {
  readonly privateKey: Uint8Array;
  /** 33-byte compressed. */
  readonly publicKey: Uint8Array;
  readonly publicKeyHex: string;
}

export function loadOrCreateIdentity(dataDir: string): IdentityKey {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'identity.key');
  let priv: Uint8Array;
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new OperatorError('FAILED_PRECONDITION', `${file} is not a 32-byte hex key`);
    priv = hexToBytes(hex);
    if (!secp256k1.utils.isValidSecretKey(priv)) throw new OperatorError('FAILED_PRECONDITION', `${file} is not a valid secp256k1 key`);
  } else {
    priv = secp256k1.utils.randomSecretKey();
    writeFileSync(file, bytesToHex(priv) + '\n', { mode: 0o600, flag: 'wx' });
  }
  const publicKey = secp256k1.getPublicKey(priv, true);
  return { privateKey: priv, publicKey, publicKeyHex: bytesToHex(publicKey) };
}

/** DER, low-S ECDSA over SHA-256(utf8(address)): the address signature the SDK checks (docs/sdk-wire.md,
 * "Deposit address generation"). */
export function signDigestDer(identity: IdentityKey, digest: Uint8Array): Uint8Array {
  // noble 1.9: the legacy API signs the 32-byte digest as given (no prehash), RFC 6979, low-S.
  return secp256k1.sign(digest, identity.privateKey, { lowS: true }).toDERRawBytes();
}

import { xchacha20poly1305 } from '@noble/ciphers/chacha';
import { hkdf } from '@noble/hashes/hkdf';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { TrezorError } from './errors.js';
import { SEAL_INDEX, SPARK_PURPOSE } from './paths.js';

/**
 * The sealed-seed format, version 1: a Spark seed encrypted with XChaCha20-Poly1305 under a key
 * derived from a random 32-byte secret, and that secret encrypted by the Trezor with SLIP-0011.
 *
 * SLIP-0011 alone is AES-256-CBC with no integrity: a wrong device, passphrase or modified value
 * decrypts to garbage without an error. The AEAD layer turns each of those into a refusal, and its
 * associated data binds every header field (device binding, path, key string, prompt flags, the
 * SLIP-0011 ciphertext and IV), so no field can be altered or swapped in from another blob.
 */
export const SEALED_SEED_FORMAT = 'spark-trezor-sealed-seed';
export const SEALED_SEED_VERSION = 1;

/** Length of the secret the Trezor encrypts (a multiple of 16, as SLIP-0011's AES-CBC needs). */
export const SEAL_SECRET_BYTES = 32;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const IV_BYTES = 16;
/** Spark seeds: 32 random bytes, or the 64-byte BIP39 seed of a mnemonic. */
export const MIN_SEED_BYTES = 16;
export const MAX_SEED_BYTES = 64;

/** The file's content. Every field is public; the seed is only in `ciphertext`. */
export interface SealedSeed {
  format: typeof SEALED_SEED_FORMAT;
  version: typeof SEALED_SEED_VERSION;
  /** BIP32 path of the Trezor key that seals (SLIP-0011). */
  path: string;
  /** SLIP-0011 key string: what the Trezor shows on its "Decrypt value" screen. */
  keyString: string;
  askOnEncrypt: boolean;
  askOnDecrypt: boolean;
  /** False: the standard wallet (connect's useEmptyPassphrase). True: a passphrase wallet. */
  passphraseWallet: boolean;
  /** Hex SHA-256 tag of the Trezor's public key at `path`: which device (and passphrase) sealed. */
  deviceBinding: string;
  /** Hex SLIP-0011 IV (16 bytes) and the SLIP-0011 ciphertext of the seal secret (32 bytes). */
  slip11Iv: string;
  slip11Value: string;
  /** Hex XChaCha20-Poly1305 nonce (24 bytes) and ciphertext of the seed with its 16-byte tag. */
  nonce: string;
  ciphertext: string;
}

/** The header: everything but the AEAD ciphertext. All of it is authenticated. */
export type SealedSeedHeader = Omit<SealedSeed, 'ciphertext'>;

const DOMAIN = `${SEALED_SEED_FORMAT}/v${SEALED_SEED_VERSION}`;
const SEAL_PATH_PATTERN = new RegExp(`^m/${SPARK_PURPOSE}'/(0|[1-9]\\d{0,9})'/${SEAL_INDEX}'$`);

/** The device binding for a Trezor public key at the sealing path. */
export function deviceBindingOf(publicKey: Uint8Array): string {
  return bytesToHex(sha256(concatBytes(utf8ToBytes(`${DOMAIN} device`), publicKey)));
}

/** The associated data: every header field, in a fixed order. */
export function associatedData(h: SealedSeedHeader): Uint8Array {
  const fields = [h.format, h.version, h.path, h.keyString, h.askOnEncrypt, h.askOnDecrypt, h.passphraseWallet, h.deviceBinding, h.slip11Iv, h.slip11Value, h.nonce];
  return utf8ToBytes(`${DOMAIN}\n${JSON.stringify(fields)}`);
}

function keyEncryptionKey(secret: Uint8Array, deviceBinding: string): Uint8Array {
  return hkdf(sha256, secret, hexToBytes(deviceBinding), utf8ToBytes(`${DOMAIN} kek`), 32);
}

/** Encrypts `seed` under the seal secret; the caller has filled the header's SLIP-0011 fields. */
export function sealWithSecret(header: SealedSeedHeader, secret: Uint8Array, seed: Uint8Array): SealedSeed {
  if (seed.length < MIN_SEED_BYTES || seed.length > MAX_SEED_BYTES) throw new TrezorError('BAD_INPUT', `a Spark seed is ${MIN_SEED_BYTES} to ${MAX_SEED_BYTES} bytes, got ${seed.length}`);
  checkHeader(header);
  const kek = keyEncryptionKey(secret, header.deviceBinding);
  try {
    const ciphertext = xchacha20poly1305(kek, hexToBytes(header.nonce), associatedData(header)).encrypt(seed);
    return { ...header, ciphertext: bytesToHex(ciphertext) };
  } finally {
    kek.fill(0);
  }
}

/** Decrypts the seed with the seal secret; a modified blob or a wrong secret is TAMPERED. The caller owns (and wipes) the result. */
export function openWithSecret(blob: SealedSeed, secret: Uint8Array): Uint8Array {
  const kek = keyEncryptionKey(secret, blob.deviceBinding);
  try {
    return xchacha20poly1305(kek, hexToBytes(blob.nonce), associatedData(blob)).decrypt(hexToBytes(blob.ciphertext));
  } catch {
    throw new TrezorError('TAMPERED', 'the sealed seed failed authentication: the file was modified, mixed with another seal, or the Trezor returned a different secret');
  } finally {
    kek.fill(0);
  }
}

/** Parses and validates a sealed seed file's JSON; anything unexpected is MALFORMED. */
export function parseSealedSeed(text: string): SealedSeed {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TrezorError('MALFORMED', 'the sealed seed file is not JSON');
  }
  if (typeof raw !== 'object' || raw === null) throw new TrezorError('MALFORMED', 'the sealed seed file is not a JSON object');
  const o = raw as Record<string, unknown>;
  if (o.format !== SEALED_SEED_FORMAT) throw new TrezorError('MALFORMED', `not a sealed Spark seed (format ${JSON.stringify(o.format)})`);
  if (o.version !== SEALED_SEED_VERSION) throw new TrezorError('MALFORMED', `sealed seed version ${JSON.stringify(o.version)} is not supported (this build reads version ${SEALED_SEED_VERSION})`);
  const str = (k: string): string => {
    if (typeof o[k] !== 'string') throw new TrezorError('MALFORMED', `sealed seed field "${k}" must be a string`);
    return o[k];
  };
  const bool = (k: string): boolean => {
    if (typeof o[k] !== 'boolean') throw new TrezorError('MALFORMED', `sealed seed field "${k}" must be a boolean`);
    return o[k];
  };
  const blob: SealedSeed = {
    format: SEALED_SEED_FORMAT,
    version: SEALED_SEED_VERSION,
    path: str('path'),
    keyString: str('keyString'),
    askOnEncrypt: bool('askOnEncrypt'),
    askOnDecrypt: bool('askOnDecrypt'),
    passphraseWallet: bool('passphraseWallet'),
    deviceBinding: str('deviceBinding'),
    slip11Iv: str('slip11Iv'),
    slip11Value: str('slip11Value'),
    nonce: str('nonce'),
    ciphertext: str('ciphertext'),
  };
  checkHeader(blob);
  const ctLen = hexLength(blob.ciphertext, 'ciphertext');
  if (ctLen < MIN_SEED_BYTES + TAG_BYTES || ctLen > MAX_SEED_BYTES + TAG_BYTES) throw new TrezorError('MALFORMED', `sealed seed ciphertext has ${ctLen} bytes, outside the range of a sealed seed`);
  const extra = Object.keys(o).filter((k) => !(k in blob));
  if (extra.length > 0) throw new TrezorError('MALFORMED', `sealed seed has unknown fields: ${extra.join(', ')}`);
  return blob;
}

/** The file's text: one JSON object, fields in a fixed order. */
export function serializeSealedSeed(blob: SealedSeed): string {
  return `${JSON.stringify(blob, null, 2)}\n`;
}

function checkHeader(h: SealedSeedHeader): void {
  // Only the Spark sealing path: a file must not steer the Trezor to derive keys anywhere else.
  if (!SEAL_PATH_PATTERN.test(h.path)) throw new TrezorError('MALFORMED', `sealed seed path must be a Spark sealing path m/${SPARK_PURPOSE}'/<account>'/${SEAL_INDEX}', got ${h.path}`);
  if (h.keyString.length === 0 || h.keyString.length > 256) throw new TrezorError('MALFORMED', 'sealed seed key string must be 1 to 256 characters (SLIP-0011 on the Trezor One caps it at 256)');
  if (!h.askOnDecrypt) throw new TrezorError('MALFORMED', 'sealed seed must ask on decrypt: unlocking without a button press on the Trezor is refused');
  expectHex(h.deviceBinding, 32, 'deviceBinding');
  expectHex(h.slip11Iv, IV_BYTES, 'slip11Iv');
  expectHex(h.slip11Value, SEAL_SECRET_BYTES, 'slip11Value');
  expectHex(h.nonce, NONCE_BYTES, 'nonce');
}

function hexLength(s: string, what: string): number {
  if (!/^([0-9a-f]{2})*$/.test(s)) throw new TrezorError('MALFORMED', `sealed seed field "${what}" must be lowercase hex`);
  return s.length / 2;
}

function expectHex(s: string, bytes: number, what: string): void {
  const n = hexLength(s, what);
  if (n !== bytes) throw new TrezorError('MALFORMED', `sealed seed field "${what}" must be ${bytes} bytes, got ${n}`);
}

export { IV_BYTES as SLIP11_IV_BYTES, NONCE_BYTES as SEAL_NONCE_BYTES };

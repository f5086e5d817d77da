import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils';
import { callTrezor, DEFAULT_CALL_TIMEOUT_MS } from './call.js';
import type { TrezorConnectApi } from './connect-api.js';
import { TrezorError } from './errors.js';
import { parsePath, sealPath } from './paths.js';
import {
  deviceBindingOf,
  openWithSecret,
  SEAL_NONCE_BYTES,
  SEAL_SECRET_BYTES,
  SEALED_SEED_FORMAT,
  SEALED_SEED_VERSION,
  sealWithSecret,
  SLIP11_IV_BYTES,
  type SealedSeed,
  type SealedSeedHeader,
} from './sealed-seed.js';

/** What the Trezor shows on its "Decrypt value" / "Encrypt value" screen (SLIP-0011 key string). */
export const DEFAULT_KEY_STRING = 'Unlock Spark wallet?';

export interface SealOptions {
  /** Spark account whose sealing path is used, default 0. */
  account?: number;
  keyString?: string;
  /** Seal under a passphrase wallet (connect prompts for the passphrase). Default false. */
  passphraseWallet?: boolean;
  /** Per-call limit, including the user's button press. */
  timeoutMs?: number;
}

export interface UnsealOptions {
  timeoutMs?: number;
}

/**
 * Seals a Spark seed with the connected Trezor: one public-key read (the device binding) and one
 * SLIP-0011 encryption of a fresh random secret, which the user confirms on the Trezor
 * (ask-on-encrypt). The seed itself never goes to the device.
 */
export async function sealSeed(connect: TrezorConnectApi, seed: Uint8Array, options: SealOptions = {}): Promise<SealedSeed> {
  const path = sealPath(options.account ?? 0);
  const keyString = options.keyString ?? DEFAULT_KEY_STRING;
  const passphraseWallet = options.passphraseWallet ?? false;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const deviceBinding = await readDeviceBinding(connect, path, passphraseWallet, timeoutMs);
  const secret = randomBytes(SEAL_SECRET_BYTES);
  try {
    const slip11Iv = bytesToHex(randomBytes(SLIP11_IV_BYTES));
    const encrypted = await callTrezor(
      'sealing the Spark seed (SLIP-0011 encrypt)',
      () => connect.cipherKeyValue({ path, key: keyString, value: bytesToHex(secret), encrypt: true, askOnEncrypt: true, askOnDecrypt: true, iv: slip11Iv, useEmptyPassphrase: !passphraseWallet }),
      timeoutMs,
    );
    const slip11Value = checkedHex(encrypted.value, SEAL_SECRET_BYTES, 'the SLIP-0011 ciphertext');
    const header: SealedSeedHeader = {
      format: SEALED_SEED_FORMAT,
      version: SEALED_SEED_VERSION,
      path,
      keyString,
      askOnEncrypt: true,
      askOnDecrypt: true,
      passphraseWallet,
      deviceBinding,
      slip11Iv,
      slip11Value: bytesToHex(slip11Value),
      nonce: bytesToHex(randomBytes(SEAL_NONCE_BYTES)),
    };
    const blob = sealWithSecret(header, secret, seed);
    // Read it back through the device before anyone relies on the blob: a seal that cannot be
    // opened would lose the wallet. This is a second confirmation on the Trezor.
    const check = await unsealSeed(connect, blob, { timeoutMs });
    const same = check.length === seed.length && check.every((b, i) => b === seed[i]);
    check.fill(0);
    if (!same) throw new TrezorError('BAD_RESPONSE', 'the Trezor did not decrypt the new seal back to the same seed; nothing was sealed');
    return blob;
  } finally {
    secret.fill(0);
  }
}

/**
 * Unseals: checks that the connected Trezor is the one that sealed (no prompt), then asks it to
 * decrypt the seal secret (the user confirms on the Trezor), then authenticates and decrypts the
 * seed. Returns the seed; the caller wipes it.
 */
export async function unsealSeed(connect: TrezorConnectApi, blob: SealedSeed, options: UnsealOptions = {}): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const binding = await readDeviceBinding(connect, blob.path, blob.passphraseWallet, timeoutMs);
  if (binding !== blob.deviceBinding) {
    throw new TrezorError('WRONG_DEVICE', `this seed was sealed by another Trezor${blob.passphraseWallet ? ' or another passphrase' : ''} (device binding ${blob.deviceBinding.slice(0, 8)}…, connected ${binding.slice(0, 8)}…)`);
  }
  const decrypted = await callTrezor(
    'unsealing the Spark seed (SLIP-0011 decrypt)',
    () =>
      connect.cipherKeyValue({
        path: blob.path,
        key: blob.keyString,
        value: blob.slip11Value,
        encrypt: false,
        askOnEncrypt: blob.askOnEncrypt,
        askOnDecrypt: blob.askOnDecrypt,
        iv: blob.slip11Iv,
        useEmptyPassphrase: !blob.passphraseWallet,
      }),
    timeoutMs,
  );
  const secret = checkedHex(decrypted.value, SEAL_SECRET_BYTES, 'the SLIP-0011 plaintext');
  try {
    return openWithSecret(blob, secret);
  } finally {
    secret.fill(0);
  }
}

async function readDeviceBinding(connect: TrezorConnectApi, path: string, passphraseWallet: boolean, timeoutMs: number): Promise<string> {
  // A Spark path's second level is the account, which connect would read as a SLIP-44 coin type:
  // name the coin and allow the cross-chain path (connect api/common/paramsValidator.js).
  const node = await callTrezor(
    `reading the Trezor's public key at ${path}`,
    () => connect.getPublicKey({ path, coin: 'btc', crossChain: true, showOnTrezor: false, useEmptyPassphrase: !passphraseWallet }),
    timeoutMs,
  );
  const expected = parsePath(path);
  if (node.path.length !== expected.length || node.path.some((n, i) => n !== expected[i])) throw new TrezorError('BAD_RESPONSE', `asked for the key at ${path}, got one at ${node.serializedPath}`);
  const publicKey = checkedHex(node.publicKey, 33, 'the public key');
  return deviceBindingOf(publicKey);
}

function checkedHex(value: string, bytes: number, what: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(value) || value.length !== bytes * 2) throw new TrezorError('BAD_RESPONSE', `${what} from the Trezor must be ${bytes} bytes of hex`);
  return hexToBytes(value.toLowerCase());
}

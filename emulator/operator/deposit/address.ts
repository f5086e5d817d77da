/**
 * Deposit addresses: P2TR (segwit v1, bech32m) of the verifying key P = operator key + user leaf
 * key, with the BIP-86 style key-path-only tweak; HRP "bcrt" for the SDK's LOCAL and REGTEST
 * networks (docs/sdk-wire.md, section "Deposit address generation"; SDK utils/bitcoin.ts and
 * utils/network.ts).
 */
import { Address, OutScript, p2tr } from '@scure/btc-signer';
import { bytesToHex, pointFromBytes, pointToBytes } from '../crypto.js';

/** Bitcoin regtest parameters (bech32 HRP bcrt; base58 prefixes of testnet/regtest). */
export const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef } as const;

/** The SDK's Network enum value for LOCAL/REGTEST wallets (SDK utils/network.ts). */
export const SPARK_NETWORK_REGTEST = 2;

/** operator key + user key (compressed point addition). */
export function addPublicKeys(a: Uint8Array, b: Uint8Array): Uint8Array {
  return pointToBytes(pointFromBytes(a, 'operator public key').add(pointFromBytes(b, 'user public key')), 'verifying key');
}

/** Scripts by key (hex), see p2trScript. */
const scripts = new Map<string, Uint8Array>();

/**
 * The P2TR output script of a key. The taproot tweak behind it is a curve multiplication; a
 * transfer rebuilds the refunds to the same destination key for each of its leaves on each of
 * its steps, so the scripts are kept (a pure function of the key); each caller gets its own copy.
 */
export function p2trScript(verifyingKey: Uint8Array): Uint8Array {
  const key = bytesToHex(verifyingKey);
  let script = scripts.get(key);
  if (script === undefined) {
    script = p2tr(verifyingKey.subarray(1, 33), undefined, REGTEST).script;
    if (scripts.size >= 10_000) scripts.clear();
    scripts.set(key, script);
  }
  return Uint8Array.from(script);
}

export function depositAddress(verifyingKey: Uint8Array): string {
  return p2tr(verifyingKey.subarray(1, 33), undefined, REGTEST).address as string;
}

/** The bcrt address an output script pays to, or undefined for scripts without one (OP_RETURN, P2A…). */
export function addressOfScript(script: Uint8Array): string | undefined {
  try {
    return Address(REGTEST).encode(OutScript.decode(script));
  } catch {
    return undefined;
  }
}

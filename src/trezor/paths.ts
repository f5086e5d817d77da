import { TrezorError } from './errors.js';

const HARDENED = 0x8000_0000;

/** Spark's BIP32 purpose, 8797555' (the last 3 bytes of sha256("spark")): docs/keys-and-frost.md, "Spark keys". */
export const SPARK_PURPOSE = 8797555;

/**
 * The index under a Spark account where the Trezor derives its SLIP-0011 sealing key. The SDK
 * uses indices 0' to 4' (identity, signing, deposit, static deposit, HTLC preimage); 11' (for
 * SLIP-0011) is none of them, so the sealing key is no key the Spark protocol ever uses.
 */
export const SEAL_INDEX = 11;

/** The sealing path `m/8797555'/<account>'/11'`. */
export function sealPath(account = 0): string {
  checkIndex(account, 'account');
  return `m/${SPARK_PURPOSE}'/${account}'/${SEAL_INDEX}'`;
}

/** BIP86 on test networks (regtest included) uses coin type 1' (SLIP-44 "Testnet"). */
export const BIP86_TESTNET_COIN_TYPE = 1;

/** `m/86'/<coinType>'/<account>'/<change>/<index>` as connect's `address_n` array. */
export function bip86AddressN(account: number, change: 0 | 1, index: number, coinType = BIP86_TESTNET_COIN_TYPE): number[] {
  checkIndex(account, 'account');
  checkIndex(index, 'address index');
  return [86 + HARDENED, coinType + HARDENED, account + HARDENED, change, index];
}

/** Parses `m/a'/b/...` into BIP32 indices; `'` or `h` marks a hardened index. */
export function parsePath(path: string): number[] {
  const parts = path.split('/');
  if (parts[0] !== 'm') throw new TrezorError('BAD_INPUT', `derivation path must start with "m/": ${path}`);
  return parts.slice(1).map((part) => {
    const hardened = part.endsWith("'") || part.endsWith('h');
    const digits = hardened ? part.slice(0, -1) : part;
    if (!/^\d+$/.test(digits)) throw new TrezorError('BAD_INPUT', `bad path component "${part}" in ${path}`);
    const n = Number(digits);
    checkIndex(n, `component of ${path}`);
    return hardened ? n + HARDENED : n;
  });
}

/** Formats BIP32 indices as `m/a'/b`. */
export function formatPath(indices: readonly number[]): string {
  return ['m', ...indices.map((i) => (i >= HARDENED ? `${i - HARDENED}'` : String(i)))].join('/');
}

function checkIndex(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n >= HARDENED) throw new TrezorError('BAD_INPUT', `${what} must be an integer in [0, 2^31), got ${n}`);
}
